package gocode

import (
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"strings"
	"sync"
	"testing"

	mcast "github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/derive"
	mcparser "github.com/matcalc/matcalc/parser"
)

// TestGoErrors checks that what Go output does not support yet is an error
// that says what, not a panic or code that does not compile.
func TestGoErrors(t *testing.T) {
	n := mcast.Sym("n")
	A := mcast.VarInfo{Name: "A", Shape: mcast.Matrix(n, n)}
	α := mcast.VarInfo{Name: "α", Shape: mcast.Scalar}
	cases := []struct {
		name string
		r    *derive.Result
		o    Options
		want string
	}{
		{"matrix power", &derive.Result{Func: mcast.Fn("tr", 0, mcast.Bin(mcast.Pow, mcast.Var("A"), mcast.Var("α"))), FuncShape: mcast.Scalar,
			Vars: []mcast.VarInfo{A, α}}, Options{}, "constant non-negative integer exponent"},
		{"logsumexp of a matrix", &derive.Result{Func: mcast.Fn("logsumexp", 0, mcast.Var("A")), FuncShape: mcast.Scalar,
			Vars: []mcast.VarInfo{A}}, Options{}, "logsumexp of the matrix A"},
		{"third order", &derive.Result{Func: mcast.Fn("tr", 0, mcast.Var("A")), FuncShape: mcast.Scalar, Vars: []mcast.VarInfo{A},
			Derivs: []derive.Deriv{{Wrt: "A", Order: 3, Expr: mcast.Var("A"), Shape: A.Shape}}}, Options{}, "order 3"},
		{"shape mismatch", &derive.Result{Func: mcast.Fn("tr", 0, mcast.Var("A")), FuncShape: mcast.Scalar, Vars: []mcast.VarInfo{A},
			Derivs: []derive.Deriv{{Wrt: "A", Order: 1, Expr: mcast.Fn("diag", 0, mcast.Var("A")), Shape: A.Shape}}}, Options{}, "shape"},
		{"bad package", &derive.Result{Func: mcast.Var("α"), FuncShape: mcast.Scalar, Vars: []mcast.VarInfo{α}}, Options{Package: "9p"}, "package name"},
		{"bad func", &derive.Result{Func: mcast.Var("α"), FuncShape: mcast.Scalar, Vars: []mcast.VarInfo{α}}, Options{Func: "range"}, "function name"},
		{"unknown variable", &derive.Result{Func: mcast.Var("β"), FuncShape: mcast.Scalar, Vars: []mcast.VarInfo{α}}, Options{}, "unknown variable β"},
	}
	for _, c := range cases {
		_, err := Generate(c.r, c.o)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got error %v, want one containing %q", c.name, err, c.want)
		}
	}
}

// typeCheck parses and type-checks an emitted file with go/types, importing
// gonum from source (the importer is shared: it caches what it imports).
var typeCheck = func() func(src []byte) error {
	var mu sync.Mutex
	fset := token.NewFileSet()
	imp := importer.ForCompiler(fset, "source", nil)
	return func(src []byte) error {
		mu.Lock()
		defer mu.Unlock()
		f, err := parser.ParseFile(fset, "grad.go", src, 0)
		if err != nil {
			return err
		}
		conf := types.Config{Importer: imp}
		_, err = conf.Check("grad", fset, []*ast.File{f}, nil)
		return err
	}
}()

// FuzzGo runs formulas through parse, inference, derive and Go: no panic,
// and whatever Go returns without error type-checks (go vet and running
// are TestGoCompileRun's, on the seed formulas).
func FuzzGo(f *testing.F) {
	for _, c := range goCases {
		if c.src != "" {
			f.Add(c.src, c.lets)
		}
	}
	f.Fuzz(func(t *testing.T, src, lets string) {
		var decls []mcast.Decl
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
		info, err := mcast.Infer(e, decls, nil)
		if err != nil {
			return
		}
		r, err := derive.Derive(e, info, derive.Options{})
		if err != nil {
			return
		}
		for _, ws := range []bool{false, true} {
			out, err := Generate(r, Options{Workspace: ws})
			if err != nil {
				continue
			}
			if err := typeCheck(out); err != nil {
				t.Fatalf("%s: emitted code does not type-check: %v\n%s", src, err, out)
			}
		}
	})
}
