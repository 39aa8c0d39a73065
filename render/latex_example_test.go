package render_test

import (
	"fmt"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/render"
)

func ExampleLaTeX() {
	n, m := ast.Sym("n"), ast.Sym("m")
	shapes := map[string]ast.Shape{"u": ast.Vector(n), "W": ast.Matrix(n, m), "x": ast.Vector(m), "b": ast.Vector(n)}
	// uᵀf(Wx + b)
	e := ast.Bin(ast.Mul, ast.T(ast.Var("u")),
		ast.Fn("f", 0, ast.Bin(ast.Add, ast.Bin(ast.Mul, ast.Var("W"), ast.Var("x")), ast.Var("b"))))
	fmt.Println(render.LaTeX(e, render.LaTeXOptions{Shapes: shapes}))
	fmt.Println(render.LaTeX(e, render.LaTeXOptions{Plain: true}))
	// Output:
	// \mathbf{u}^\top f(\mathbf{W}\mathbf{x} + \mathbf{b})
	// u^\top f(Wx + b)
}

func ExampleFrac() {
	fmt.Println(render.Frac("s", `\mathbf{W}`))
	fmt.Println(render.Frac2("s", `\mathbf{x}`))
	// Output:
	// \frac{\partial s}{\partial \mathbf{W}}
	// \frac{\partial^{2} s}{\partial \mathbf{x}\,\partial \mathbf{x}^\top}
}
