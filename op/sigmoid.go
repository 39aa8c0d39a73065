package op

import (
	"math"

	"github.com/matcalc/matcalc/ast"
)

// Sigmoid is σ(x) = 1/(1+e⁻ˣ), derived with a prime: σ′ = σ(1 − σ).
var Sigmoid = &Elementwise{
	Names:  []string{"σ", "sigmoid"},
	NonNeg: [3]bool{true, true, false},
	ASCII:  "sigmoid",
	TeX:    `\sigma`,
	F:      [3]func(float64) float64{sigmoid, sigmoid1, sigmoid2},
	// log σ(z) has the derivative 1 − σ(z): σ′ = σ(1 − σ) cancels the
	// division by σ.
	LogPrime: func(_, fz ast.Expr) ast.Expr { return sub(num(1), fz) },
	// log σ(z) = −softplus(−z): finite for z = −800, where σ(z) is 0.
	StableLogOf: func(z ast.Expr) ast.Expr { return neg(ast.Fn(softplusName, 0, neg(z))) },
	Go: [3]func(w GoWriter, x string) string{
		func(w GoWriter, x string) string { return goSigmoid(w, x) },
		func(w GoWriter, x string) string { s := w.Value(goSigmoid(w, x)); return s + " * (1 - " + s + ")" },
		func(w GoWriter, x string) string {
			s := w.Value(goSigmoid(w, x))
			return s + " * (1 - " + s + ") * (1 - 2*" + s + ")"
		},
	},
	GoReuses: true,
	Py:       [3]string{`np.exp(-np.logaddexp(0.0, -(%[1]s)))`, `np.exp(-np.logaddexp(0.0, -(%[1]s)) - np.logaddexp(0.0, %[1]s))`, `np.exp(-np.logaddexp(0.0, -(%[1]s)) - np.logaddexp(0.0, %[1]s)) * np.tanh(-(%[1]s) / 2)`},
	Torch:    [3]string{`torch.sigmoid(%[1]s)`, `%[2]s * torch.sigmoid(-(%[1]s))`, `%[2]s * torch.sigmoid(-(%[1]s)) * torch.tanh(-(%[1]s) / 2)`},
}

func init() { register(Sigmoid) }

// sigmoid is σ(x) without overflow for large |x|.
func sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	z := math.Exp(x)
	return z / (1 + z)
}

// sigmoid1 is σ′ = σ(1−σ), written with σ(−x) = 1−σ(x) so that it does not
// cancel to 0 for large x.
func sigmoid1(x float64) float64 { return sigmoid(x) * sigmoid(-x) }

// sigmoid2 is σ″ = σ(1−σ)(1−2σ) = σ(x)σ(−x)(σ(−x)−σ(x)).
func sigmoid2(x float64) float64 {
	s, t := sigmoid(x), sigmoid(-x)
	return s * t * (t - s)
}

// goSigmoid is σ(x) in Go.
func goSigmoid(w GoWriter, x string) string { return "1 / (1 + math.Exp(-" + w.Paren(x) + "))" }
