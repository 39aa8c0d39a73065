// Package op is the registry of matcalc's built-in functions: every built-in
// is one value, in one file of this package, that says everything the other
// packages need of it — its names, arity and shape rule (for the parser, the
// printer and the shape checker, through ast.Func), its derivatives (for
// derive), its value (for eval and graph), its backprop gate (for graph) and
// its LaTeX. Elementwise functions are plain data (Elementwise); the others
// implement Structural.
//
// Adding a built-in is adding a file: its value and an init function that
// registers it; TestRegistry walks the registry and checks every entry
// against central finite differences, the emitted Go, KaTeX and the parser.
package op

import (
	"github.com/matcalc/matcalc/ast"
	"gonum.org/v1/gonum/mat"
)

// An Op is a built-in function.
type Op interface {
	ast.Func
	// LaTeX is the function's name in LaTeX: \tanh, \operatorname{softmax}.
	LaTeX() string
	// LaTeXCall writes the underived function of one argument in a form
	// of its own (\lVert x \rVert, \sqrt{x}), or returns "" when it is
	// written as name(arg).
	LaTeXCall(a TeXArg) string
}

// A TeXArg is the LaTeX of a function's argument: bare, in brackets
// (\left( … \right) when tall), and whether it is tall (a fraction).
type TeXArg struct {
	Arg, Grouped string
	Tall         bool
}

// A Structural function has its own shape rule (sum, tr, softmax, …). It
// takes one argument unless its ShapeRule is ast.PairToScalar.
type Structural interface {
	Op
	// Value computes the function at x, an r×c matrix of the shape its
	// ShapeRule accepts (the caller checks the shape). arg is the argument
	// as printed, for errors.
	Value(x *mat.Dense, arg string) (*mat.Dense, error)
	// VJP returns what the gradient g of the scalar result by the call c
	// (in the shape of c) contributes to the gradient by its argument x
	// (of shape sx), or nil for nothing: reverse mode.
	VJP(c *ast.Call, sx ast.Shape, g ast.Expr) ast.Expr
	// JVP returns the Jacobian of c by a vector variable, given jx, the
	// Jacobian of its vector or scalar argument: forward mode. A nil
	// result means that the rule does not apply (the caller falls back to
	// a tensor contraction).
	JVP(c *ast.Call, sx ast.Shape, jx ast.Expr, col Columns) ast.Expr
	// Differential returns dc, the change of c when its argument changes by
	// dx (of the argument's shape): the directional derivative.
	Differential(c *ast.Call, sx ast.Shape, dx ast.Expr) ast.Expr
	// Gate is the backprop gate: the gradient G of the result (value y)
	// passed down to the argument (value x), and the rule and edge label
	// graph shows, with a the argument's name.
	Gate(x, y, G *mat.Dense, a string) (Gate, error)
	// Flops counts the arithmetic operations of computing the function of
	// an r×c argument.
	Flops(r, c int) int
	// StepRule says, in derivation steps, which rule gives the Jacobian.
	StepRule() string
}

// A Pair is a built-in of two arguments with its own shape rule, linear in
// each (the Kronecker product ⊗): its differential is the product rule
// d(x ⊗ y) = dx ⊗ y + x ⊗ dy.
type Pair interface {
	Op
	// Value2 computes the function at x and y.
	Value2(x, y *mat.Dense) (*mat.Dense, error)
	// VJP2 returns what the gradient g of the scalar result by the call c
	// contributes to the gradient by its argument i (0 or 1), given the
	// shapes s of both arguments, or "" and why the notation cannot write
	// it.
	VJP2(c *ast.Call, i int, s [2]ast.Shape, g ast.Expr) (ast.Expr, string)
	// JVP2 returns the Jacobian of c by a vector variable given the
	// Jacobians j of its arguments (nil where one is constant), or nil
	// when no matrix writes it.
	JVP2(c *ast.Call, s [2]ast.Shape, j [2]ast.Expr) ast.Expr
	// Gate2 is the backprop gate: the gradients passed down to x and y.
	Gate2(x, y, G *mat.Dense) (dx, dy *mat.Dense, rule, label string)
	// Flops2 counts the arithmetic operations for arguments of the given
	// shapes (rows, cols each).
	Flops2(xr, xc, yr, yc int) int
}

// NoVJP is implemented by a structural function whose gradient rule covers
// only some argument shapes (vec of a matrix would need the inverse of
// vec): it returns why there is none for sx, or "".
type NoVJP interface {
	NoVJP(c *ast.Call, sx ast.Shape) string
}

// Columns lets a forward rule view its argument as a column vector: a row
// vector xᵀ becomes x.
type Columns interface {
	AsColumn(e ast.Expr) ast.Expr
}

// A Gate is what a backprop gate hands down to its argument.
type Gate struct {
	Rule  string     // the rule, in words: "trace: hands Ḡ to the diagonal"
	Label string     // the edge's label: "Ḡ I"
	Local *mat.Dense // the local derivative to show on the edge, or nil
	Down  *mat.Dense // the gradient passed down, in the argument's shape
	Flops int        // the arithmetic operations it took
}

// Adjoint is implemented by a function whose gradient by a matrix input has
// a rule with a name in the Matrix Cookbook: ∂logdet(X)/∂X = X⁻ᵀ.
type Adjoint interface {
	AdjointRule() string
}

// Distribution is implemented by a function whose value is a probability
// vector (softmax): shared pieces name it p, and p − y is the error signal.
type Distribution interface {
	IsDistribution()
}

// LogRule is implemented by a function f for which log f has a simpler
// gradient than the chain through log′ = 1/f: log softmax(z) has the
// gradient g − softmax(z)sum(g), log σ(z) the derivative 1 − σ(z). The
// gradient g of log f(z) by log f(z) and a helper for the elementwise
// chain are given; nil means no simpler rule (the chain applies).
type LogRule interface {
	LogVJP(c *ast.Call, sx ast.Shape, g ast.Expr, chain func(g, d, z ast.Expr) ast.Expr) ast.Expr
}

// LogJacobian is implemented by a function f for which log f(z) has a
// simpler Jacobian than diag(1 ./ f(z)) times that of f: log softmax(z)
// has I − 𝟙softmax(z)ᵀ. jz is the Jacobian of z; nil means no rule.
type LogJacobian interface {
	LogJVP(c *ast.Call, sz ast.Shape, jz ast.Expr, col Columns) ast.Expr
}

// A PyFunc is implemented by a structural function that Python output
// computes: its NumPy and its PyTorch expression, given the argument's
// and its shape (a vector is a 1-D array or tensor, a scalar a float or a
// 0-d tensor).
type PyFunc interface {
	PyCall(x string, sx ast.Shape) string
	TorchCall(x string, sx ast.Shape) string
}

// A PyPair is a Pair that Python output computes: its NumPy or PyTorch
// expression given the arguments and their shapes.
type PyPair interface {
	PyCall2(x, y string, sx, sy ast.Shape, torch bool) string
}

// all lists every built-in, in the order of registration: each entry's
// file registers it when the package is initialised, so that adding a
// built-in is adding a file.
var all []Op

func register(ops ...Op) {
	all = append(all, ops...)
	for _, o := range ops {
		ast.Register(o)
	}
}

// All returns every built-in, in the order of registration.
func All() []Op { return append([]Op(nil), all...) }

// Lookup returns the built-in spelled name (any accepted spelling), or nil.
func Lookup(name string) Op {
	if f, ok := ast.LookupFunc(name).(Op); ok {
		return f
	}
	return nil
}

// Of returns the built-in a call applies, or nil for a generic function.
func Of(c *ast.Call) Op { return Lookup(c.Fun) }

// Is reports whether the call applies o, underived.
func Is(c *ast.Call, o Op) bool { return c.Fun == o.Name() && c.Primes == 0 }

// Call builds the call o(args…).
func Call(o Op, args ...ast.Expr) *ast.Call { return ast.Fn(o.Name(), 0, args...) }
