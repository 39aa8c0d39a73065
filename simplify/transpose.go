package simplify

import (
	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/op"
)

// PushTransposes pushes transposes down to the leaves ((AB)ᵀ = BᵀAᵀ, (a+b)ᵀ =
// aᵀ+bᵀ, f(z)ᵀ = f(zᵀ), a scalar's transpose is itself) so that a transpose
// is either a flag on a stored operand or an index swap in a loop, and
// re-associates (AB)v as A(Bv) and uᵀ(AB) as (uᵀA)B so that no
// matrix-matrix product is formed where two matrix-vector products do.
// shapes are those of e's nodes.
func PushTransposes(e ast.Expr, shapes map[ast.Expr]ast.Shape) ast.Expr {
	var norm func(e ast.Expr, t bool) ast.Expr
	isScalar := func(e ast.Expr) bool { s, ok := shapes[e]; return ok && s.IsScalar() }
	tr := func(e ast.Expr) ast.Expr { return norm(e, true) }
	norm = func(e ast.Expr, t bool) ast.Expr {
		if isScalar(e) {
			t = false
		}
		switch x := e.(type) {
		case *ast.Transpose:
			return norm(x.X, !t)
		case *ast.Number:
			return x
		case *ast.Identity:
			return x
		case *ast.Ones:
			if t {
				return ast.OnesOf(x.Shape.T())
			}
			return x
		case *ast.Unary:
			return &ast.Unary{OpPos: x.OpPos, Op: x.Op, X: norm(x.X, t)}
		case *ast.Binary:
			if x.Op == ast.Mul {
				if t {
					return ast.Bin(ast.Mul, tr(x.Y), tr(x.X))
				}
				a, b := norm(x.X, false), norm(x.Y, false)
				sa, sb := shapes[x.X], shapes[x.Y]
				// (A B) v → A (B v) when v is a column vector and A B a matrix product.
				if ab, ok := a.(*ast.Binary); ok && ab.Op == ast.Mul && sb.IsVector() && sa.IsMatrix() {
					if sA, ok := shapes[unT(ab.X)]; ok && sA.IsMatrix() && !isOuterLike(ab, shapes) {
						return ast.Bin(ast.Mul, ab.X, ast.Bin(ast.Mul, ab.Y, b))
					}
				}
				// (A ± B) v → A v ± B v: two matrix-vector products instead
				// of forming the matrix A ± B.
				if ab, ok := a.(*ast.Binary); ok && (ab.Op == ast.Add || ab.Op == ast.Sub) && sb.IsVector() && sa.IsMatrix() {
					if sA, ok1 := shapes[unT(ab.X)]; ok1 && sA.IsMatrix() {
						if sB, ok2 := shapes[unT(ab.Y)]; ok2 && sB.IsMatrix() {
							return ast.Bin(ab.Op, ast.Bin(ast.Mul, ab.X, b), ast.Bin(ast.Mul, ab.Y, b))
						}
					}
				}
				// uᵀ (A B) → (uᵀ A) B when uᵀ is a row vector.
				if ab, ok := b.(*ast.Binary); ok && ab.Op == ast.Mul && sa.IsRow() && sb.IsMatrix() {
					if sB, ok := shapes[unT(ab.Y)]; ok && sB.IsMatrix() && !isOuterLike(ab, shapes) {
						return ast.Bin(ast.Mul, ast.Bin(ast.Mul, a, ab.X), ab.Y)
					}
				}
				return ast.Bin(ast.Mul, a, b)
			}
			if x.Op == ast.Pow && t {
				// (Aᵏ)ᵀ stays a flag on the stored power, like (A⁻¹)ᵀ.
				return ast.T(ast.Bin(ast.Pow, norm(x.X, false), x.Y))
			}
			return ast.Bin(x.Op, norm(x.X, t), norm(x.Y, t))
		case *ast.Call:
			// inv keeps its transpose outside: (A⁻¹)ᵀ is a flag on the
			// stored inverse, where inv(Aᵀ) would pass A.T() to gonum.
			if x.IsElementwise() || t && x.Fun == op.Diag.Name() && isVectorArg(x, shapes) {
				args := make([]ast.Expr, len(x.Args))
				for i, a := range x.Args {
					args[i] = norm(a, t && !(x.Fun == op.Diag.Name()))
				}
				return ast.Fn(x.Fun, x.Primes, args...)
			}
			args := make([]ast.Expr, len(x.Args))
			for i, a := range x.Args {
				args[i] = norm(a, false)
			}
			c := ast.Fn(x.Fun, x.Primes, args...)
			if t {
				return ast.T(c)
			}
			return c
		case *ast.Indicator:
			return ast.Ind(x.Op, norm(x.X, t), norm(x.Y, t))
		case *ast.Ident:
			if t {
				return ast.T(x)
			}
			return x
		}
		return e
	}
	return norm(e, false)
}

func unT(e ast.Expr) ast.Expr {
	if t, ok := e.(*ast.Transpose); ok {
		return t.X
	}
	return e
}

func isVectorArg(c *ast.Call, shapes map[ast.Expr]ast.Shape) bool {
	s, ok := shapes[c.Args[0]]
	return ok && s.IsVector()
}

// isOuterLike reports whether a product is not a plain matrix product
// whose re-association is safe to judge from the shapes known (a product
// with a scalar side, or whose operand shapes are unknown).
func isOuterLike(b *ast.Binary, shapes map[ast.Expr]ast.Shape) bool {
	sx, ok1 := shapes[unT(b.X)]
	sy, ok2 := shapes[unT(b.Y)]
	return !ok1 || !ok2 || sx.IsScalar() || sy.IsScalar()
}
