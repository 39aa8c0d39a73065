package gogen

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

type point struct {
	u, x, b *mat.VecDense
	W       *mat.Dense
}

func randPoint(n, m int, seed uint64) point {
	rng := rand.New(rand.NewPCG(seed, 9))
	r := func(k int) []float64 {
		d := make([]float64, k)
		for i := range d {
			d[i] = rng.Float64()*2 - 1
		}
		return d
	}
	return point{u: mat.NewVecDense(n, r(n)), x: mat.NewVecDense(m, r(m)), b: mat.NewVecDense(n, r(n)), W: mat.NewDense(n, m, r(n*m))}
}

// direct computes s = uᵀσ(Wx + b) without the generated code.
func direct(p point) float64 {
	var z mat.VecDense
	z.MulVec(p.W, p.x)
	z.AddVec(&z, p.b)
	s := 0.0
	for i := range z.Len() {
		s += p.u.AtVec(i) / (1 + math.Exp(-z.AtVec(i)))
	}
	return s
}

// TestGradFiniteDifferences compares the generated value with a direct
// computation and every gradient entry with central differences of it.
func TestGradFiniteDifferences(t *testing.T) {
	for seed := range uint64(3) {
		p := randPoint(4, 3, seed)
		s, dW, db, dx := S(p.u, p.W, p.x, p.b)
		if want := direct(p); math.Abs(s-want) > 1e-12 {
			t.Fatalf("s = %v, want %v", s, want)
		}
		fd := func(data []float64, i int) float64 {
			const h = 1e-6
			old := data[i]
			data[i] = old + h
			up := direct(p)
			data[i] = old - h
			down := direct(p)
			data[i] = old
			return (up - down) / (2 * h)
		}
		check := func(name string, data []float64, got func(i int) float64) {
			for i := range data {
				if want := fd(data, i); math.Abs(got(i)-want) > 1e-8 {
					t.Errorf("seed %d: ∂s/∂%s[%d] = %v, central differences %v", seed, name, i, got(i), want)
				}
			}
		}
		_, m := p.W.Dims()
		check("W", p.W.RawMatrix().Data, func(i int) float64 { return dW.At(i/m, i%m) })
		check("b", p.b.RawVector().Data, db.AtVec)
		check("x", p.x.RawVector().Data, dx.AtVec)

		// The workspace form gives the same numbers and, once warm, allocates nothing.
		var w SWorkspace
		ws, wdW, wdb, wdx := w.S(p.u, p.W, p.x, p.b)
		if ws != s || !mat.Equal(wdW, dW) || !mat.Equal(wdb, db) || !mat.Equal(wdx, dx) {
			t.Errorf("seed %d: the workspace form differs from the plain one", seed)
		}
		if a := testing.AllocsPerRun(10, func() { w.S(p.u, p.W, p.x, p.b) }); a != 0 {
			t.Errorf("workspace form: %v allocations per call", a)
		}
	}
}
