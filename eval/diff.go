package eval

import (
	"fmt"
	"math"

	"github.com/matcalc/matcalc/ast"
	"gonum.org/v1/gonum/mat"
)

// Step sizes, relative to max(1, |x|). The central difference
// (f(x+h) − f(x−h))/2h has truncation error h²|f‴|/6 and rounding error
// about ε|f|/h; their sum is smallest near h = ∛(3ε) ≈ 1e-5 for functions
// of unit scale, leaving an error near ε^⅔ ≈ 4e-11. The second difference
// has truncation h²|f⁗|/12 and rounding ε|f|/h², best near h = ε^¼.
var (
	diffStep  = math.Cbrt(3 * 0x1p-52)
	diff2Step = math.Pow(0x1p-52, 0.25)
)

// perturbed evaluates e with entry k of variable wrt replaced by x0[k]+d.
// It returns the value and the exact step taken (the difference of the
// representable numbers, not d).
func perturbed(e ast.Expr, env *Env, wrt string, x0 *mat.Dense, steps map[int]float64, want ast.Shape) (*mat.Dense, error) {
	x := mat.DenseCopyOf(x0)
	raw := x.RawMatrix()
	for k, d := range steps {
		i, j := k/raw.Cols, k%raw.Cols
		x.Set(i, j, x0.At(i, j)+d)
	}
	vars := make(map[string]*mat.Dense, len(env.Vars))
	for name, v := range env.Vars {
		vars[name] = v
	}
	vars[wrt] = x
	return EvalAs(e, &Env{Vars: vars, Funcs: env.Funcs, Sizes: env.Sizes}, want)
}

// stepFor returns the step for entry v and the exact difference between the
// representable points v+h and v−h.
func stepFor(v, rel float64) (h, width float64) {
	h = rel * math.Max(1, math.Abs(v))
	return h, (v + h) - (v - h)
}

// CentralDiff returns ∂e/∂wrt at the values of env by central differences,
// laid out as docs/derivatives.md: for a scalar e the gradient, in the shape of wrt; for
// a scalar wrt the derivative, in the shape of e; for a vector or row e (m)
// and a vector or row wrt (n) the m×n Jacobian (numerator layout); for the
// others, tensors of rank 3 or 4, the matrix whose rows are e's entries and
// whose columns are wrt's, both row-major (as Differential). Each entry xᵢ is moved by
// h = ∛(3ε)·max(1,|xᵢ|) either way.
func CentralDiff(e ast.Expr, env *Env, wrt string) (*mat.Dense, error) {
	if env == nil {
		env = &Env{}
	}
	x0, ok := env.Vars[wrt]
	if !ok || x0 == nil || x0.IsEmpty() {
		return nil, fmt.Errorf("no value for %s", wrt)
	}
	f0, err := Eval(e, env)
	if err != nil {
		return nil, err
	}
	fr, fc := f0.Dims()
	xr, xc := x0.Dims()
	if err := diffTooCostly(env, wrt, 2*xr*xc, f0); err != nil {
		return nil, err
	}
	// out(k) is where the derivative by entry k goes: a column of the
	// result for a vector e, one entry for a scalar e.
	var out *mat.Dense
	var place func(k int, d *mat.Dense)
	switch {
	case fr == 1 && fc == 1:
		out = mat.NewDense(xr, xc, nil)
		place = func(k int, d *mat.Dense) { out.Set(k/xc, k%xc, d.At(0, 0)) }
	case xr == 1 && xc == 1:
		out = mat.NewDense(fr, fc, nil)
		place = func(_ int, d *mat.Dense) { out.Copy(d) }
	default:
		// A vector or row by a vector or row: the Jacobian, rows of e's
		// entries by columns of wrt's entries; any other pair, a tensor of
		// rank 3 or 4, is laid out the same way (eval.Differential).
		if err := tooLarge(ast.NoPos, "the tensor", fr*fc, xr*xc); err != nil {
			return nil, err
		}
		m := fr * fc
		out = mat.NewDense(m, xr*xc, nil)
		place = func(k int, d *mat.Dense) {
			for i := range m {
				out.Set(i, k, d.At(i/fc, i%fc))
			}
		}
	}
	want := shapeOf(f0)
	for k := 0; k < xr*xc; k++ {
		h, width := stepFor(x0.At(k/xc, k%xc), diffStep)
		plus, err := perturbed(e, env, wrt, x0, map[int]float64{k: h}, want)
		if err != nil {
			return nil, err
		}
		minus, err := perturbed(e, env, wrt, x0, map[int]float64{k: -h}, want)
		if err != nil {
			return nil, err
		}
		var d mat.Dense
		d.Sub(plus, minus)
		d.Scale(1/width, &d)
		place(k, &d)
	}
	return out, nil
}

// CentralDiffOf returns the derivative by wrt of f, a value computed from
// the values of env (a derivative evaluated entry by entry, say), by
// central differences: the matrix whose rows are f's entries and whose
// columns are wrt's, both row-major, whatever their shapes. It is how a
// second derivative is checked against its first derivative.
func CentralDiffOf(f func(*Env) (*mat.Dense, error), env *Env, wrt string) (*mat.Dense, error) {
	if env == nil {
		env = &Env{}
	}
	x0, ok := env.Vars[wrt]
	if !ok || x0 == nil || x0.IsEmpty() {
		return nil, fmt.Errorf("no value for %s", wrt)
	}
	f0, err := f(env)
	if err != nil {
		return nil, err
	}
	fr, fc := f0.Dims()
	xr, xc := x0.Dims()
	if err := diffTooCostly(env, wrt, 2*xr*xc, f0); err != nil {
		return nil, err
	}
	if err := tooLarge(ast.NoPos, "the tensor", fr*fc, xr*xc); err != nil {
		return nil, err
	}
	out := mat.NewDense(fr*fc, xr*xc, nil)
	at := func(k int, d float64) (*mat.Dense, error) {
		x := mat.DenseCopyOf(x0)
		x.Set(k/xc, k%xc, x0.At(k/xc, k%xc)+d)
		vars := make(map[string]*mat.Dense, len(env.Vars))
		for name, v := range env.Vars {
			vars[name] = v
		}
		vars[wrt] = x
		v, err := f(&Env{Vars: vars, Funcs: env.Funcs, Sizes: env.Sizes})
		if err != nil {
			return nil, err
		}
		if r, c := v.Dims(); r != fr || c != fc {
			return nil, fmt.Errorf("the value changes shape from %d×%d to %d×%d", fr, fc, r, c)
		}
		return v, nil
	}
	for k := 0; k < xr*xc; k++ {
		h, width := stepFor(x0.At(k/xc, k%xc), diffStep)
		plus, err := at(k, h)
		if err != nil {
			return nil, err
		}
		minus, err := at(k, -h)
		if err != nil {
			return nil, err
		}
		for i := range fr * fc {
			out.Set(i, k, (plus.At(i/fc, i%fc)-minus.At(i/fc, i%fc))/width)
		}
	}
	return out, nil
}

// CentralDiff2 returns the Hessian ∂²e/∂wrt² of a scalar e by a scalar or
// vector (n) wrt by second central differences, as an n×n matrix (1×1 for a
// scalar wrt). Steps are ε^¼·max(1,|xᵢ|); the error is near 1e-8 for
// functions of unit scale, so compare with a tolerance around 1e-6.
func CentralDiff2(e ast.Expr, env *Env, wrt string) (*mat.Dense, error) {
	if env == nil {
		env = &Env{}
	}
	x0, ok := env.Vars[wrt]
	if !ok || x0 == nil || x0.IsEmpty() {
		return nil, fmt.Errorf("no value for %s", wrt)
	}
	f0, err := Eval(e, env)
	if err != nil {
		return nil, err
	}
	if !isScalar(f0) {
		return nil, fmt.Errorf("a Hessian needs a scalar function, not a %s value", shapeText(f0))
	}
	n, c := x0.Dims()
	if c != 1 {
		return nil, fmt.Errorf("the second derivative by %s (%s) is a 4th-order tensor: Hessians are by scalars and vectors", wrt, shapeText(x0))
	}
	if err := diffTooCostly(env, wrt, 4*n*n, f0); err != nil {
		return nil, err
	}
	at := func(steps map[int]float64) (float64, error) {
		v, err := perturbed(e, env, wrt, x0, steps, ast.Scalar)
		if err != nil {
			return 0, err
		}
		return v.At(0, 0), nil
	}
	h := make([]float64, n)
	width := make([]float64, n)
	for i := range h {
		h[i], width[i] = stepFor(x0.At(i, 0), diff2Step)
	}
	mid := f0.At(0, 0)
	out := mat.NewDense(n, n, nil)
	for i := 0; i < n; i++ {
		p, err := at(map[int]float64{i: h[i]})
		if err != nil {
			return nil, err
		}
		m, err := at(map[int]float64{i: -h[i]})
		if err != nil {
			return nil, err
		}
		half := width[i] / 2
		out.Set(i, i, (p-2*mid+m)/(half*half))
		for j := 0; j < i; j++ {
			var f [4]float64
			for s, sign := range [4][2]float64{{1, 1}, {1, -1}, {-1, 1}, {-1, -1}} {
				if f[s], err = at(map[int]float64{i: sign[0] * h[i], j: sign[1] * h[j]}); err != nil {
					return nil, err
				}
			}
			d := (f[0] - f[1] - f[2] + f[3]) / (width[i] * width[j])
			out.Set(i, j, d)
			out.Set(j, i, d)
		}
	}
	return out, nil
}

// RelErr returns max|got−want| / max(1, max|want|): the absolute error for
// small values, the relative error for large ones. It is +Inf when the
// shapes differ or any entry of either is NaN, so that a comparison with a
// tolerance fails.
func RelErr(got, want *mat.Dense) float64 {
	gr, gc := got.Dims()
	wr, wc := want.Dims()
	if gr != wr || gc != wc {
		return math.Inf(1)
	}
	diff, scale := 0.0, 1.0
	for i := 0; i < gr; i++ {
		for j := 0; j < gc; j++ {
			g, w := got.At(i, j), want.At(i, j)
			if math.IsNaN(g) || math.IsNaN(w) {
				return math.Inf(1)
			}
			if g != w { // equal infinities agree
				diff = math.Max(diff, math.Abs(g-w))
			}
			scale = math.Max(scale, math.Abs(w))
		}
	}
	if math.IsInf(scale, 1) {
		if diff == 0 {
			return 0
		}
		return math.Inf(1)
	}
	return diff / scale
}

// SymmetricPart returns (G + Gᵀ)/2, the gradient by a symmetric variable
// given the unconstrained gradient G (docs/conventions.md), e.g. from CentralDiff.
// A non-square G is returned as a copy.
func SymmetricPart(g *mat.Dense) *mat.Dense {
	if r, c := g.Dims(); r != c {
		return mat.DenseCopyOf(g)
	}
	var s mat.Dense
	s.Add(g, g.T())
	s.Scale(0.5, &s)
	return &s
}
