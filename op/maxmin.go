package op

import (
	"math"

	"github.com/matcalc/matcalc/ast"
)

// An Extremum is max or min of two arguments, entry by entry, a scalar
// broadcasting over the other side. Its derivative routes the gradient to
// the winning side: the first argument wins ties.
type Extremum struct {
	name string
	max  bool
}

// Max is max(a, b), entry by entry; min is Min.
var (
	Max = &Extremum{name: "max", max: true}
	Min = &Extremum{name: "min"}
)

func init() { register(Max, Min) }

var _ Op = (*Extremum)(nil)

func (m *Extremum) Name() string             { return m.name }
func (m *Extremum) Spellings() []string      { return []string{m.name} }
func (m *Extremum) ASCIIName() string        { return m.name }
func (m *Extremum) Arity() int               { return 2 }
func (m *Extremum) Elementwise() bool        { return true }
func (m *Extremum) ShapeRule() ast.ShapeRule { return ast.SameShape }
func (m *Extremum) Notation() ast.Notation   { return ast.CallNotation }
func (m *Extremum) LaTeX() string            { return `\` + m.name }
func (m *Extremum) LaTeXCall(TeXArg) string  { return "" }

// Value returns the winner of a and b: a on a tie, NaN if either is.
func (m *Extremum) Value(a, b float64) float64 {
	if math.IsNaN(a) || m.max && a >= b || !m.max && a <= b {
		return a
	}
	return b
}

// Indicators returns where each argument of c = max(a, b) (or min) wins:
// [a ≥ b] and [b > a] for max, [b ≥ a] and [a > b] for min.
func (m *Extremum) Indicators(c *ast.Call) (da, db ast.Expr) {
	a, b := c.Args[0], c.Args[1]
	if m.max {
		return ast.Ind(ast.GE, a, b), ast.Ind(ast.GT, b, a)
	}
	return ast.Ind(ast.GE, b, a), ast.Ind(ast.GT, a, b)
}

// GoCall is max(a, b) or min(a, b) in Go.
func (m *Extremum) GoCall(a, b string) string {
	if m.max {
		return "math.Max(" + a + ", " + b + ")"
	}
	return "math.Min(" + a + ", " + b + ")"
}

// PyCall is max(a, b) or min(a, b) in NumPy.
func (m *Extremum) PyCall(a, b string) string {
	if m.max {
		return "np.maximum(" + a + ", " + b + ")"
	}
	return "np.minimum(" + a + ", " + b + ")"
}

// TorchCall is max(a, b) or min(a, b) in PyTorch, of two tensors.
func (m *Extremum) TorchCall(a, b string) string {
	if m.max {
		return "torch.maximum(" + a + ", " + b + ")"
	}
	return "torch.minimum(" + a + ", " + b + ")"
}
