package op

import (
	"github.com/matcalc/matcalc/ast"
	"gonum.org/v1/gonum/mat"
)

type meanOp struct{ structural }

// Mean is mean(x), the average of the entries: sum(x)/sum(𝟙).
var Mean Structural = &meanOp{structural{names: []string{"mean"}, tex: `\operatorname{mean}`, rule: ast.ToScalar}}

func init() { register(Mean) }

func (meanOp) Value(x *mat.Dense, _ string) (*mat.Dense, error) {
	r, c := x.Dims()
	return scalar(mat.Sum(x) / float64(r*c)), nil
}

// count is the number of entries of a value of shape s, as a formula: a
// number where the dimensions are known, else sum(𝟙).
func count(s ast.Shape) ast.Expr {
	if s.Rows.N > 0 && s.Cols.N > 0 {
		return num(float64(s.Rows.N * s.Cols.N))
	}
	return Call(Sum, ones(s))
}

// VJP: ∂mean(x)/∂x = 𝟙/sum(𝟙), the count of the entries.
func (meanOp) VJP(_ *ast.Call, sx ast.Shape, g ast.Expr) ast.Expr {
	if sx.IsScalar() {
		return g
	}
	return div(mul(g, ones(sx)), count(sx))
}

func (meanOp) JVP(_ *ast.Call, sx ast.Shape, jx ast.Expr, _ Columns) ast.Expr {
	if sx.IsScalar() {
		return jx
	}
	return div(mul(tr(ones(ast.Vector(colDim(sx)))), jx), count(sx))
}

func (meanOp) Differential(_ *ast.Call, sx ast.Shape, dx ast.Expr) ast.Expr {
	if sx.IsScalar() {
		return dx
	}
	return div(Call(Sum, dx), count(sx))
}

func (meanOp) Gate(x, _, G *mat.Dense, _ string) (Gate, error) {
	r, c := x.Dims()
	n := float64(r * c)
	down := mat.NewDense(r, c, nil)
	down.Apply(func(_, _ int, _ float64) float64 { return G.At(0, 0) / n }, down)
	return Gate{Rule: "mean: hands Ḡ/n to every entry", Label: "Ḡ 𝟙/n", Down: down, Flops: r*c + 1}, nil
}

func (meanOp) Flops(r, c int) int { return r*c + 1 }

func (meanOp) GoScalar(_ GoWriter, a string) string { return a }

func (meanOp) GoReduce() Reduction {
	return Reduction{
		Acc:    "sum",
		Term:   func(_ GoWriter, x string) string { return x },
		Finish: func(acc, n string) string { return acc + " / " + n },
	}
}

// PyCall is the function in NumPy (a vector is a 1-D array).
func (meanOp) PyCall(x string, sx ast.Shape) string {
	return "np.mean(" + x + ")"
}

// TorchCall is the function in PyTorch.
func (meanOp) TorchCall(x string, sx ast.Shape) string {
	return "torch.mean(" + x + ")"
}
