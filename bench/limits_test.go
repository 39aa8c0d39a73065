package bench

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/matcalc/matcalc/internal/hostile"
)

var (
	matcalcOnce sync.Once
	matcalcBin  string
	matcalcErr  error
)

// matcalcBinary builds cmd/matcalc once, so that each hostile input runs
// as the user runs it: a process whose time and peak memory are measured.
func matcalcBinary(b *testing.B) string {
	matcalcOnce.Do(func() {
		dir, err := os.MkdirTemp("", "matcalc-limits")
		if err != nil {
			matcalcErr = err
			return
		}
		matcalcBin = filepath.Join(dir, "matcalc")
		out, err := exec.Command("go", "build", "-o", matcalcBin, "../cmd/matcalc").CombinedOutput()
		if err != nil {
			matcalcErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if matcalcErr != nil {
		b.Fatal(matcalcErr)
	}
	return matcalcBin
}

// maxArg is the longest argument given on the command line; a longer
// formula is read from stdin.
const maxArg = 64 << 10

// BenchmarkLimits runs every family of internal/hostile at each of its
// sizes as a matcalc process (killed after 60 s) and reports its time, its
// peak memory (maxrss-MB) and whether it ended with a result (exit 0) or an
// error at a limit (exit 1). bench/limits.sh prints the table.
func BenchmarkLimits(b *testing.B) {
	bin := matcalcBinary(b)
	for _, f := range hostile.Families {
		for _, n := range f.Sizes {
			b.Run(fmt.Sprintf("%s/n=%d", strings.ReplaceAll(f.Name, " ", "_"), n), func(b *testing.B) {
				args, files := f.Args(n)
				dir := b.TempDir()
				var stdin string
				for name, text := range files {
					if name == hostile.Stdin {
						stdin = text
						continue
					}
					if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
						b.Fatal(err)
					}
				}
				for i, a := range args {
					args[i] = strings.ReplaceAll(a, "DIR/", dir+"/")
					if len(a) > maxArg && stdin == "" && i > 0 {
						// Linux refuses one argument over 128 KiB
						// (E2BIG): the formula goes to stdin, "-".
						args[i], stdin = "-", a
					}
				}
				var rss int64
				code := 0
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
					cmd := exec.CommandContext(ctx, bin, args...)
					cmd.Stdin = strings.NewReader(stdin)
					var errb bytes.Buffer
					cmd.Stderr = &errb
					err := cmd.Run()
					timedOut := ctx.Err() == context.DeadlineExceeded
					cancel()
					if cmd.ProcessState == nil {
						b.Fatalf("%s did not start: %v", bin, err)
					}
					if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
						rss = max(rss, ru.Maxrss)
					}
					code = cmd.ProcessState.ExitCode()
					if timedOut {
						b.Fatalf("killed after 60 s")
					}
					if err != nil && code != 1 {
						b.Fatalf("exit %d: %s", code, errb.String())
					}
				}
				b.ReportMetric(float64(rss)/1024, "maxrss-MB")
				b.ReportMetric(float64(code), "exit")
			})
		}
	}
}
