package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/matcalc/matcalc/tools/katex"
)

var update = flag.Bool("update", false, "rewrite the golden outputs of examples/")

// matcalc runs the command in-process and returns its output; it fails the
// test on a non-zero exit.
func matcalc(t *testing.T, args ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	if code := run(args, strings.NewReader(""), &out, &errb); code != 0 {
		t.Fatalf("matcalc %s: exit %d: %s", strings.Join(args, " "), code, errb.String())
	}
	return out.String()
}

// TestExamples derives every example formula file, compares the text and
// LaTeX outputs with the committed ones (-update rewrites them), checks
// every derivative against central finite differences, and renders all the
// LaTeX, with the step-by-step derivations, with KaTeX.
func TestExamples(t *testing.T) {
	files, err := filepath.Glob("../../examples/*.mc")
	if err != nil || len(files) == 0 {
		t.Fatalf("no examples: %v", err)
	}
	var tex []string
	for _, mc := range files {
		base := strings.TrimSuffix(mc, ".mc")
		for _, g := range []struct{ ext, format string }{{".txt", "text"}, {".tex", "latex"}} {
			got := matcalc(t, "derive", "-f", mc, "--format", g.format)
			golden := base + g.ext
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./cmd/matcalc -update)", err)
			}
			if got != string(want) {
				t.Errorf("%s: output changed:\n%s\nwant:\n%s", golden, got, want)
			}
			if g.format == "latex" {
				tex = append(tex, displays(got)...)
			}
		}
		if out := matcalc(t, "check", "-f", mc, "--trials", "2"); strings.Contains(out, "FAIL") {
			t.Errorf("%s: %s", mc, out)
		}
		if !strings.Contains(mc, "hessian") {
			tex = append(tex, displays(matcalc(t, "derive", "-f", mc, "--format", "latex", "--steps"))...)
			matcalc(t, "derive", "-f", mc, "--steps")
		}
		for _, style := range []string{"plain", "bold"} {
			doc := matcalc(t, "derive", "-f", mc, "--format", "latex", "--standalone", "--style", style)
			tex = append(tex, katex.Displays(doc)...)
		}
	}
	katex.Check(t, tex)
}

// displays splits --format latex output into its displays.
func displays(s string) []string {
	var out []string
	for _, d := range strings.Split(strings.TrimSpace(s), "\n\n") {
		if d = strings.TrimSpace(d); d != "" {
			out = append(out, d)
		}
	}
	return out
}
