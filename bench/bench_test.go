package bench

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/matcalc/matcalc/bench/internal/netfwd"
	"github.com/matcalc/matcalc/bench/internal/netgrad"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// Sizes are the layer widths benchmarked: W₁ and W₂ are n×n.
var sizes = []int{64, 256, 1024}

type inputs struct {
	u, x, b1, b2 *mat.VecDense
	W1, W2       *mat.Dense
}

func randInputs(n int, seed uint64) inputs {
	rng := rand.New(rand.NewPCG(seed, 1))
	v := func() *mat.VecDense {
		d := make([]float64, n)
		for i := range d {
			d[i] = rng.Float64()*2 - 1
		}
		return mat.NewVecDense(n, d)
	}
	m := func() *mat.Dense {
		d := make([]float64, n*n)
		for i := range d {
			d[i] = (rng.Float64()*2 - 1) / float64(n)
		}
		return mat.NewDense(n, n, d)
	}
	return inputs{u: v(), x: v(), b1: v(), b2: v(), W1: m(), W2: m()}
}

// gradBytes is what the gradient must move at least: W₁ and W₂ read twice
// (forward and backward), ∂W₁ and ∂W₂ written: 6n² float64s.
func gradBytes(n int) int64 { return 48 * int64(n) * int64(n) }

var sink float64

// BenchmarkNet runs every variant at every size. run.sh runs the variants
// interleaved, which is what README.md reports.
func BenchmarkNet(b *testing.B) {
	for _, n := range sizes {
		in := randInputs(n, 1)
		b.Run(fmt.Sprintf("n=%d/forward", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sink += netfwd.Forward(in.u, in.W2, in.W1, in.x, in.b1, in.b2)
			}
		})
		b.Run(fmt.Sprintf("n=%d/forward_ws", n), func(b *testing.B) {
			var w netfwd.ForwardWorkspace
			w.Forward(in.u, in.W2, in.W1, in.x, in.b1, in.b2) // warm-up: the first call allocates
			b.ReportAllocs()
			for b.Loop() {
				sink += w.Forward(in.u, in.W2, in.W1, in.x, in.b1, in.b2)
			}
		})
		b.Run(fmt.Sprintf("n=%d/grad", n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(gradBytes(n))
			for b.Loop() {
				s, _, _, _, _, _, _ := netgrad.Grad(in.u, in.W2, in.W1, in.x, in.b1, in.b2)
				sink += s
			}
		})
		b.Run(fmt.Sprintf("n=%d/grad_ws", n), func(b *testing.B) {
			var w netgrad.GradWorkspace
			w.Grad(in.u, in.W2, in.W1, in.x, in.b1, in.b2)
			b.ReportAllocs()
			b.SetBytes(gradBytes(n))
			for b.Loop() {
				s, _, _, _, _, _, _ := w.Grad(in.u, in.W2, in.W1, in.x, in.b1, in.b2)
				sink += s
			}
		})
		b.Run(fmt.Sprintf("n=%d/hand_ws", n), func(b *testing.B) {
			var w HandWorkspace
			w.Grad(in.u, in.W2, in.W1, in.x, in.b1, in.b2)
			b.ReportAllocs()
			b.SetBytes(gradBytes(n))
			for b.Loop() {
				s, _, _, _, _, _, _ := w.Grad(in.u, in.W2, in.W1, in.x, in.b1, in.b2)
				sink += s
			}
		})
	}
}

// BenchmarkCopy measures the machine's copy bandwidth on n² float64s (the
// size of one weight matrix): bytes read plus bytes written.
func BenchmarkCopy(b *testing.B) {
	for _, n := range sizes {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			src, dst := make([]float64, n*n), make([]float64, n*n)
			b.SetBytes(16 * int64(n) * int64(n))
			for b.Loop() {
				copy(dst, src)
			}
		})
	}
}

// TestGradMatchesHand checks that the emitted gradient and the hand-written
// one agree, and that both agree with the emitted forward pass by central
// differences, so that the benchmark compares equal work.
func TestGradMatchesHand(t *testing.T) {
	const n = 7
	in := randInputs(n, 3)
	var w HandWorkspace
	var g netgrad.GradWorkspace
	s1, du1, dW21, dW11, dx1, db11, db21 := w.Grad(in.u, in.W2, in.W1, in.x, in.b1, in.b2)
	s2, du2, dW22, dW12, dx2, db12, db22 := g.Grad(in.u, in.W2, in.W1, in.x, in.b1, in.b2)
	s3 := netfwd.Forward(in.u, in.W2, in.W1, in.x, in.b1, in.b2)
	if !(abs(s1-s2) < 1e-12 && abs(s1-s3) < 1e-12) {
		t.Fatalf("values %v %v %v", s1, s2, s3)
	}
	pairs := []struct {
		name string
		a, b mat.Matrix
	}{{"u", du1, du2}, {"W2", dW21, dW22}, {"W1", dW11, dW12}, {"x", dx1, dx2}, {"b1", db11, db12}, {"b2", db21, db22}}
	for _, p := range pairs {
		if !mat.EqualApprox(p.a, p.b, 1e-12) {
			t.Errorf("∂s/∂%s: hand-written and emitted differ", p.name)
		}
	}
	// Central differences of the forward pass, entry by entry.
	fd := func(v []float64, i int) float64 {
		const h = 1e-6
		old := v[i]
		v[i] = old + h
		up := netfwd.Forward(in.u, in.W2, in.W1, in.x, in.b1, in.b2)
		v[i] = old - h
		down := netfwd.Forward(in.u, in.W2, in.W1, in.x, in.b1, in.b2)
		v[i] = old
		return (up - down) / (2 * h)
	}
	check := func(name string, v []float64, grad func(i int) float64) {
		for i := range v {
			if d := abs(fd(v, i) - grad(i)); d > 1e-7 {
				t.Errorf("∂s/∂%s[%d]: finite differences differ by %g", name, i, d)
			}
		}
	}
	check("x", in.x.RawVector().Data, dx1.AtVec)
	check("b1", in.b1.RawVector().Data, db11.AtVec)
	check("u", in.u.RawVector().Data, du1.AtVec)
	check("W1", in.W1.RawMatrix().Data, func(i int) float64 { return dW11.At(i/n, i%n) })
	check("W2", in.W2.RawMatrix().Data, func(i int) float64 { return dW21.At(i/n, i%n) })
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

func TestWorkspaceAllocs(t *testing.T) {
	in := randInputs(16, 2)
	var g netgrad.GradWorkspace
	var f netfwd.ForwardWorkspace
	var h HandWorkspace
	g.Grad(in.u, in.W2, in.W1, in.x, in.b1, in.b2)
	f.Forward(in.u, in.W2, in.W1, in.x, in.b1, in.b2)
	h.Grad(in.u, in.W2, in.W1, in.x, in.b1, in.b2)
	for name, fn := range map[string]func(){
		"grad":    func() { g.Grad(in.u, in.W2, in.W1, in.x, in.b1, in.b2) },
		"forward": func() { f.Forward(in.u, in.W2, in.W1, in.x, in.b1, in.b2) },
		"hand":    func() { h.Grad(in.u, in.W2, in.W1, in.x, in.b1, in.b2) },
	} {
		if a := testing.AllocsPerRun(20, fn); a != 0 {
			t.Errorf("%s workspace: %v allocs per call", name, a)
		}
	}
}

// BenchmarkInterleaved calls the allocation-free variants one after the
// other in every iteration (in a rotating order, so that none always finds
// the weights in cache from the one before) and times each call. On a
// shared, noisy machine drift then hits all of them alike, and the medians
// of the per-call times ignore the calls a context switch or the collector
// inflated. Metrics: the median ns per call of each variant, and the ratios
// README.md reports. (The plain forms allocate, and the collection they
// cause would land on whichever variant runs next, so they are measured
// by BenchmarkNet only.)
func BenchmarkInterleaved(b *testing.B) {
	for _, n := range sizes {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			in := randInputs(n, 1)
			var fw netfwd.ForwardWorkspace
			var gw netgrad.GradWorkspace
			var hw HandWorkspace
			variants := []struct {
				name string
				fn   func()
			}{
				{"forward_ws", func() { sink += fw.Forward(in.u, in.W2, in.W1, in.x, in.b1, in.b2) }},
				{"grad_ws", func() {
					s, _, _, _, _, _, _ := gw.Grad(in.u, in.W2, in.W1, in.x, in.b1, in.b2)
					sink += s
				}},
				{"hand_ws", func() {
					s, _, _, _, _, _, _ := hw.Grad(in.u, in.W2, in.W1, in.x, in.b1, in.b2)
					sink += s
				}},
			}
			// floor is the least any gradient must do on top of the forward
			// pass: read W₂ and W₁ once more for W₂ᵀδ₂ and W₁ᵀδ₁ (the same
			// BLAS kernel, with δ standing in), and write n² float64s twice
			// for ∂W₂ and ∂W₁ with the fastest store Go has (clear, the
			// runtime's wide-store memclr). It is not a gradient; it bounds
			// what grad_ws / forward_ws can reach on this machine.
			dA, dB := make([]float64, n*n), make([]float64, n*n)
			t1, t2 := mat.NewVecDense(n, nil), mat.NewVecDense(n, nil)
			variants = append(variants, struct {
				name string
				fn   func()
			}{"floor", func() {
				sink += fw.Forward(in.u, in.W2, in.W1, in.x, in.b1, in.b2)
				blas64.Gemv(blas.Trans, 1, in.W2.RawMatrix(), in.u.RawVector(), 0, t1.RawVector())
				blas64.Gemv(blas.Trans, 1, in.W1.RawMatrix(), t1.RawVector(), 0, t2.RawVector())
				clear(dA)
				clear(dB)
				sink += t2.AtVec(0)
			}})
			for _, v := range variants {
				v.fn() // warm-up: workspaces allocate on their first call
			}
			times := make([][]float64, len(variants))
			k := 0
			for b.Loop() {
				for r := range variants {
					idx := (k + r) % len(variants)
					t0 := time.Now()
					variants[idx].fn()
					times[idx] = append(times[idx], float64(time.Since(t0)))
				}
				k++
			}
			med := map[string]float64{}
			for i, v := range variants {
				med[v.name] = median(times[i])
				b.ReportMetric(med[v.name], v.name+"-ns/call")
			}
			b.ReportMetric(med["grad_ws"]/med["hand_ws"], "grad_ws/hand_ws")
			b.ReportMetric(med["grad_ws"]/med["forward_ws"], "grad_ws/forward_ws")
			b.ReportMetric(med["floor"]/med["forward_ws"], "floor/forward_ws")
			b.ReportMetric(med["grad_ws"]/med["floor"], "grad_ws/floor")
		})
	}
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	return s[len(s)/2]
}
