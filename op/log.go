package op

import (
	"math"

	"github.com/matcalc/matcalc/ast"
)

// Log is the natural logarithm: log′(z) = 1 ./ z.
var Log = &Elementwise{
	Names:    []string{"log"},
	Positive: true,
	TeX:      `\log`,
	F: [3]func(float64) float64{math.Log,
		func(x float64) float64 { return 1 / x },
		func(x float64) float64 { return -1 / (x * x) }},
	Prime: func(z, _ ast.Expr) ast.Expr { return ediv(num(1), z) },
	Go: [3]func(w GoWriter, x string) string{
		func(_ GoWriter, x string) string { return "math.Log(" + x + ")" },
		func(w GoWriter, x string) string { return "1 / " + w.Paren(x) },
		func(w GoWriter, x string) string { v := w.Bind(x); return "-1 / (" + v + " * " + v + ")" },
	},
	Py:    [3]string{`np.log(%[1]s)`, `1 / (%[1]s)`, `-1 / (%[1]s)**2`},
	Torch: [3]string{`torch.log(%[1]s)`, `1 / (%[1]s)`, `-1 / (%[1]s)**2`},
}

func init() { register(Log) }
