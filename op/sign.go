package op

import "github.com/matcalc/matcalc/ast"

// Sign is −1, 0 or 1; its derivative is 0.
var Sign = &Elementwise{
	Names:  []string{"sign"},
	TeX:    `\operatorname{sign}`,
	F:      [3]func(float64) float64{sign, zeroOrNaN, zeroOrNaN},
	Prime:  func(ast.Expr, ast.Expr) ast.Expr { return num(0) },
	Kinked: true,
	Go: [3]func(w GoWriter, x string) string{
		goSign,
		func(GoWriter, string) string { return "0.0" },
		func(GoWriter, string) string { return "0.0" },
	},
	Py:    [3]string{`np.sign(%[1]s)`, `np.zeros_like(np.asarray(%[1]s, dtype=float))`, `np.zeros_like(np.asarray(%[1]s, dtype=float))`},
	Torch: [3]string{`torch.sign(%[1]s)`, `torch.zeros_like(%[1]s)`, `torch.zeros_like(%[1]s)`},
}

func init() { register(Sign) }

// goSign is sign(x) in Go: −1, 0 or 1.
func goSign(w GoWriter, x string) string {
	v := w.Bind(x)
	return w.Bool(v+" > 0") + " - " + w.Bool(v+" < 0")
}
