package eval_test

import (
	"github.com/matcalc/matcalc/internal/extremes"
	"math"
	"testing"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/derive"
	"github.com/matcalc/matcalc/eval"
	"github.com/matcalc/matcalc/parser"
	"gonum.org/v1/gonum/mat"
)

// At extreme inputs the functions whose naive form overflows give finite
// values, equal to closed forms: log σ(−800) = −800 − log1p(e^−800) = −800
// in float64, log softmax of logits 1000 apart is (−1000, 0), the logistic
// loss at a separable point is the margin.
func TestStableExtremes(t *testing.T) {
	for _, c := range []struct {
		src  string
		vals map[string][]float64
		want []float64
	}{
		{"log(σ(x))", map[string][]float64{"x": {-800}}, []float64{-800}},
		{"log(σ(x))", map[string][]float64{"x": {800}}, []float64{-math.Exp(-800)}},
		{"log(1 − σ(x))", map[string][]float64{"x": {800}}, []float64{-800}},
		{"log(1 + exp(x))", map[string][]float64{"x": {800}}, []float64{800}},
		{"log(softmax(z))", map[string][]float64{"z": {0, 1000}}, []float64{-1000, 0}},
		{"log(sum(exp(z)))", map[string][]float64{"z": {1000, 1000}}, []float64{1000 + math.Ln2}},
		{"-(y*log(σ(wᵀx)) + (1-y)*log(1-σ(wᵀx)))", map[string][]float64{"w": {100, 0}, "x": {10, 0}, "y": {0}}, []float64{1000}},
		{"logsoftmax(z)", map[string][]float64{"z": {-1000, 1000}}, []float64{-2000, 0}},
		{"softplus(x)", map[string][]float64{"x": {-800}}, []float64{0}},
		{"σ(x)", map[string][]float64{"x": {-800}}, []float64{0}},
	} {
		e, err := parser.ParseExpr(c.src)
		if err != nil {
			t.Fatal(err)
		}
		vals := map[string]*mat.Dense{}
		for k, v := range c.vals {
			vals[k] = mat.NewDense(len(v), 1, v)
		}
		info, err := ast.Infer(e, []ast.Decl{{Names: []string{"y"}, Kind: ast.DeclScalar}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		sizes, err := eval.BindSizes(info.Vars, vals)
		if err != nil {
			t.Fatal(err)
		}
		got, err := eval.Eval(e, &eval.Env{Vars: vals, Sizes: sizes})
		if err != nil {
			t.Errorf("%s: %v", c.src, err)
			continue
		}
		for i, w := range c.want {
			g := got.RawMatrix().Data[i]
			if math.IsNaN(g) || math.IsInf(g, 0) || math.Abs(g-w) > 1e-12*math.Max(1, math.Abs(w)) {
				t.Errorf("%s at %v: entry %d is %v, want %v", c.src, c.vals, i, g, w)
			}
		}
	}
}

// TestStableExtremesGradients evaluates the value and the derivatives
// that derive gives for extremes.Vectors: finite, and equal to the closed
// forms.
func TestStableExtremesGradients(t *testing.T) {
	for _, c := range extremes.Vectors {
		e, err := parser.ParseExpr(c.Src)
		if err != nil {
			t.Fatal(err)
		}
		info, err := ast.Infer(e, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		r, err := derive.Derive(e, info, derive.Options{})
		if err != nil {
			t.Fatal(err)
		}
		vals := map[string]*mat.Dense{}
		for k, v := range c.At {
			vals[k] = mat.NewDense(len(v), 1, v)
		}
		sizes, err := eval.BindSizes(info.Vars, vals)
		if err != nil {
			t.Fatal(err)
		}
		env := &eval.Env{Vars: vals, Sizes: sizes}
		check := func(what string, e ast.Expr, want []float64) {
			got, err := eval.EvalAs(r.Expand(e), env, ast.Shape{})
			if err != nil {
				t.Errorf("%s: %s: %v", c.Src, what, err)
				return
			}
			for i, w := range want {
				g := got.RawMatrix().Data[i]
				if math.IsNaN(g) || math.IsInf(g, 0) || math.Abs(g-w) > 1e-12*math.Max(1, math.Abs(w)) {
					t.Errorf("%s at %v: %s = %s, entry %d is %v, want %v", c.Src, c.At, what, ast.String(e), i, g, w)
				}
			}
		}
		check("value", r.Func, []float64{c.Val})
		for _, d := range r.Derivs {
			check("∂/∂"+d.Wrt, d.Expr, c.Grad[d.Wrt])
		}
	}
}
