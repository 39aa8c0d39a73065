package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"time"

	"github.com/matcalc/matcalc/web"
	"github.com/spf13/cobra"
)

type serveOptions struct {
	addr   string
	export string
}

func newCmdServe() *cobra.Command {
	o := &serveOptions{}
	cmd := &cobra.Command{
		Use:   "serve [--addr HOST:PORT]",
		Short: "Serve the playground: matcalc in the browser, deriving as you type",
		Long: `serve serves the playground, a page that runs matcalc in the browser (the
engine compiled to WebAssembly, KaTeX bundled: no request leaves the page),
and prints its address. Run inside matcalc's source tree (go run ./cmd/matcalc
serve), it first builds the engine from the source with the go command;
elsewhere it serves the engine built into the binary.
--export DIR writes the whole site into DIR for any static host and exits.`,
		Example: `  matcalc serve
  matcalc serve --addr 127.0.0.1:9000
  matcalc serve --export site/`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.run(cmd)
		},
	}
	cmd.Flags().StringVar(&o.addr, "addr", "127.0.0.1:8080", "address to listen on, HOST:PORT (port 0 picks a free one)")
	cmd.Flags().StringVar(&o.export, "export", "", "write the static site into this folder instead of serving it")
	return cmd
}

// site returns the playground's files with a current engine: built from the
// source tree when matcalc runs inside one, else the embedded one.
func (o *serveOptions) site(cmd *cobra.Command) (fs.FS, error) {
	site := web.Files()
	wd, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	if root := web.ModuleRoot(wd); root != "" {
		cache, err := os.UserCacheDir()
		if err != nil {
			cache = os.TempDir()
		}
		dir := filepath.Join(cache, "matcalc", "web-engine")
		fmt.Fprintf(cmd.ErrOrStderr(), "matcalc serve: building the engine from %s (GOOS=js GOARCH=wasm)…\n", root)
		start := time.Now()
		if err := web.BuildEngine(root, dir); err != nil {
			return nil, err
		}
		fmt.Fprintf(cmd.ErrOrStderr(), "matcalc serve: engine built in %.1f s\n", time.Since(start).Seconds())
		return web.WithEngine(site, dir), nil
	}
	if !web.HasEngine(site) {
		return nil, errors.New("this matcalc was built without the playground's engine: run `go run ./cmd/matcalc serve` inside matcalc's source tree, or build matcalc after scripts/web-build.sh --embed")
	}
	return site, nil
}

func (o *serveOptions) run(cmd *cobra.Command) error {
	site, err := o.site(cmd)
	if err != nil {
		return err
	}
	if o.export != "" {
		if err := web.Export(site, o.export); err != nil {
			return err
		}
		fmt.Fprintf(cmd.OutOrStdout(), "the playground is in %s: open index.html through any static web server\n", o.export)
		return nil
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return usagef("--addr %s: %v", o.addr, err)
	}
	srv := &http.Server{Handler: web.Handler(site), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(cmd.OutOrStdout(), "matcalc playground on http://%s/ (Ctrl-C stops it)\n", ln.Addr())
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
	defer stop()
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		srv.Shutdown(shut)
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
