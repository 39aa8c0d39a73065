package op

import (
	"math"

	"github.com/matcalc/matcalc/ast"
)

// Expm1 is eˣ − 1, exact for small x: expm1′ = exp.
var Expm1 = &Elementwise{
	Names: []string{"expm1"},
	TeX:   `\operatorname{expm1}`,
	F:     [3]func(float64) float64{math.Expm1, math.Exp, math.Exp},
	Prime: func(z, _ ast.Expr) ast.Expr { return Call(Exp, z) },
	Go: [3]func(w GoWriter, x string) string{
		func(_ GoWriter, x string) string { return "math.Expm1(" + x + ")" },
		func(_ GoWriter, x string) string { return "math.Exp(" + x + ")" },
		func(_ GoWriter, x string) string { return "math.Exp(" + x + ")" },
	},
	Py:    [3]string{`np.expm1(%[1]s)`, `np.exp(%[1]s)`, `np.exp(%[1]s)`},
	Torch: [3]string{`torch.expm1(%[1]s)`, `torch.exp(%[1]s)`, `torch.exp(%[1]s)`},
}

func init() { register(Expm1) }
