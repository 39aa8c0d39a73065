package op

import (
	"math"

	"github.com/matcalc/matcalc/ast"
)

// Abs is the absolute value: abs′ = sign, with abs′(0) = 0.
var Abs = &Elementwise{
	Names:  []string{"abs"},
	NonNeg: [3]bool{true, false, true},
	TeX:    `\operatorname{abs}`,
	F:      [3]func(float64) float64{math.Abs, sign, zeroOrNaN},
	Prime:  func(z, _ ast.Expr) ast.Expr { return Call(Sign, z) },
	Form: func(a TeXArg) string {
		if a.Tall {
			return `\left\lvert ` + a.Arg + ` \right\rvert`
		}
		return `\lvert ` + a.Arg + ` \rvert`
	},
	Kinked: true,
	Go: [3]func(w GoWriter, x string) string{
		func(_ GoWriter, x string) string { return "math.Abs(" + x + ")" },
		goSign,
		func(GoWriter, string) string { return "0.0" },
	},
	Py:    [3]string{`np.abs(%[1]s)`, `np.sign(%[1]s)`, `np.zeros_like(np.asarray(%[1]s, dtype=float))`},
	Torch: [3]string{`torch.abs(%[1]s)`, `torch.sign(%[1]s)`, `torch.zeros_like(%[1]s)`},
}

func init() { register(Abs) }
