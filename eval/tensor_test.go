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

// TestSecondDifferential: the second derivative of xxᵀ, from its second
// differential 2dx dxᵀ by polarization, is the closed form
// ∂²(xᵢxⱼ)/∂xₖ∂xₗ = [i = k][j = l] + [i = l][j = k], and central differences
// of the first derivative, from dx xᵀ + x dxᵀ, agree; the form dx dxᵀ,
// half of it, does not. The mixed block of Wx by W and x, from dW dx, is
// ∂²(Wx)ᵢ/∂Wₖₗ∂xₘ = [i = k][l = m].
func TestSecondDifferential(t *testing.T) {
	x := mat.NewDense(3, 1, []float64{0.5, -1, 2})
	W := mat.NewDense(2, 3, []float64{1, 2, 3, 4, 5, 6})
	env := &Env{Vars: map[string]*mat.Dense{"x": x, "W": W}}
	dx, X := ast.Var("dx"), ast.Var("x")
	n := ast.Size(3)
	outer := ast.Matrix(n, n)
	twice := ast.Bin(ast.Mul, ast.Num(2), ast.Bin(ast.Mul, dx, ast.T(dx)))
	got, err := SecondDifferential(twice, env, "dx", "x", "", "", outer)
	if err != nil {
		t.Fatal(err)
	}
	first := ast.Bin(ast.Add, ast.Bin(ast.Mul, dx, ast.T(X)), ast.Bin(ast.Mul, X, ast.T(dx)))
	fd, err := CentralDiffOf(func(at *Env) (*mat.Dense, error) { return Differential(first, at, "dx", "x", outer) }, env, "x")
	if err != nil {
		t.Fatal(err)
	}
	if r, c := got.Dims(); r != 27 || c != 3 {
		t.Fatalf("the tensor is laid out %d×%d, want 27×3", r, c)
	}
	delta := func(a, b int) float64 {
		if a == b {
			return 1
		}
		return 0
	}
	for i := range 3 {
		for j := range 3 {
			for k := range 3 {
				for l := range 3 {
					want := delta(i, k)*delta(j, l) + delta(i, l)*delta(j, k)
					row := (i*3+j)*3 + k
					if got.At(row, l) != want || math.Abs(fd.At(row, l)-want) > 1e-9 {
						t.Errorf("∂²(xxᵀ)_%d%d/∂x_%d∂x_%d: second differential %g, central differences %g, want %g", i, j, k, l, got.At(row, l), fd.At(row, l), want)
					}
				}
			}
		}
	}
	half, err := SecondDifferential(ast.Bin(ast.Mul, dx, ast.T(dx)), env, "dx", "x", "", "", outer)
	if err != nil {
		t.Fatal(err)
	}
	if e := RelErr(half, fd); !(e > 0.1) {
		t.Errorf("dx dxᵀ passes for the second differential of xxᵀ (rel. error %g)", e)
	}
	mixed, err := SecondDifferential(ast.Bin(ast.Mul, ast.Var("dW"), dx), env, "dW", "W", "dx", "x", ast.Vector(ast.Size(2)))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		for k := range 2 {
			for l := range 3 {
				for m := range 3 {
					want := delta(i, k) * delta(l, m)
					if v := mixed.At(i*6+k*3+l, m); v != want {
						t.Errorf("∂²(Wx)_%d/∂W_%d%d∂x_%d = %g, want %g", i, k, l, m, v, want)
					}
				}
			}
		}
	}
}
