package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/matcalc/matcalc/internal/hostile"
)

// runHostile runs matcalc in-process on the family's input at size n and
// returns the exit status, stderr and how long it took.
func runHostile(t testing.TB, f hostile.Family, n int) (int, string, int, time.Duration) {
	args, files := f.Args(n)
	dir := t.TempDir()
	var stdin string
	for name, text := range files {
		if name == hostile.Stdin {
			stdin = text
			continue
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for i, a := range args {
		args[i] = strings.ReplaceAll(a, "DIR/", dir+"/")
	}
	var out, errb bytes.Buffer
	start := time.Now()
	code := run(args, strings.NewReader(stdin), &out, &errb)
	return code, errb.String(), out.Len(), time.Since(start)
}

// slowInShort are the cases that take more than a second on a shared
// core; -short skips them.
var slowInShort = map[string]int{
	"nested tanh, --order 2":                      100,
	"check tr(XᵀX) at an n×n matrix (n² entries)": 100,
	"nested exp(exp(…))":                          100,
	"backprop --format svg of (x+y)(x+y)…":        1000,
}

// TestHostileFamilies runs every family of issue 12 at growing sizes: each
// ends with a result (exit 0) or with an error naming a limit (exit 1),
// never a crash or a hang.
func TestHostileFamilies(t *testing.T) {
	for _, f := range hostile.Families {
		for _, n := range f.Sizes {
			if m, ok := slowInShort[f.Name]; ok && n >= m && testing.Short() {
				continue
			}
			code, stderr, outLen, d := runHostile(t, f, n)
			t.Logf("%-45s n=%-6d exit %d  %6.2fs  %d bytes out  %.80s", f.Name, n, code, d.Seconds(), outLen, strings.TrimSpace(stderr))
			switch {
			case code == 0:
			case code == 1 && strings.Contains(stderr, "limit"):
			default:
				t.Errorf("%s at n=%d: exit %d, want a result or an error at a limit: %s", f.Name, n, code, stderr)
			}
		}
	}
}

// TestTimeout: --timeout stops a derivation that takes longer, with an
// error that names the flag, and check honours it too.
func TestTimeout(t *testing.T) {
	deep := strings.Repeat("tanh(", 900) + "x" + strings.Repeat(")", 900)
	for _, cmd := range []string{"derive", "check"} {
		var stdout, stderr bytes.Buffer
		start := time.Now()
		code := run([]string{cmd, "--order", "2", "--let", "x: scalar", "--timeout", "200ms", deep}, strings.NewReader(""), &stdout, &stderr)
		if code != 1 || !strings.Contains(stderr.String(), "stopped after 200ms (--timeout)") {
			t.Errorf("%s: exit %d, stderr %q; want exit 1 and the --timeout error", cmd, code, stderr.String())
		}
		if d := time.Since(start); d > 20*time.Second {
			t.Errorf("%s with --timeout 200ms took %v", cmd, d)
		}
	}
}
