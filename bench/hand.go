// Package bench compares, for s = uᵀtanh(W₂tanh(W₁x+b₁)+b₂), the Go code
// matcalc emits with a hand-written gonum gradient and with Gorgonia
// (bench/gorgonia, a module of its own). See README.md and run.sh.
package bench

//go:generate go run gen.go

import (
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// HandWorkspace is what an expert writes by hand for a training loop: every
// temporary owned by the workspace, transposed products through BLAS with a
// transpose flag, outer products written into their destination in one pass.
type HandWorkspace struct {
	z1, h1, z2, h2, d2, d1, dx *mat.VecDense
	dW1, dW2                   *mat.Dense
}

func vec(p **mat.VecDense, n int) *mat.VecDense {
	if *p == nil || (*p).Len() != n {
		*p = mat.NewVecDense(n, nil)
	}
	return *p
}

func dense(p **mat.Dense, r, c int) *mat.Dense {
	if *p != nil {
		if pr, pc := (*p).Dims(); pr == r && pc == c {
			return *p
		}
	}
	*p = mat.NewDense(r, c, nil)
	return *p
}

// outer sets dst to a bᵀ in one pass over dst: row i is aᵢ·b, written by
// floats.ScaleTo (gonum's SIMD assembly), without zeroing dst first as
// Dense.Outer does.
func outer(dst *mat.Dense, a, b []float64) {
	raw := dst.RawMatrix()
	for i, ai := range a {
		floats.ScaleTo(raw.Data[i*raw.Stride:][:len(b)], ai, b)
	}
}

// Grad returns s and its gradients by u, W₂, W₁, x, b₁, b₂.
func (w *HandWorkspace) Grad(u *mat.VecDense, W2, W1 *mat.Dense, x, b1, b2 *mat.VecDense) (s float64, du *mat.VecDense, dW2, dW1 *mat.Dense, dx, db1, db2 *mat.VecDense) {
	n, m := W2.Dims()
	_, k := W1.Dims()
	z1, h1 := vec(&w.z1, m), vec(&w.h1, m)
	z2, h2 := vec(&w.z2, n), vec(&w.h2, n)
	d2, d1 := vec(&w.d2, n), vec(&w.d1, m)

	z1.MulVec(W1, x)
	z1.AddVec(z1, b1)
	hd, zd := h1.RawVector().Data, z1.RawVector().Data
	for i, z := range zd {
		hd[i] = math.Tanh(z)
	}
	z2.MulVec(W2, h1)
	z2.AddVec(z2, b2)
	h2d, z2d, ud, d2d := h2.RawVector().Data, z2.RawVector().Data, u.RawVector().Data, d2.RawVector().Data
	for i, z := range z2d {
		t := math.Tanh(z)
		h2d[i] = t
		s += ud[i] * t
		d2d[i] = ud[i] * (1 - t*t)
	}
	blas64.Gemv(blas.Trans, 1, W2.RawMatrix(), d2.RawVector(), 0, d1.RawVector())
	d1d := d1.RawVector().Data
	for i, h := range hd {
		d1d[i] *= 1 - h*h
	}
	dW2 = dense(&w.dW2, n, m)
	outer(dW2, d2d, hd)
	dW1 = dense(&w.dW1, m, k)
	outer(dW1, d1d, x.RawVector().Data)
	dx = vec(&w.dx, k)
	blas64.Gemv(blas.Trans, 1, W1.RawMatrix(), d1.RawVector(), 0, dx.RawVector())
	return s, h2, dW2, dW1, dx, d1, d2
}
