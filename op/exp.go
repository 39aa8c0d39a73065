package op

import (
	"math"

	"github.com/matcalc/matcalc/ast"
)

// Exp is eˣ, its own derivative.
var Exp = &Elementwise{
	Names:    []string{"exp"},
	NonNeg:   [3]bool{true, true, true},
	TeX:      `\exp`,
	F:        [3]func(float64) float64{math.Exp, math.Exp, math.Exp},
	Prime:    func(_, fz ast.Expr) ast.Expr { return fz },
	GoReuses: true,
	Go: [3]func(w GoWriter, x string) string{
		func(_ GoWriter, x string) string { return "math.Exp(" + x + ")" },
		func(w GoWriter, x string) string { return w.Value("math.Exp(" + x + ")") },
		func(w GoWriter, x string) string { return w.Value("math.Exp(" + x + ")") },
	},
	Py:    [3]string{`np.exp(%[1]s)`, `np.exp(%[1]s)`, `np.exp(%[1]s)`},
	Torch: [3]string{`torch.exp(%[1]s)`, `%[2]s`, `%[2]s`},
}

func init() { register(Exp) }
