package op

import (
	"math"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/internal/dense"
	"gonum.org/v1/gonum/mat"
)

type softmaxOp struct{ structural }

// Softmax is softmax(z) = exp(z)/sum(exp(z)), a probability vector.
var Softmax Structural = &softmaxOp{structural{names: []string{"softmax"}, tex: `\operatorname{softmax}`,
	rule: ast.VectorToVector, step: "softmax: diag(p) − ppᵀ"}}

func init() { register(Softmax) }

func (softmaxOp) IsDistribution() {}

// Value is exp(x − m)/Σ exp(x − m) with m the largest entry.
func (softmaxOp) Value(x *mat.Dense, _ string) (*mat.Dense, error) {
	m := maxEntry(x)
	r, c := x.Dims()
	out := mat.NewDense(r, c, nil)
	if math.IsInf(m, 1) {
		// exp(∞−∞) would be NaN: the mass splits over the infinite entries.
		k := 0.0
		out.Apply(func(i, j int, v float64) float64 {
			if math.IsInf(v, 1) {
				k++
				return 1
			}
			return 0
		}, x)
		out.Scale(1/k, out)
		return out, nil
	}
	out.Apply(func(i, j int, v float64) float64 { return math.Exp(v - m) }, x)
	out.Scale(1/mat.Sum(out), out)
	return out, nil
}

// VJP: the Jacobian diag(p) − ppᵀ is symmetric: Ḡz = p ∘ Ḡ − p(pᵀḠ).
func (softmaxOp) VJP(c *ast.Call, sx ast.Shape, g ast.Expr) ast.Expr {
	if sx.IsScalar() {
		return nil // softmax of a scalar is the constant 1
	}
	p := c
	return sub(had(p, g), mul(p, mul(tr(p), g)))
}

func (softmaxOp) JVP(c *ast.Call, sx ast.Shape, jx ast.Expr, _ Columns) ast.Expr {
	if sx.IsScalar() {
		return nil
	}
	p := c
	return mul(sub(Call(Diag, p), mul(p, tr(p))), jx)
}

func (softmaxOp) Differential(c *ast.Call, sx ast.Shape, dx ast.Expr) ast.Expr {
	if sx.IsScalar() {
		return nil
	}
	return sub(had(c, dx), mul(c, mul(tr(c), dx)))
}

// LogVJP: log(softmax(z)) has the gradient Ḡ − softmax(z)·sum(Ḡ): the
// division by p of log′ cancels against the softmax Jacobian.
func (softmaxOp) LogVJP(c *ast.Call, sx ast.Shape, g ast.Expr, _ func(g, d, z ast.Expr) ast.Expr) ast.Expr {
	if !sx.IsVector() {
		return nil
	}
	return sub(g, mul(c, Call(Sum, g)))
}

// LogJVP: log softmax(z) is logsoftmax(z), whose Jacobian is I − 𝟙pᵀ.
func (softmaxOp) LogJVP(c *ast.Call, sz ast.Shape, jz ast.Expr, col Columns) ast.Expr {
	if !sz.IsVector() {
		return nil
	}
	return lsmDiff(c, sz, jz, col.AsColumn(c.Args[0]))
}

// StableLog: log softmax(z) is logsoftmax(z) = z − logsumexp(z).
func (softmaxOp) StableLog(c *ast.Call) ast.Expr { return Call(Logsoftmax, c.Args[0]) }

func (softmaxOp) Gate(_, y, G *mat.Dense, a string) (Gate, error) {
	var fl dense.Flops
	sg := dense.Mul(y.T(), G, &fl).At(0, 0)
	down := dense.Each(G, &fl, func(v float64) float64 { return v - sg })
	down.MulElem(y, down)
	fl.Add(dense.Size(y))
	return Gate{Rule: "softmax: s ∘ (Ḡ − sᵀḠ), with s = softmax(" + a + ")", Label: "s ∘ (Ḡ − sᵀḠ)", Down: down, Flops: fl.N}, nil
}

func (softmaxOp) Flops(r, c int) int { return 4 * r * c }

// maxEntry returns the largest entry (NaN if any entry is NaN).
func maxEntry(x *mat.Dense) float64 {
	m := math.Inf(-1)
	r, c := x.Dims()
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			v := x.At(i, j)
			if math.IsNaN(v) {
				return v
			}
			m = math.Max(m, v)
		}
	}
	return m
}

func (softmaxOp) GoScalar(_ GoWriter, _ string) string { return "1.0" }

func (softmaxOp) GoVectorInto(w GoWriter, dst, x string) {
	w.Line("%s(%s, %s)", w.Helper(softmaxHelper), dst, x)
}

func (softmaxOp) goHelper() GoHelper { return softmaxHelper }

var softmaxHelper = GoHelper{Name: "softmax", Source: `// NAME sets dst to the softmax of x, shifted by max(x) so that exp cannot
// overflow.
func NAME(dst, x []float64) {
	m := math.Inf(-1)
	for _, v := range x {
		m = math.Max(m, v)
	}
	var s float64
	for i, v := range x {
		dst[i] = math.Exp(v - m)
		s += dst[i]
	}
	for i := range dst {
		dst[i] /= s
	}
}
`}

// PyCall is the function in NumPy (a vector is a 1-D array).
func (softmaxOp) PyCall(x string, sx ast.Shape) string {
	return "np.exp((" + x + ") - np.logaddexp.reduce(np.ravel(" + x + ")))"
}

// TorchCall is the function in PyTorch.
func (softmaxOp) TorchCall(x string, sx ast.Shape) string {
	return "torch.softmax(" + x + ", 0)"
}
