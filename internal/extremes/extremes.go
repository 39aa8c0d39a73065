// Package extremes holds formulas whose naive arithmetic overflows, at
// extreme inputs, with their values and gradients in closed form: the
// cases that eval's and render/gocode's tests check the stable forms on.
package extremes

import "math"

// A Case is a formula of vectors at a point, with its value and its
// gradients by each variable.
type Case struct {
	Src  string
	At   map[string][]float64
	Val  float64
	Grad map[string][]float64 // by variable
}

// Vectors are formulas of vectors whose naive form overflows, at logits
// 1000 apart and |z| = 800, with their value and gradients in closed form
// (in float64: e^−800 and e^−1000 are below the smallest double, so
// σ(−800) = σ′(±800) = softmax(0, 1000)₁ = 0 exactly as rounded):
// log softmax(0, 1000) = (−1000, 0), logsumexp = 1000,
// ∂ uᵀlog softmax(z)/∂z = u − (Σu) softmax(z).
var Vectors = []Case{
	{"logsumexp(z)", map[string][]float64{"z": {0, 1000}}, 1000, map[string][]float64{"z": {0, 1}}},
	{"logsumexp(z)", map[string][]float64{"z": {-1000, -1000}}, -1000 + math.Ln2, map[string][]float64{"z": {0.5, 0.5}}},
	{"log(sum(exp(z)))", map[string][]float64{"z": {0, 1000}}, 1000, map[string][]float64{"z": {0, 1}}},
	{"uᵀlog(softmax(z))", map[string][]float64{"u": {1, 2}, "z": {0, 1000}}, -1000, map[string][]float64{"u": {-1000, 0}, "z": {1, -1}}},
	{"uᵀlogsoftmax(z)", map[string][]float64{"u": {1, 2}, "z": {1000, -1000}}, -4000, map[string][]float64{"u": {0, -2000}, "z": {-2, 2}}},
	{"uᵀsoftmax(z)", map[string][]float64{"u": {1, 2}, "z": {0, 1000}}, 2, map[string][]float64{"u": {0, 1}, "z": {0, 0}}},
	{"sum(σ(z))", map[string][]float64{"z": {-800, 800}}, 1, map[string][]float64{"z": {0, 0}}},
	{"sum(log(σ(z)))", map[string][]float64{"z": {-800, 800}}, -800, map[string][]float64{"z": {1, 0}}},
	{"sum(log(1 − σ(z)))", map[string][]float64{"z": {-800, 800}}, -800, map[string][]float64{"z": {0, -1}}},
	{"sum(softplus(z))", map[string][]float64{"z": {-800, 800}}, 800, map[string][]float64{"z": {0, 1}}},
	{"sum(log(1 + exp(−y ∘ z)))", map[string][]float64{"y": {1, -1}, "z": {-800, -800}}, 800, map[string][]float64{"y": {800, 0}, "z": {-1, 0}}},
}
