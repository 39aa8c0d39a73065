package op

import (
	"fmt"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/internal/dense"
	"gonum.org/v1/gonum/mat"
)

type detOp struct{ structural }

// Det is the determinant of a square matrix.
var Det Structural = &detOp{structural{names: []string{"det"}, tex: `\det`, rule: ast.SquareToScalar}}

func init() { register(Det) }

func (detOp) Value(x *mat.Dense, _ string) (*mat.Dense, error) { return scalar(mat.Det(x)), nil }

// VJP: ∂det(X)/∂X = det(X)X⁻ᵀ.
func (detOp) VJP(c *ast.Call, sx ast.Shape, g ast.Expr) ast.Expr {
	x := c.Args[0]
	if sx.IsScalar() {
		return g // the determinant of a 1×1 matrix is its entry
	}
	return mul(mul(g, c), tr(Call(Inv, x)))
}

func (detOp) JVP(_ *ast.Call, sx ast.Shape, jx ast.Expr, _ Columns) ast.Expr {
	if sx.IsScalar() {
		return jx
	}
	return nil
}

// Differential: d det(X) = det(X) tr(X⁻¹dX).
func (detOp) Differential(c *ast.Call, sx ast.Shape, dx ast.Expr) ast.Expr {
	if sx.IsScalar() {
		return dx
	}
	return mul(c, Call(Tr, mul(Call(Inv, c.Args[0]), dx)))
}

// Gate: adj(A)ᵀ = det(A) A⁻ᵀ; through the SVD where A is (nearly)
// singular and its inverse is not to be trusted.
func (detOp) Gate(x, y, G *mat.Dense, a string) (Gate, error) {
	var fl dense.Flops
	var adj *mat.Dense
	if inv, err := dense.Inverse(x, &fl); err == nil {
		adj = dense.Scale(y.At(0, 0), inv, &fl)
	} else if adj, err = dense.Adjugate(x, &fl); err != nil {
		return Gate{}, err
	}
	return Gate{
		Rule:  fmt.Sprintf("determinant: %s gets Ḡ adj(%s)ᵀ = Ḡ det(%s) %s⁻ᵀ", a, a, a, a),
		Label: fmt.Sprintf("Ḡ adj(%s)ᵀ", a),
		Down:  dense.Scale(G.At(0, 0), adj.T(), &fl),
		Flops: fl.N,
	}, nil
}

func (detOp) Flops(r, _ int) int { return luFlops(r) }

// LogVJP: log det X is logdet X where det X > 0, with the gradient X⁻ᵀ.
func (detOp) LogVJP(c *ast.Call, sx ast.Shape, g ast.Expr, _ func(g, d, z ast.Expr) ast.Expr) ast.Expr {
	if sx.IsScalar() {
		return nil
	}
	return mul(g, tr(Call(Inv, c.Args[0])))
}

func (detOp) AdjointRule() string { return "∂det(X)/∂X = det(X)X⁻ᵀ" }

func (detOp) GoScalar(_ GoWriter, a string) string { return a }

func (detOp) GoOfMatrix(_ GoWriter, a string) string { return "mat.Det(" + a + ")" }

// PyCall is the function in NumPy (a vector is a 1-D array).
func (detOp) PyCall(x string, sx ast.Shape) string {
	if sx.IsScalar() {
		return x
	}
	return "np.linalg.det(" + x + ")"
}

// TorchCall is the function in PyTorch.
func (detOp) TorchCall(x string, sx ast.Shape) string {
	if sx.IsScalar() {
		return x
	}
	return "torch.linalg.det(" + x + ")"
}
