package eval

import (
	"strings"
	"testing"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/parser"
	"gonum.org/v1/gonum/mat"
)

// TestIdentityChain evaluates I I … I x with 60 identities: each product
// retries its unsized left operand, so without the memo of values taken
// from the context this takes 2⁶⁰ steps (found by FuzzWhole).
func TestIdentityChain(t *testing.T) {
	e, err := parser.ParseExpr("sum(" + strings.Repeat("I", 60) + "x)")
	if err != nil {
		t.Fatal(err)
	}
	env := &Env{Vars: map[string]*mat.Dense{"x": mat.NewDense(2, 1, []float64{1, 2})}}
	v, err := EvalAs(e, env, ast.Scalar)
	if err != nil {
		t.Fatal(err)
	}
	if v.At(0, 0) != 3 {
		t.Errorf("got %v, want 3", v.At(0, 0))
	}
}
