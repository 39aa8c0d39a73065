// Package katex checks LaTeX with KaTeX, the renderer web pages use, by
// running tools/katex/render.js under Node.js. Tests of every package that
// prints LaTeX call Check once with all their strings: one node process per
// test binary.
//
// KaTeX is installed by scripts/katex-setup.sh (npm ci with the committed
// package-lock.json). When node or the package is missing, Check skips the
// test with a message that says what to install, except under CI=true,
// where it fails: unchecked LaTeX cannot pass CI.
package katex

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// ErrMissing is wrapped by the error of Render when node or the katex
// package is not installed.
var ErrMissing = errors.New("KaTeX is not installed: run scripts/katex-setup.sh")

// Dir returns the directory of render.js: tools/katex in the module that
// holds the current directory, else the one this file was compiled from.
func Dir() (string, error) {
	wd, err := os.Getwd()
	if err == nil {
		for d := wd; ; d = filepath.Dir(d) {
			if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
				dir := filepath.Join(d, "tools", "katex")
				if _, err := os.Stat(filepath.Join(dir, "render.js")); err == nil {
					return dir, nil
				}
				break
			}
			if filepath.Dir(d) == d {
				break
			}
		}
	}
	if _, file, _, ok := runtime.Caller(0); ok {
		dir := filepath.Dir(file)
		if _, err := os.Stat(filepath.Join(dir, "render.js")); err == nil {
			return dir, nil
		}
	}
	return "", errors.New("katex: cannot find tools/katex/render.js")
}

// Render renders every string of texs with KaTeX in display mode, with
// throwOnError and strict mode. The error names each string that fails; it
// wraps ErrMissing when node or katex is not installed.
func Render(texs []string) error {
	dir, err := Dir()
	if err != nil {
		return err
	}
	return renderIn(dir, texs)
}

// renderIn runs the render.js of dir.
func renderIn(dir string, texs []string) error {
	node, err := exec.LookPath("node")
	if err != nil {
		return fmt.Errorf("node is not on PATH: %w", ErrMissing)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "katex", "package.json")); err != nil {
		return fmt.Errorf("%s has no node_modules/katex: %w", dir, ErrMissing)
	}
	if texs == nil {
		texs = []string{}
	}
	in, err := json.Marshal(texs)
	if err != nil {
		return err
	}
	cmd := exec.Command(node, filepath.Join(dir, "render.js"))
	cmd.Dir = dir
	cmd.Stdin = bytes.NewReader(in)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) && exit.ExitCode() == 3 {
			return fmt.Errorf("%s: %w", strings.TrimSpace(stderr.String()), ErrMissing)
		}
		return fmt.Errorf("katex: %v\n%s%s", err, stderr.String(), stdout.String())
	}
	return nil
}

// Check renders texs with Render and fails t on any error; when KaTeX is
// not installed it calls Missing.
func Check(t testing.TB, texs []string) {
	t.Helper()
	if err := Render(texs); err != nil {
		if errors.Is(err, ErrMissing) {
			Missing(t, "%v", err)
		}
		t.Fatal(err)
	}
	t.Logf("KaTeX rendered %d strings", len(texs))
}

// Missing reports a tool a test needs that is not installed (node, KaTeX,
// pdflatex, a browser): the message says what to run. Under CI=true, where
// the test script installs everything, it fails the test; elsewhere it
// skips it, so that go test ./... passes on a bare machine.
func Missing(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("CI=true and a tool is missing: "+format, args...)
	}
	t.Skipf("skipped, a tool is missing: "+format, args...)
}

// Displays returns the display math of a LaTeX document, such as
// render.Standalone writes, each as KaTeX takes it: \[ x \] as x, the rows
// of an align* environment as an aligned block. An unterminated display is
// returned as a string KaTeX rejects.
func Displays(doc string) []string {
	var out []string
	rest := doc
	for {
		i := strings.Index(rest, "\\[\n")
		j := strings.Index(rest, "\\begin{align*}\n")
		switch {
		case i < 0 && j < 0:
			return out
		case j < 0 || i >= 0 && i < j:
			body, after, ok := strings.Cut(rest[i+3:], "\n\\]")
			if !ok {
				return append(out, `\unterminated{\[}`)
			}
			out = append(out, body)
			rest = after
		default:
			rows, after, ok := strings.Cut(rest[j+len("\\begin{align*}\n"):], "\n\\end{align*}")
			if !ok {
				return append(out, `\unterminated{align*}`)
			}
			out = append(out, "\\begin{aligned}\n"+rows+"\n\\end{aligned}")
			rest = after
		}
	}
}
