package op

import (
	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/internal/dense"
	"gonum.org/v1/gonum/mat"
)

// structural holds what every structural function says of itself as data;
// each function's type embeds it and adds its rules.
type structural struct {
	names    []string
	tex      string
	rule     ast.ShapeRule
	notation ast.Notation
	step     string // the Jacobian's rule in derivation steps; "" for "NAME rule"
}

func (s structural) Name() string             { return s.names[0] }
func (s structural) Spellings() []string      { return s.names }
func (s structural) ASCIIName() string        { return s.names[0] }
func (s structural) Arity() int               { return 1 }
func (s structural) Elementwise() bool        { return false }
func (s structural) ShapeRule() ast.ShapeRule { return s.rule }
func (s structural) Notation() ast.Notation   { return s.notation }
func (s structural) LaTeX() string            { return s.tex }
func (s structural) LaTeXCall(TeXArg) string  { return "" }
func (s structural) StepRule() string {
	if s.step != "" {
		return s.step
	}
	return s.names[0] + " rule"
}

func scalar(v float64) *mat.Dense { return dense.Num(v) }

// ones is 𝟙 in the shape s.
func ones(s ast.Shape) ast.Expr { return ast.OnesOf(s) }

// colDim is the dimension of a vector or row vector.
func colDim(s ast.Shape) ast.Dim {
	if s.IsRow() {
		return s.Cols
	}
	return s.Rows
}
