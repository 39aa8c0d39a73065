package check_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/check"
	"github.com/matcalc/matcalc/derive"
	"github.com/matcalc/matcalc/eval"
	"github.com/matcalc/matcalc/parser"
)

func parse(t testing.TB, src string) (ast.Expr, *ast.Info) {
	t.Helper()
	e, err := parser.ParseExpr(src)
	if err != nil {
		t.Fatal(err)
	}
	info, err := ast.Infer(e, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return e, info
}

// Run checks the lecture's score and prints whether each gradient agrees
// with central finite differences.
func ExampleRun() {
	e, _ := parser.ParseExpr("uᵀf(Wx+b)")
	info, _ := ast.Infer(e, nil, nil)
	rep, err := check.Run(e, info, check.Options{Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, en := range rep.Entries {
		fmt.Println(check.Partial(rep.FuncName, en.Wrt, en.Order), en.OK(rep.Tol))
	}
	fmt.Println(rep.Bound)
	// Output:
	// ∂s/∂u true
	// ∂s/∂W true
	// ∂s/∂x true
	// ∂s/∂b true
	// [f=tanh]
}

// A wrong derivative is caught: twice the gradient is off by about the
// gradient's size.
func TestWrongDerivativeFails(t *testing.T) {
	e, info := parse(t, "xᵀAx")
	res, err := derive.Derive(e, info, derive.Options{Wrt: []string{"x"}, NoShare: true})
	if err != nil {
		t.Fatal(err)
	}
	d := res.Derivs[0]
	wrong := d
	wrong.Expr = ast.Bin(ast.Mul, ast.Num(2), d.Expr)
	env := check.RandomPoint(e, info, res, nil, rand.New(rand.NewPCG(1, 2)))
	want, err := check.Reference(e, info, res, d, nil, env)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		d     derive.Deriv
		wrong bool
	}{{d, false}, {wrong, true}} {
		got, err := check.Symbolic(res, c.d, env)
		if err != nil {
			t.Fatal(err)
		}
		if e := eval.RelErr(got, want); (e > 1e-6) != c.wrong {
			t.Errorf("%s: rel. error %.2g, wrong = %v", ast.String(c.d.Expr), e, c.wrong)
		}
	}
}

// Second derivatives are checked against central differences of the first
// derivative, evaluated in its shape: by b in Wx + 0b (a first derivative
// 0, the zero of n×n), and the second differentials and mixed blocks of Wx
// and xxᵀ; a wrong second differential fails.
func TestSecondDerivatives(t *testing.T) {
	for _, src := range []string{"Wx + 0b", "xxᵀ", "X⁻¹"} {
		e, info := parse(t, src)
		rep, err := check.Run(e, info, check.Options{Order: 2, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Failed() || len(rep.Entries) == 0 {
			t.Errorf("%s:\n%s", src, rep.Text())
		}
	}
	e, info := parse(t, "xxᵀ")
	res, err := derive.Derive(e, info, derive.Options{Order: 2, NoShare: true})
	if err != nil {
		t.Fatal(err)
	}
	first, err := check.Firsts(e, info, res)
	if err != nil {
		t.Fatal(err)
	}
	d := res.Derivs[0]
	if d.Kind != derive.SecondDifferential {
		t.Fatalf("∂²(xxᵀ)/∂x² is a %s", d.Kind)
	}
	env := check.RandomPoint(e, info, res, nil, rand.New(rand.NewPCG(1, 2)))
	want, err := check.Reference(e, info, res, d, first, env)
	if err != nil {
		t.Fatal(err)
	}
	wrong := d
	wrong.Expr = ast.Bin(ast.Mul, ast.Var("dx"), ast.T(ast.Var("dx"))) // half of 2dx dxᵀ
	for _, c := range []struct {
		d     derive.Deriv
		wrong bool
	}{{d, false}, {wrong, true}} {
		got, err := check.Symbolic(res, c.d, env)
		if err != nil {
			t.Fatal(err)
		}
		if e := eval.RelErr(got, want); (e > 1e-6) != c.wrong {
			t.Errorf("d²s = %s: rel. error %.2g, wrong = %v", ast.String(c.d.Expr), e, c.wrong)
		}
	}
}

// The report of a failed check names the worst entry and the sizes drawn;
// a non-positive tolerance is refused.
func TestReport(t *testing.T) {
	e, info := parse(t, "sum(exp(x))")
	rep, err := check.Run(e, info, check.Options{Tol: 1e-300, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Failed() || !strings.Contains(rep.Text(), "worst entry") || !strings.Contains(rep.Text(), "sizes n=") {
		t.Errorf("a check at tolerance 1e-300 did not fail with the worst entry:\n%s", rep.Text())
	}
	if _, err := check.Run(e, info, check.Options{Tol: -1}); err == nil {
		t.Error("a negative tolerance was accepted")
	}
	// A zero Hessian is checked, not refused or failed.
	e, info = parse(t, "sum(relu(x))")
	if rep, err := check.Run(e, info, check.Options{Order: 2}); err != nil || rep.Failed() {
		t.Errorf("the zero Hessian of sum(relu(x)): %v\n%v", err, rep)
	}
}
