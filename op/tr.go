package op

import (
	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/internal/dense"
	"gonum.org/v1/gonum/mat"
)

type trOp struct{ structural }

// Tr is the trace of a square matrix.
var Tr Structural = &trOp{structural{names: []string{"tr", "trace"}, tex: `\operatorname{tr}`, rule: ast.SquareToScalar}}

func init() { register(Tr) }

func (trOp) Value(x *mat.Dense, _ string) (*mat.Dense, error) { return scalar(mat.Trace(x)), nil }

func (trOp) VJP(_ *ast.Call, sx ast.Shape, g ast.Expr) ast.Expr {
	if sx.IsScalar() {
		return g
	}
	return mul(g, ast.Eye(sx.Rows))
}

func (trOp) JVP(_ *ast.Call, sx ast.Shape, jx ast.Expr, _ Columns) ast.Expr {
	if sx.IsScalar() {
		return jx
	}
	return mul(tr(ones(ast.Vector(colDim(sx)))), jx)
}

func (trOp) Differential(_ *ast.Call, _ ast.Shape, dx ast.Expr) ast.Expr { return Call(Tr, dx) }

func (trOp) Gate(x, _, G *mat.Dense, _ string) (Gate, error) {
	var fl dense.Flops
	r, _ := x.Dims()
	down := dense.Scale(G.At(0, 0), dense.Identity(r), &fl)
	return Gate{Rule: "trace: hands Ḡ to the diagonal", Label: "Ḡ I", Down: down, Flops: fl.N}, nil
}

func (trOp) Flops(r, _ int) int { return r }

func (trOp) AdjointRule() string { return "∂tr(M)/∂M = I" }

func (trOp) GoScalar(_ GoWriter, a string) string { return a }

func (trOp) GoReduce() Reduction {
	return Reduction{Acc: "trace", Diagonal: true, Term: func(_ GoWriter, x string) string { return x }}
}

// PyCall is the function in NumPy (a vector is a 1-D array).
func (trOp) PyCall(x string, sx ast.Shape) string {
	if sx.IsScalar() {
		return x
	}
	return "np.trace(" + x + ")"
}

// TorchCall is the function in PyTorch.
func (trOp) TorchCall(x string, sx ast.Shape) string {
	if sx.IsScalar() {
		return x
	}
	return "torch.trace(" + x + ")"
}
