package op

import "github.com/matcalc/matcalc/ast"

// A Check is a formula that exercises a built-in: its value, its
// derivatives by Wrt of the given order, its LaTeX and its Go code. The
// registry's tests run every Check of every entry.
type Check struct {
	Src      string   // the formula, with the function's name for F
	Wrt      []string // the variables to derive by
	Order    int      // 1 or 2
	Positive bool     // draw positive values (log, sqrt)
}

// Checks returns the formulas that exercise o, chosen by its shape rule and
// arity: a scalar function of the result (uᵀF(x), sum(F(x))) by every
// variable, and second derivatives where they exist.
func Checks(o Op) []Check {
	f := o.Name()
	pos := false
	if e, ok := o.(*Elementwise); ok {
		pos = e.Positive
	}
	c := func(src string, order int, wrt ...string) Check {
		return Check{Src: src, Wrt: wrt, Order: order, Positive: pos}
	}
	switch o.ShapeRule() {
	case ast.SameShape:
		if o.Arity() == 2 {
			return []Check{c("uᵀ"+f+"(x, y)", 1, "u", "x", "y"), c(f+"(x, y)", 1, "x")}
		}
		return []Check{
			c("uᵀ"+f+"(x)", 1, "u", "x"),
			c(f+"(x)", 1, "x"),
			c("sum("+f+"(x))", 2, "x"),
			c("sum("+f+"(X))", 1, "X"),
		}
	case ast.ToScalar:
		return []Check{c(f+"(x)", 1, "x"), c(f+"(x)", 2, "x"), c(f+"(X)", 1, "X")}
	case ast.SquareToScalar:
		return []Check{c(f+"(X)", 1, "X"), c(f+"(Aᵀx xᵀA + B)", 1, "x")}
	case ast.SquareToSquare:
		return []Check{c("uᵀ"+f+"(X)v", 1, "u", "X", "v")}
	case ast.VectorToVector:
		return []Check{c("uᵀ"+f+"(x)", 1, "u", "x"), c(f+"(x)", 1, "x"), c("uᵀ"+f+"(x)", 2, "x")}
	case ast.Diagonal:
		return []Check{c("uᵀ"+f+"(X)", 1, "u", "X"), c("uᵀ"+f+"(x)v", 1, "u", "x", "v")}
	case ast.PairToScalar:
		return []Check{c(f+"(x, y)", 1, "x", "y"), c(f+"(x, y)", 2, "x")}
	case ast.Vectorize:
		return []Check{c("uᵀ"+f+"(X)", 1, "u"), c(f+"(x)", 1, "x"), c("uᵀ"+f+"(Ax)", 1, "u", "A", "x"), c(f+"(x)ᵀ"+f+"(x)", 2, "x")}
	case ast.KroneckerRule:
		return []Check{
			c("uᵀ"+f+"(x, y)", 1, "u", "x", "y"),
			c(f+"(x, y)", 1, "x", "y"),
			c(f+"(x, y)ᵀ"+f+"(x, y)", 2, "x"),
			c("sum("+f+"(α, X))", 1, "α"),
		}
	case ast.CommutationRule:
		return []Check{c("uᵀ"+f+"(X)v", 1, "u", "v")}
	}
	return nil
}
