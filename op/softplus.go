package op

import (
	"math"

	"github.com/matcalc/matcalc/ast"
)

// Softplus is log(1 + eˣ), computed as max(x,0) + log1p(e^−|x|) so that it
// is exact for large |x|; softplus′ = σ.
var Softplus = &Elementwise{
	Names:  []string{softplusName},
	NonNeg: [3]bool{true, true, true},
	TeX:    `\operatorname{softplus}`,
	F:      [3]func(float64) float64{softplus, sigmoid, sigmoid1},
	Prime:  func(z, _ ast.Expr) ast.Expr { return Call(Sigmoid, z) },
	Go: [3]func(w GoWriter, x string) string{
		func(w GoWriter, x string) string {
			v := w.Bind(x)
			return "math.Max(" + v + ", 0) + math.Log1p(math.Exp(-math.Abs(" + v + ")))"
		},
		func(w GoWriter, x string) string { return goSigmoid(w, x) },
		func(w GoWriter, x string) string { s := w.Bind(goSigmoid(w, x)); return s + " * (1 - " + s + ")" },
	},
	Py:    [3]string{`np.logaddexp(0.0, %[1]s)`, `np.exp(-np.logaddexp(0.0, -(%[1]s)))`, `np.exp(-np.logaddexp(0.0, -(%[1]s)) - np.logaddexp(0.0, %[1]s))`},
	Torch: [3]string{`torch.nn.functional.softplus(%[1]s)`, `torch.sigmoid(%[1]s)`, `torch.sigmoid(%[1]s) * torch.sigmoid(-(%[1]s))`},
}

func init() { register(Softplus) }

func softplus(x float64) float64 {
	return math.Max(x, 0) + math.Log1p(math.Exp(-math.Abs(x)))
}

const softplusName = "softplus"
