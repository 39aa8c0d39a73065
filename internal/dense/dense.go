// Package dense holds small helpers over *mat.Dense values, where a scalar
// is 1×1, for the backprop gates of package op and package graph. A Flops
// counter is threaded through them so that a backward pass's cost is the
// count of the operations it really did.
package dense

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Flops counts arithmetic operations; a nil *Flops counts nothing.
type Flops struct{ N int }

// Add counts k operations.
func (f *Flops) Add(k int) {
	if f != nil {
		f.N += k
	}
}

func Num(v float64) *mat.Dense { return mat.NewDense(1, 1, []float64{v}) }

func IsScalar(m mat.Matrix) bool {
	r, c := m.Dims()
	return r == 1 && c == 1
}

func Size(m mat.Matrix) int {
	r, c := m.Dims()
	return r * c
}

func Same(a, b mat.Matrix) bool {
	ar, ac := a.Dims()
	br, bc := b.Dims()
	return ar == br && ac == bc
}

func Dims(m mat.Matrix) string {
	r, c := m.Dims()
	return fmt.Sprintf("%d×%d", r, c)
}

// at returns m(i, j), or m's only entry for a scalar (broadcasting).
func At(m mat.Matrix, i, j int) float64 {
	if IsScalar(m) {
		return m.At(0, 0)
	}
	return m.At(i, j)
}

// each applies f to every entry of a.
func Each(a mat.Matrix, fl *Flops, f func(x float64) float64) *mat.Dense {
	r, c := a.Dims()
	out := mat.NewDense(r, c, nil)
	out.Apply(func(i, j int, v float64) float64 { return f(a.At(i, j)) }, a)
	fl.Add(r * c)
	return out
}

// reduceTo sums g down to a scalar when the operand it goes to was a
// scalar broadcast against a larger value; otherwise it returns g.
func ReduceTo(g *mat.Dense, operand mat.Matrix, fl *Flops) *mat.Dense {
	if IsScalar(operand) && !IsScalar(g) {
		fl.Add(Size(g))
		return Num(mat.Sum(g))
	}
	return g
}

func Mul(a, b mat.Matrix, fl *Flops) *mat.Dense {
	ar, ac := a.Dims()
	_, bc := b.Dims()
	var out mat.Dense
	out.Mul(a, b)
	fl.Add(2 * ar * ac * bc)
	return &out
}

func Scale(s float64, a mat.Matrix, fl *Flops) *mat.Dense {
	var out mat.Dense
	out.Scale(s, a)
	fl.Add(Size(a))
	return &out
}

func Plus(a, b mat.Matrix, fl *Flops) *mat.Dense {
	var out mat.Dense
	out.Add(a, b)
	fl.Add(Size(a))
	return &out
}

func Transpose(a mat.Matrix) *mat.Dense { return mat.DenseCopyOf(a.T()) }

func Identity(n int) *mat.Dense {
	m := mat.NewDense(n, n, nil)
	for i := 0; i < n; i++ {
		m.Set(i, i, 1)
	}
	return m
}

func Ones(r, c int) *mat.Dense {
	m := mat.NewDense(r, c, nil)
	m.Apply(func(int, int, float64) float64 { return 1 }, m)
	return m
}

func Inverse(a mat.Matrix, fl *Flops) (*mat.Dense, error) {
	var out mat.Dense
	if err := out.Inverse(a); err != nil {
		return nil, fmt.Errorf("graph: cannot invert: %v", err)
	}
	n, _ := a.Dims()
	fl.Add(2 * n * n * n)
	return &out, nil
}

// softmaxOf returns exp(x − max x) / Σ exp(x − max x), entry by entry.
func Softmax(x mat.Matrix, fl *Flops) *mat.Dense {
	m := mat.Max(x)
	e := Each(x, fl, func(v float64) float64 { return math.Exp(v - m) })
	s := mat.Sum(e)
	fl.Add(Size(e))
	return Scale(1/s, e, fl)
}

// adjugate returns adj(A), with A adj(A) = det(A) I, also for a singular A
// (where det(A) A⁻¹ is not defined but the gradient of det is): from the
// SVD A = U Σ Vᵀ, adj(A) = det(U) det(V) V diag(Πⱼ≠ᵢ σⱼ) Uᵀ.
func Adjugate(a mat.Matrix, fl *Flops) (*mat.Dense, error) {
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
	fl.Add(12 * n * n * n) // an SVD costs about as much as a few products
	adj := Mul(Mul(&v, d, fl), u.T(), fl)
	return Scale(mat.Det(&u)*mat.Det(&v), adj, fl), nil
}
