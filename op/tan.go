package op

import "math"

// Tan is the tangent, derived with a prime: tan′(z) = 1 + tan²(z).
var Tan = &Elementwise{
	Names: []string{"tan"},
	TeX:   `\tan`,
	F: [3]func(float64) float64{math.Tan,
		func(x float64) float64 { t := math.Tan(x); return 1 + t*t },
		func(x float64) float64 { t := math.Tan(x); return 2 * t * (1 + t*t) }},
	Go: [3]func(w GoWriter, x string) string{
		func(_ GoWriter, x string) string { return "math.Tan(" + x + ")" },
		func(w GoWriter, x string) string { t := w.Value("math.Tan(" + x + ")"); return "1 + " + t + "*" + t },
		func(w GoWriter, x string) string {
			t := w.Value("math.Tan(" + x + ")")
			return "2 * " + t + " * (1 + " + t + "*" + t + ")"
		},
	},
	GoReuses: true,
	Py:       [3]string{`np.tan(%[1]s)`, `1 + %[2]s**2`, `2 * %[2]s * (1 + %[2]s**2)`},
	Torch:    [3]string{`torch.tan(%[1]s)`, `1 + %[2]s**2`, `2 * %[2]s * (1 + %[2]s**2)`},
}

func init() { register(Tan) }
