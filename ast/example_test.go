package ast_test

import (
	"fmt"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/parser"
)

// The two printed forms of a tree built by the program, and how they read
// back.
func ExampleString() {
	z := ast.Bin(ast.Add, ast.Bin(ast.Mul, ast.Var("W"), ast.Var("x")), ast.Var("b₁"))
	s := ast.Bin(ast.Mul, ast.T(ast.Var("u")), ast.Fn("f", 0, z))
	delta := ast.Bin(ast.Hadamard, ast.Var("u"), ast.Fn("f", 1, z))
	for _, e := range []ast.Expr{s, delta, ast.Bin(ast.Mul, delta, ast.T(ast.Var("x")))} {
		back, _ := parser.ParseExpr(ast.ASCII(e))
		fmt.Printf("%-22s %-26s %v\n", ast.String(e), ast.ASCII(e), ast.Equal(back, e))
	}
	// Output:
	// uᵀf(Wx + b₁)           u'*f(W*x + b_1)            true
	// u ∘ f′(Wx + b₁)        u .* f'(W*x + b_1)         true
	// (u ∘ f′(Wx + b₁))xᵀ    (u .* f'(W*x + b_1))*x'    true
}

func ExampleFormatError() {
	src := "‖Ax − b‖² + λ‖x"
	_, err := parser.ParseExpr(src)
	fmt.Println(ast.FormatError(src, err))
	// Output:
	// 1:14: missing closing "‖" for the norm opened here
	//   ‖Ax − b‖² + λ‖x
	//                ^
}
