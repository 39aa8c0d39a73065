package parser_test

import (
	"fmt"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/parser"
)

func ExampleParseExpr() {
	for _, src := range []string{"uᵀf(Wx+b)", "u'*f(W*x+b)", "lambda*norm(w)^2", "A^-1 x_1"} {
		e, err := parser.ParseExpr(src)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Printf("%-18s %-14s %s\n", src, ast.String(e), ast.ASCII(e))
	}
	src := "tanh(x, y)"
	_, err := parser.ParseExpr(src)
	fmt.Println(ast.FormatError(src, err))
	// Output:
	// uᵀf(Wx+b)          uᵀf(Wx + b)    u'*f(W*x + b)
	// u'*f(W*x+b)        uᵀf(Wx + b)    u'*f(W*x + b)
	// lambda*norm(w)^2   λ‖w‖²          lambda*norm(w)^2
	// A^-1 x_1           A⁻¹x₁          inv(A)*x_1
	// 1:1: tanh takes 1 argument, not 2
	//   tanh(x, y)
	//   ^
}

func ExampleParseFile() {
	f, err := parser.ParseFile(`# two-layer network
x: vector(m); W: matrix(n,m); b, u: vector(n)
z = Wx + b
s = uᵀ σ(z)
derive s wrt W, b, x`)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, d := range f.Decls {
		fmt.Println(d.Names, d.Kind, d.Dims)
	}
	for _, d := range f.Defs {
		fmt.Println(d.Name, "=", ast.String(d.Expr))
	}
	for _, r := range f.Requests {
		fmt.Println("derive", r.Func, "wrt", r.Wrt, "order", r.Order)
	}
	// Output:
	// [x] 2 [m]
	// [W] 3 [n m]
	// [b u] 2 [n]
	// z = Wx + b
	// s = uᵀσ(z)
	// derive s wrt [W b x] order 1
}
