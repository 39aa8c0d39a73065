package op

import "github.com/matcalc/matcalc/ast"

// Sign is −1, 0 or 1; its derivative is 0.
var Sign = &Elementwise{
	Names:  []string{"sign"},
	TeX:    `\operatorname{sign}`,
	F:      [3]func(float64) float64{sign, zeroOrNaN, zeroOrNaN},
	Prime:  func(ast.Expr, ast.Expr) ast.Expr { return num(0) },
	Kinked: true,
}
