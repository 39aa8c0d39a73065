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
func Stable(e ast.Expr) ast.Expr { return StableIn(e, nil, nil) }

// StableIn is Stable where the names of definitions stand for their
// expressions (def returns nil for any other name): log(p) with
// p = softmax(z) becomes logsoftmax(z). A rewrite that looks through a
// definition no longer reads it. exp(z)/sum(exp(z)) becomes softmax(z)
// where vector(z) holds (always when vector is nil: the evaluator's
// softmax of a matrix is over all its entries, as the quotient is).
func StableIn(e ast.Expr, def func(name string) ast.Expr, vector func(ast.Expr) bool) ast.Expr {
	found := false
	ast.Inspect(e, func(n ast.Expr) bool {
		switch x := n.(type) {
		case *ast.Call:
			found = Is(x, Log)
		case *ast.Binary:
			found = x.Op == ast.Div
		}
		return !found
	})
	if !found {
		return e
	}
	look := func(x ast.Expr) ast.Expr {
		if id, ok := x.(*ast.Ident); ok && def != nil {
			if d := def(id.Name); d != nil {
				return d
			}
		}
		return x
	}
	return ast.Rewrite(e, func(n ast.Expr) ast.Expr {
		// exp(z)/sum(exp(z)) = softmax(z): the gradient of log sum(exp(z))
		// is finite where exp(z) overflows.
		if b, ok := n.(*ast.Binary); ok && b.Op == ast.Div {
			x, okx := look(b.X).(*ast.Call)
			y, oky := look(b.Y).(*ast.Call)
			if okx && oky && Is(x, Exp) && x.Primes == 0 && len(x.Args) == 1 && Is(y, Sum) && y.Primes == 0 && len(y.Args) == 1 {
				if (ast.Equal(look(y.Args[0]), x) || ast.Equal(y.Args[0], b.X)) && (vector == nil || vector(x.Args[0])) {
					return Call(Softmax, x.Args[0])
				}
			}
			return n
		}
		c, ok := n.(*ast.Call)
		if !ok || !Is(c, Log) || len(c.Args) != 1 {
			return n
		}
		switch a := look(c.Args[0]).(type) {
		case *ast.Call:
			if len(a.Args) == 1 {
				in := *a
				in.Args = []ast.Expr{look(a.Args[0])}
				a = &in
			}
			if s, ok := Of(a).(StableLog); ok && a.Primes == 0 {
				if r := s.StableLog(a); r != nil {
					return r
				}
			}
		case *ast.Binary:
			// log(1 − σ(z)) = −softplus(z); log(1 + exp(z)) = softplus(z).
			if n, ok := a.X.(*ast.Number); ok && n.Value == 1 {
				if g, ok := look(a.Y).(*ast.Call); ok && g.Primes == 0 && len(g.Args) == 1 {
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
