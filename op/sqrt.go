package op

import (
	"math"

	"github.com/matcalc/matcalc/ast"
)

// Sqrt is the square root: sqrt′(z) = 1 ./ (2 sqrt(z)).
var Sqrt = &Elementwise{
	Names:    []string{"sqrt"},
	NonNeg:   [3]bool{true, true, false},
	Positive: true,
	TeX:      `\operatorname{sqrt}`,
	Form:     func(a TeXArg) string { return `\sqrt{` + a.Arg + `}` },
	F: [3]func(float64) float64{math.Sqrt,
		func(x float64) float64 { return 0.5 / math.Sqrt(x) },
		func(x float64) float64 { return -0.25 / (x * math.Sqrt(x)) }},
	Prime: func(_, fz ast.Expr) ast.Expr { return ediv(num(1), mul(num(2), fz)) },
	Go: [3]func(w GoWriter, x string) string{
		func(_ GoWriter, x string) string { return "math.Sqrt(" + x + ")" },
		func(w GoWriter, x string) string { return "0.5 / " + w.Value("math.Sqrt("+x+")") },
		func(w GoWriter, x string) string { v := w.Bind(x); return "-0.25 / (" + v + " * math.Sqrt(" + v + "))" },
	},
	GoReuses: true,
	Py:       [3]string{`np.sqrt(%[1]s)`, `0.5 / %[2]s`, `-0.25 / (%[1]s)**1.5`},
	Torch:    [3]string{`torch.sqrt(%[1]s)`, `0.5 / %[2]s`, `-0.25 / (%[1]s)**1.5`},
}

func init() { register(Sqrt) }
