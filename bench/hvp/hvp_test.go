package hvp

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/matcalc/matcalc/bench/hvp/internal/lowrank"
	"gonum.org/v1/gonum/mat"
)

//go:generate go run gen.go

func random(rng *rand.Rand, r, c int) *mat.Dense {
	m := mat.NewDense(r, c, nil)
	for i := range r {
		for j := range c {
			m.Set(i, j, rng.NormFloat64())
		}
	}
	return m
}

// TestHVP checks the emitted Hessian-vector product of ‖T − UVᵀ‖² by U
// against its closed form 2 dU VᵀV.
func TestHVP(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	T, U, V, dU := random(rng, 7, 5), random(rng, 7, 3), random(rng, 5, 3), random(rng, 7, 3)
	_, got := lowrank.F(T, U, V, dU)
	var vtv, want mat.Dense
	vtv.Mul(V.T(), V)
	want.Mul(dU, &vtv)
	want.Scale(2, &want)
	if !mat.EqualApprox(got, &want, 1e-12) {
		t.Errorf("HVP\n%v\nwant\n%v", mat.Formatted(got), mat.Formatted(&want))
	}
}

// BenchmarkHVP times the value and the Hessian-vector product by U of
// ‖T − UVᵀ‖² (T n×n, U and V n×k, k = n/10), workspace form: the work is
// O(n²k) for the value and O(nk²) for the product, so each doubling of n
// should cost about 8×, where forming the (nk)×(nk) Hessian would cost 16×.
func BenchmarkHVP(b *testing.B) {
	for _, n := range []int{100, 200, 400} {
		k := n / 10
		rng := rand.New(rand.NewPCG(uint64(n), 3))
		T, U, V, dU := random(rng, n, n), random(rng, n, k), random(rng, n, k), random(rng, n, k)
		b.Run(fmt.Sprintf("n=%d,k=%d", n, k), func(b *testing.B) {
			var w lowrank.FWorkspace
			w.F(T, U, V, dU)
			b.ReportAllocs()
			for b.Loop() {
				w.F(T, U, V, dU)
			}
		})
	}
}
