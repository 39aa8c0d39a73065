package eval

import (
	"github.com/matcalc/matcalc/op"
	"gonum.org/v1/gonum/mat"
)

// softmax is the softmax of a vector, as op computes it.
func softmax(x *mat.Dense) *mat.Dense {
	v, err := op.Softmax.Value(x, "x")
	if err != nil {
		panic(err)
	}
	return v
}

func eachEntry(x *mat.Dense, f func(float64)) {
	r, c := x.Dims()
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			f(x.At(i, j))
		}
	}
}
