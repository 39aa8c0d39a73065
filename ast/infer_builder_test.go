package ast_test

import (
	"strings"
	"testing"

	. "github.com/matcalc/matcalc/ast"
)

// varsText lists the inferred variables as "x: n, W: n×m" and the result.
func varsText(e Expr, in *Info) string {
	var parts []string
	for _, v := range in.Vars {
		s := v.Name + ": " + v.Shape.String()
		if v.Symmetric {
			s += " sym"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ") + " → " + in.Shapes[e].String()
}

func TestInferBuilt(t *testing.T) {
	x, y, z, b, u, w := Var("x"), Var("y"), Var("z"), Var("b"), Var("u"), Var("w")
	W, A, B, X := Var("W"), Var("A"), Var("B"), Var("X")
	λ, θ := Var("λ"), Var("θ")
	mul := func(a, b Expr) Expr { return Bin(Mul, a, b) }
	add := func(a, b Expr) Expr { return Bin(Add, a, b) }
	sq := func(a Expr) Expr { return Bin(Pow, a, Num(2)) }
	tests := []struct {
		e     Expr
		decls []Decl
		want  string
	}{
		{mul(T(u), Fn("f", 0, add(mul(W, x), b))), nil, "u: n, W: n×m, x: m, b: n → scalar"},
		{mul(add(x, y), Fn("max", 0, y, z)), nil, "x: scalar, y: scalar, z: scalar → scalar"},
		{mul(mul(T(x), A), x), nil, "x: n, A: n×n → scalar"},
		{mul(Num(2), x), nil, "x: n → n"},
		{mul(λ, sq(Fn("norm", 0, w))), nil, "λ: scalar, w: n → scalar"},
		{mul(mul(T(x), y), z), nil, "x: n, y: n, z: m → m"},
		{mul(W, add(x, b)), nil, "W: n×m, x: m, b: m → n"},
		{Negate(mul(T(y), Fn("log", 0, Fn("softmax", 0, θ)))), nil, "y: n, θ: n → scalar"},
		{add(sq(Fn("norm", 0, Bin(Sub, mul(A, x), b))), mul(λ, sq(Fn("norm", 0, x)))), nil,
			"A: n×m, x: m, b: n, λ: scalar → scalar"},
		{Fn("tr", 0, mul(mul(A, X), B)), []Decl{{Names: []string{"X"}, Kind: DeclMatrix, Dims: []Dim{Sym("m"), Sym("p")}}},
			"A: n×m, X: m×p, B: p×n → scalar"},
		{Bin(Pow, x, Num(3)), nil, "x: scalar → scalar"},
		{mul(mul(Num(2), λ), x), nil, "λ: scalar, x: n → n"},
		{mul(X, θ), nil, "X: n×m, θ: m → n"},
		{λ, nil, "λ: scalar → scalar"},
	}
	for _, tt := range tests {
		in, err := Infer(tt.e, tt.decls, nil)
		if err != nil {
			t.Errorf("%s: %v", String(tt.e), err)
			continue
		}
		if got := varsText(tt.e, in); got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", String(tt.e), got, tt.want)
		}
	}
}

func TestInferBroadcast(t *testing.T) {
	w, x, b, v := Var("w"), Var("x"), Var("b"), Var("v")
	tests := []struct {
		e    Expr
		want string
	}{
		// A constant broadcasts over a vector (docs/conventions.md).
		{Bin(Add, Num(1), Fn("exp", 0, v)), "v: n → n"},
		{Bin(Sub, v, Num(1)), "v: n → n"},
		{Fn("max", 0, Num(0), v), "v: n → n"},
		// A scalar that depends on variables narrows an open side: a bias.
		{Fn("σ", 0, Bin(Add, Bin(Mul, T(w), x), b)), "w: n, x: n, b: scalar → scalar"},
		{Bin(Div, x, Fn("norm", 0, x)), "x: n → n"},
		{Bin(Div, Num(1), x), "x: n → n"},
		{Bin(ElemPow, x, Var("α")), "x: n, α: scalar → n"},
		{Bin(Div, x, Var("τ")), "x: n, τ: scalar → n"},
	}
	for _, tt := range tests {
		in, err := Infer(tt.e, nil, nil)
		if err != nil {
			t.Errorf("%s: %v", String(tt.e), err)
			continue
		}
		if got := varsText(tt.e, in); got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", String(tt.e), got, tt.want)
		}
	}
}

func TestInferDeclsAndValues(t *testing.T) {
	x, y, A, W, S, θ, λ := Var("x"), Var("y"), Var("A"), Var("W"), Var("S"), Var("θ"), Var("λ")
	mul := func(a, b Expr) Expr { return Bin(Mul, a, b) }
	decl := func(kind DeclKind, names string, dims ...Dim) Decl {
		return Decl{DeclPos: NoPos, Names: strings.Split(names, ","), Kind: kind, Dims: dims}
	}
	tests := []struct {
		name  string
		e     Expr
		decls []Decl
		fixed map[string]Shape
		want  string
	}{
		{"scalars", Bin(Add, x, y), []Decl{decl(DeclScalar, "x,y")}, nil, "x: scalar, y: scalar → scalar"},
		{"matrix", mul(W, x), []Decl{decl(DeclMatrix, "W", Sym("n"), Sym("m"))}, nil, "W: n×m, x: m → n"},
		{"names avoid declared", mul(A, x), []Decl{decl(DeclVector, "x", Sym("n"))}, nil, "A: m×n, x: n → m"},
		{"sized vector", mul(A, x), []Decl{decl(DeclVector, "x", Size(3))}, nil, "A: n×3, x: 3 → n"},
		{"symmetric", mul(mul(T(x), S), x), []Decl{decl(DeclSymmetric, "S", Sym("d"))}, nil, "x: d, S: d×d sym → scalar"},
		{"open matrix", mul(W, x), []Decl{decl(DeclMatrix, "W")}, nil, "W: n×m, x: m → n"},
		{"greek vector", mul(λ, x), []Decl{decl(DeclVector, "λ", Sym("n"))}, nil, "λ: n, x: scalar → n"},
		{"value vector greek", θ, nil, map[string]Shape{"θ": Vector(Size(3))}, "θ: 3 → 3"},
		{"value scalar latin", mul(x, y), nil, map[string]Shape{"x": Scalar}, "x: scalar, y: n → n"},
		{"value binds name", mul(W, x), []Decl{decl(DeclMatrix, "W", Sym("n"), Sym("m"))},
			map[string]Shape{"W": Matrix(Size(3), Size(2))}, "W: 3×2, x: 2 → 3"},
		{"value and decl agree", mul(W, x), []Decl{decl(DeclMatrix, "W", Size(3), Size(2))},
			map[string]Shape{"W": Matrix(Size(3), Size(2)), "x": Vector(Size(2))}, "W: 3×2, x: 2 → 3"},
		{"function", Fn("k", 0, mul(W, x)), []Decl{decl(DeclFunction, "k")}, nil, "W: n×m, x: m → n"},
		{"unused decl", x, []Decl{decl(DeclMatrix, "Q", Sym("n"), Sym("n"))}, nil, "x: m → m"},
	}
	for _, tt := range tests {
		in, err := Infer(tt.e, tt.decls, tt.fixed)
		if err != nil {
			t.Errorf("%s: %s: %v", tt.name, String(tt.e), err)
			continue
		}
		if got := varsText(tt.e, in); got != tt.want {
			t.Errorf("%s: %s:\n got %s\nwant %s", tt.name, String(tt.e), got, tt.want)
		}
	}
	in, err := Infer(Fn("k", 0, x), []Decl{decl(DeclFunction, "k"), decl(DeclFunction, "k,g₂")}, nil)
	if err != nil || strings.Join(in.Funcs, ",") != "k,g₂" || strings.Join(Names(in), ",") != "x" {
		t.Errorf("Funcs = %v, Names = %v, err %v", in.Funcs, Names(in), err)
	}
}
