package op

import "math"

// Softsign is x/(1 + |x|), derived with a prime: softsign′(x) =
// 1/(1 + |x|)², softsign″(x) = −2 sign(x)/(1 + |x|)³.
var Softsign = &Elementwise{
	Names:  []string{"softsign"},
	NonNeg: [3]bool{false, true, false},
	TeX:    `\operatorname{softsign}`,
	F: [3]func(float64) float64{
		func(x float64) float64 { return x / (1 + math.Abs(x)) },
		func(x float64) float64 { d := 1 + math.Abs(x); return 1 / (d * d) },
		func(x float64) float64 { d := 1 + math.Abs(x); return -2 * sign(x) / (d * d * d) }},
	Go: [3]func(w GoWriter, x string) string{
		func(w GoWriter, x string) string { v := w.Bind(x); return v + " / (1 + math.Abs(" + v + "))" },
		func(w GoWriter, x string) string {
			d := w.Bind("1 + math.Abs(" + x + ")")
			return "1 / (" + d + " * " + d + ")"
		},
		func(w GoWriter, x string) string {
			v := w.Bind(x)
			d := w.Bind("1 + math.Abs(" + v + ")")
			return "-2 * (" + goSign(w, v) + ") / (" + d + " * " + d + " * " + d + ")"
		},
	},
	Py:    [3]string{`(%[1]s) / (1 + np.abs(%[1]s))`, `1 / (1 + np.abs(%[1]s))**2`, `-2 * np.sign(%[1]s) / (1 + np.abs(%[1]s))**3`},
	Torch: [3]string{`(%[1]s) / (1 + torch.abs(%[1]s))`, `1 / (1 + torch.abs(%[1]s))**2`, `-2 * torch.sign(%[1]s) / (1 + torch.abs(%[1]s))**3`},
}

func init() { register(Softsign) }
