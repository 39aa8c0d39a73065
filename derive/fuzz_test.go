package derive_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/derive"
	"github.com/matcalc/matcalc/parser"
	"github.com/matcalc/matcalc/render"
)

// FuzzPipeline runs parse → shapes → derive → print → parse on any input:
// nothing may panic, and every definition and derivative that matcalc
// prints, in Unicode and in ASCII, must parse back to the same tree.
// Seeded with the formulas of ../examples.
func FuzzPipeline(f *testing.F) {
	for _, s := range []string{"uᵀf(Wx+b)", "(x+y)*max(y,z)", "xᵀAx", "‖Ax−b‖² + λ‖x‖²",
		"-yᵀlog(softmax(U relu(Wx+b₁)+b₂))", "tr(AXB) + logdet(X)", "sum(exp(x) ./ y)", "x^3", "softmax(θ)",
		// through matrices that depend on a vector (the contraction of forward.go)
		"(A ∘ (xxᵀ)B)y", "diag(inv(A + diag(x))B)", "‖tanh(A diag(x))b‖²", "(X ./ (xyᵀ))z",
		"max(xxᵀ, A)ᵀy", "sum(A ./ (xxᵀ + 2))"} {
		f.Add(s)
	}
	files, _ := filepath.Glob("../examples/*.mc")
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			if _, rhs, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") {
				f.Add(strings.TrimSpace(rhs))
			}
		}
	}
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 200 {
			return // keep each case fast
		}
		e, err := parser.ParseExpr(src)
		if err != nil {
			return
		}
		info, err := ast.Infer(e, nil, nil)
		if err != nil {
			return
		}
		for _, order := range []int{1, 2} {
			res, err := derive.Derive(e, info, derive.Options{Order: order})
			if err != nil {
				continue
			}
			exprs := []ast.Expr{res.Func}
			for _, d := range res.Defs {
				exprs = append(exprs, d.Expr)
			}
			for _, d := range res.Derivs {
				exprs = append(exprs, d.Expr)
			}
			for _, x := range exprs {
				for _, text := range []string{ast.String(x), ast.ASCII(x)} {
					back, err := (&parser.Config{Decls: res.DirDecls()}).ParseExpr(text)
					if err != nil {
						t.Fatalf("%s: printed %q does not parse: %v", src, text, err)
					}
					if !ast.Equal(back, x) {
						t.Fatalf("%s: printed %q parses to %s", src, text, ast.String(back))
					}
				}
			}
			_ = render.LaTeXResult(res, render.LaTeXOptions{Shapes: res.Env()})
			if order == 1 && (res.FuncShape.IsScalar() || res.FuncShape.IsVector()) {
				if _, err := derive.Steps(e, info, res); err != nil && !strings.Contains(err.Error(), "not supported") {
					t.Fatalf("%s: steps: %v", src, err)
				}
			}
		}
	})
}
