package op

import (
	"fmt"
	"math"

	"github.com/matcalc/matcalc/ast"
)

// An Elementwise function of one argument applies a scalar function entry
// by entry. It is plain data: the float functions f, f′, f″ and, where one
// reads better than a prime, f′ as a formula.
type Elementwise struct {
	Names []string // every spelling, the canonical one first
	ASCII string   // the ASCII spelling, if not Names[0]
	TeX   string   // the LaTeX name
	// F holds f, f′ and f″ as float functions. Kinks take the one-sided
	// choice of docs/conventions.md: relu′(0) = 0, abs′(0) = sign(0) = 0.
	F [3]func(float64) float64
	// Prime is f′ as a formula of the argument z and the value fz = f(z)
	// (exp′ = exp, log′(z) = 1 ./ z), or nil when f′ is written with a
	// prime: tanh′(z), σ′(z).
	Prime func(z, fz ast.Expr) ast.Expr
	// LogPrime is the derivative of log f(z) where it is simpler than
	// f′(z)/f(z) (log σ(z) has 1 − σ(z)), or nil.
	LogPrime func(z, fz ast.Expr) ast.Expr
	// StableLogOf is log f(z) in a form that does not overflow, or nil:
	// log σ(z) = −softplus(−z).
	StableLogOf func(z ast.Expr) ast.Expr
	// Form writes f(arg) in LaTeX in a form of its own (√x), or is nil.
	Form func(a TeXArg) string
	// Go holds f, f′ and f″ as Go expressions of the argument x (nil
	// where Go output does not support it).
	Go [3]func(w GoWriter, x string) string
	// Py holds f, f′ and f″ as NumPy expressions, fmt templates of the
	// argument (%[1]s) and of f's value (%[2]s), which Python output
	// computes once where f and f′ are both needed (tanh′ = 1 − tanh²);
	// "" where Python output does not support it.
	Py [3]string
	// Torch holds the same for PyTorch tensors. The argument is a tensor;
	// _dtype names the inputs' dtype (for casts), math the module.
	Torch [3]string
	// GoReuses marks a function whose derivatives are computed from its
	// value (tanh′ = 1 − tanh²): Go output keeps f(z) when it needs f′(z).
	GoReuses bool
	// Positive marks a function defined for positive arguments only (log,
	// sqrt): checks draw positive values.
	Positive bool
	// Kinked marks a piecewise linear or constant f: f″ = 0 (relu, abs,
	// sign).
	Kinked bool
	// NonNeg marks which of f, f′, f″ are ≥ 0 wherever they are defined
	// (σ and σ′ = σ(1 − σ), not σ″): Go output computes a symmetric
	// product AᵀD A with such a diagonal D as (D^½A)ᵀ(D^½A).
	NonNeg [3]bool
}

// NonNegative reports whether the elementwise call c (f with its primes)
// is known to be ≥ 0 wherever it is defined.
func NonNegative(c *ast.Call) bool {
	e, ok := Lookup(c.Fun).(*Elementwise)
	return ok && !c.IsGeneric() && c.Primes < len(e.NonNeg) && e.NonNeg[c.Primes]
}

var _ Op = (*Elementwise)(nil)

func (e *Elementwise) Name() string        { return e.Names[0] }
func (e *Elementwise) Spellings() []string { return e.Names }
func (e *Elementwise) ASCIIName() string {
	if e.ASCII != "" {
		return e.ASCII
	}
	return e.Names[0]
}
func (e *Elementwise) Arity() int               { return 1 }
func (e *Elementwise) Elementwise() bool        { return true }
func (e *Elementwise) ShapeRule() ast.ShapeRule { return ast.SameShape }
func (e *Elementwise) Notation() ast.Notation   { return ast.CallNotation }
func (e *Elementwise) LaTeX() string            { return e.TeX }
func (e *Elementwise) LaTeXCall(a TeXArg) string {
	if e.Form == nil {
		return ""
	}
	return e.Form(a)
}

// LogVJP applies LogPrime, where f has one: the gradient of log f(z).
func (e *Elementwise) LogVJP(c *ast.Call, _ ast.Shape, g ast.Expr, chain func(g, d, z ast.Expr) ast.Expr) ast.Expr {
	if e.LogPrime == nil {
		return nil
	}
	z := c.Args[0]
	return chain(g, e.LogPrime(z, c), z)
}

var _ LogRule = (*Elementwise)(nil)

// StableLog applies StableLogOf, where f has one.
func (e *Elementwise) StableLog(c *ast.Call) ast.Expr {
	if e.StableLogOf == nil || len(c.Args) != 1 {
		return nil
	}
	return e.StableLogOf(c.Args[0])
}

// Derivative returns the derivative of the elementwise call c (f with its
// primes) at its argument, as a formula: a closed form where f has one
// (exp′ = exp), 0 past the kinks of a piecewise linear f, else f with one
// prime more. A generic function (nil e) always gets the prime.
func Derivative(c *ast.Call) (ast.Expr, error) {
	if len(c.Args) != 1 {
		return nil, fmt.Errorf("no derivative rule for %s with %d arguments", c.Fun, len(c.Args))
	}
	z := c.Args[0]
	prime := ast.Fn(c.Fun, c.Primes+1, z)
	if c.IsGeneric() {
		return prime, nil
	}
	e, ok := Lookup(c.Fun).(*Elementwise)
	if !ok {
		return nil, fmt.Errorf("no derivative rule for %s", c.Fun)
	}
	switch {
	case c.Primes == 0 && e.Prime != nil:
		return e.Prime(z, c), nil
	case c.Primes >= 1 && e.Kinked:
		return ast.Num(0), nil
	case c.Primes >= len(e.F)-1:
		return nil, fmt.Errorf("no third derivative of %s", c.Fun)
	}
	return prime, nil
}

// Scalar returns f differentiated primes times as a float function, or
// false if there is none.
func (e *Elementwise) Scalar(primes int) (func(float64) float64, bool) {
	if primes < 0 || primes >= len(e.F) {
		return nil, false
	}
	return e.F[primes], true
}

// ScalarFunc returns the float function of the elementwise built-in spelled
// name differentiated primes times, or false if there is none.
func ScalarFunc(name string, primes int) (func(float64) float64, bool) {
	e, ok := Lookup(name).(*Elementwise)
	if !ok {
		return nil, false
	}
	return e.Scalar(primes)
}

// helpers for the formulas of derivatives
func mul(a, b ast.Expr) ast.Expr  { return ast.Bin(ast.Mul, a, b) }
func sub(a, b ast.Expr) ast.Expr  { return ast.Bin(ast.Sub, a, b) }
func had(a, b ast.Expr) ast.Expr  { return ast.Bin(ast.Hadamard, a, b) }
func ediv(a, b ast.Expr) ast.Expr { return ast.Bin(ast.ElemDiv, a, b) }
func div(a, b ast.Expr) ast.Expr  { return ast.Bin(ast.Div, a, b) }
func neg(a ast.Expr) ast.Expr     { return ast.Negate(a) }
func tr(a ast.Expr) ast.Expr      { return ast.T(a) }
func num(v float64) ast.Expr      { return ast.Num(v) }
func sq(a ast.Expr) ast.Expr      { return ast.Bin(ast.Pow, a, num(2)) }

// sign is −1, 0 or 1 (NaN for NaN).
func sign(x float64) float64 {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return x // 0, or NaN
}

// step is 1 for x > 0, else 0: relu′ with relu′(0) = 0.
func step(x float64) float64 {
	switch {
	case math.IsNaN(x):
		return x
	case x > 0:
		return 1
	}
	return 0
}

func zeroOrNaN(x float64) float64 {
	if math.IsNaN(x) {
		return x
	}
	return 0
}
