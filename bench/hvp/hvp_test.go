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
// against its closed form 2 dU VᵀV, and the Hessian F returns in vec
// layout against 2(VᵀV ⊗ I) built by gonum's Kronecker.
func TestHVP(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	T, U, V, dU := random(rng, 7, 5), random(rng, 7, 3), random(rng, 5, 3), random(rng, 7, 3)
	got := lowrank.FHVPU(T, U, V, dU)
	var vtv, want mat.Dense
	vtv.Mul(V.T(), V)
	want.Mul(dU, &vtv)
	want.Scale(2, &want)
	if !mat.EqualApprox(got, &want, 1e-12) {
		t.Errorf("HVP\n%v\nwant\n%v", mat.Formatted(got), mat.Formatted(&want))
	}
	_, h := lowrank.F(T, U, V)
	var wantH mat.Dense
	wantH.Kronecker(&vtv, eye(7))
	wantH.Scale(2, &wantH)
	if !mat.EqualApprox(h, &wantH, 1e-12) {
		t.Errorf("Hessian in vec layout\n%v\nwant\n%v", mat.Formatted(h), mat.Formatted(&wantH))
	}
}

func eye(n int) *mat.Dense {
	m := mat.NewDense(n, n, nil)
	for i := range n {
		m.Set(i, i, 1)
	}
	return m
}

// BenchmarkHVP times the Hessian-vector product by U of ‖T − UVᵀ‖² (T
// n×n, U and V n×k, k = n/10), workspace form, FHVPU: it never forms the
// (nk)×(nk) Hessian, whose cost would grow 16× per doubling of n.
func BenchmarkHVP(b *testing.B) {
	for _, n := range []int{100, 200, 400} {
		k := n / 10
		rng := rand.New(rand.NewPCG(uint64(n), 3))
		T, U, V, dU := random(rng, n, n), random(rng, n, k), random(rng, n, k), random(rng, n, k)
		b.Run(fmt.Sprintf("n=%d,k=%d", n, k), func(b *testing.B) {
			var w lowrank.FWorkspace
			w.FHVPU(T, U, V, dU)
			b.ReportAllocs()
			for b.Loop() {
				w.FHVPU(T, U, V, dU)
			}
		})
	}
}

// BenchmarkHessianVec times F, which also forms the (nk)×(nk) Hessian in vec
// layout, 2(VᵀV ⊗ I), from its Kronecker form (workspace form): the
// matrix has (nk)² entries, 16× more per doubling of n and k.
func BenchmarkHessianVec(b *testing.B) {
	for _, n := range []int{50, 100, 200} {
		k := n / 10
		rng := rand.New(rand.NewPCG(uint64(n), 4))
		T, U, V := random(rng, n, n), random(rng, n, k), random(rng, n, k)
		b.Run(fmt.Sprintf("n=%d,k=%d", n, k), func(b *testing.B) {
			var w lowrank.FWorkspace
			w.F(T, U, V)
			b.ReportAllocs()
			for b.Loop() {
				w.F(T, U, V)
			}
		})
	}
}
