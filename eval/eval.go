// Package eval computes the values of matcalc expressions with gonum.
//
// Every value is a *mat.Dense: a scalar is 1×1, a vector n×1, a row vector
// 1×n. The semantics follow docs/notation.md–§7: a product with a 1×1 side is scalar
// multiplication, + − ∘ ./ / max min and indicators broadcast a scalar, and
// the identity I and the all-ones 𝟙 take their size from what they combine
// with when the tree does not say it.
//
// Besides evaluation the package reads values (ParseValues), writes them
// (Encode, Compact), draws random points (Random) and differentiates
// numerically (CentralDiff, CentralDiff2, RelErr) so that every symbolic
// derivative can be checked.
package eval

import (
	"errors"
	"fmt"
	"math"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/op"
	"gonum.org/v1/gonum/mat"
)

// Env holds the values of variables and the meaning of generic functions.
type Env struct {
	// Vars maps canonical variable names to values.
	Vars map[string]*mat.Dense
	// Funcs binds generic function names (f, g, …) to built-in elementwise
	// functions ("tanh", "σ", …) so that formulas with them can be evaluated.
	Funcs map[string]string
	// Sizes maps symbolic dimension names ("n", "m") to sizes. It resolves
	// Identity and Ones nodes of symbolic size; nodes of unknown size take
	// it from the operand they combine with. BindSizes fills it from values.
	Sizes map[string]int
}

// Eval returns the value of e. The result is never one of env's values
// itself, so the caller may modify it.
func Eval(e ast.Expr, env *Env) (*mat.Dense, error) {
	return EvalAs(e, env, ast.Shape{})
}

// EvalShaped evaluates e, a derivative or other result of the given shape,
// in that shape: the number 0 stands for the zero of the shape (as matcalc
// prints a zero derivative), and is broadcast to it.
func EvalShaped(e ast.Expr, env *Env, shape ast.Shape) (*mat.Dense, error) {
	want := shape
	if z, ok := e.(*ast.Number); ok && z.Value == 0 {
		want = ast.Scalar
	}
	x, err := EvalAs(e, env, want)
	if err != nil {
		return nil, err
	}
	if r, c := x.Dims(); r == 1 && c == 1 && !shape.IsScalar() {
		ev := newEvaluator(env, false)
		rows, cols := ev.dim(shape.Rows), ev.dim(shape.Cols)
		if rows > 0 && cols > 0 {
			full := mat.NewDense(rows, cols, nil)
			for i := range rows {
				for j := range cols {
					full.Set(i, j, x.At(0, 0))
				}
			}
			x = full
		}
	}
	return x, nil
}

// EvalAs is Eval for an expression whose shape is known, such as a
// derivative of the shape derive reports: a bare I or 𝟙, or one that only
// combines with scalars, takes its size from want (resolved through
// env.Sizes). Unknown dimensions of want are left to the expression; a
// value whose size contradicts a known one is an error.
func EvalAs(e ast.Expr, env *Env, want ast.Shape) (v *mat.Dense, err error) {
	e = op.Stable(e) // log σ(z) as −softplus(−z), …: the same value, without overflow
	ev := newEvaluator(env, false)
	defer ev.recover(&err)
	w := ev.hint(want)
	v, _, err = ev.eval(e, w)
	if err != nil {
		return nil, ev.finish(err)
	}
	if err := checkWant(e, v, want, w); err != nil {
		return nil, err
	}
	for _, x := range ev.env.Vars {
		if x == v {
			return mat.DenseCopyOf(v), nil
		}
	}
	return v, nil
}

// EvalAll returns the value of every node of e (shared nodes once). The
// values are shared with env and with each other: do not modify them.
func EvalAll(e ast.Expr, env *Env) (map[ast.Expr]*mat.Dense, error) {
	return EvalAllAs(e, env, ast.Shape{})
}

// EvalAllAs is EvalAll for an expression whose shape is known (see EvalAs).
func EvalAllAs(e ast.Expr, env *Env, want ast.Shape) (all map[ast.Expr]*mat.Dense, err error) {
	ev := newEvaluator(env, true)
	defer ev.recover(&err)
	w := ev.hint(want)
	v, _, err := ev.eval(e, w)
	if err != nil {
		return nil, ev.finish(err)
	}
	if err := checkWant(e, v, want, w); err != nil {
		return nil, err
	}
	return ev.all, nil
}

// checkWant reports a value whose size contradicts the shape the caller
// expects, where that shape resolves to sizes: it means the expression and
// its reported shape disagree, and a silently wrong-shaped value would be
// worse than an error.
func checkWant(e ast.Expr, v *mat.Dense, want ast.Shape, w want) error {
	r, c := v.Dims()
	if w.r > 0 && w.r != r || w.c > 0 && w.c != c {
		return fmt.Errorf("the value of %s is %s, but its shape should be %v", ast.String(e), shapeText(v), describe(want, w))
	}
	return nil
}

// describe shows a shape with the sizes of its symbolic dimensions:
// "n (3)", "n×m (3×4)".
func describe(s ast.Shape, w want) string {
	sized := ast.Shape{Rows: ast.Size(w.r), Cols: ast.Size(w.c)}
	if w.r == 0 {
		sized.Rows = s.Rows
	}
	if w.c == 0 {
		sized.Cols = s.Cols
	}
	if sized == s {
		return s.String()
	}
	return fmt.Sprintf("%v (%v)", s, sized)
}

// want is the shape a node is expected to have, from its context: rows and
// columns, 0 where unknown.
type want struct{ r, c int }

type evaluator struct {
	env *Env
	// memo holds the values of nodes that do not depend on their context.
	memo map[ast.Expr]*mat.Dense
	// all holds the value of every node evaluated (EvalAll), nil for Eval.
	all map[ast.Expr]*mat.Dense
	// inContext holds the values of nodes that take their size from their
	// context, and the unsized errors, by node and expected shape: without
	// it a chain of n identities I I … I x is evaluated 2ⁿ times, each
	// product retrying its unsized left operand.
	inContext map[ctxKey]ctxResult
}

type ctxKey struct {
	e ast.Expr
	w want
}

type ctxResult struct {
	v   *mat.Dense
	err error
}

func newEvaluator(env *Env, all bool) *evaluator {
	if env == nil {
		env = &Env{}
	}
	ev := &evaluator{env: env, memo: map[ast.Expr]*mat.Dense{}, inContext: map[ctxKey]ctxResult{}}
	if all {
		ev.all = map[ast.Expr]*mat.Dense{}
	}
	return ev
}

// recover turns a panic from gonum (which panics on misuse) into an error:
// the evaluator checks shapes itself, so a panic here is a bug, but the
// caller still gets an error rather than a crash.
func (ev *evaluator) recover(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("eval: internal error: %v", r)
	}
}

// finish turns the internal unsized error into a positioned one.
func (ev *evaluator) finish(err error) error {
	var u *unsizedError
	if errors.As(err, &u) {
		return ast.Errorf(u.pos, "%s", u.Error())
	}
	return err
}

func (ev *evaluator) hint(s ast.Shape) want {
	return want{ev.dim(s.Rows), ev.dim(s.Cols)}
}

// dim resolves a dimension to a size, 0 when it is unknown.
func (ev *evaluator) dim(d ast.Dim) int {
	if d.N > 0 {
		return d.N
	}
	return d.SizeIn(ev.env.Sizes)
}

// An unsizedError says that an I or 𝟙 found no size in its context. Binary
// nodes catch it and retry with the other operand's shape.
type unsizedError struct {
	pos  ast.Pos
	what string // "I" or "𝟙"
	dim  string // the symbolic dimension without a size, if any
}

func (u *unsizedError) Error() string {
	if u.dim != "" {
		return fmt.Sprintf("cannot tell the size of %s: no size given for %s", u.what, u.dim)
	}
	return fmt.Sprintf("cannot tell the size of %s: nothing it combines with has a size", u.what)
}

func isUnsized(err error) bool {
	var u *unsizedError
	return errors.As(err, &u)
}

// eval returns the value of e and whether it depends on the context w (only
// context-free values are memoized).
func (ev *evaluator) eval(e ast.Expr, w want) (v *mat.Dense, ctx bool, err error) {
	if v, ok := ev.memo[e]; ok {
		return v, false, nil
	}
	key := ctxKey{e, w}
	if r, ok := ev.inContext[key]; ok {
		return r.v, r.err == nil, r.err
	}
	v, ctx, err = ev.node(e, w)
	if err != nil {
		if isUnsized(err) {
			ev.inContext[key] = ctxResult{err: err}
		}
		return nil, false, err
	}
	if !ctx {
		ev.memo[e] = v
	} else {
		ev.inContext[key] = ctxResult{v: v}
	}
	if ev.all != nil {
		ev.all[e] = v
	}
	return v, ctx, nil
}

func (ev *evaluator) node(e ast.Expr, w want) (*mat.Dense, bool, error) {
	switch e := e.(type) {
	case *ast.Ident:
		v, ok := ev.env.Vars[e.Name]
		if !ok || v == nil {
			return nil, false, ast.Errorf(e.Pos(), "no value for %s", e.Name)
		}
		if v.IsEmpty() {
			return nil, false, ast.Errorf(e.Pos(), "the value of %s is empty", e.Name)
		}
		return v, false, nil
	case *ast.Number:
		return scalar(e.Value), false, nil
	case *ast.Identity:
		return ev.identity(e, w)
	case *ast.Ones:
		return ev.ones(e, w)
	case *ast.Unary:
		x, ctx, err := ev.eval(e.X, w)
		if err != nil {
			return nil, false, err
		}
		var r mat.Dense
		r.Scale(-1, x)
		return &r, ctx, nil
	case *ast.Transpose:
		x, ctx, err := ev.eval(e.X, want{w.c, w.r})
		if err != nil {
			return nil, false, err
		}
		return mat.DenseCopyOf(x.T()), ctx, nil
	case *ast.Binary:
		return ev.binary(e, w)
	case *ast.Call:
		return ev.call(e, w)
	case *ast.Indicator:
		x, y, ctx, err := ev.pair(e.X, e.Y, w)
		if err != nil {
			return nil, false, err
		}
		cmp := func(a, b float64) float64 { return boolf(a >= b) }
		if e.Op == ast.GT {
			cmp = func(a, b float64) float64 { return boolf(a > b) }
		}
		r, ok := zip(x, y, cmp)
		if !ok {
			return nil, false, ast.Errorf(e.Pos(), "cannot compare %s (%s) with %s (%s)",
				ast.String(e.X), shapeText(x), ast.String(e.Y), shapeText(y))
		}
		return r, ctx, nil
	}
	return nil, false, fmt.Errorf("eval: unknown node %T", e)
}

func (ev *evaluator) identity(e *ast.Identity, w want) (*mat.Dense, bool, error) {
	n, ctx := ev.dim(e.N), false
	if n == 0 {
		if w.r > 0 && w.c > 0 && w.r != w.c {
			return nil, false, ast.Errorf(e.Pos(), "the identity I cannot be %d×%d: it is square", w.r, w.c)
		}
		ctx = true
		if n = w.r; n == 0 {
			n = w.c
		}
	}
	if n == 0 {
		return nil, false, &unsizedError{pos: e.Pos(), what: "I", dim: e.N.Name}
	}
	if err := tooLarge(e.Pos(), "the identity", n, n); err != nil {
		return nil, false, err
	}
	return eye(n), ctx, nil
}

func (ev *evaluator) ones(e *ast.Ones, w want) (*mat.Dense, bool, error) {
	r, c, ctx := ev.dim(e.Shape.Rows), ev.dim(e.Shape.Cols), false
	if r == 0 && w.r > 0 {
		r, ctx = w.r, true
	}
	if c == 0 && w.c > 0 {
		c, ctx = w.c, true
	}
	if r == 0 {
		return nil, false, &unsizedError{pos: e.Pos(), what: "𝟙", dim: e.Shape.Rows.Name}
	}
	if c == 0 {
		if e.Shape.Cols.Name != "" {
			return nil, false, &unsizedError{pos: e.Pos(), what: "𝟙", dim: e.Shape.Cols.Name}
		}
		c, ctx = 1, true // 𝟙 is a vector unless its context says otherwise
	}
	if err := tooLarge(e.Pos(), "𝟙", r, c); err != nil {
		return nil, false, err
	}
	v := mat.NewDense(r, c, nil)
	fill(v, 1)
	return v, ctx, nil
}

// pair evaluates the operands of a broadcasting operation, expected to have
// shape w. An operand of unknown size takes the other's shape.
func (ev *evaluator) pair(x, y ast.Expr, w want) (xv, yv *mat.Dense, ctx bool, err error) {
	xv, cx, err := ev.eval(x, w)
	if isUnsized(err) {
		var cy bool
		yv, cy, err = ev.eval(y, w)
		if err != nil {
			return nil, nil, false, err
		}
		wx := w
		if !isScalar(yv) {
			wx = want{yv.RawMatrix().Rows, yv.RawMatrix().Cols}
		}
		xv, cx, err = ev.eval(x, wx)
		if err != nil {
			return nil, nil, false, err
		}
		return xv, yv, cx || cy, nil
	}
	if err != nil {
		return nil, nil, false, err
	}
	wy := w
	if !isScalar(xv) {
		wy = want{xv.RawMatrix().Rows, xv.RawMatrix().Cols}
	}
	yv, cy, err := ev.eval(y, wy)
	if err != nil {
		return nil, nil, false, err
	}
	return xv, yv, cx || cy, nil
}

// product evaluates the factors of X Y, expected to have shape w.
func (ev *evaluator) product(x, y ast.Expr, w want) (xv, yv *mat.Dense, ctx bool, err error) {
	xv, cx, err := ev.eval(x, want{})
	if err == nil {
		wy := want{xv.RawMatrix().Cols, w.c}
		if isScalar(xv) {
			wy = w
		}
		yv, cy, err := ev.eval(y, wy)
		if err != nil {
			return nil, nil, false, err
		}
		return xv, yv, cx || cy, nil
	}
	if !isUnsized(err) {
		return nil, nil, false, err
	}
	// X needs its size from Y (I x, 𝟙ᵀx).
	yv, cy, err := ev.eval(y, want{0, w.c})
	if isUnsized(err) {
		// Neither side knows: let X try the rows of the result first.
		if xv, _, err = ev.eval(x, want{w.r, 0}); err != nil {
			return nil, nil, false, err
		}
		wy := want{xv.RawMatrix().Cols, w.c}
		if isScalar(xv) {
			wy = w
		}
		if yv, _, err = ev.eval(y, wy); err != nil {
			return nil, nil, false, err
		}
		return xv, yv, true, nil
	}
	if err != nil {
		return nil, nil, false, err
	}
	wx := want{w.r, yv.RawMatrix().Rows}
	if isScalar(yv) {
		wx = w
	}
	if xv, cx, err = ev.eval(x, wx); err != nil {
		return nil, nil, false, err
	}
	return xv, yv, cx || cy, nil
}

func (ev *evaluator) binary(e *ast.Binary, w want) (*mat.Dense, bool, error) {
	switch e.Op {
	case ast.Mul:
		x, y, ctx, err := ev.product(e.X, e.Y, w)
		if err != nil {
			return nil, false, err
		}
		switch {
		case isScalar(x):
			var r mat.Dense
			r.Scale(x.At(0, 0), y)
			return &r, ctx, nil
		case isScalar(y):
			var r mat.Dense
			r.Scale(y.At(0, 0), x)
			return &r, ctx, nil
		}
		_, xc := x.Dims()
		yr, _ := y.Dims()
		if xc != yr {
			return nil, false, ast.Errorf(e.Pos(), "cannot multiply %s (%s) by %s (%s): inner dimensions %d and %d differ",
				ast.String(e.X), shapeText(x), ast.String(e.Y), shapeText(y), xc, yr)
		}
		if err := tooLarge(e.Pos(), "the product "+ast.String(e), x.RawMatrix().Rows, y.RawMatrix().Cols); err != nil {
			return nil, false, err
		}
		var r mat.Dense
		r.Mul(x, y)
		return &r, ctx, nil
	case ast.Pow:
		x, cx, err := ev.eval(e.X, w)
		if err != nil {
			return nil, false, err
		}
		y, cy, err := ev.eval(e.Y, want{})
		if err != nil {
			return nil, false, err
		}
		r, err := power(e, x, y)
		return r, cx || cy, err
	}
	f := elementOp(e.Op)
	if f == nil {
		return nil, false, ast.Errorf(e.Pos(), "eval: unknown operator %v", e.Op)
	}
	x, y, ctx, err := ev.pair(e.X, e.Y, w)
	if err != nil {
		return nil, false, err
	}
	r, ok := zip(x, y, f)
	if !ok {
		xs, ys := ast.String(e.X), ast.String(e.Y)
		switch e.Op {
		case ast.Div:
			return nil, false, ast.Errorf(e.Pos(), "cannot divide %s (%s) by %s (%s)", xs, shapeText(x), ys, shapeText(y))
		case ast.ElemPow:
			return nil, false, ast.Errorf(e.Pos(), "cannot raise %s (%s) to %s (%s) elementwise", xs, shapeText(x), ys, shapeText(y))
		}
		return nil, false, ast.Errorf(e.Pos(), "cannot combine %s (%s) and %s (%s) with %v: shapes differ",
			xs, shapeText(x), ys, shapeText(y), e.Op)
	}
	return r, ctx, nil
}

// elementOp returns the entrywise function of a broadcasting operator.
func elementOp(op ast.Op) func(a, b float64) float64 {
	switch op {
	case ast.Add:
		return func(a, b float64) float64 { return a + b }
	case ast.Sub:
		return func(a, b float64) float64 { return a - b }
	case ast.Hadamard:
		return func(a, b float64) float64 { return a * b }
	case ast.Div, ast.ElemDiv:
		return func(a, b float64) float64 { return a / b }
	case ast.ElemPow:
		return math.Pow
	}
	return nil
}

// ---- small helpers on values ----

func scalar(v float64) *mat.Dense { return mat.NewDense(1, 1, []float64{v}) }

func isScalar(v *mat.Dense) bool {
	r, c := v.Dims()
	return r == 1 && c == 1
}

func eye(n int) *mat.Dense {
	v := mat.NewDense(n, n, nil)
	for i := 0; i < n; i++ {
		v.Set(i, i, 1)
	}
	return v
}

func fill(v *mat.Dense, x float64) {
	raw := v.RawMatrix()
	for i := 0; i < raw.Rows; i++ {
		row := raw.Data[i*raw.Stride : i*raw.Stride+raw.Cols]
		for j := range row {
			row[j] = x
		}
	}
}

func boolf(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// shapeOf returns the concrete shape of a value.
func shapeOf(v *mat.Dense) ast.Shape {
	r, c := v.Dims()
	return ast.Shape{Rows: ast.Size(r), Cols: ast.Size(c)}
}

// shapeText is the shape as error messages show it: "scalar", "3", "1×3",
// "3×2".
func shapeText(v *mat.Dense) string { return shapeOf(v).String() }

// mapf applies f to every entry of x.
func mapf(x *mat.Dense, f func(float64) float64) *mat.Dense {
	var r mat.Dense
	r.Apply(func(_, _ int, v float64) float64 { return f(v) }, x)
	return &r
}

// zip applies f entrywise to x and y of the same shape, or broadcasts a
// 1×1 side. It reports false when the shapes do not fit.
func zip(x, y *mat.Dense, f func(a, b float64) float64) (*mat.Dense, bool) {
	xr, xc := x.Dims()
	yr, yc := y.Dims()
	switch {
	case xr == yr && xc == yc:
		r := mat.NewDense(xr, xc, nil)
		r.Apply(func(i, j int, v float64) float64 { return f(v, y.At(i, j)) }, x)
		return r, true
	case xr == 1 && xc == 1:
		a := x.At(0, 0)
		return mapf(y, func(b float64) float64 { return f(a, b) }), true
	case yr == 1 && yc == 1:
		b := y.At(0, 0)
		return mapf(x, func(a float64) float64 { return f(a, b) }), true
	}
	return nil, false
}
