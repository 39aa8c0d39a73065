package op

import "math"

// Erf is the error function, derived with a prime:
// erf′(x) = 2/√π e^(−x²), erf″(x) = −2x erf′(x).
var Erf = &Elementwise{
	Names:  []string{"erf"},
	NonNeg: [3]bool{false, true, false},
	TeX:    `\operatorname{erf}`,
	F: [3]func(float64) float64{math.Erf, erf1,
		func(x float64) float64 { return -2 * x * erf1(x) }},
	Go: [3]func(w GoWriter, x string) string{
		func(_ GoWriter, x string) string { return "math.Erf(" + x + ")" },
		func(w GoWriter, x string) string { return goErf1(w, w.Bind(x)) },
		func(w GoWriter, x string) string { v := w.Bind(x); return "-2 * " + v + " * " + goErf1(w, v) },
	},
	Py:    [3]string{`_erf(%[1]s)`, `2 / np.sqrt(np.pi) * np.exp(-(%[1]s)**2)`, `-4 / np.sqrt(np.pi) * (%[1]s) * np.exp(-(%[1]s)**2)`},
	Torch: [3]string{`torch.erf(%[1]s)`, `2 / math.sqrt(math.pi) * torch.exp(-(%[1]s)**2)`, `-4 / math.sqrt(math.pi) * (%[1]s) * torch.exp(-(%[1]s)**2)`},
}

func init() { register(Erf) }

func erf1(x float64) float64 { return 2 / math.SqrtPi * math.Exp(-x*x) }

// goErf1 is erf′(v) in Go, for a name v.
func goErf1(_ GoWriter, v string) string {
	return "2 / math.SqrtPi * math.Exp(-" + v + "*" + v + ")"
}
