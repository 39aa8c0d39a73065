package eval_test

import (
	"math"
	"testing"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/eval"
	"github.com/matcalc/matcalc/parser"
	"gonum.org/v1/gonum/mat"
)

// Formulas as a user types them, evaluated at values given as --at would
// give them, against values worked out by hand.
func TestParsedFormulas(t *testing.T) {
	vals, err := eval.ParseValues(`{"W": [[1, 0, 2], [-1, 3, 1]], "x": [1, 2, 3], "b": [0.5, -0.5],
		"u": [1, -1], "A": [[1, 2], [3, 4]], "y": 2, "z": 0}`, nil)
	if err != nil {
		t.Fatal(err)
	}
	vals["x₁"] = vals["y"]
	env := &eval.Env{Vars: vals, Funcs: map[string]string{"f": "tanh"}}
	t75 := math.Tanh(7.5)
	tests := []struct {
		src  string
		want *mat.Dense
	}{
		{"uᵀf(Wx+b)", scalar(0)}, // Wx + b = (7.5, 7.5)
		{"u'*tanh(W*x + b)", scalar(0)},
		{"sum(f(Wx+b))", scalar(2 * t75)},
		{"(x+y)*max(y,z)", col(6, 8, 10)}, // the vector x broadcast with y = 2
		{"(y+z)*max(y,z)", scalar(4)},
		{"xᵀx", scalar(14)},
		{"‖x‖²", scalar(14)},
		{"x.^2", col(1, 4, 9)},
		{"x ∘ x", col(1, 4, 9)},
		{"1 + exp(0 x)", col(2, 2, 2)},
		{"1/x", col(1, 0.5, 1.0/3)},
		{"A⁻¹", mat.NewDense(2, 2, []float64{-2, 1, 1.5, -0.5})},
		{"A^-1 A", mat.NewDense(2, 2, []float64{1, 0, 0, 1})},
		{"A² - A A", mat.NewDense(2, 2, nil)},
		{"I + A", mat.NewDense(2, 2, []float64{2, 2, 3, 5})},
		{"det(A) + tr(A)", scalar(3)},
		{"logdet(A)", scalar(math.Log(2))},
		{"-x²ᵀ", nil}, // x² on a vector is an error
		{"x_1 + x1 + x₁", scalar(6)},
		{"σ(z) + relu(-y)", scalar(0.5)},
		{"diag(u) A", mat.NewDense(2, 2, []float64{1, 2, -3, -4})},
		{"softmax(b)ᵀ𝟙", scalar(1)},
		{"norm1(W) - sum(abs(W))", scalar(0)},
		{"f′(z) + f''(z)", scalar(1)},
	}
	for _, tt := range tests {
		e, err := parser.ParseExpr(tt.src)
		if err != nil {
			t.Errorf("%s: parse: %v", tt.src, err)
			continue
		}
		got, err := eval.Eval(e, env)
		if tt.want == nil {
			if err == nil {
				t.Errorf("%s = %s, want an error", tt.src, eval.Compact(got))
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.src, err)
			continue
		}
		if r := eval.RelErr(got, tt.want); r > 1e-12 {
			t.Errorf("%s = %s, want %s", tt.src, eval.Compact(got), eval.Compact(tt.want))
		}
	}
}

func scalar(v float64) *mat.Dense { return mat.NewDense(1, 1, []float64{v}) }

func col(v ...float64) *mat.Dense { return mat.NewDense(len(v), 1, v) }

// A 𝟙 that inference makes a scalar, a row or a matrix is evaluated in
// that shape (ast.Infer writes it into the node), not as the vector the
// evaluator takes an unsized 𝟙 for: 𝟙ᵀa with a scalar a is the scalar
// 𝟙 (so s = a³b), and 𝟙ᵀ(abᵀ𝟙)A an n×k 𝟙ᵀ.
func TestOnesInInferredShape(t *testing.T) {
	vals, err := eval.ParseValues(`{"a": 2, "b": [1, 2, 3]}`, nil)
	if err != nil {
		t.Fatal(err)
	}
	e, err := parser.ParseExpr("a(1ᵀa)(ba)")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ast.Infer(e, nil, nil); err != nil {
		t.Fatal(err)
	}
	got, err := eval.Eval(e, &eval.Env{Vars: vals, Sizes: map[string]int{"n": 3}})
	if err != nil {
		t.Fatal(err)
	}
	if want := col(8, 16, 24); !mat.Equal(got, want) {
		t.Errorf("a(1ᵀa)(ba) = %v, want a³b = %v", mat.Formatted(got.T()), mat.Formatted(want.T()))
	}
}
