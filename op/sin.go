package op

import (
	"math"

	"github.com/matcalc/matcalc/ast"
)

// Sin is the sine: sin′ = cos.
var Sin = &Elementwise{
	Names: []string{sinName},
	TeX:   `\sin`,
	F:     [3]func(float64) float64{math.Sin, math.Cos, func(x float64) float64 { return -math.Sin(x) }},
	Prime: func(z, _ ast.Expr) ast.Expr { return ast.Fn(cosName, 0, z) },
	Go: [3]func(w GoWriter, x string) string{
		func(_ GoWriter, x string) string { return "math.Sin(" + x + ")" },
		func(_ GoWriter, x string) string { return "math.Cos(" + x + ")" },
		func(_ GoWriter, x string) string { return "-math.Sin(" + x + ")" },
	},
	Py:    [3]string{`np.sin(%[1]s)`, `np.cos(%[1]s)`, `-np.sin(%[1]s)`},
	Torch: [3]string{`torch.sin(%[1]s)`, `torch.cos(%[1]s)`, `-%[2]s`},
}

func init() { register(Sin) }

const sinName = "sin"
