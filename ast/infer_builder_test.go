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
