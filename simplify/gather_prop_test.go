package simplify_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/derive"
	"github.com/matcalc/matcalc/eval"
	"github.com/matcalc/matcalc/parser"
	"github.com/matcalc/matcalc/simplify"
	"gonum.org/v1/gonum/mat"
)

// randomScalar returns a random scalar formula in x (a vector), a, b
// (vectors), A (a matrix) and α, β (scalars) whose derivatives have many
// scalar coefficients: quotients, powers, norms, logs of sums.
func randomScalar(rng *rand.Rand, depth int) string {
	leaves := []string{"xᵀx", "aᵀx", "xᵀAx", "‖x‖", "sum(exp(x))", "α", "2", "β aᵀx", "bᵀAx"}
	if depth == 0 {
		return leaves[rng.IntN(len(leaves))]
	}
	s := func() string { return randomScalar(rng, depth-1) }
	switch rng.IntN(11) {
	case 0:
		return fmt.Sprintf("(%s + %s)", s(), s())
	case 1:
		return fmt.Sprintf("(%s - %s)", s(), s())
	case 2:
		return fmt.Sprintf("(%s)*(%s)", s(), s())
	case 3:
		return fmt.Sprintf("(%s)/(1 + (%s)^2)", s(), s())
	case 4:
		return fmt.Sprintf("log(1 + exp(%s))", s())
	case 5:
		return fmt.Sprintf("sqrt(1 + (%s)^2)", s())
	case 6:
		return fmt.Sprintf("-(%s)", s())
	case 7:
		return fmt.Sprintf("(%s)^%d", s(), 2+rng.IntN(2))
	case 8:
		return fmt.Sprintf("cos(%s)", s())
	case 9:
		return fmt.Sprintf("(%s)/‖x‖", s())
	}
	return leaves[rng.IntN(len(leaves))]
}

// TestGatherRandom derives random scalar formulas, gradient and Hessian by
// x: every result agrees with central finite differences (the Hessian with
// those of the gradient, itself checked), prints as text that parses back
// to the same tree, and is left as it is by a second simplification.
func TestGatherRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 11))
	count := 120
	if testing.Short() {
		count = 30
	}
	for i := 0; i < count; i++ {
		src := randomScalar(rng, 1+rng.IntN(3))
		e, err := parser.ParseExpr(src)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		info, err := ast.Infer(e, nil, nil)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		if info.Var("x") == nil {
			continue
		}
		grad, err := derive.Derive(e, info, derive.Options{Wrt: []string{"x"}, NoShare: true})
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		hess, err := derive.Derive(e, info, derive.Options{Wrt: []string{"x"}, Order: 2, NoShare: true})
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		g, h := grad.Derivs[0], hess.Derivs[0]
		for _, d := range []ast.Expr{g.Expr, h.Expr} {
			roundTrip(t, d)
			if again := simplify.Simplify(d, info.Env()); !ast.Equal(again, d) {
				t.Errorf("%s: simplified again, %s becomes %s", src, ast.String(d), ast.String(again))
			}
		}
		for seed := uint64(1); seed <= 2; seed++ {
			prng := rand.New(rand.NewPCG(seed, uint64(i)))
			vals, sizes := eval.Random(info.Vars, nil, prng, false)
			env := &eval.Env{Vars: vals, Sizes: sizes}
			for _, c := range []struct {
				of, d ast.Expr
				what  string
			}{{e, g.Expr, "gradient"}, {g.Expr, h.Expr, "Hessian"}} {
				want, err := eval.CentralDiff(c.of, env, "x")
				if err != nil {
					t.Fatalf("%s: finite differences: %v", src, err)
				}
				shape := g.Shape
				if c.what == "Hessian" {
					shape = h.Shape
				}
				var got *mat.Dense
				if simplify.IsZero(c.d) {
					r, c := want.Dims()
					got = mat.NewDense(r, c, nil)
				} else if got, err = eval.EvalAs(c.d, env, shape); err != nil {
					t.Fatalf("%s: %s %s: %v", src, c.what, ast.String(c.d), err)
				}
				if r := eval.RelErr(got, want); r > 1e-6 || math.IsNaN(r) {
					t.Errorf("%s: %s %s differs from finite differences (rel. error %.2g)", src, c.what, ast.String(c.d), r)
				}
			}
		}
	}
}

// TestMarksCorpus derives every formula of the corpus (without its
// directives), first and second derivatives where they exist, so that
// Simplify checks every run of factors it leaves alone (checkMarks, set
// for the tests) against a Simplifier that has not seen it: a wrong mark
// panics.
func TestMarksCorpus(t *testing.T) {
	text, err := os.ReadFile("../corpus/testdata/formulas.txt")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, line := range strings.Split(string(text), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		src, _, _ := strings.Cut(line, " | ")
		e, err := parser.ParseExpr(src)
		if err != nil {
			continue // a quoted formula; the corpus tests have it
		}
		info, err := ast.Infer(e, nil, nil)
		if err != nil {
			continue
		}
		for _, order := range []int{1, 2} {
			if _, err := derive.Derive(e, info, derive.Options{Order: order}); err == nil {
				n++
			}
		}
	}
	if n < 300 {
		t.Errorf("only %d derivations of the corpus succeeded", n)
	}
}
