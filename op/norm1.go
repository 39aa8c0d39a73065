package op

import (
	"fmt"
	"math"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/internal/dense"
	"gonum.org/v1/gonum/mat"
)

type norm1Op struct{ structural }

// Norm1 is the 1-norm, the sum of the absolute values of the entries.
var Norm1 Structural = &norm1Op{structural{names: []string{"norm1"}, tex: `\operatorname{norm_1}`, rule: ast.ToScalar}}

func init() { register(Norm1) }

func (norm1Op) LaTeXCall(a TeXArg) string {
	if a.Tall {
		return `\left\lVert ` + a.Arg + ` \right\rVert_{1}`
	}
	return `\lVert ` + a.Arg + ` \rVert_{1}`
}

func (norm1Op) Value(x *mat.Dense, _ string) (*mat.Dense, error) {
	s := 0.0
	r, c := x.Dims()
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			s += math.Abs(x.At(i, j))
		}
	}
	return scalar(s), nil
}

func (norm1Op) VJP(c *ast.Call, _ ast.Shape, g ast.Expr) ast.Expr {
	return mul(g, Call(Sign, c.Args[0]))
}

func (norm1Op) JVP(c *ast.Call, sx ast.Shape, jx ast.Expr, col Columns) ast.Expr {
	x := c.Args[0]
	if sx.IsScalar() {
		return mul(Call(Sign, x), jx)
	}
	return mul(tr(Call(Sign, col.AsColumn(x))), jx)
}

func (norm1Op) Differential(c *ast.Call, _ ast.Shape, dx ast.Expr) ast.Expr {
	return Call(Sum, had(Call(Sign, c.Args[0]), dx))
}

func (norm1Op) Gate(x, _, G *mat.Dense, a string) (Gate, error) {
	var fl dense.Flops
	local := dense.Each(x, &fl, sign)
	return Gate{
		Rule:  fmt.Sprintf("1-norm: %s gets Ḡ sign(%s)", a, a),
		Label: fmt.Sprintf("Ḡ sign(%s)", a),
		Local: local,
		Down:  dense.Scale(G.At(0, 0), local, &fl),
		Flops: fl.N,
	}, nil
}

func (norm1Op) Flops(r, c int) int { return 2 * r * c }

func (norm1Op) GoScalar(_ GoWriter, a string) string { return "math.Abs(" + a + ")" }

func (norm1Op) GoReduce() Reduction {
	return Reduction{Acc: "sumAbs", Term: func(_ GoWriter, x string) string { return "math.Abs(" + x + ")" }}
}

// PyCall is the function in NumPy (a vector is a 1-D array).
func (norm1Op) PyCall(x string, sx ast.Shape) string {
	return "np.sum(np.abs(" + x + "))"
}

// TorchCall is the function in PyTorch.
func (norm1Op) TorchCall(x string, sx ast.Shape) string {
	return "torch.sum(torch.abs(" + x + "))"
}
