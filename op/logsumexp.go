package op

import (
	"fmt"
	"math"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/internal/dense"
	"gonum.org/v1/gonum/mat"
)

type logsumexpOp struct{ structural }

// Logsumexp is log sum(exp(x)), computed with the largest entry shifted out.
var Logsumexp Structural = &logsumexpOp{structural{names: []string{"logsumexp"}, tex: `\operatorname{logsumexp}`, rule: ast.ToScalar}}

func init() { register(Logsumexp) }

// Value is log Σ exp(xᵢ), shifted by the largest entry so that large
// entries do not overflow and very negative ones do not all underflow.
func (logsumexpOp) Value(x *mat.Dense, _ string) (*mat.Dense, error) {
	m := maxEntry(x)
	if math.IsInf(m, 0) || math.IsNaN(m) {
		return scalar(m), nil // all −∞ gives −∞; any +∞ gives +∞
	}
	s := 0.0
	r, c := x.Dims()
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			s += math.Exp(x.At(i, j) - m)
		}
	}
	return scalar(m + math.Log(s)), nil
}

// VJP: the gradient is softmax(x); over the entries of a matrix X it is
// exp(X − logsumexp(X)), the softmax of all its entries.
func (logsumexpOp) VJP(c *ast.Call, sx ast.Shape, g ast.Expr) ast.Expr {
	return mul(g, lseGrad(c, sx))
}

func lseGrad(c *ast.Call, sx ast.Shape) ast.Expr {
	if sx.IsMatrix() || sx.IsRow() {
		return Call(Exp, sub(c.Args[0], c))
	}
	return Call(Softmax, c.Args[0])
}

func (logsumexpOp) JVP(c *ast.Call, sx ast.Shape, jx ast.Expr, col Columns) ast.Expr {
	if sx.IsScalar() {
		return jx
	}
	return mul(tr(Call(Softmax, col.AsColumn(c.Args[0]))), jx)
}

func (logsumexpOp) Differential(c *ast.Call, sx ast.Shape, dx ast.Expr) ast.Expr {
	if sx.IsScalar() {
		return dx
	}
	return Call(Sum, had(lseGrad(c, sx), dx))
}

func (logsumexpOp) Gate(x, _, G *mat.Dense, a string) (Gate, error) {
	var fl dense.Flops
	sm := dense.Softmax(x, &fl)
	return Gate{
		Rule:  fmt.Sprintf("logsumexp: %s gets Ḡ softmax(%s)", a, a),
		Label: fmt.Sprintf("Ḡ softmax(%s)", a),
		Local: sm,
		Down:  dense.Scale(G.At(0, 0), sm, &fl),
		Flops: fl.N,
	}, nil
}

func (logsumexpOp) Flops(r, c int) int { return 3 * r * c }

func (logsumexpOp) GoScalar(_ GoWriter, a string) string { return a }

func (logsumexpOp) GoOfVector(w GoWriter, x string) string {
	return w.Helper(logSumExpHelper) + "(" + x + ")"
}

func (logsumexpOp) goHelper() GoHelper { return logSumExpHelper }

var logSumExpHelper = GoHelper{Name: "logSumExp", Source: `// NAME returns log Σ exp(xᵢ), shifted by max(x) so that exp cannot
// overflow.
func NAME(x []float64) float64 {
	m := math.Inf(-1)
	for _, v := range x {
		m = math.Max(m, v)
	}
	if math.IsInf(m, 0) {
		return m
	}
	var s float64
	for _, v := range x {
		s += math.Exp(v - m)
	}
	return m + math.Log(s)
}
`}

// PyCall is the function in NumPy (a vector is a 1-D array).
func (logsumexpOp) PyCall(x string, sx ast.Shape) string {
	return "np.logaddexp.reduce(np.ravel(" + x + "))"
}

// TorchCall is the function in PyTorch.
func (logsumexpOp) TorchCall(x string, sx ast.Shape) string {
	return "torch.logsumexp(torch.ravel(" + x + "), 0)"
}
