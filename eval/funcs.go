package eval

import (
	"math"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/op"
	"gonum.org/v1/gonum/mat"
)

// Elementwise returns the scalar function of a one-argument elementwise
// built-in (canonical name or any accepted spelling) differentiated primes
// times, or false if there is none.
func Elementwise(name string, primes int) (func(float64) float64, bool) {
	return op.ScalarFunc(name, primes)
}

func (ev *evaluator) call(e *ast.Call, w want) (*mat.Dense, bool, error) {
	name := e.Fun
	if e.IsGeneric() {
		bound, ok := ev.env.Funcs[e.Fun]
		if !ok {
			return nil, false, ast.Errorf(e.Pos(), "cannot evaluate generic function %s: bind it to a built-in", e.Fun)
		}
		if _, ok := op.Lookup(bound).(*op.Elementwise); !ok {
			return nil, false, ast.Errorf(e.Pos(), "cannot evaluate generic function %s: %s is not a one-argument elementwise built-in", e.Fun, bound)
		}
		if len(e.Args) != 1 {
			return nil, false, ast.Errorf(e.Pos(), "%s takes one argument, not %d", e.Fun, len(e.Args))
		}
		name = bound
	}
	b := op.Lookup(name)
	if b == nil {
		return nil, false, ast.Errorf(e.Pos(), "unknown function %s", name)
	}
	if len(e.Args) != b.Arity() {
		return nil, false, ast.Errorf(e.Pos(), "%s takes %d argument%s, not %d", e.Fun, b.Arity(), plural(b.Arity()), len(e.Args))
	}
	switch f := b.(type) {
	case op.Expander:
		return ev.eval(f.Expand(e.Args), w)
	case *op.Elementwise:
		if e.Primes >= len(f.F) {
			return nil, false, ast.Errorf(e.Pos(), "cannot evaluate %s%s: only first and second derivatives are built in", e.Fun, primes(e.Primes))
		}
		x, ctx, err := ev.eval(e.Args[0], w)
		if err != nil {
			return nil, false, err
		}
		return mapf(x, f.F[e.Primes]), ctx, nil
	}
	if e.Primes > 0 {
		return nil, false, ast.Errorf(e.Pos(), "%s%s is not defined: %s is not an elementwise function of one argument", e.Fun, primes(e.Primes), e.Fun)
	}
	switch f := b.(type) {
	case *op.Extremum:
		x, y, ctx, err := ev.pair(e.Args[0], e.Args[1], w)
		if err != nil {
			return nil, false, err
		}
		r, ok := zip(x, y, f.Value)
		if !ok {
			return nil, false, ast.Errorf(e.Pos(), "%s of %s (%s) and %s (%s): shapes differ",
				f.Name(), ast.String(e.Args[0]), shapeText(x), ast.String(e.Args[1]), shapeText(y))
		}
		return r, ctx, nil
	case op.Pair:
		return ev.pairCall(e, f, w)
	case op.Structural:
		// The argument's context follows from w only for the
		// shape-preserving functions.
		aw := want{}
		switch f.ShapeRule() {
		case ast.SquareToSquare, ast.VectorToVector:
			aw = w
		case ast.Diagonal:
			switch {
			case w.r > 0 && w.c == 1:
				aw = want{w.r, w.r}
			case w.r > 0 && w.r == w.c && w.r != 1:
				aw = want{w.r, 1}
			}
		}
		x, ctx, err := ev.eval(e.Args[0], aw)
		if err != nil {
			return nil, false, err
		}
		r, err := structural(e, f, x)
		return r, ctx, err
	}
	return nil, false, ast.Errorf(e.Pos(), "eval: no rule for %s", name)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func primes(n int) string { return ast.PrimeMarks(n) }

// structural applies a built-in with its own shape rule to the value x of
// the argument of e, after checking that x has a shape the rule accepts.
func structural(e *ast.Call, f op.Structural, x *mat.Dense) (*mat.Dense, error) {
	r, c := x.Dims()
	arg := ast.String(e.Args[0])
	name := f.Name()
	switch f.ShapeRule() {
	case ast.SquareToScalar:
		if r != c {
			return nil, ast.Errorf(e.Pos(), "%s needs a square matrix, not %s (%s)", name, arg, shapeText(x))
		}
	case ast.SquareToSquare:
		if r != c {
			if f.Notation() == ast.InverseNotation {
				return nil, ast.Errorf(e.Pos(), "cannot invert %s (%s): not square", arg, shapeText(x))
			}
			return nil, ast.Errorf(e.Pos(), "%s needs a square matrix, not %s (%s)", name, arg, shapeText(x))
		}
	case ast.Diagonal:
		if c != 1 && r != c {
			return nil, ast.Errorf(e.Pos(), "%s needs a vector or a square matrix, not %s (%s)", name, arg, shapeText(x))
		}
		if c == 1 {
			if err := tooLarge(e.Pos(), name, r, r); err != nil {
				return nil, err
			}
		}
	case ast.VectorToVector:
		if c != 1 {
			return nil, ast.Errorf(e.Pos(), "%s needs a vector, not %s (%s)", name, arg, shapeText(x))
		}
	}
	v, err := f.Value(x, arg)
	if err != nil {
		return nil, ast.Errorf(e.Pos(), "%s", err.Error())
	}
	return v, nil
}

// inverse returns x⁻¹, or an error at e when x is singular.
func inverse(e ast.Expr, arg string, x *mat.Dense) (*mat.Dense, error) {
	v, err := op.Inv.Value(x, arg)
	if err != nil {
		return nil, ast.Errorf(e.Pos(), "%s", err.Error())
	}
	return v, nil
}

// power is x^y: the scalar power, or the matrix power of a square matrix by
// an integer (of the inverse for a negative one).
func power(e *ast.Binary, x, y *mat.Dense) (*mat.Dense, error) {
	if !isScalar(y) {
		return nil, ast.Errorf(e.Pos(), "exponent %s must be a scalar, not %s", ast.String(e.Y), shapeText(y))
	}
	p := y.At(0, 0)
	if isScalar(x) {
		return scalar(math.Pow(x.At(0, 0), p)), nil
	}
	r, c := x.Dims()
	base := ast.String(e.X)
	if r != c {
		return nil, ast.Errorf(e.Pos(), "%s (%s) is not square: use %s.^…, %s∘%s or ‖%s‖²", base, shapeText(x), base, base, base, base)
	}
	if p != math.Trunc(p) || math.Abs(p) > 1<<30 {
		return nil, ast.Errorf(e.Pos(), "the matrix power %s^%s needs an integer exponent, not %s", base, ast.String(e.Y), ast.FormatNumber(p))
	}
	if p < 0 {
		inv, err := inverse(e.X, base, x)
		if err != nil {
			return nil, err
		}
		x, p = inv, -p
	}
	var out mat.Dense
	out.Pow(x, int(p))
	return &out, nil
}

// pairCall evaluates x ⊗ y. An argument without a size of its own (I) takes
// it from w divided by the other argument's: in (xᵀ ⊗ I) of n rows and n·m
// columns, I is n×n.
func (ev *evaluator) pairCall(e *ast.Call, f op.Pair, w want) (*mat.Dense, bool, error) {
	var v [2]*mat.Dense
	var ctx [2]bool
	var errs [2]error
	for i, a := range e.Args {
		v[i], ctx[i], errs[i] = ev.eval(a, want{})
	}
	for i := range 2 {
		if !isUnsized(errs[i]) || errs[1-i] != nil {
			continue
		}
		r, c := v[1-i].Dims()
		aw := want{}
		if w.r > 0 && w.r%r == 0 {
			aw.r = w.r / r
		}
		if w.c > 0 && w.c%c == 0 {
			aw.c = w.c / c
		}
		v[i], ctx[i], errs[i] = ev.eval(e.Args[i], aw)
		ctx[i] = true
	}
	for _, err := range errs {
		if err != nil {
			return nil, false, err
		}
	}
	xr, xc := v[0].Dims()
	yr, yc := v[1].Dims()
	if err := tooLarge(e.Pos(), ast.String(e), xr*yr, xc*yc); err != nil {
		return nil, false, err
	}
	r, err := f.Value2(v[0], v[1])
	if err != nil {
		return nil, false, ast.Errorf(e.Pos(), "%s", err.Error())
	}
	return r, ctx[0] || ctx[1], nil
}
