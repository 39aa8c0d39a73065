package ast_test

import (
	"testing"

	"github.com/matcalc/matcalc/ast"
)

func TestDerivTensor(t *testing.T) {
	n, m, p, q := ast.Sym("n"), ast.Sym("m"), ast.Sym("p"), ast.Sym("q")
	for _, c := range []struct {
		fn, v ast.Shape
		order int
		want  string
		rank  int
	}{
		{ast.Scalar, ast.Vector(n), 1, "n", 1},                // gradient
		{ast.Scalar, ast.Vector(n), 2, "n×n", 2},              // Hessian
		{ast.Vector(m), ast.Vector(n), 1, "m×n", 2},           // Jacobian
		{ast.Matrix(ast.One, m), ast.Vector(n), 1, "m×n", 2},  // a row function counts as a vector
		{ast.Vector(m), ast.Matrix(n, p), 1, "m×n×p", 3},      // ∂(Wx)/∂W
		{ast.Matrix(p, q), ast.Matrix(n, m), 1, "p×q×n×m", 4}, // ∂(AXB)/∂X
		{ast.Scalar, ast.Matrix(n, m), 2, "n×m×n×m", 4},       // Hessian by a matrix
		{ast.Scalar, ast.Scalar, 1, "scalar", 0},              // a derivative of scalars
	} {
		got := ast.DerivTensor(c.fn, c.v, c.order)
		if got.String() != c.want || got.Rank() != c.rank {
			t.Errorf("DerivTensor(%v, %v, %d) = %v (rank %d), want %s (rank %d)", c.fn, c.v, c.order, got, got.Rank(), c.want, c.rank)
		}
	}
}
