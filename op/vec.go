package op

import (
	"github.com/matcalc/matcalc/ast"
	"gonum.org/v1/gonum/mat"
)

type vecOp struct{ structural }

// Vec is vec(X), the column vector of the entries of X column by column
// (Magnus–Neudecker): vec(X)ᵢ₊ᵣⱼ = Xᵢⱼ for an r×c matrix X.
var Vec Structural = &vecOp{structural{names: []string{"vec"}, tex: `\operatorname{vec}`, rule: ast.Vectorize, step: "vec stacks the columns"}}

func init() { register(Vec) }

func (vecOp) Value(x *mat.Dense, _ string) (*mat.Dense, error) { return vecOf(x), nil }

// vecOf stacks the columns of x.
func vecOf(x mat.Matrix) *mat.Dense {
	r, c := x.Dims()
	v := mat.NewDense(r*c, 1, nil)
	for j := 0; j < c; j++ {
		for i := 0; i < r; i++ {
			v.Set(i+r*j, 0, x.At(i, j))
		}
	}
	return v
}

// VJP hands the gradient back to a vector unchanged (vec(x) = x) and to a
// row vector transposed; the gradient by a matrix would be the inverse of
// vec, which the notation does not write (NoVJP).
func (vecOp) VJP(_ *ast.Call, sx ast.Shape, g ast.Expr) ast.Expr {
	if sx.IsRow() {
		return tr(g)
	}
	return g
}

// NoVJP says why the gradient does not pass through vec of a matrix.
func (vecOp) NoVJP(c *ast.Call, sx ast.Shape) string {
	if sx.IsMatrix() {
		return "the gradient through vec(" + ast.String(c.Args[0]) + ") of a matrix is the inverse of vec, which matcalc's notation does not write"
	}
	return ""
}

func (vecOp) JVP(_ *ast.Call, sx ast.Shape, jx ast.Expr, _ Columns) ast.Expr {
	if sx.IsMatrix() {
		return nil
	}
	return jx
}

func (vecOp) Differential(_ *ast.Call, _ ast.Shape, dx ast.Expr) ast.Expr { return Call(Vec, dx) }

func (vecOp) Gate(x, _, G *mat.Dense, _ string) (Gate, error) {
	r, c := x.Dims()
	down := mat.NewDense(r, c, nil)
	for j := 0; j < c; j++ {
		for i := 0; i < r; i++ {
			down.Set(i, j, G.At(i+r*j, 0))
		}
	}
	return Gate{Rule: "vec: hands Ḡ back in the argument's shape, column by column", Label: "vec⁻¹(Ḡ)", Down: down}, nil
}

func (vecOp) Flops(int, int) int { return 0 }

func (vecOp) GoScalar(_ GoWriter, a string) string { return a }

// PyCall is the function in NumPy: the entries column by column.
func (vecOp) PyCall(x string, sx ast.Shape) string {
	if sx.IsScalar() {
		return x
	}
	return "np.reshape(" + x + ", -1, order=\"F\")"
}

// TorchCall is the function in PyTorch.
func (vecOp) TorchCall(x string, sx ast.Shape) string {
	switch {
	case sx.IsScalar():
		return x
	case sx.IsMatrix():
		return x + ".T.reshape(-1)"
	}
	return x + ".reshape(-1)"
}

type commOp struct{ structural }

// Comm is comm(X), the commutation matrix K of the shape of X: the
// permutation with K vec(X) = vec(Xᵀ). Only the shape of X matters: its
// derivative is zero.
var Comm Structural = &commOp{structural{names: []string{"comm", "commutation"}, tex: `\mathrm{K}`, rule: ast.CommutationRule, step: "the commutation matrix is constant"}}

func init() { register(Comm) }

func (commOp) Value(x *mat.Dense, _ string) (*mat.Dense, error) {
	r, c := x.Dims()
	return Commutation(r, c), nil
}

// Commutation returns the (rc)×(rc) matrix K with K vec(X) = vec(Xᵀ) for
// every r×c matrix X.
func Commutation(r, c int) *mat.Dense {
	k := mat.NewDense(r*c, r*c, nil)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			k.Set(j+c*i, i+r*j, 1)
		}
	}
	return k
}

// PyCall is the function in NumPy: the identity with its rows permuted.
func (commOp) PyCall(x string, sx ast.Shape) string {
	if !sx.IsMatrix() {
		return "np.eye(np.size(" + x + "))"
	}
	return "np.eye(np.size(" + x + "))[np.arange(np.size(" + x + ")).reshape(np.shape(" + x + ")[::-1]).T.ravel()]"
}

// TorchCall is the function in PyTorch.
func (commOp) TorchCall(x string, sx ast.Shape) string {
	eye := "torch.eye(" + x + ".numel(), dtype=" + x + ".dtype, device=" + x + ".device)"
	if !sx.IsMatrix() {
		return eye
	}
	return eye + "[torch.arange(" + x + ".numel(), device=" + x + ".device).reshape(" + x + ".shape[1], " + x + ".shape[0]).T.reshape(-1)]"
}

// LaTeXCall writes K subscripted by the matrix whose shape it has.
func (commOp) LaTeXCall(a TeXArg) string { return `\mathrm{K}_{` + a.Arg + `}` }

func (commOp) VJP(*ast.Call, ast.Shape, ast.Expr) ast.Expr { return nil }

func (commOp) JVP(*ast.Call, ast.Shape, ast.Expr, Columns) ast.Expr { return nil }

func (commOp) Differential(*ast.Call, ast.Shape, ast.Expr) ast.Expr { return nil }

func (commOp) Gate(x, _, _ *mat.Dense, _ string) (Gate, error) {
	r, c := x.Dims()
	return Gate{Rule: "commutation matrix: constant, hands back zero", Label: "0", Down: mat.NewDense(r, c, nil)}, nil
}

func (commOp) Flops(int, int) int { return 0 }

// GoInto stacks the columns of the argument into the vector dst.
func (vecOp) GoInto(w GoWriter, dst string, vec bool, args []GoArg) {
	r, c, i, j := w.Fresh("r"), w.Fresh("c"), w.Fresh("i"), w.Fresh("j")
	w.Line("%s, %s := %s.Dims()", r, c, args[0].Expr)
	w.Line("for %s := 0; %s < %s; %s++ {", j, j, c, j)
	w.Line("for %s := 0; %s < %s; %s++ {", i, i, r, i)
	if vec {
		w.Line("%s.SetVec(%s+%s*%s, %s.At(%s, %s))", dst, i, r, j, args[0].Expr, i, j)
	} else {
		w.Line("%s.Set(%s+%s*%s, 0, %s.At(%s, %s))", dst, i, r, j, args[0].Expr, i, j)
	}
	w.Line("}")
	w.Line("}")
}

// GoInto writes the commutation matrix of the argument's shape into dst.
func (commOp) GoInto(w GoWriter, dst string, vec bool, args []GoArg) {
	r, c, i, j := w.Fresh("r"), w.Fresh("c"), w.Fresh("i"), w.Fresh("j")
	w.Line("%s, %s := %s.Dims()", r, c, args[0].Expr)
	w.Line("%s.Zero()", dst)
	w.Line("for %s := 0; %s < %s; %s++ {", i, i, r, i)
	w.Line("for %s := 0; %s < %s; %s++ {", j, j, c, j)
	if vec { // the argument is a vector or a row: K is I
		w.Line("%s.SetVec(%s+%s*%s, 1)", dst, j, c, i)
	} else {
		w.Line("%s.Set(%s+%s*%s, %s+%s*%s, 1)", dst, j, c, i, i, r, j)
	}
	w.Line("}")
	w.Line("}")
}
