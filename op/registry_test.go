package op_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/derive"
	"github.com/matcalc/matcalc/eval"
	"github.com/matcalc/matcalc/op"
	"github.com/matcalc/matcalc/parser"
	"github.com/matcalc/matcalc/render"
	"github.com/matcalc/matcalc/tools/katex"
	"gonum.org/v1/gonum/mat"
)

// TestRegistry walks every built-in: each of its spellings parses to it,
// every derivative of every Check agrees with central finite differences of
// the evaluated formula at random points, the printed derivatives parse
// back to the same tree, and their LaTeX renders with KaTeX. (The emitted
// Go of the same Checks is compiled and compared in render/gocode.)
func TestRegistry(t *testing.T) {
	var texs []string
	for _, o := range op.All() {
		t.Run(o.Name(), func(t *testing.T) {
			checkSpellings(t, o)
			checks := op.Checks(o)
			if len(checks) == 0 {
				t.Fatalf("%s has no checks: its shape rule %d is unknown to op.Checks", o.Name(), o.ShapeRule())
			}
			for _, c := range checks {
				texs = append(texs, checkDerivatives(t, c)...)
			}
		})
	}
	if err := katex.Render(texs); err != nil {
		if errors.Is(err, katex.ErrMissing) {
			katex.Missing(t, "%v", err)
		}
		t.Fatal(err)
	}
}

func checkSpellings(t *testing.T, o op.Op) {
	args := "(x)"
	if o.Arity() == 2 {
		args = "(x, y)"
	}
	for _, s := range o.Spellings() {
		e, err := parser.ParseExpr(s + args)
		if err != nil {
			t.Errorf("%s%s: %v", s, args, err)
			continue
		}
		c, ok := e.(*ast.Call)
		if !ok || c.Fun != o.Name() || op.Of(c) != o {
			t.Errorf("%s%s parses to %s, not a call of %s", s, args, ast.String(e), o.Name())
		}
	}
	if o.LaTeX() == "" {
		t.Errorf("%s has no LaTeX name", o.Name())
	}
}

// checkDerivatives derives c and compares every derivative with central
// differences at three random points; it returns the LaTeX of the results.
func checkDerivatives(t *testing.T, c op.Check) []string {
	t.Helper()
	name := c.Src
	e, err := parser.ParseExpr(c.Src)
	if err != nil {
		t.Errorf("%s: %v", name, err)
		return nil
	}
	info, err := ast.Infer(e, nil, nil)
	if err != nil {
		t.Errorf("%s: %v", name, err)
		return nil
	}
	res, err := derive.Derive(e, info, derive.Options{Wrt: c.Wrt, Order: c.Order})
	if err != nil {
		t.Errorf("%s (order %d): %v", name, c.Order, err)
		return nil
	}
	if len(res.Derivs) != len(c.Wrt) {
		t.Errorf("%s: %d derivatives for %d variables", name, len(res.Derivs), len(c.Wrt))
	}
	fn := res.Expand(res.Func)
	var texs []string
	for _, d := range res.Derivs {
		expr := res.Expand(d.Expr)
		printed := ast.String(expr)
		back, err := parser.ParseExpr(printed)
		if err != nil {
			t.Errorf("%s: ∂/∂%s prints as %s, which does not parse: %v", name, d.Wrt, printed, err)
		} else if ast.String(back) != printed {
			t.Errorf("%s: ∂/∂%s prints as %s, which reads back as %s", name, d.Wrt, printed, ast.String(back))
		}
		texs = append(texs, render.LaTeX(d.Expr, render.LaTeXOptions{}))
		for seed := range uint64(3) {
			rng := rand.New(rand.NewPCG(seed+1, 7))
			vals, sizes := eval.Random(res.Vars, nil, rng, c.Positive)
			awayFromKinks(vals, res.Vars)
			env := &eval.Env{Vars: vals, Sizes: sizes}
			got, err := eval.EvalShaped(expr, env, d.Shape)
			if err != nil {
				t.Errorf("%s: evaluating ∂/∂%s = %s: %v", name, d.Wrt, printed, err)
				break
			}
			var want *mat.Dense
			tol := 1e-6
			if c.Order == 2 {
				want, err = eval.CentralDiff2(fn, env, d.Wrt)
				tol = 1e-4
			} else {
				want, err = eval.CentralDiff(fn, env, d.Wrt)
			}
			if err != nil {
				t.Errorf("%s: central differences by %s: %v", name, d.Wrt, err)
				break
			}
			if e := eval.RelErr(got, want); !(e <= tol) {
				t.Errorf("%s: ∂/∂%s (order %d) = %s\n got  %v\n want %v\n relative error %.3g at seed %d",
					name, d.Wrt, c.Order, printed, mat.Formatted(got, mat.Squeeze()), mat.Formatted(want, mat.Squeeze()), e, seed)
			}
		}
	}
	return texs
}

// awayFromKinks moves every entry at least 0.2 away from 0, where relu,
// abs and sign have kinks that central differences straddle. Square
// matrices keep the diagonal that makes them well conditioned.
func awayFromKinks(vals map[string]*mat.Dense, vars []ast.VarInfo) {
	for _, v := range vars {
		x := vals[v.Name]
		x.Apply(func(_, _ int, a float64) float64 {
			if math.Abs(a) < 0.2 {
				return math.Copysign(0.2+math.Abs(a), a)
			}
			return a
		}, x)
	}
}

// TestRegistryDocs checks that every built-in is named in the notation
// docs of the README, so that a new one cannot go unmentioned.
func TestRegistryDocs(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Skip("no README")
	}
	for _, o := range op.All() {
		if !strings.Contains(string(b), o.ASCIIName()) {
			t.Errorf("README.md does not mention the built-in %s", o.ASCIIName())
		}
	}
}
