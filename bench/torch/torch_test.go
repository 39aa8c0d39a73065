// Package torch times matcalc's emitted Go against PyTorch (torch_bench.py);
// run.sh runs both sides in one sitting and prints the table of issue 15.
package torch

//go:generate go run gen.go

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/matcalc/matcalc/bench/internal/netgrad"
	"github.com/matcalc/matcalc/bench/torch/internal/logreghess"
)

// The sizes of issue 15's table: X is N×m.
var hessSizes = []struct{ N, m int }{{1000, 50}, {1000, 200}, {2000, 500}}

type logreg struct {
	y, w *mat.VecDense
	X    *mat.Dense
}

func newLogreg(N, m int) logreg {
	r := rand.New(rand.NewPCG(1, uint64(N*m)))
	X := mat.NewDense(N, m, nil)
	for i := range N {
		for j := range m {
			X.Set(i, j, r.NormFloat64())
		}
	}
	y := mat.NewVecDense(N, nil)
	for i := range N {
		y.SetVec(i, float64(2*r.IntN(2)-1))
	}
	w := mat.NewVecDense(m, nil)
	for j := range m {
		w.SetVec(j, r.NormFloat64()/math.Sqrt(float64(m)))
	}
	return logreg{y, w, X}
}

// closedForm is Xᵀdiag(y²σ(z)(1−σ(z)))X with z = −y ∘ Xw, computed directly.
func (l logreg) closedForm() *mat.Dense {
	N, m := l.X.Dims()
	H := mat.NewDense(m, m, nil)
	for i := range N {
		z := 0.0
		for j := range m {
			z += l.X.At(i, j) * l.w.AtVec(j)
		}
		z *= -l.y.AtVec(i)
		sg := 1 / (1 + math.Exp(-z))
		d := l.y.AtVec(i) * l.y.AtVec(i) * sg * (1 - sg)
		for a := range m {
			for b := range m {
				H.Set(a, b, H.At(a, b)+d*l.X.At(i, a)*l.X.At(i, b))
			}
		}
	}
	return H
}

// TestHessian checks the emitted Hessian against the closed form, and that
// its workspace form allocates nothing.
func TestHessian(t *testing.T) {
	l := newLogreg(60, 7)
	var ws logreghess.FWorkspace
	_, H := ws.F(l.y, l.X, l.w)
	want := l.closedForm()
	if !mat.EqualApprox(H, want, 1e-10) {
		t.Fatalf("emitted Hessian\n%v\nwant\n%v", mat.Formatted(H), mat.Formatted(want))
	}
	if a := testing.AllocsPerRun(10, func() { ws.F(l.y, l.X, l.w) }); a != 0 {
		t.Errorf("workspace Hessian allocates %v times per call", a)
	}
}

func BenchmarkHessian(b *testing.B) {
	for _, s := range hessSizes {
		l := newLogreg(s.N, s.m)
		b.Run(fmt.Sprintf("N=%d,m=%d", s.N, s.m), func(b *testing.B) {
			var ws logreghess.FWorkspace
			ws.F(l.y, l.X, l.w)
			b.ReportAllocs()
			for b.Loop() {
				ws.F(l.y, l.X, l.w)
			}
		})
	}
}

// BenchmarkGemm times gonum's C = AᵀB with A, B: 2000×500 (the product of
// the m = 500 Hessian) and reports GFLOP/s.
func BenchmarkGemm(b *testing.B) {
	l := newLogreg(2000, 500)
	C := mat.NewDense(500, 500, nil)
	for b.Loop() {
		C.Mul(l.X.T(), l.X)
	}
	b.ReportMetric(2*2000*500*500/(float64(b.Elapsed().Nanoseconds())/float64(b.N)), "GFLOP/s")
}

func BenchmarkNetGrad(b *testing.B) {
	for _, n := range []int{64, 256, 1024} {
		r := rand.New(rand.NewPCG(2, uint64(n)))
		vec := func() *mat.VecDense {
			v := mat.NewVecDense(n, nil)
			for i := range n {
				v.SetVec(i, r.NormFloat64())
			}
			return v
		}
		den := func() *mat.Dense {
			d := mat.NewDense(n, n, nil)
			for i := range n {
				for j := range n {
					d.Set(i, j, r.NormFloat64()/math.Sqrt(float64(n)))
				}
			}
			return d
		}
		u, W2, W1, x, b1, b2 := vec(), den(), den(), vec(), vec(), vec()
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			var ws netgrad.GradWorkspace
			ws.Grad(u, W2, W1, x, b1, b2)
			b.ReportAllocs()
			for b.Loop() {
				ws.Grad(u, W2, W1, x, b1, b2)
			}
		})
	}
}
