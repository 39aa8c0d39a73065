// Package gorgonia benchmarks s = uᵀtanh(W₂tanh(W₁x+b₁)+b₂) and its
// gradients with Gorgonia's tape machine (symbolic gradient, then
// RunAll/Reset per step, as Gorgonia's examples train). It is a module of
// its own so that the main module does not depend on Gorgonia.
//
// Gorgonia needs ASSUME_NO_MOVING_GC_UNSAFE_RISK_IT_WITH=go1.26 in the
// environment to start with this Go version.
package gorgonia

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

var sizes = []int{64, 256, 1024}

type net struct {
	g                     *G.ExprGraph
	u, W2, W1, x, b1, b2  *G.Node
	s                     *G.Node
	grads                 G.Nodes
	vm                    G.VM
	du, dW2, dW1, dx, db1 []float64
}

func randData(rng *rand.Rand, k int, scale float64) []float64 {
	d := make([]float64, k)
	for i := range d {
		d[i] = (rng.Float64()*2 - 1) * scale
	}
	return d
}

// build makes the graph at size n (W₁, W₂: n×n) with the same random
// inputs as the main module's benchmark would draw in kind (not in value).
func build(n int, seed uint64) (*net, map[string][]float64) {
	rng := rand.New(rand.NewPCG(seed, 1))
	vals := map[string][]float64{
		"u": randData(rng, n, 1), "x": randData(rng, n, 1), "b1": randData(rng, n, 1), "b2": randData(rng, n, 1),
		"W1": randData(rng, n*n, 1/float64(n)), "W2": randData(rng, n*n, 1/float64(n)),
	}
	g := G.NewGraph()
	vec := func(name string) *G.Node {
		return G.NewVector(g, tensor.Float64, G.WithShape(n), G.WithName(name),
			G.WithValue(tensor.New(tensor.WithShape(n), tensor.WithBacking(vals[name]))))
	}
	mat := func(name string) *G.Node {
		return G.NewMatrix(g, tensor.Float64, G.WithShape(n, n), G.WithName(name),
			G.WithValue(tensor.New(tensor.WithShape(n, n), tensor.WithBacking(vals[name]))))
	}
	nt := &net{g: g, u: vec("u"), W2: mat("W2"), W1: mat("W1"), x: vec("x"), b1: vec("b1"), b2: vec("b2")}
	z1 := G.Must(G.Add(G.Must(G.Mul(nt.W1, nt.x)), nt.b1))
	h1 := G.Must(G.Tanh(z1))
	z2 := G.Must(G.Add(G.Must(G.Mul(nt.W2, h1)), nt.b2))
	h2 := G.Must(G.Tanh(z2))
	nt.s = G.Must(G.Mul(nt.u, h2))
	var err error
	if nt.grads, err = G.Grad(nt.s, nt.u, nt.W2, nt.W1, nt.x, nt.b1, nt.b2); err != nil {
		panic(err)
	}
	nt.vm = G.NewTapeMachine(g)
	return nt, vals
}

func (nt *net) step() {
	if err := nt.vm.RunAll(); err != nil {
		panic(err)
	}
	nt.vm.Reset()
}

func BenchmarkGorgonia(b *testing.B) {
	for _, n := range sizes {
		b.Run(fmt.Sprintf("n=%d/gorgonia", n), func(b *testing.B) {
			nt, _ := build(n, 1)
			defer nt.vm.Close()
			b.ReportAllocs()
			b.SetBytes(48 * int64(n) * int64(n))
			for b.Loop() {
				nt.step()
			}
		})
	}
}

// TestGorgoniaGradient checks Gorgonia's value and gradient by x against a
// direct computation, so that the benchmark does the same work.
func TestGorgoniaGradient(t *testing.T) {
	const n = 6
	nt, v := build(n, 3)
	defer nt.vm.Close()
	if err := nt.vm.RunAll(); err != nil {
		t.Fatal(err)
	}
	// Forward and backward by hand.
	mv := func(W []float64, x []float64, trans bool) []float64 {
		y := make([]float64, n)
		for i := range n {
			for j := range n {
				if trans {
					y[j] += W[i*n+j] * x[i]
				} else {
					y[i] += W[i*n+j] * x[j]
				}
			}
		}
		return y
	}
	h1 := mv(v["W1"], v["x"], false)
	for i := range h1 {
		h1[i] = math.Tanh(h1[i] + v["b1"][i])
	}
	h2 := mv(v["W2"], h1, false)
	s := 0.0
	d2 := make([]float64, n)
	for i := range h2 {
		h2[i] = math.Tanh(h2[i] + v["b2"][i])
		s += v["u"][i] * h2[i]
		d2[i] = v["u"][i] * (1 - h2[i]*h2[i])
	}
	d1 := mv(v["W2"], d2, true)
	for i := range d1 {
		d1[i] *= 1 - h1[i]*h1[i]
	}
	dx := mv(v["W1"], d1, true)
	got := nt.s.Value().Data().(float64)
	if math.Abs(got-s) > 1e-12 {
		t.Fatalf("s = %v, want %v", got, s)
	}
	gx := nt.grads[3].Value().Data().([]float64)
	for i := range dx {
		if math.Abs(gx[i]-dx[i]) > 1e-12 {
			t.Errorf("∂s/∂x[%d] = %v, want %v", i, gx[i], dx[i])
		}
	}
	gW1 := nt.grads[2].Value().Data().([]float64)
	for i := range n {
		for j := range n {
			if want := d1[i] * v["x"][j]; math.Abs(gW1[i*n+j]-want) > 1e-12 {
				t.Fatalf("∂s/∂W1[%d,%d] = %v, want %v", i, j, gW1[i*n+j], want)
			}
		}
	}
}
