package derive

import (
	"errors"
	"fmt"
	"slices"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/simplify"
)

// DirName is the name of the direction of a differential by v: dW for W.
func DirName(v string) string { return "d" + v }

// differential returns dF, the differential of e in the direction dir (a
// variable of v's shape, in env): the derivative of e along dir, by forward
// mode with the tangent of v set to dir. It is how a derivative of rank 3 or
// 4 is given (Differential): d(Wx) = dW x, d(X⁻¹) = −X⁻¹ dX X⁻¹.
func differential(e ast.Expr, env map[string]ast.Shape, v, dir string, shapes *ast.Checker, tree *parents) (ast.Expr, error) {
	f := newForward(env, v, shapes)
	if tree != nil {
		f.rev.tree, f.rev.dependents = tree, tree.ancestors(v)
	}
	f.vector = false
	f.dir = ast.Var(dir)
	j := f.jac(e)
	if f.err != nil {
		return nil, f.err
	}
	if j == nil {
		return nil, nil
	}
	if _, err := shapes.Shape(j); err != nil {
		return nil, fmt.Errorf("internal shape error in the differential %s: %v", ast.String(j), err)
	}
	return j, nil
}

// WithoutTensors returns res derived again by its variables whose
// derivatives are no tensors, for code output without --wrt (Go writes a
// tensor derivative asked for by name, NumPy and PyTorch none yet), and
// the tensor derivatives left out; res itself when it has none, nil when
// it has nothing else.
func WithoutTensors(e ast.Expr, info *ast.Info, res *Result, opts Options) (*Result, []Deriv, error) {
	var keep []string
	var left []Deriv
	for _, d := range res.Derivs {
		if d.IsTensor() || d.Wrt2 != "" {
			left = append(left, d)
			continue
		}
		if !slices.Contains(keep, d.Wrt) {
			keep = append(keep, d.Wrt)
		}
	}
	switch {
	case len(left) == 0:
		return res, nil, nil
	case len(keep) == 0:
		return nil, left, nil
	}
	opts.Wrt, opts.NoMixed = keep, true
	r, err := Derive(e, info, opts)
	return r, left, err
}

// mixed returns the block ∂²s/∂a∂b of the second derivative: the
// derivative of the gradient g = ∂s/∂a by b. By a scalar b it has g's
// shape; of a scalar g by b, b's (a gradient); of a vector g by a vector b
// it is the Jacobian; where a matrix takes part, a tensor, given by the
// differential of g in the direction db.
func mixed(info *ast.Info, env map[string]ast.Shape, shapes *ast.Checker, g ast.Expr, a, b string, fs ast.Shape) (Deriv, error) {
	sa, sb := info.Var(a).Shape, info.Var(b).Shape
	d := Deriv{Wrt: a, Wrt2: b, Order: 2, Tensor: append(sa.Indices(), sb.Indices()...)}
	if g == nil {
		d.Kind, d.Shape = Derivative, sa
		return d, nil
	}
	var err error
	switch {
	case sb.IsScalar():
		d.Kind, d.Shape = Derivative, sa
		d.Expr, err = jacobianShapes(g, env, b, shapes)
	case sa.IsScalar():
		d.Kind, d.Shape = Gradient, sb
		var gs map[string]ast.Expr
		gs, err = gradients(g, env, []string{b})
		d.Expr = gs[b]
	case sa.IsVector() && sb.IsVector():
		d.Kind, d.Shape = Jacobian, ast.Matrix(sa.Rows, sb.Rows)
		d.Expr, err = jacobianShapes(g, env, b, shapes)
	default:
		d.Kind, d.Shape, d.Dir = Differential, sa, DirName(b)
		d.Expr, err = differential(g, env, b, d.Dir, shapes, nil)
	}
	var tm *throughMatrixError
	if errors.As(err, &tm) && !sb.IsScalar() {
		// No matrix product writes the block (the gradient holds a matrix
		// that depends on b, as (I ⊗ yᵀ) does): its differential along db.
		d.Kind, d.Shape, d.Dir = Differential, sa, DirName(b)
		d.Expr, err = differential(g, env, b, d.Dir, shapes, nil)
	}
	return d, err
}

// secondDifferential returns d²F = d_b(d_a F), the differential of e along
// the direction da of a, differentiated again along db of b with da held
// constant: quadratic in da when a and b are the same variable
// (d²(xxᵀ) = 2dx dxᵀ), bilinear in da and db otherwise.
func secondDifferential(e ast.Expr, env map[string]ast.Shape, s *simplify.Simplifier, shapes *ast.Checker, a, b, da, db string) (ast.Expr, error) {
	dF, err := differential(e, env, a, da, shapes, nil)
	if err != nil || dF == nil {
		return nil, err
	}
	return differential(s.Simplify(dF), env, b, db, shapes, nil)
}

// mixedOf returns the mixed block ∂²F/∂a∂b of a vector or matrix function
// e (of shape fs): by two scalars the derivative of ∂F/∂a by b, in F's
// shape; otherwise the bilinear second differential d_b(d_a F) in the
// directions da and db, a tensor with F's indices, then a's, then b's.
func mixedOf(info *ast.Info, env map[string]ast.Shape, s *simplify.Simplifier, shapes *ast.Checker, e ast.Expr, fs ast.Shape, a, b string) (Deriv, error) {
	sa, sb := info.Var(a).Shape, info.Var(b).Shape
	d := Deriv{Wrt: a, Wrt2: b, Order: 2, Shape: fs, Tensor: append(append(fs.Indices(), sa.Indices()...), sb.Indices()...)}
	var err error
	if sa.IsScalar() && sb.IsScalar() {
		d.Kind = Derivative
		var j ast.Expr
		if j, err = jacobianShapes(e, env, a, shapes); err != nil || j == nil {
			return d, err
		}
		d.Expr, err = jacobianShapes(s.Simplify(j), env, b, shapes)
		return d, err
	}
	d.Kind, d.Dir, d.Dir2 = SecondDifferential, DirName(a), DirName(b)
	d.Expr, err = secondDifferential(e, env, s, shapes, a, b, d.Dir, d.Dir2)
	return d, err
}
