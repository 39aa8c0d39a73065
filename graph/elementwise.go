package graph

import (
	"fmt"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/eval"
)

// derivative returns the order-th derivative of the built-in elementwise
// function fun at x (order 0 is the function itself), from package eval's
// table. The backward pass of fun′…′(z) with p primes needs order p+1.
// Kinks take the one-sided choices of docs/conventions.md: relu′(0) = 0, abs′(0) = 0.
func derivative(fun string, order int) (func(float64) float64, error) {
	f, ok := eval.Elementwise(fun, order)
	if !ok {
		return nil, fmt.Errorf("no derivative of order %d for %s", order, fun)
	}
	return f, nil
}

// builtinOf returns the built-in elementwise function that computes the
// call's function: itself, or for a generic function (f, g, …) the one the
// Env binds it to.
func (g *Graph) builtinOf(c *ast.Call) (string, error) {
	if !c.IsGeneric() {
		return c.Fun, nil
	}
	if b, ok := g.funcs[c.Fun]; ok {
		if bi := ast.LookupFunc(b); bi != nil && bi.Elementwise() && bi.Arity() == 1 {
			return bi.Name(), nil
		}
		return "", fmt.Errorf("graph: %s is bound to %s, which is not an elementwise function of one argument", c.Fun, b)
	}
	return "", fmt.Errorf("graph: the generic function %s has no meaning: bind it to a built-in (for example %s = tanh)", c.Fun, c.Fun)
}
