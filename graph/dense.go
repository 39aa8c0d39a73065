package graph

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Small helpers over *mat.Dense values, where a scalar is 1×1. A flops
// counter is threaded through the backward pass so that its cost is the
// count of the operations it really did.

type flops struct{ n int }

func (f *flops) add(k int) {
	if f != nil {
		f.n += k
	}
}

func num(v float64) *mat.Dense { return mat.NewDense(1, 1, []float64{v}) }

func isScalar(m mat.Matrix) bool {
	r, c := m.Dims()
	return r == 1 && c == 1
}

func size(m mat.Matrix) int {
	r, c := m.Dims()
	return r * c
}

func same(a, b mat.Matrix) bool {
	ar, ac := a.Dims()
	br, bc := b.Dims()
	return ar == br && ac == bc
}

func dims(m mat.Matrix) string {
	r, c := m.Dims()
	return fmt.Sprintf("%d×%d", r, c)
}

// at returns m(i, j), or m's only entry for a scalar (broadcasting).
func at(m mat.Matrix, i, j int) float64 {
	if isScalar(m) {
		return m.At(0, 0)
	}
	return m.At(i, j)
}

// each applies f to every entry of a.
func each(a mat.Matrix, fl *flops, f func(x float64) float64) *mat.Dense {
	r, c := a.Dims()
	out := mat.NewDense(r, c, nil)
	out.Apply(func(i, j int, v float64) float64 { return f(a.At(i, j)) }, a)
	fl.add(r * c)
	return out
}

// reduceTo sums g down to a scalar when the operand it goes to was a
// scalar broadcast against a larger value; otherwise it returns g.
func reduceTo(g *mat.Dense, operand mat.Matrix, fl *flops) *mat.Dense {
	if isScalar(operand) && !isScalar(g) {
		fl.add(size(g))
		return num(mat.Sum(g))
	}
	return g
}

func mul(a, b mat.Matrix, fl *flops) *mat.Dense {
	ar, ac := a.Dims()
	_, bc := b.Dims()
	var out mat.Dense
	out.Mul(a, b)
	fl.add(2 * ar * ac * bc)
	return &out
}

func scale(s float64, a mat.Matrix, fl *flops) *mat.Dense {
	var out mat.Dense
	out.Scale(s, a)
	fl.add(size(a))
	return &out
}

func plus(a, b mat.Matrix, fl *flops) *mat.Dense {
	var out mat.Dense
	out.Add(a, b)
	fl.add(size(a))
	return &out
}

func transpose(a mat.Matrix) *mat.Dense { return mat.DenseCopyOf(a.T()) }

func identity(n int) *mat.Dense {
	m := mat.NewDense(n, n, nil)
	for i := 0; i < n; i++ {
		m.Set(i, i, 1)
	}
	return m
}

func ones(r, c int) *mat.Dense {
	m := mat.NewDense(r, c, nil)
	m.Apply(func(int, int, float64) float64 { return 1 }, m)
	return m
}

func inverse(a mat.Matrix, fl *flops) (*mat.Dense, error) {
	var out mat.Dense
	if err := out.Inverse(a); err != nil {
		return nil, fmt.Errorf("graph: cannot invert: %v", err)
	}
	n, _ := a.Dims()
	fl.add(2 * n * n * n)
	return &out, nil
}

// softmaxOf returns exp(x − max x) / Σ exp(x − max x), entry by entry.
func softmaxOf(x mat.Matrix, fl *flops) *mat.Dense {
	m := mat.Max(x)
	e := each(x, fl, func(v float64) float64 { return math.Exp(v - m) })
	s := mat.Sum(e)
	fl.add(size(e))
	return scale(1/s, e, fl)
}

// adjugate returns adj(A), with A adj(A) = det(A) I, also for a singular A
// (where det(A) A⁻¹ is not defined but the gradient of det is): from the
// SVD A = U Σ Vᵀ, adj(A) = det(U) det(V) V diag(Πⱼ≠ᵢ σⱼ) Uᵀ.
func adjugate(a mat.Matrix, fl *flops) (*mat.Dense, error) {
	n, _ := a.Dims()
	var svd mat.SVD
	if !svd.Factorize(a, mat.SVDFull) {
		return nil, fmt.Errorf("graph: SVD failed")
	}
	var u, v mat.Dense
	svd.UTo(&u)
	svd.VTo(&v)
	sigma := svd.Values(nil)
	d := mat.NewDense(n, n, nil)
	for i := 0; i < n; i++ {
		p := 1.0
		for j := 0; j < n; j++ {
			if j != i {
				p *= sigma[j]
			}
		}
		d.Set(i, i, p)
	}
	fl.add(12 * n * n * n) // an SVD costs about as much as a few products
	adj := mul(mul(&v, d, fl), u.T(), fl)
	return scale(mat.Det(&u)*mat.Det(&v), adj, fl), nil
}
