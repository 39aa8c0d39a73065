package parser

import (
	"reflect"
	"strings"
	"testing"

	"github.com/matcalc/matcalc/ast"
)

func TestParseFile(t *testing.T) {
	src := `# logistic regression with a named loss
X: matrix(N, d); w, theta_1: vector(d)   # weights
y: vector(N); lambda: scalar; loss: function

z = Xw; p = σ(z)
err = y - p   # a multi-letter name, read whole below
δ = u ∘ f′(z)
L = loss(err) + lambda‖w‖² + errᵀerr
derive L wrt w, θ₁ order 2
derive L
derive z order 2 wrt w
`
	f, err := ParseFile(src)
	if err != nil {
		t.Fatal(ast.FormatError(src, err))
	}
	wantDecls := []ast.Decl{
		{Names: []string{"X"}, Kind: ast.DeclMatrix, Dims: []ast.Dim{ast.Sym("N"), ast.Sym("d")}},
		{Names: []string{"w", "θ₁"}, Kind: ast.DeclVector, Dims: []ast.Dim{ast.Sym("d")}},
		{Names: []string{"y"}, Kind: ast.DeclVector, Dims: []ast.Dim{ast.Sym("N")}},
		{Names: []string{"λ"}, Kind: ast.DeclScalar},
		{Names: []string{"loss"}, Kind: ast.DeclFunction},
	}
	if len(f.Decls) != len(wantDecls) {
		t.Fatalf("%d decls, want %d", len(f.Decls), len(wantDecls))
	}
	for i, d := range f.Decls {
		w := wantDecls[i]
		if !reflect.DeepEqual(d.Names, w.Names) || d.Kind != w.Kind || !reflect.DeepEqual(d.Dims, w.Dims) {
			t.Errorf("decl %d = %+v, want %+v", i, d, w)
		}
	}
	if got := src[f.Decls[1].DeclPos:][:1]; got != "w" {
		t.Errorf("decl 1 starts at %q", got)
	}
	wantDefs := []struct {
		name string
		expr ast.Expr
	}{
		{"z", mul(v("X"), v("w"))},
		{"p", fn("σ", v("z"))},
		{"err", sub(v("y"), v("p"))},
		{"δ", ast.Bin(ast.Hadamard, v("u"), ast.Fn("f", 1, v("z")))},
		{"L", add(add(fn("loss", v("err")), mul(v("λ"), pow(fn("norm", v("w")), num(2)))), mul(tr(v("err")), v("err")))},
	}
	if len(f.Defs) != len(wantDefs) {
		t.Fatalf("%d defs, want %d", len(f.Defs), len(wantDefs))
	}
	for i, d := range f.Defs {
		if d.Name != wantDefs[i].name || !ast.Equal(d.Expr, wantDefs[i].expr) {
			t.Errorf("def %d: %s = %s, want %s = %s", i, d.Name, ast.String(d.Expr), wantDefs[i].name, ast.String(wantDefs[i].expr))
		}
		if !strings.HasPrefix(src[d.Pos:], d.Name) {
			t.Errorf("def %s at %q", d.Name, src[d.Pos:d.Pos+5])
		}
		checkPositions(t, src, d.Expr)
	}
	wantReqs := []Request{
		{Func: "L", Wrt: []string{"w", "θ₁"}, Order: 2},
		{Func: "L", Order: 1},
		{Func: "z", Wrt: []string{"w"}, Order: 2},
	}
	if len(f.Requests) != 3 {
		t.Fatalf("%d requests", len(f.Requests))
	}
	for i, r := range f.Requests {
		w := wantReqs[i]
		if r.Func != w.Func || !reflect.DeepEqual(r.Wrt, w.Wrt) || r.Order != w.Order || !strings.HasPrefix(src[r.Pos:], "derive") {
			t.Errorf("request %d = %+v, want %+v", i, r, w)
		}
	}
}

func TestParseFileErrors(t *testing.T) {
	src := `x: vector(n)
z = Wx +
derive s wrt x
y = (x
derive y order 3
W: matrix(n)
hello world`
	_, err := ParseFile(src)
	list, ok := err.(ast.ErrorList)
	if !ok {
		t.Fatalf("error %T %v, want an ast.ErrorList", err, err)
	}
	want := []string{
		`2:9: unexpected end of input, expected an operand after "+"`,
		"3:1: cannot derive s: it is not defined in this file (define it first: s = …)",
		`4:5: missing closing ")" for the "(" opened here`,
		`5:16: unexpected "3", expected the order 1 or 2`,
		"6:10: matrix takes two dimensions, as in matrix(n, m)",
		"7:1: expected a declaration (x: vector(n)), a definition (z = Wx + b) or a request (derive s wrt x)",
	}
	var got []string
	for _, e := range list {
		line, col := ast.Position(src, e.Pos)
		got = append(got, strings.Join([]string{itoa(line), itoa(col), " " + e.Msg}, ":"))
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func itoa(n int) string {
	s := ""
	for {
		s = string(rune('0'+n%10)) + s
		n /= 10
		if n == 0 {
			return s
		}
	}
}

func TestParseDecls(t *testing.T) {
	decls, err := ParseDecls("W: matrix(n,m); x,y: scalar; x_2: vector(3); S: symmetric(n); k: function; v: vector")
	if err != nil {
		t.Fatal(err)
	}
	want := []ast.Decl{
		{DeclPos: 0, Names: []string{"W"}, Kind: ast.DeclMatrix, Dims: []ast.Dim{ast.Sym("n"), ast.Sym("m")}},
		{DeclPos: 16, Names: []string{"x", "y"}, Kind: ast.DeclScalar},
		{DeclPos: 29, Names: []string{"x₂"}, Kind: ast.DeclVector, Dims: []ast.Dim{ast.Size(3)}},
		{DeclPos: 45, Names: []string{"S"}, Kind: ast.DeclSymmetric, Dims: []ast.Dim{ast.Sym("n")}},
		{DeclPos: 62, Names: []string{"k"}, Kind: ast.DeclFunction},
		{DeclPos: 75, Names: []string{"v"}, Kind: ast.DeclVector},
	}
	if !reflect.DeepEqual(decls, want) {
		t.Errorf("got  %+v\nwant %+v", decls, want)
	}
}
