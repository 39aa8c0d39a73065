// Package eval computes the values of matcalc expressions with gonum.
//
// Every value is a *mat.Dense: a scalar is 1×1, a vector n×1.
package eval

import (
	"errors"

	"github.com/matcalc/matcalc/ast"
	"gonum.org/v1/gonum/mat"
)

// Env holds the values of variables and the meaning of generic functions.
type Env struct {
	// Vars maps canonical variable names to values.
	Vars map[string]*mat.Dense
	// Funcs binds generic function names (f, g, …) to built-in elementwise
	// functions ("tanh", "σ", …) so that formulas with them can be evaluated.
	Funcs map[string]string
}

// Eval returns the value of e.
// PLACEHOLDER API: the evaluator helper replaces this body.
func Eval(e ast.Expr, env *Env) (*mat.Dense, error) {
	return nil, errors.New("eval: not implemented yet")
}

// EvalAll returns the value of every node of e (shared nodes once).
// PLACEHOLDER API: the evaluator helper replaces this body.
func EvalAll(e ast.Expr, env *Env) (map[ast.Expr]*mat.Dense, error) {
	return nil, errors.New("eval: not implemented yet")
}
