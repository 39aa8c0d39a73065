package op

import "math"

// Tanh is the hyperbolic tangent, derived with a prime: tanh′ = 1 − tanh².
var Tanh = &Elementwise{
	Names:  []string{"tanh"},
	NonNeg: [3]bool{false, true, false},
	TeX:    `\tanh`,
	F: [3]func(float64) float64{math.Tanh,
		func(x float64) float64 { t := math.Tanh(x); return 1 - t*t },
		func(x float64) float64 { t := math.Tanh(x); return -2 * t * (1 - t*t) }},
	Go: [3]func(w GoWriter, x string) string{
		func(_ GoWriter, x string) string { return "math.Tanh(" + x + ")" },
		func(w GoWriter, x string) string { t := w.Value("math.Tanh(" + x + ")"); return "1 - " + t + "*" + t },
		func(w GoWriter, x string) string {
			t := w.Value("math.Tanh(" + x + ")")
			return "-2 * " + t + " * (1 - " + t + "*" + t + ")"
		},
	},
	GoReuses: true,
	Py:       [3]string{`np.tanh(%[1]s)`, `1 - %[2]s**2`, `-2 * %[2]s * (1 - %[2]s**2)`},
	Torch:    [3]string{`torch.tanh(%[1]s)`, `1 - %[2]s**2`, `-2 * %[2]s * (1 - %[2]s**2)`},
}

func init() { register(Tanh) }
