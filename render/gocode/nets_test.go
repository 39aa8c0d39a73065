package gocode

import (
	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/derive"
)

// netResult is the derivation of s = uᵀtanh(W₂tanh(W₁x+b₁)+b₂), written by
// hand as the derivation engine gives it (docs/derivatives.md).
func netResult() *derive.Result {
	n, h, m := ast.Sym("n"), ast.Sym("h"), ast.Sym("m")
	v := ast.Var
	add := func(x, y ast.Expr) ast.Expr { return ast.Bin(ast.Add, x, y) }
	mul := func(x, y ast.Expr) ast.Expr { return ast.Bin(ast.Mul, x, y) }
	had := func(x, y ast.Expr) ast.Expr { return ast.Bin(ast.Hadamard, x, y) }
	return &derive.Result{
		Input:     "uᵀtanh(W₂tanh(W₁x+b₁)+b₂)",
		FuncName:  "s",
		Func:      mul(ast.T(v("u")), v("h₂")),
		FuncShape: ast.Scalar,
		Vars: []ast.VarInfo{
			{Name: "u", Shape: ast.Vector(n)},
			{Name: "W₂", Shape: ast.Matrix(n, h)},
			{Name: "W₁", Shape: ast.Matrix(h, m)},
			{Name: "x", Shape: ast.Vector(m)},
			{Name: "b₁", Shape: ast.Vector(h)},
			{Name: "b₂", Shape: ast.Vector(n)},
		},
		Defs: []derive.Def{
			{Name: "z₁", Expr: add(mul(v("W₁"), v("x")), v("b₁")), Shape: ast.Vector(h)},
			{Name: "h₁", Expr: ast.Fn("tanh", 0, v("z₁")), Shape: ast.Vector(h)},
			{Name: "z₂", Expr: add(mul(v("W₂"), v("h₁")), v("b₂")), Shape: ast.Vector(n)},
			{Name: "h₂", Expr: ast.Fn("tanh", 0, v("z₂")), Shape: ast.Vector(n)},
			{Name: "δ₂", Expr: had(v("u"), ast.Fn("tanh", 1, v("z₂"))), Shape: ast.Vector(n)},
			{Name: "δ₁", Expr: had(mul(ast.T(v("W₂")), v("δ₂")), ast.Fn("tanh", 1, v("z₁"))), Shape: ast.Vector(h)},
		},
		Derivs: []derive.Deriv{
			{Wrt: "u", Kind: derive.Gradient, Order: 1, Expr: v("h₂"), Shape: ast.Vector(n)},
			{Wrt: "W₂", Kind: derive.Gradient, Order: 1, Expr: mul(v("δ₂"), ast.T(v("h₁"))), Shape: ast.Matrix(n, h)},
			{Wrt: "W₁", Kind: derive.Gradient, Order: 1, Expr: mul(v("δ₁"), ast.T(v("x"))), Shape: ast.Matrix(h, m)},
			{Wrt: "x", Kind: derive.Gradient, Order: 1, Expr: mul(ast.T(v("W₁")), v("δ₁")), Shape: ast.Vector(m)},
			{Wrt: "b₁", Kind: derive.Gradient, Order: 1, Expr: v("δ₁"), Shape: ast.Vector(h)},
			{Wrt: "b₂", Kind: derive.Gradient, Order: 1, Expr: v("δ₂"), Shape: ast.Vector(n)},
		},
	}
}
