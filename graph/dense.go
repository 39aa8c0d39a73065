package graph

import (
	"github.com/matcalc/matcalc/internal/dense"
	"gonum.org/v1/gonum/mat"
)

// The gates of the operators use the helpers of package dense under short
// names; the built-in functions' gates live in package op.

type flops = dense.Flops

func num(v float64) *mat.Dense          { return dense.Num(v) }
func isScalar(m mat.Matrix) bool        { return dense.IsScalar(m) }
func size(m mat.Matrix) int             { return dense.Size(m) }
func same(a, b mat.Matrix) bool         { return dense.Same(a, b) }
func dims(m mat.Matrix) string          { return dense.Dims(m) }
func at(m mat.Matrix, i, j int) float64 { return dense.At(m, i, j) }
func transpose(a mat.Matrix) *mat.Dense { return dense.Transpose(a) }
func mul(a, b mat.Matrix, fl *flops) *mat.Dense {
	return dense.Mul(a, b, fl)
}
func scale(s float64, a mat.Matrix, fl *flops) *mat.Dense { return dense.Scale(s, a, fl) }
func plus(a, b mat.Matrix, fl *flops) *mat.Dense          { return dense.Plus(a, b, fl) }
func reduceTo(g *mat.Dense, operand mat.Matrix, fl *flops) *mat.Dense {
	return dense.ReduceTo(g, operand, fl)
}

func identity(n int) *mat.Dense { return dense.Identity(n) }
func ones(r, c int) *mat.Dense  { return dense.Ones(r, c) }
