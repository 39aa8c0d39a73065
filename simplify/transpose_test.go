package simplify

import (
	"testing"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/eval"
)

// PushTransposes keeps the value and leaves transposes only on names and
// on what Go output stores whole (an inverse, a matrix power, a structural
// call).
func TestPushTransposes(t *testing.T) {
	env := ruleEnv()
	for _, src := range []string{
		"(Ax + b)ᵀ", "(AB)ᵀx", "((A + B)x)ᵀ", "tanh(Ax)ᵀ", "(x ∘ y)ᵀA", "(α x)ᵀ",
		"(AB)x", "xᵀ(AB)", "(A − B)x", "inv(A)ᵀx", "(A²)ᵀx", "diag(x)ᵀA",
	} {
		e := parse(t, src)
		shapes, err := ast.Check(e, env)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		out := PushTransposes(e, shapes)
		ast.Inspect(out, func(n ast.Expr) bool {
			if tr, ok := n.(*ast.Transpose); ok {
				switch x := tr.X.(type) {
				case *ast.Ident:
				case *ast.Call:
					if x.IsElementwise() {
						t.Errorf("%s → %s: a transpose stays above %s", src, ast.String(out), ast.String(x))
					}
				case *ast.Binary:
					if x.Op != ast.Pow {
						t.Errorf("%s → %s: a transpose stays above %s", src, ast.String(out), ast.String(x))
					}
				default:
					t.Errorf("%s → %s: a transpose stays above %s", src, ast.String(out), ast.String(x))
				}
			}
			return true
		})
		for _, env := range points(t, e, env, false) {
			before, err1 := eval.Eval(e, env)
			after, err2 := eval.Eval(out, env)
			if err1 != nil || err2 != nil {
				t.Fatalf("%s: %v %v", src, err1, err2)
			}
			if d := eval.RelErr(after, before); d > 1e-12 {
				t.Errorf("%s → %s changes the value (rel. error %.2g)", src, ast.String(out), d)
			}
		}
	}
}
