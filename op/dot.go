package op

import "github.com/matcalc/matcalc/ast"

// dotOp is dot(x, y), the inner product of two vectors or matrices of one
// shape: sum(x ∘ y), which is xᵀy for vectors and tr(xᵀy) for matrices.
type dotOp struct{ structural }

// Dot is dot(x, y) = sum(x ∘ y).
var Dot Expander = &dotOp{structural{names: []string{"dot"}, tex: `\operatorname{dot}`, rule: ast.PairToScalar}}

func init() { register(Dot) }

func (dotOp) Arity() int { return 2 }

func (dotOp) Expand(args []ast.Expr) ast.Expr { return Call(Sum, had(args[0], args[1])) }
