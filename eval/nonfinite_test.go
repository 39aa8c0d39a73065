package eval

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/parser"
	"gonum.org/v1/gonum/mat"
)

func TestFindNonFinite(t *testing.T) {
	for _, c := range []struct {
		src, at, where, reason string
	}{
		{"log(x)", "x=-1", "log(x)", "log of a negative number"},
		{"3 + 2log(x)", "x=0", "log(x)", "log of zero"},
		{"y + sqrt(x)", "x=-4,y=1", "sqrt(x)", "square root of a negative number"},
		{"x/x", "x=0", "x/x", "division of zero by zero"},
		{"1 + x/y", "x=1,y=0", "x/y", "division by zero"},
		{"logdet(X)", `{"X":[[1,2],[2,4]]}`, "logdet(X)", "the matrix is singular"},
		{"exp(exp(x))", "x=10", "exp(exp(x))", "overflow"},
	} {
		e, err := parser.ParseExpr(c.src)
		if err != nil {
			t.Fatal(err)
		}
		vals, err := ParseValues(c.at, nil)
		if err != nil {
			t.Fatal(err)
		}
		env := &Env{Vars: vals}
		nf, err := FindNonFinite(e, env, ast.Shape{})
		if err != nil {
			t.Fatalf("%s: %v", c.src, err)
		}
		if nf == nil {
			t.Errorf("%s at %s: no non-finite value found", c.src, c.at)
			continue
		}
		if got := ast.String(nf.Expr); got != c.where || !strings.Contains(nf.Reason, c.reason) {
			t.Errorf("%s at %s: %s (%s), want %s (%s)", c.src, c.at, got, nf.Reason, c.where, c.reason)
		}
	}
	e, _ := parser.ParseExpr("log(x)")
	if nf, err := FindNonFinite(e, &Env{Vars: map[string]*mat.Dense{"x": scalar(2)}}, ast.Shape{}); nf != nil || err != nil {
		t.Errorf("finite value: got %v, %v", nf, err)
	}
}

func TestEncodeJSONNonFinite(t *testing.T) {
	v := mat.NewDense(2, 1, []float64{1, 0})
	v.Set(1, 0, -1/v.At(1, 0))
	b, err := json.Marshal(EncodeJSON(v))
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `[1,"-Inf"]` {
		t.Errorf("got %s", b)
	}
}
