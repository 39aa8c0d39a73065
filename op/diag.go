package op

import (
	"github.com/matcalc/matcalc/ast"
	"gonum.org/v1/gonum/mat"
)

type diagOp struct{ structural }

// Diag is diag(v), the diagonal matrix of a vector, or diag(X), the vector
// of the diagonal of a square matrix.
var Diag Structural = &diagOp{structural{names: []string{"diag"}, tex: `\operatorname{diag}`, rule: ast.Diagonal}}

func init() { register(Diag) }

func (diagOp) Value(x *mat.Dense, _ string) (*mat.Dense, error) {
	r, c := x.Dims()
	switch {
	case r == 1 && c == 1:
		return mat.DenseCopyOf(x), nil
	case c == 1:
		d := mat.NewDense(r, r, nil)
		for i := 0; i < r; i++ {
			d.Set(i, i, x.At(i, 0))
		}
		return d, nil
	}
	d := mat.NewDense(r, 1, nil)
	for i := 0; i < r; i++ {
		d.Set(i, 0, x.At(i, i))
	}
	return d, nil
}

func (diagOp) VJP(_ *ast.Call, _ ast.Shape, g ast.Expr) ast.Expr { return Call(Diag, g) }

func (diagOp) JVP(_ *ast.Call, sx ast.Shape, jx ast.Expr, _ Columns) ast.Expr {
	if sx.IsScalar() {
		return jx
	}
	return nil
}

func (diagOp) Differential(_ *ast.Call, _ ast.Shape, dx ast.Expr) ast.Expr { return Call(Diag, dx) }

func (diagOp) Gate(x, _, G *mat.Dense, _ string) (Gate, error) {
	r, c := x.Dims()
	switch {
	case r == 1 && c == 1:
		return Gate{Rule: "diag of a scalar: hands Ḡ back", Label: "Ḡ", Down: mat.DenseCopyOf(G)}, nil
	case c == 1:
		d := mat.NewDense(r, 1, nil)
		for i := 0; i < r; i++ {
			d.Set(i, 0, G.At(i, i))
		}
		return Gate{Rule: "diag of a vector: hands back the diagonal of Ḡ", Label: "diag(Ḡ)", Down: d}, nil
	}
	d := mat.NewDense(r, r, nil)
	for i := 0; i < r; i++ {
		d.Set(i, i, G.At(i, 0))
	}
	return Gate{Rule: "diag of a matrix: hands back Ḡ on the diagonal", Label: "diag(Ḡ)", Down: d}, nil
}

func (diagOp) Flops(int, int) int { return 0 }

func (diagOp) GoScalar(_ GoWriter, a string) string { return a }

// PyCall is the function in NumPy (a vector is a 1-D array).
func (diagOp) PyCall(x string, sx ast.Shape) string {
	if sx.IsScalar() {
		return x
	}
	return "np.diag(" + x + ")"
}

// TorchCall is the function in PyTorch.
func (diagOp) TorchCall(x string, sx ast.Shape) string {
	if sx.IsScalar() {
		return x
	}
	return "torch.diag(" + x + ")"
}
