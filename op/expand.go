package op

import "github.com/matcalc/matcalc/ast"

// An Expander is a built-in defined by a formula of other built-ins,
// dot(x, y) = sum(x ∘ y): derive, eval, graph and Go output compute it
// through its expansion, and only the printed formula keeps its name.
type Expander interface {
	Op
	Expand(args []ast.Expr) ast.Expr
}

// ExpandAll replaces every call of an Expander in e by its expansion. It
// returns e itself when there is none.
func ExpandAll(e ast.Expr) ast.Expr {
	found := false
	ast.Inspect(e, func(n ast.Expr) bool {
		if c, ok := n.(*ast.Call); ok {
			if _, ok := Of(c).(Expander); ok {
				found = true
			}
		}
		return !found
	})
	if !found {
		return e
	}
	return ast.Rewrite(e, func(n ast.Expr) ast.Expr {
		if c, ok := n.(*ast.Call); ok && c.Primes == 0 {
			if x, ok := Of(c).(Expander); ok {
				return x.Expand(c.Args)
			}
		}
		return n
	})
}
