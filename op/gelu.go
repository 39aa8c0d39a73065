package op

import "math"

// Gelu is the Gaussian error linear unit x Φ(x), Φ the standard normal
// distribution function, derived with a prime: gelu′(x) = Φ(x) + x φ(x),
// gelu″(x) = φ(x)(2 − x²), φ the standard normal density.
var Gelu = &Elementwise{
	Names: []string{"gelu"},
	TeX:   `\operatorname{gelu}`,
	F: [3]func(float64) float64{
		func(x float64) float64 { return x * normCDF(x) },
		func(x float64) float64 { return normCDF(x) + x*normPDF(x) },
		func(x float64) float64 { return normPDF(x) * (2 - x*x) }},
	Go: [3]func(w GoWriter, x string) string{
		func(w GoWriter, x string) string { v := w.Bind(x); return v + " * " + goNormCDF(v) },
		func(w GoWriter, x string) string {
			v := w.Bind(x)
			return goNormCDF(v) + " + " + v + "*" + goNormPDF(v)
		},
		func(w GoWriter, x string) string {
			v := w.Bind(x)
			return goNormPDF(v) + " * (2 - " + v + "*" + v + ")"
		},
	},
	Py:    [3]string{`(%[1]s) * 0.5 * (1 + _erf((%[1]s) / np.sqrt(2)))`, `0.5 * (1 + _erf((%[1]s) / np.sqrt(2))) + (%[1]s) * np.exp(-(%[1]s)**2 / 2) / np.sqrt(2 * np.pi)`, `np.exp(-(%[1]s)**2 / 2) / np.sqrt(2 * np.pi) * (2 - (%[1]s)**2)`},
	Torch: [3]string{`torch.nn.functional.gelu(%[1]s)`, `0.5 * (1 + torch.erf((%[1]s) / math.sqrt(2))) + (%[1]s) * torch.exp(-(%[1]s)**2 / 2) / math.sqrt(2 * math.pi)`, `torch.exp(-(%[1]s)**2 / 2) / math.sqrt(2 * math.pi) * (2 - (%[1]s)**2)`},
}

func init() { register(Gelu) }

func normCDF(x float64) float64 { return 0.5 * math.Erfc(-x/math.Sqrt2) }
func normPDF(x float64) float64 { return math.Exp(-x*x/2) / math.Sqrt(2*math.Pi) }

func goNormCDF(v string) string { return "0.5 * math.Erfc(-" + v + "/math.Sqrt2)" }
func goNormPDF(v string) string { return "(math.Exp(-" + v + "*" + v + "/2) / math.Sqrt(2*math.Pi))" }
