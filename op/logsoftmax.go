package op

import (
	"math"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/internal/dense"
	"gonum.org/v1/gonum/mat"
)

type logsoftmaxOp struct{ structural }

// Logsoftmax is log(softmax(z)) = z − logsumexp(z), computed in that form so
// that it neither overflows nor loses the small probabilities.
var Logsoftmax Structural = &logsoftmaxOp{structural{names: []string{"logsoftmax"}, tex: `\operatorname{logsoftmax}`,
	rule: ast.VectorToVector, step: "log-softmax: I − 𝟙pᵀ, p = softmax(z)"}}

func init() { register(Logsoftmax) }

func (logsoftmaxOp) Value(x *mat.Dense, arg string) (*mat.Dense, error) {
	lse, _ := Logsumexp.Value(x, arg)
	m := lse.At(0, 0)
	r, c := x.Dims()
	out := mat.NewDense(r, c, nil)
	out.Apply(func(_, _ int, v float64) float64 {
		if math.IsInf(m, 0) && v == m {
			return 0 // the mass of infinite entries
		}
		return v - m
	}, x)
	return out, nil
}

// VJP: the Jacobian is I − 𝟙pᵀ with p = softmax(z): Ḡz = Ḡ − p sum(Ḡ).
func (logsoftmaxOp) VJP(c *ast.Call, sx ast.Shape, g ast.Expr) ast.Expr {
	if sx.IsScalar() {
		return nil // the log-softmax of a scalar is the constant 0
	}
	return sub(g, mul(Call(Softmax, c.Args[0]), Call(Sum, g)))
}

func (logsoftmaxOp) JVP(c *ast.Call, sx ast.Shape, jx ast.Expr, col Columns) ast.Expr {
	if sx.IsScalar() {
		return nil
	}
	return lsmDiff(c, sx, jx, col.AsColumn(c.Args[0]))
}

func (logsoftmaxOp) Differential(c *ast.Call, sx ast.Shape, dx ast.Expr) ast.Expr {
	if sx.IsScalar() {
		return nil
	}
	return lsmDiff(c, sx, dx, c.Args[0])
}

// lsmDiff is dz − 𝟙(pᵀdz), p = softmax(z).
func lsmDiff(_ *ast.Call, sx ast.Shape, dz, z ast.Expr) ast.Expr {
	return sub(dz, mul(ones(ast.Vector(colDim(sx))), mul(tr(Call(Softmax, z)), dz)))
}

func (logsoftmaxOp) Gate(x, _, G *mat.Dense, a string) (Gate, error) {
	var fl dense.Flops
	p := dense.Softmax(x, &fl)
	s := mat.Sum(G)
	fl.Add(dense.Size(G))
	down := dense.Plus(G, dense.Scale(-s, p, &fl), &fl)
	return Gate{Rule: "log-softmax: Ḡ − p sum(Ḡ), with p = softmax(" + a + ")", Label: "Ḡ − p sum(Ḡ)", Down: down, Flops: fl.N}, nil
}

func (logsoftmaxOp) Flops(r, c int) int { return 4 * r * c }

func (logsoftmaxOp) GoScalar(_ GoWriter, _ string) string { return "0.0" }

func (logsoftmaxOp) GoVectorInto(w GoWriter, dst, x string) {
	w.Line("%s(%s, %s)", w.Helper(logSoftmaxHelper), dst, x)
}

func (logsoftmaxOp) goHelper() GoHelper { return logSoftmaxHelper }

var logSoftmaxHelper = GoHelper{Name: "logSoftmax", Source: `// NAME sets dst to x − logsumexp(x), the log of the softmax of x, with
// max(x) shifted out so that exp cannot overflow.
func NAME(dst, x []float64) {
	m := math.Inf(-1)
	for _, v := range x {
		m = math.Max(m, v)
	}
	var s float64
	for _, v := range x {
		s += math.Exp(v - m)
	}
	lse := m + math.Log(s)
	for i, v := range x {
		dst[i] = v - lse
	}
}
`}

// PyCall is the function in NumPy (a vector is a 1-D array).
func (logsoftmaxOp) PyCall(x string, sx ast.Shape) string {
	return "(" + x + ") - np.logaddexp.reduce(np.ravel(" + x + "))"
}

// TorchCall is the function in PyTorch.
func (logsoftmaxOp) TorchCall(x string, sx ast.Shape) string {
	return "torch.log_softmax(" + x + ", 0)"
}
