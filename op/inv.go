package op

import (
	"fmt"
	"math"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/internal/dense"
	"gonum.org/v1/gonum/mat"
)

type invOp struct{ structural }

// Inv is the inverse X⁻¹ of a square matrix (of a scalar, 1/x).
var Inv Structural = &invOp{structural{names: []string{"inv"}, tex: `\operatorname{inv}`,
	rule: ast.SquareToSquare, notation: ast.InverseNotation}}

func init() { register(Inv) }

func (invOp) LaTeXCall(a TeXArg) string { return "" } // the printer writes x^{-1}

// Value returns x⁻¹, or an error when x is singular or so badly conditioned
// (condition number above 1e16) that its inverse is noise.
func (invOp) Value(x *mat.Dense, arg string) (*mat.Dense, error) {
	var r mat.Dense
	if err := r.Inverse(x); err != nil {
		if c, ok := err.(mat.Condition); ok {
			if math.IsInf(float64(c), 1) {
				return nil, fmt.Errorf("cannot invert %s: the matrix is singular", arg)
			}
			return nil, fmt.Errorf("cannot invert %s: the matrix is nearly singular (condition number %.3g)", arg, float64(c))
		}
		return nil, fmt.Errorf("cannot invert %s: %v", arg, err)
	}
	return &r, nil
}

// VJP: ∂s/∂X = −X⁻ᵀ(∂s/∂X⁻¹)X⁻ᵀ.
func (invOp) VJP(c *ast.Call, sx ast.Shape, g ast.Expr) ast.Expr {
	if sx.IsScalar() {
		return neg(div(g, sq(c.Args[0])))
	}
	xit := tr(c)
	return neg(mul(mul(xit, g), xit))
}

func (invOp) JVP(c *ast.Call, sx ast.Shape, jx ast.Expr, _ Columns) ast.Expr {
	if sx.IsScalar() {
		return neg(div(jx, sq(c.Args[0])))
	}
	return nil
}

// Differential: d(X⁻¹) = −X⁻¹ dX X⁻¹.
func (invOp) Differential(c *ast.Call, sx ast.Shape, dx ast.Expr) ast.Expr {
	if sx.IsScalar() {
		return neg(div(dx, sq(c.Args[0])))
	}
	return neg(mul(mul(c, dx), c))
}

func (invOp) Gate(_, y, G *mat.Dense, a string) (Gate, error) {
	var fl dense.Flops
	down := dense.Scale(-1, dense.Mul(dense.Mul(y.T(), G, &fl), y.T(), &fl), &fl)
	return Gate{
		Rule:  fmt.Sprintf("inverse: %s gets −%s⁻ᵀ Ḡ %s⁻ᵀ", a, a, a),
		Label: fmt.Sprintf("−%s⁻ᵀ Ḡ %s⁻ᵀ", a, a),
		Down:  down,
		Flops: fl.N,
	}, nil
}

func (invOp) Flops(r, _ int) int { return 2 * r * r * r }

func (invOp) AdjointRule() string { return "∂s/∂X = −X⁻ᵀ(∂s/∂X⁻¹)X⁻ᵀ" }

func (invOp) GoScalar(w GoWriter, a string) string { return "1 / " + w.Paren(a) }

func (invOp) GoMatrixInto(w GoWriter, dst, a string) {
	w.Line("%s(%s, %s)", w.Helper(inverseHelper), dst, a)
}

func (invOp) goHelper() GoHelper { return inverseHelper }

var inverseHelper = GoHelper{Name: "inverse", Source: `// NAME sets dst to the inverse of a. It panics when a is singular; an
// ill-conditioned a still gives its (inaccurate) inverse, as in gonum.
func NAME(dst *mat.Dense, a mat.Matrix) {
	if err := dst.Inverse(a); err != nil {
		if _, ok := err.(mat.Condition); !ok {
			panic(err)
		}
	}
}
`}

// PyCall is the function in NumPy (a vector is a 1-D array).
func (invOp) PyCall(x string, sx ast.Shape) string {
	if sx.IsScalar() {
		return "1 / (" + x + ")"
	}
	return "np.linalg.inv(" + x + ")"
}

// TorchCall is the function in PyTorch.
func (invOp) TorchCall(x string, sx ast.Shape) string {
	if sx.IsScalar() {
		return "1 / (" + x + ")"
	}
	return "torch.linalg.inv(" + x + ")"
}
