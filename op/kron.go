package op

import (
	"github.com/matcalc/matcalc/ast"
	"gonum.org/v1/gonum/mat"
)

type kronOp struct{ structural }

// Kron is the Kronecker product x ⊗ y (ASCII kron(x, y)): the block matrix
// whose block (i, j) is xᵢⱼ y.
var Kron Pair = &kronOp{structural{names: []string{"kron"}, tex: `\otimes`, rule: ast.KroneckerRule, notation: ast.InfixNotation, step: "product rule of ⊗"}}

func init() { register(Kron) }

func (kronOp) Arity() int { return 2 }

// Symbol is the operator ⊗.
func (kronOp) Symbol() string { return "⊗" }

func (kronOp) Value2(x, y *mat.Dense) (*mat.Dense, error) {
	var k mat.Dense
	k.Kronecker(x, y)
	return &k, nil
}

// VJP2 writes the gradient where a matrix product does: by a scalar factor
// the inner product with the other, by a vector factor of a product of
// vectors a contraction with the other through an identity,
// ∂/∂x uᵀ(x ⊗ y) = (I ⊗ yᵀ)u and ∂/∂y uᵀ(x ⊗ y) = (xᵀ ⊗ I)u.
func (kronOp) VJP2(c *ast.Call, i int, s [2]ast.Shape, g ast.Expr) (ast.Expr, string) {
	x, y := c.Args[0], c.Args[1]
	other, so := y, s[1]
	if i == 1 {
		other, so = x, s[0]
	}
	switch {
	case s[i].IsScalar():
		if so.IsScalar() {
			return mul(g, other), ""
		}
		return Call(Sum, had(g, other)), ""
	case so.IsScalar():
		return mul(other, g), ""
	case s[0].IsVector() && s[1].IsVector():
		if i == 0 {
			return mul(Call(Kron, ast.Eye(s[0].Rows), tr(y)), g), ""
		}
		return mul(Call(Kron, tr(x), ast.Eye(s[1].Rows)), g), ""
	}
	return nil, "the gradient through " + ast.String(c) + " by a matrix factor needs the inverse of vec, which matcalc's notation does not write"
}

// JVP2 is the Jacobian of x ⊗ y for vectors (or scalars) x and y:
// Jx ⊗ y + x ⊗ Jy.
func (kronOp) JVP2(c *ast.Call, s [2]ast.Shape, j [2]ast.Expr) ast.Expr {
	for _, sh := range s {
		if !sh.IsVector() && !sh.IsScalar() {
			return nil
		}
	}
	var out ast.Expr
	if j[0] != nil {
		out = Call(Kron, j[0], c.Args[1])
	}
	if j[1] != nil {
		t := Call(Kron, c.Args[0], j[1])
		if out == nil {
			return t
		}
		return ast.Bin(ast.Add, out, t)
	}
	return out
}

// Gate2 hands down ∂/∂xᵢⱼ = Σₖₗ Ḡ₍ᵢₖ₎₍ⱼₗ₎ yₖₗ and ∂/∂yₖₗ = Σᵢⱼ Ḡ₍ᵢₖ₎₍ⱼₗ₎ xᵢⱼ.
func (kronOp) Gate2(x, y, G *mat.Dense) (dx, dy *mat.Dense, rule, label string) {
	p, q := x.Dims()
	r, s := y.Dims()
	dx, dy = mat.NewDense(p, q, nil), mat.NewDense(r, s, nil)
	for i := 0; i < p; i++ {
		for j := 0; j < q; j++ {
			for k := 0; k < r; k++ {
				for l := 0; l < s; l++ {
					g := G.At(i*r+k, j*s+l)
					dx.Set(i, j, dx.At(i, j)+g*y.At(k, l))
					dy.Set(k, l, dy.At(k, l)+g*x.At(i, j))
				}
			}
		}
	}
	return dx, dy, "Kronecker product: each block of Ḡ against the other factor", "Σₖₗ Ḡ₍ᵢₖ₎₍ⱼₗ₎ · other"
}

func (kronOp) Flops2(xr, xc, yr, yc int) int { return xr * xc * yr * yc }

// PyCall2 is the function in NumPy or PyTorch, where a vector is 1-D: a
// product with a scalar is a scaled copy; a vector meets a matrix as a
// column (x[:, None]) or a row (x[None, :]).
func (kronOp) PyCall2(x, y string, sx, sy ast.Shape, torch bool) string {
	if sx.IsScalar() || sy.IsScalar() {
		return "(" + x + " * " + y + ")"
	}
	if !(sx.IsVector() && sy.IsVector()) && !(sx.IsRow() && sy.IsRow()) {
		x, y = as2D(x, sx), as2D(y, sy)
	}
	if torch {
		return "torch.kron(" + x + ", " + y + ")"
	}
	return "np.kron(" + x + ", " + y + ")"
}

func as2D(x string, s ast.Shape) string {
	switch {
	case s.IsVector():
		return x + "[:, None]"
	case s.IsRow():
		return x + "[None, :]"
	}
	return x
}

// GoInto writes x ⊗ y into dst: a scaled copy by a scalar, else entry by
// entry.
func (kronOp) GoInto(w GoWriter, dst string, vec bool, args []GoArg) {
	x, y := args[0], args[1]
	switch {
	case x.Scalar && vec:
		w.Line("%s.ScaleVec(%s, %s)", dst, x.Expr, y.Expr)
	case x.Scalar:
		w.Line("%s.Scale(%s, %s)", dst, x.Expr, y.Expr)
	case y.Scalar && vec:
		w.Line("%s.ScaleVec(%s, %s)", dst, y.Expr, x.Expr)
	case y.Scalar:
		w.Line("%s.Scale(%s, %s)", dst, y.Expr, x.Expr)
	case vec:
		xr, yr, i, k := w.Fresh("xr"), w.Fresh("yr"), w.Fresh("i"), w.Fresh("k")
		w.Line("%s, _ := %s.Dims()", xr, x.Expr)
		w.Line("%s, _ := %s.Dims()", yr, y.Expr)
		w.Line("for %s := 0; %s < %s; %s++ {", i, i, xr, i)
		w.Line("for %s := 0; %s < %s; %s++ {", k, k, yr, k)
		w.Line("%s.SetVec(%s*%s+%s, %s.At(%s, 0)*%s.At(%s, 0))", dst, i, yr, k, x.Expr, i, y.Expr, k)
		w.Line("}")
		w.Line("}")
	default:
		// Entry by entry rather than gonum's Kronecker, which allocates.
		xr, xc, yr, yc := w.Fresh("xr"), w.Fresh("xc"), w.Fresh("yr"), w.Fresh("yc")
		i, j, k, l, a := w.Fresh("i"), w.Fresh("j"), w.Fresh("k"), w.Fresh("l"), w.Fresh("a")
		w.Line("%s, %s := %s.Dims()", xr, xc, x.Expr)
		w.Line("%s, %s := %s.Dims()", yr, yc, y.Expr)
		w.Line("for %s := 0; %s < %s; %s++ {", i, i, xr, i)
		w.Line("for %s := 0; %s < %s; %s++ {", j, j, xc, j)
		w.Line("%s := %s.At(%s, %s)", a, x.Expr, i, j)
		w.Line("for %s := 0; %s < %s; %s++ {", k, k, yr, k)
		w.Line("for %s := 0; %s < %s; %s++ {", l, l, yc, l)
		w.Line("%s.Set(%s*%s+%s, %s*%s+%s, %s*%s.At(%s, %s))", dst, i, yr, k, j, yc, l, a, y.Expr, k, l)
		w.Line("}")
		w.Line("}")
		w.Line("}")
		w.Line("}")
	}
}
