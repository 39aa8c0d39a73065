package eval

import (
	"math"
	"testing"

	"github.com/matcalc/matcalc/ast"
	"gonum.org/v1/gonum/mat"
)

// TestTensorLayout: the derivative of Wx by W, ∂(Wx)ᵢ/∂Wₖₗ = [i = k] xₗ
// (a closed form), comes the same from the differential dW x and from
// central differences, rows the function's entries, columns W's, both
// row-major; Reshape nests it function indices first.
func TestTensorLayout(t *testing.T) {
	W := mat.NewDense(2, 3, []float64{1, 2, 3, 4, 5, 6})
	x := mat.NewDense(3, 1, []float64{0.5, -1, 2})
	env := &Env{Vars: map[string]*mat.Dense{"W": W, "x": x}}
	wx := ast.Bin(ast.Mul, ast.Var("W"), ast.Var("x"))
	dwx := ast.Bin(ast.Mul, ast.Var("dW"), ast.Var("x"))
	got, err := Differential(dwx, env, "dW", "W", ast.Vector(ast.Size(2)))
	if err != nil {
		t.Fatal(err)
	}
	fd, err := CentralDiff(wx, env, "W")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		for k := 0; k < 2; k++ {
			for l := 0; l < 3; l++ {
				want := 0.0
				if i == k {
					want = x.At(l, 0)
				}
				col := k*3 + l
				if got.At(i, col) != want || math.Abs(fd.At(i, col)-want) > 1e-9 {
					t.Errorf("∂(Wx)_%d/∂W_%d%d: differential %g, central differences %g, want %g", i, k, l, got.At(i, col), fd.At(i, col), want)
				}
			}
		}
	}
	nested := Reshape(got, []int{2, 2, 3}).([]any)
	if v := nested[1].([]any)[1].([]any)[2].(float64); v != x.At(2, 0) {
		t.Errorf("J[1][1][2] = %g, want %g", v, x.At(2, 0))
	}
}
