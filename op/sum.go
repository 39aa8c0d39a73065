package op

import (
	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/internal/dense"
	"gonum.org/v1/gonum/mat"
)

type sumOp struct{ structural }

// Sum is sum(x), the sum of all entries.
var Sum Structural = &sumOp{structural{names: []string{"sum"}, tex: `\operatorname{sum}`, rule: ast.ToScalar}}

func init() { register(Sum) }

func (sumOp) Value(x *mat.Dense, _ string) (*mat.Dense, error) { return scalar(mat.Sum(x)), nil }

func (sumOp) VJP(_ *ast.Call, sx ast.Shape, g ast.Expr) ast.Expr {
	if sx.IsScalar() {
		return g
	}
	return mul(g, ones(sx))
}

func (sumOp) JVP(_ *ast.Call, sx ast.Shape, jx ast.Expr, _ Columns) ast.Expr {
	if sx.IsScalar() {
		return jx
	}
	return mul(tr(ones(ast.Vector(colDim(sx)))), jx)
}

func (sumOp) Differential(_ *ast.Call, _ ast.Shape, dx ast.Expr) ast.Expr { return Call(Sum, dx) }

func (sumOp) Gate(x, _, G *mat.Dense, _ string) (Gate, error) {
	var fl dense.Flops
	r, c := x.Dims()
	down := dense.Scale(G.At(0, 0), dense.Ones(r, c), &fl)
	return Gate{Rule: "sum: hands Ḡ to every entry", Label: "Ḡ 𝟙", Down: down, Flops: fl.N}, nil
}

func (sumOp) Flops(r, c int) int { return r * c }

func (sumOp) GoScalar(_ GoWriter, a string) string { return a }

func (sumOp) GoReduce() Reduction {
	return Reduction{Acc: "sum", Term: func(_ GoWriter, x string) string { return x }}
}

// StableLog: log sum(exp(z)) is logsumexp(z).
func (sumOp) StableLog(c *ast.Call) ast.Expr {
	if e, ok := c.Args[0].(*ast.Call); ok && Is(e, Exp) {
		return Call(Logsumexp, e.Args[0])
	}
	return nil
}

// PyCall is the function in NumPy (a vector is a 1-D array).
func (sumOp) PyCall(x string, sx ast.Shape) string {
	return "np.sum(" + x + ")"
}

// TorchCall is the function in PyTorch.
func (sumOp) TorchCall(x string, sx ast.Shape) string {
	return "torch.sum(" + x + ")"
}
