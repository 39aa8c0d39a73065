// Package web is matcalc's playground: a page that derives as you type, with
// the engine compiled to WebAssembly and run in a Web Worker, so that it
// needs no server of ours and works offline. Its files (static/: the page,
// and the KaTeX it bundles) are embedded in matcalc; `matcalc serve` serves
// them, and Export writes them into one folder for any static host.
//
// The engine (static/engine/main.wasm and the wasm_exec.js of the Go that
// built it) is not committed. BuildEngine builds it from the source tree;
// `matcalc serve` does so at start when it runs inside the source tree (a
// fresh clone, or a changed one: the engine is always current), and
// otherwise serves the engine embedded when matcalc was built after
// `scripts/web-build.sh --embed`.
package web

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

//go:embed static
var static embed.FS

// Module is the module path of matcalc, which ModuleRoot looks for.
const Module = "github.com/matcalc/matcalc"

// EngineDir is the folder of the engine's files in the site.
const EngineDir = "engine"

// Files returns the embedded site: the page, KaTeX, and the engine when it
// was built in.
func Files() fs.FS {
	sub, err := fs.Sub(static, "static")
	if err != nil {
		panic(err) // the embed pattern guarantees the folder
	}
	return sub
}

// HasEngine reports whether fsys holds the engine.
func HasEngine(fsys fs.FS) bool {
	for _, name := range []string{"main.wasm", "wasm_exec.js"} {
		if _, err := fs.Stat(fsys, path.Join(EngineDir, name)); err != nil {
			return false
		}
	}
	return true
}

// ModuleRoot returns the root of matcalc's source tree that holds dir, or
// "" when dir is not inside one.
func ModuleRoot(dir string) string {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	for {
		if f, err := os.Open(filepath.Join(dir, "go.mod")); err == nil {
			sc := bufio.NewScanner(f)
			mod := ""
			for sc.Scan() {
				if m, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "module "); ok {
					mod = strings.Trim(strings.TrimSpace(m), `"`)
					break
				}
			}
			f.Close()
			if mod == Module {
				if _, err := os.Stat(filepath.Join(dir, "web", "wasm")); err == nil {
					return dir
				}
			}
			return ""
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// BuildEngine builds the engine of the source tree at root into dir:
// main.wasm (GOOS=js GOARCH=wasm, stripped) and the wasm_exec.js of the
// same Go. It runs the go command on the PATH; the build cache makes a
// rebuild without changes take a few seconds.
func BuildEngine(root, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp := filepath.Join(dir, ".main.wasm.tmp")
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", tmp, "./web/wasm")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("building the engine (GOOS=js GOARCH=wasm go build ./web/wasm): %v\n%s", err, out)
	}
	if err := os.Rename(tmp, filepath.Join(dir, "main.wasm")); err != nil {
		return err
	}
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return fmt.Errorf("go env GOROOT: %v", err)
	}
	goroot := strings.TrimSpace(string(out))
	var js []byte
	for _, p := range []string{"lib/wasm/wasm_exec.js", "misc/wasm/wasm_exec.js"} {
		if js, err = os.ReadFile(filepath.Join(goroot, p)); err == nil {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("wasm_exec.js is in neither lib/wasm nor misc/wasm of %s", goroot)
	}
	return os.WriteFile(filepath.Join(dir, "wasm_exec.js"), js, 0o644)
}

// WithEngine returns site with its engine folder read from dir.
func WithEngine(site fs.FS, dir string) fs.FS {
	return overlay{site, os.DirFS(dir)}
}

// overlay serves engine/… from engine and the rest from site.
type overlay struct{ site, engine fs.FS }

func (o overlay) Open(name string) (fs.File, error) {
	if rest, ok := strings.CutPrefix(name, EngineDir+"/"); ok {
		return o.engine.Open(rest)
	}
	return o.site.Open(name)
}

// Export writes the site into dir: every file of site, and a gzip copy of
// each compressible one (name.gz, for hosts that serve precompressed files).
func Export(site fs.FS, dir string) error {
	if !HasEngine(site) {
		return errors.New("the site has no engine: build it first")
	}
	// The engine is listed by name: an overlay's folders do not list it.
	names := []string{path.Join(EngineDir, "main.wasm"), path.Join(EngineDir, "wasm_exec.js")}
	err := fs.WalkDir(site, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && !strings.HasPrefix(d.Name(), ".") && !strings.HasPrefix(p, EngineDir+"/") {
			names = append(names, p)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, p := range names {
		out := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return err
		}
		b, err := fs.ReadFile(site, p)
		if err != nil {
			return err
		}
		if err := os.WriteFile(out, b, 0o644); err != nil {
			return err
		}
		if compressible(p) {
			if err := os.WriteFile(out+".gz", gzipBytes(b), 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}

func compressible(name string) bool {
	switch path.Ext(name) {
	case ".wasm", ".js", ".css", ".html", ".svg", ".json", ".txt":
		return true
	}
	return false
}

func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// ContentSecurityPolicy keeps every request of the page on its own origin:
// scripts, the worker, the engine, styles, fonts and images come from
// 'self' (the engine needs 'wasm-unsafe-eval' to compile, KaTeX inline
// styles), and nothing may be fetched from anywhere else.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; " +
	"worker-src 'self'; connect-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"font-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'none'"

// Handler serves site, gzip-compressed where the client accepts it (the
// engine shrinks to a quarter), with the Content-Security-Policy above.
func Handler(site fs.FS) http.Handler {
	h := &handler{site: site, gz: map[string][]byte{}}
	// The engine is compressed now rather than on the first request, which
	// would wait a second for it.
	wasm := path.Join(EngineDir, "main.wasm")
	if b, err := fs.ReadFile(site, wasm); err == nil {
		h.compressed(wasm, b)
	}
	return h
}

type handler struct {
	site fs.FS
	mu   sync.Mutex
	gz   map[string][]byte // compressed files, made on first request
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
	if name == "" {
		name = "index.html"
	}
	b, err := fs.ReadFile(h.site, name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) && name == path.Join(EngineDir, "main.wasm") {
			http.Error(w, "this matcalc was built without the playground's engine: run it inside the source tree, or build it after scripts/web-build.sh --embed", http.StatusNotFound)
			return
		}
		http.NotFound(w, r)
		return
	}
	hd := w.Header()
	ctype := mime.TypeByExtension(path.Ext(name))
	switch path.Ext(name) {
	case ".wasm":
		ctype = "application/wasm"
	case ".woff2":
		ctype = "font/woff2"
	case ".js":
		ctype = "text/javascript; charset=utf-8"
	}
	if ctype == "" {
		ctype = http.DetectContentType(b)
	}
	hd.Set("Content-Type", ctype)
	hd.Set("Content-Security-Policy", ContentSecurityPolicy)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Cache-Control", "no-cache")
	hd.Set("Vary", "Accept-Encoding")
	if compressible(name) && acceptsGzip(r) {
		b = h.compressed(name, b)
		hd.Set("Content-Encoding", "gzip")
	}
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(b))
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.TrimSpace(enc) == "gzip" && strings.ReplaceAll(q, " ", "") != "q=0" {
			return true
		}
	}
	return false
}

func (h *handler) compressed(name string, b []byte) []byte {
	h.mu.Lock()
	defer h.mu.Unlock()
	if z, ok := h.gz[name]; ok {
		return z
	}
	z := gzipBytes(b)
	h.gz[name] = z
	return z
}
