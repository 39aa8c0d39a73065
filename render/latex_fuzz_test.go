package render

import (
	"os"
	"strings"
	"testing"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/parser"
)

// FuzzLaTeX parses a formula, renders it in bold and in plain style, and
// checks that the LaTeX reads back (through the translator of the
// round-trip test) to the same tree. Seeded from the parser's corpus of
// formulas and this package's cases; go test runs the seeds.
func FuzzLaTeX(f *testing.F) {
	if b, err := os.ReadFile("../parser/testdata/formulas.txt"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if line != "" && !strings.HasPrefix(line, "#") {
				f.Add(line)
			}
		}
	}
	for _, c := range latexCases {
		f.Add(ast.String(c.e))
	}
	f.Fuzz(func(t *testing.T, src string) {
		e, err := parser.ParseExpr(src)
		if err != nil || !lxReadable(e) {
			return
		}
		shapes := map[string]ast.Shape{}
		for _, name := range ast.Vars(e) {
			shapes[name] = latexShapes[name] // missing names: the zero Shape, bold
		}
		for _, plain := range []bool{false, true} {
			tex := LaTeX(e, LaTeXOptions{Shapes: shapes, Plain: plain})
			back, err := lxTranslate(tex)
			if err != nil {
				t.Fatalf("%s: LaTeX %s does not translate: %v", src, tex, err)
			}
			got, err := parser.ParseExpr(back)
			if err != nil {
				t.Fatalf("%s: LaTeX %s reads as %s, which does not parse: %v", src, tex, back, err)
			}
			if want := lxNormalize(e); !ast.Equal(lxNormalize(got), want) {
				t.Fatalf("%s: LaTeX %s reads back as %s, want %s", src, tex, ast.String(lxNormalize(got)), ast.String(want))
			}
		}
	})
}
