package render

import (
	"go/parser"
	"go/token"
	"strings"
	"testing"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/derive"
	mcparser "github.com/matcalc/matcalc/parser"
)

// TestGoErrors checks that what Go output does not support yet is an error
// that says what, not a panic or code that does not compile.
func TestGoErrors(t *testing.T) {
	n := ast.Sym("n")
	A := ast.VarInfo{Name: "A", Shape: ast.Matrix(n, n)}
	α := ast.VarInfo{Name: "α", Shape: ast.Scalar}
	cases := []struct {
		name string
		r    *derive.Result
		o    GoOptions
		want string
	}{
		{"matrix power", &derive.Result{Func: ast.Fn("tr", 0, ast.Bin(ast.Pow, ast.Var("A"), ast.Var("α"))), FuncShape: ast.Scalar,
			Vars: []ast.VarInfo{A, α}}, GoOptions{}, "constant non-negative integer exponent"},
		{"logsumexp of a matrix", &derive.Result{Func: ast.Fn("logsumexp", 0, ast.Var("A")), FuncShape: ast.Scalar,
			Vars: []ast.VarInfo{A}}, GoOptions{}, "logsumexp of the matrix A"},
		{"third order", &derive.Result{Func: ast.Fn("tr", 0, ast.Var("A")), FuncShape: ast.Scalar, Vars: []ast.VarInfo{A},
			Derivs: []derive.Deriv{{Wrt: "A", Order: 3, Expr: ast.Var("A"), Shape: A.Shape}}}, GoOptions{}, "order 3"},
		{"shape mismatch", &derive.Result{Func: ast.Fn("tr", 0, ast.Var("A")), FuncShape: ast.Scalar, Vars: []ast.VarInfo{A},
			Derivs: []derive.Deriv{{Wrt: "A", Order: 1, Expr: ast.Fn("diag", 0, ast.Var("A")), Shape: A.Shape}}}, GoOptions{}, "shape"},
		{"bad package", &derive.Result{Func: ast.Var("α"), FuncShape: ast.Scalar, Vars: []ast.VarInfo{α}}, GoOptions{Package: "9p"}, "package name"},
		{"bad func", &derive.Result{Func: ast.Var("α"), FuncShape: ast.Scalar, Vars: []ast.VarInfo{α}}, GoOptions{Func: "range"}, "function name"},
		{"unknown variable", &derive.Result{Func: ast.Var("β"), FuncShape: ast.Scalar, Vars: []ast.VarInfo{α}}, GoOptions{}, "unknown variable β"},
	}
	for _, c := range cases {
		_, err := Go(c.r, c.o)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got error %v, want one containing %q", c.name, err, c.want)
		}
	}
}

// FuzzGo runs formulas through parse, inference, derive and Go: no panic,
// and whatever Go returns without error parses as Go source.
func FuzzGo(f *testing.F) {
	for _, c := range goCases {
		if c.src != "" {
			f.Add(c.src, c.lets)
		}
	}
	f.Fuzz(func(t *testing.T, src, lets string) {
		var decls []ast.Decl
		if lets != "" {
			var err error
			if decls, err = mcparser.ParseDecls(lets); err != nil {
				return
			}
		}
		e, err := (&mcparser.Config{Decls: decls}).ParseExpr(src)
		if err != nil {
			return
		}
		info, err := ast.Infer(e, decls, nil)
		if err != nil {
			return
		}
		r, err := derive.Derive(e, info, derive.Options{})
		if err != nil {
			return
		}
		for _, ws := range []bool{false, true} {
			out, err := Go(r, GoOptions{Workspace: ws})
			if err != nil {
				continue
			}
			if _, err := parser.ParseFile(token.NewFileSet(), "grad.go", out, 0); err != nil {
				t.Fatalf("%s: emitted code does not parse: %v\n%s", src, err, out)
			}
		}
	})
}
