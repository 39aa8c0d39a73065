package op

import "math"

// Relu is max(x, 0), with relu′(0) = 0.
var Relu = &Elementwise{
	Names:  []string{"relu"},
	NonNeg: [3]bool{true, true, true},
	TeX:    `\operatorname{relu}`,
	F: [3]func(float64) float64{
		func(x float64) float64 {
			if x > 0 || math.IsNaN(x) {
				return x
			}
			return 0
		},
		step, zeroOrNaN},
	Kinked: true,
	Go: [3]func(w GoWriter, x string) string{
		func(_ GoWriter, x string) string { return "math.Max(" + x + ", 0)" },
		func(w GoWriter, x string) string { return w.Bool(x + " > 0") },
		func(GoWriter, string) string { return "0.0" },
	},
	Py:    [3]string{`np.maximum(%[1]s, 0.0)`, `np.greater(%[1]s, 0).astype(float)`, `np.zeros_like(np.asarray(%[1]s, dtype=float))`},
	Torch: [3]string{`torch.relu(%[1]s)`, `torch.gt(%[1]s, 0).to(_dtype)`, `torch.zeros_like(%[1]s)`},
}

func init() { register(Relu) }
