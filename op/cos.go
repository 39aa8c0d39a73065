package op

import (
	"math"

	"github.com/matcalc/matcalc/ast"
)

// Cos is the cosine: cos′ = −sin.
var Cos = &Elementwise{
	Names: []string{cosName},
	TeX:   `\cos`,
	F: [3]func(float64) float64{math.Cos,
		func(x float64) float64 { return -math.Sin(x) },
		func(x float64) float64 { return -math.Cos(x) }},
	Prime: func(z, _ ast.Expr) ast.Expr { return neg(ast.Fn(sinName, 0, z)) },
	Go: [3]func(w GoWriter, x string) string{
		func(_ GoWriter, x string) string { return "math.Cos(" + x + ")" },
		func(_ GoWriter, x string) string { return "-math.Sin(" + x + ")" },
		func(_ GoWriter, x string) string { return "-math.Cos(" + x + ")" },
	},
	Py:    [3]string{`np.cos(%[1]s)`, `-np.sin(%[1]s)`, `-np.cos(%[1]s)`},
	Torch: [3]string{`torch.cos(%[1]s)`, `-torch.sin(%[1]s)`, `-%[2]s`},
}

func init() { register(Cos) }

const cosName = "cos"
