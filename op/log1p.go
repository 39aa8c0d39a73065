package op

import (
	"math"

	"github.com/matcalc/matcalc/ast"
)

// Log1p is log(1 + x), exact for small x: log1p′(z) = 1 ./ (1 + z).
var Log1p = &Elementwise{
	Names:    []string{"log1p"},
	TeX:      `\operatorname{log1p}`,
	Positive: true,
	F: [3]func(float64) float64{math.Log1p,
		func(x float64) float64 { return 1 / (1 + x) },
		func(x float64) float64 { return -1 / ((1 + x) * (1 + x)) }},
	Prime: func(z, _ ast.Expr) ast.Expr { return ediv(num(1), ast.Bin(ast.Add, num(1), z)) },
	Go: [3]func(w GoWriter, x string) string{
		func(_ GoWriter, x string) string { return "math.Log1p(" + x + ")" },
		func(_ GoWriter, x string) string { return "1 / (1 + " + x + ")" },
		func(w GoWriter, x string) string { v := w.Bind("1 + " + x); return "-1 / (" + v + " * " + v + ")" },
	},
	Py:    [3]string{`np.log1p(%[1]s)`, `1 / (1 + (%[1]s))`, `-1 / (1 + (%[1]s))**2`},
	Torch: [3]string{`torch.log1p(%[1]s)`, `1 / (1 + (%[1]s))`, `-1 / (1 + (%[1]s))**2`},
}

func init() { register(Log1p) }
