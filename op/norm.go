package op

import (
	"fmt"
	"math"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/internal/dense"
	"gonum.org/v1/gonum/mat"
)

type normOp struct{ structural }

// Norm is ‖x‖, the 2-norm of a vector and the Frobenius norm of a matrix.
var Norm Structural = &normOp{structural{names: []string{"norm"}, tex: `\operatorname{norm}`,
	rule: ast.ToScalar, notation: ast.NormNotation}}

func init() { register(Norm) }

func (normOp) LaTeXCall(a TeXArg) string {
	if a.Tall {
		return `\left\lVert ` + a.Arg + ` \right\rVert`
	}
	return `\lVert ` + a.Arg + ` \rVert`
}

// Value is the 2-norm of the entries, scaled as in BLAS dnrm2 so that it
// neither overflows nor underflows.
func (normOp) Value(x *mat.Dense, _ string) (*mat.Dense, error) {
	scale, ssq := 0.0, 1.0
	r, c := x.Dims()
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			v := x.At(i, j)
			if math.IsNaN(v) {
				return scalar(v), nil
			}
			if v == 0 {
				continue
			}
			a := math.Abs(v)
			if math.IsInf(a, 1) {
				scale, ssq = math.Inf(1), 1
				continue
			}
			if scale < a {
				if !math.IsInf(scale, 1) {
					ssq = 1 + ssq*(scale/a)*(scale/a)
					scale = a
				}
			} else {
				ssq += (a / scale) * (a / scale)
			}
		}
	}
	return scalar(scale * math.Sqrt(ssq)), nil
}

func (normOp) VJP(c *ast.Call, _ ast.Shape, g ast.Expr) ast.Expr {
	return mul(g, div(c.Args[0], c))
}

func (normOp) JVP(c *ast.Call, sx ast.Shape, jx ast.Expr, col Columns) ast.Expr {
	x := c.Args[0]
	if sx.IsScalar() {
		return mul(Call(Sign, x), jx)
	}
	return mul(div(tr(col.AsColumn(x)), c), jx)
}

func (normOp) Differential(c *ast.Call, sx ast.Shape, dx ast.Expr) ast.Expr {
	x := c.Args[0]
	if sx.IsScalar() {
		return mul(Call(Sign, x), dx)
	}
	return div(Call(Sum, had(x, dx)), c)
}

func (normOp) Gate(x, y, G *mat.Dense, a string) (Gate, error) {
	var fl dense.Flops
	r, c := x.Dims()
	local := mat.NewDense(r, c, nil)
	if nv := y.At(0, 0); nv != 0 {
		local = dense.Scale(1/nv, x, &fl)
	}
	return Gate{
		Rule:  fmt.Sprintf("norm: %s gets Ḡ %s / ‖%s‖ (0 at 0)", a, a, a),
		Label: fmt.Sprintf("Ḡ %s / ‖%s‖", a, a),
		Local: local,
		Down:  dense.Scale(G.At(0, 0), local, &fl),
		Flops: fl.N,
	}, nil
}

func (normOp) Flops(r, c int) int { return 2 * r * c }

func (normOp) GoScalar(_ GoWriter, a string) string { return "math.Abs(" + a + ")" }

func (normOp) GoReduce() Reduction {
	return Reduction{
		Acc:    "sumSq",
		Term:   func(w GoWriter, x string) string { v := w.Bind(x); return v + " * " + v },
		Finish: func(acc, _ string) string { return "math.Sqrt(" + acc + ")" },
	}
}

// PyCall is the function in NumPy (a vector is a 1-D array).
func (normOp) PyCall(x string, sx ast.Shape) string {
	return "np.linalg.norm(" + x + ")"
}

// TorchCall is the function in PyTorch.
func (normOp) TorchCall(x string, sx ast.Shape) string {
	return "torch.linalg.norm(" + x + ")"
}
