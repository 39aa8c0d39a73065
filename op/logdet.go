package op

import (
	"fmt"
	"math"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/internal/dense"
	"gonum.org/v1/gonum/mat"
)

type logdetOp struct{ structural }

// Logdet is log|det X| of a square matrix.
var Logdet Structural = &logdetOp{structural{names: []string{"logdet"}, tex: `\operatorname{logdet}`, rule: ast.SquareToScalar}}

func init() { register(Logdet) }

func (logdetOp) Value(x *mat.Dense, _ string) (*mat.Dense, error) {
	ld, _ := mat.LogDet(x)
	return scalar(ld), nil
}

// LaTeXCall writes log|det X| (docs/conventions.md).
func (logdetOp) LaTeXCall(a TeXArg) string {
	if a.Tall {
		return `\log\left\lvert\det` + a.Grouped + `\right\rvert`
	}
	return `\log\lvert\det` + a.Grouped + `\rvert`
}

// VJP: ∂logdet(X)/∂X = X⁻ᵀ.
func (logdetOp) VJP(c *ast.Call, sx ast.Shape, g ast.Expr) ast.Expr {
	x := c.Args[0]
	if sx.IsScalar() {
		return div(g, x)
	}
	return mul(g, tr(Call(Inv, x)))
}

func (logdetOp) JVP(c *ast.Call, _ ast.Shape, jx ast.Expr, _ Columns) ast.Expr {
	return div(jx, c.Args[0]) // scalar argument
}

// Differential: d logdet(X) = tr(X⁻¹dX).
func (logdetOp) Differential(c *ast.Call, sx ast.Shape, dx ast.Expr) ast.Expr {
	if sx.IsScalar() {
		return div(dx, c.Args[0])
	}
	return Call(Tr, mul(Call(Inv, c.Args[0]), dx))
}

func (logdetOp) Gate(x, _, G *mat.Dense, a string) (Gate, error) {
	var fl dense.Flops
	inv, err := dense.Inverse(x, &fl)
	if err != nil {
		return Gate{}, err
	}
	return Gate{
		Rule:  fmt.Sprintf("log-determinant: %s gets Ḡ %s⁻ᵀ", a, a),
		Label: fmt.Sprintf("Ḡ %s⁻ᵀ", a),
		Down:  dense.Scale(G.At(0, 0), inv.T(), &fl),
		Flops: fl.N,
	}, nil
}

func (logdetOp) Flops(r, _ int) int { return luFlops(r) }

func (logdetOp) AdjointRule() string { return "∂logdet(X)/∂X = X⁻ᵀ" }

// luFlops is the cost of an LU factorisation of an n×n matrix.
func luFlops(n int) int { return int(math.Ceil(2 * float64(n*n*n) / 3)) }

func (logdetOp) GoScalar(_ GoWriter, a string) string { return "math.Log(math.Abs(" + a + "))" }

func (logdetOp) GoOfMatrix(w GoWriter, a string) string {
	name := w.Fresh("logdet")
	w.Line("%s, _ := mat.LogDet(%s)", name, a)
	return name
}

// PyCall is the function in NumPy (a vector is a 1-D array).
func (logdetOp) PyCall(x string, sx ast.Shape) string {
	if sx.IsScalar() {
		return "np.log(np.abs(" + x + "))"
	}
	return "np.linalg.slogdet(" + x + ")[1]"
}

// TorchCall is the function in PyTorch.
func (logdetOp) TorchCall(x string, sx ast.Shape) string {
	if sx.IsScalar() {
		return "torch.log(torch.abs(" + x + "))"
	}
	return "torch.linalg.slogdet(" + x + ")[1]"
}
