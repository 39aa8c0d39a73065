package report_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/derive"
	"github.com/matcalc/matcalc/eval"
	"github.com/matcalc/matcalc/parser"
	"github.com/matcalc/matcalc/report"
	"gonum.org/v1/gonum/mat"
)

// Text prints the lecture's gradients as `matcalc derive` does.
func ExampleText() {
	e, _ := parser.ParseExpr("uᵀf(Wx+b)")
	info, _ := ast.Infer(e, nil, nil)
	res, _ := derive.Derive(e, info, derive.Options{})
	s, _ := report.Text(res, report.Options{Expr: e, Info: info})
	fmt.Print(s)
	// Output:
	// z = Wx + b
	// δ = u ∘ f′(z)
	// s = uᵀf(z)
	//
	// ∂s/∂u = f(z)
	// ∂s/∂W = δxᵀ
	// ∂s/∂x = Wᵀδ
	// ∂s/∂b = δ
}

// The values at a point are the symbolic results evaluated there: for
// ‖x‖² at x = (3, 4), the value 25 and the gradient 2x = (6, 8).
func TestValues(t *testing.T) {
	e, _ := parser.ParseExpr("‖x‖²")
	info, _ := ast.Infer(e, nil, nil)
	res, err := derive.Derive(e, info, derive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	env := &eval.Env{Vars: map[string]*mat.Dense{"x": mat.NewDense(2, 1, []float64{3, 4})}, Sizes: map[string]int{"n": 2}}
	s, err := report.Text(res, report.Options{Expr: e, Info: info, At: env})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(s, "s = 25\n") || !strings.Contains(s, "∂s/∂x = [6 8]") {
		t.Errorf("values of ‖x‖² at (3, 4):\n%s", s)
	}
	j, err := report.JSON(res, report.Options{Expr: e, Info: info, At: env, Input: "‖x‖²"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(j), `"value": 25`) || !strings.Contains(string(j), `"input": "‖x‖²"`) {
		t.Errorf("JSON of ‖x‖² at (3, 4):\n%s", j)
	}
}
