package op

import "github.com/matcalc/matcalc/ast"

// A StableLog is implemented by a function f for which log f(z) has a form
// that neither overflows nor loses precision where the formula as written
// does: log σ(z) = −softplus(−z), log softmax(z) = logsoftmax(z),
// log sum(exp(z)) = logsumexp(z). It returns nil where it has none.
type StableLog interface {
	StableLog(c *ast.Call) ast.Expr
}

// Stable rewrites e into the form evaluated and emitted: the same value,
// computed without overflow (docs/conventions.md). Printed formulas keep
// the form the user wrote; only the arithmetic uses this one. It returns e
// itself when nothing applies.
func Stable(e ast.Expr) ast.Expr {
	found := false
	ast.Inspect(e, func(n ast.Expr) bool {
		if c, ok := n.(*ast.Call); ok && Is(c, Log) {
			found = true
		}
		return !found
	})
	if !found {
		return e
	}
	return ast.Rewrite(e, func(n ast.Expr) ast.Expr {
		c, ok := n.(*ast.Call)
		if !ok || !Is(c, Log) || len(c.Args) != 1 {
			return n
		}
		switch a := c.Args[0].(type) {
		case *ast.Call:
			if s, ok := Of(a).(StableLog); ok && a.Primes == 0 {
				if r := s.StableLog(a); r != nil {
					return r
				}
			}
		case *ast.Binary:
			// log(1 − σ(z)) = −softplus(z); log(1 + exp(z)) = softplus(z).
			if n, ok := a.X.(*ast.Number); ok && n.Value == 1 {
				if g, ok := a.Y.(*ast.Call); ok && g.Primes == 0 && len(g.Args) == 1 {
					switch {
					case a.Op == ast.Sub && Is(g, Sigmoid):
						return neg(Call(Softplus, g.Args[0]))
					case a.Op == ast.Add && Is(g, Exp):
						return Call(Softplus, g.Args[0])
					}
				}
			}
		}
		return n
	})
}
