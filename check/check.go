// Package check compares every symbolic derivative of a formula with central
// finite differences of the formula itself, at random points or at given
// values: what `matcalc check` prints and what the corpus test relies on.
//
// A gradient, derivative or Jacobian is compared with eval.CentralDiff of
// the formula; a second derivative with the central differences of the
// first derivative (so that each order is checked against the one below
// it, whose check is against the formula), entry by entry where either is
// a tensor. The gradient by a symmetric matrix is compared with
// the symmetric part of the unconstrained differences (docs/conventions.md).
package check

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/derive"
	"github.com/matcalc/matcalc/eval"
	"gonum.org/v1/gonum/mat"
)

// Options says what to check and where.
type Options struct {
	Wrt      []string // variables; empty means derive's default
	Order    int      // 1 (default) or 2
	FuncName string   // the function's name in ∂s/∂x; "s" when empty
	Trials   int      // random points; 3 when 0
	Seed     uint64   // of the random points
	Tol      float64  // largest relative error accepted; 1e-6 when 0
	// At, when set, is the one point to check at (values, sizes and the
	// bindings of generic functions), instead of random points.
	At *eval.Env
	// Funcs binds generic functions to elementwise built-ins; a generic
	// function it leaves unbound gets one of DefaultBindings.
	Funcs map[string]string
	// Context, when set, bounds the derivation (derive.Options.Context).
	Context context.Context
	// Block, x and b, checks the mixed block ∂²s/∂x∂b alone.
	Block []string
}

// DefaultBindings are the built-ins given, in order of first appearance, to
// the generic functions that Options.Funcs leaves unbound.
var defaultBindings = []string{"tanh", "sin", "σ", "softplus", "exp"}

// DefaultBindings returns the built-ins given to unbound generic functions.
func DefaultBindings() []string { return append([]string(nil), defaultBindings...) }

// A Report is the outcome of a check.
type Report struct {
	FuncName string
	Tol      float64
	Points   int // points checked
	Seed     uint64
	AtValues bool // checked at given values, not random points
	Entries  []Entry
	Bound    []string // generic functions bound by default: "f=tanh"
}

// An Entry is the check of one derivative.
type Entry struct {
	Wrt    string
	Wrt2   string // the second variable of a mixed block ∂²s/∂x∂b
	Order  int
	MaxErr float64 // the largest relative error over the points (eval.RelErr)
	// The worst entry: its index in the derivative, the symbolic value,
	// the central difference, and the sizes of the point.
	Row, Col    int
	Got, Want   float64
	Sizes       map[string]int
	Symbolic    string // the derivative as printed
	DerivShape  ast.Shape
	PointValues *eval.Env
}

// Label writes the derivative checked: ∂s/∂x, ∂²s/∂x², ∂²s/∂x∂b.
func (e Entry) Label(fn string) string {
	return derive.Deriv{Wrt: e.Wrt, Wrt2: e.Wrt2, Order: e.Order}.Label(fn)
}

// OK reports whether the entry is within tol.
func (e Entry) OK(tol float64) bool { return e.MaxErr <= tol }

// Failed reports whether some derivative is off by more than the tolerance.
func (r *Report) Failed() bool {
	for _, e := range r.Entries {
		if !e.OK(r.Tol) {
			return true
		}
	}
	return false
}

// Run derives e (whose shapes info gives) and checks every derivative.
func Run(e ast.Expr, info *ast.Info, o Options) (*Report, error) {
	if o.Order == 0 {
		o.Order = 1
	}
	if o.Trials == 0 {
		o.Trials = 3
	}
	if o.Tol == 0 {
		o.Tol = 1e-6
	}
	if !(o.Tol > 0) {
		return nil, fmt.Errorf("the tolerance must be positive, not %g", o.Tol)
	}
	res, err := derive.Derive(e, info, derive.Options{Wrt: o.Wrt, Order: o.Order, NoShare: true, FuncName: o.FuncName, Context: o.Context, Block: o.Block})
	if err != nil {
		return nil, err
	}
	funcs := map[string]string{}
	for k, v := range o.Funcs {
		funcs[k] = v
	}
	rep := &Report{FuncName: res.FuncName, Tol: o.Tol, Seed: o.Seed, AtValues: o.At != nil}
	for i, g := range GenericFuncs(e) {
		if _, ok := funcs[g]; !ok {
			funcs[g] = defaultBindings[i%len(defaultBindings)]
			rep.Bound = append(rep.Bound, g+"="+funcs[g])
		}
	}
	first, err := Firsts(e, info, res)
	if err != nil {
		return nil, err
	}
	rep.Entries = make([]Entry, len(res.Derivs))
	for i, d := range res.Derivs {
		rep.Entries[i] = Entry{Wrt: d.Wrt, Wrt2: d.Wrt2, Order: d.Order, Symbolic: ast.String(d.Expr), DerivShape: d.Shape}
	}
	trials := o.Trials
	if o.At != nil {
		trials = 1
	}
	rng := rand.New(rand.NewPCG(o.Seed, 0x6d6174))
	for range trials {
		env := o.At
		if env != nil {
			env = &eval.Env{Vars: env.Vars, Funcs: funcs, Sizes: env.Sizes}
		} else if env = RandomPoint(e, info, res, funcs, rng); env == nil {
			return nil, fmt.Errorf("could not find a point where %s and its derivatives can be evaluated (a singular matrix at every point tried?)", ast.String(e))
		}
		rep.Points++
		for i, d := range res.Derivs {
			got, err := Symbolic(res, d, env)
			if err != nil {
				return nil, fmt.Errorf("∂%s/∂%s: %v", res.FuncName, d.Wrt, err)
			}
			want, err := Reference(e, info, res, d, first, env)
			if err != nil {
				return nil, err
			}
			rep.Entries[i].record(got, want, env)
		}
	}
	return rep, nil
}

// record keeps the worst error, and where it is.
func (en *Entry) record(got, want *mat.Dense, env *eval.Env) {
	e := eval.RelErr(got, want)
	if math.IsNaN(e) {
		e = math.Inf(1)
	}
	if e < en.MaxErr && en.PointValues != nil {
		return
	}
	en.MaxErr = e
	en.PointValues = env
	en.Sizes = env.Sizes
	r, c := got.Dims()
	wr, wc := want.Dims()
	worst := -1.0
	for i := 0; i < min(r, wr); i++ {
		for j := 0; j < min(c, wc); j++ {
			if d := math.Abs(got.At(i, j) - want.At(i, j)); d > worst || math.IsNaN(d) {
				worst, en.Row, en.Col, en.Got, en.Want = d, i, j, got.At(i, j), want.At(i, j)
				if math.IsNaN(d) {
					return
				}
			}
		}
	}
}

// Symbolic evaluates the derivative d of res at env, in its shape (the
// number 0 stands for the zero of that shape); a tensor entry by entry, as
// eval.Differential and eval.SecondDifferential lay it out.
func Symbolic(res *derive.Result, d derive.Deriv, env *eval.Env) (*mat.Dense, error) {
	switch d.Kind {
	case derive.Differential:
		t, err := eval.Differential(res.Expand(d.Expr), env, d.Dir, d.By(), d.Shape)
		if err == nil && d.Shape.IsScalar() {
			// The differential of a scalar (through vec or ⊗ of a
			// matrix) gives the gradient, in the variable's shape, as
			// central differences do.
			xr, xc := env.Vars[d.By()].Dims()
			t = mat.NewDense(xr, xc, t.RawRowView(0))
		}
		return t, err
	case derive.SecondDifferential:
		return eval.SecondDifferential(res.Expand(d.Expr), env, d.Dir, d.Wrt, d.Dir2, d.Wrt2, d.Shape)
	}
	return eval.EvalShaped(res.Expand(d.Expr), env, d.Shape)
}

// Firsts returns the first derivatives of e by the variables that the
// second derivatives of res are taken by first (their Wrt), unshared, for
// the reference of a second derivative; nil when res has none.
func Firsts(e ast.Expr, info *ast.Info, res *derive.Result) (*derive.Result, error) {
	var wrt []string
	for _, d := range res.Derivs {
		if d.Order == 2 && !slices.Contains(wrt, d.Wrt) {
			wrt = append(wrt, d.Wrt)
		}
	}
	if len(wrt) == 0 {
		return nil, nil
	}
	return derive.Derive(e, info, derive.Options{Wrt: wrt, NoShare: true})
}

// Reference returns the central-difference value the derivative d of e
// must have at env: of e for order 1 (of eᵀ for the Jacobian of a row
// vector); for a second derivative, of the first derivative by d.Wrt
// (from first, which Firsts gives), evaluated entry by entry where it is a
// tensor; and the symmetric part for the gradient by a symmetric matrix.
func Reference(e ast.Expr, info *ast.Info, res *derive.Result, d derive.Deriv, first *derive.Result, env *eval.Env) (*mat.Dense, error) {
	var want *mat.Dense
	var err error
	switch {
	case d.Order == 2:
		var fd *derive.Deriv
		if first != nil {
			for i := range first.Derivs {
				if first.Derivs[i].Wrt == d.Wrt {
					fd = &first.Derivs[i]
					break
				}
			}
		}
		if fd == nil {
			return nil, fmt.Errorf("no first derivative by %s to check %s against", d.Wrt, d.Label(res.FuncName))
		}
		// The first derivative evaluated in its shape (a 0 is the zero of
		// that shape), entry by entry where it is a tensor.
		want, err = eval.CentralDiffOf(func(at *eval.Env) (*mat.Dense, error) { return Symbolic(first, *fd, at) }, env, d.By())
		if err == nil {
			// Its rows are the first derivative's entries and its columns
			// the second variable's, both row-major: the entries of d in
			// their order, which Symbolic lays out as d's shape, or for a
			// tensor with a column per entry of the second variable.
			want, err = layOut(want, d, env)
		}
	case res.FuncShape.IsRow() && d.Kind == derive.Jacobian:
		// eval.CentralDiff takes no row vectors: the Jacobian of a row
		// vector is that of its transpose.
		want, err = eval.CentralDiff(ast.T(e), env, d.Wrt)
	default:
		want, err = eval.CentralDiff(e, env, d.Wrt)
	}
	if err != nil {
		return nil, fmt.Errorf("finite differences by %s: %v", d.Wrt, err)
	}
	if v := info.Var(d.Wrt); v != nil && v.Symmetric && d.Order == 1 && d.Kind != derive.Differential {
		want = eval.SymmetricPart(want)
	}
	return want, nil
}

// layOut returns the entries of m, row-major, laid out as Symbolic lays
// out the derivative d.
func layOut(m *mat.Dense, d derive.Deriv, env *eval.Env) (*mat.Dense, error) {
	r, c := m.Dims()
	if d.IsTensor() {
		ny := len(dense(env.Vars[d.By()]))
		return mat.NewDense(r*c/ny, ny, dense(m)), nil
	}
	z, err := eval.EvalShaped(ast.Num(0), env, d.Shape)
	if err != nil {
		return nil, err
	}
	zr, zc := z.Dims()
	if zr*zc != r*c {
		return nil, fmt.Errorf("%d entries of central differences for a %d×%d derivative", r*c, zr, zc)
	}
	return mat.NewDense(zr, zc, dense(m)), nil
}

// dense returns m's entries, row-major.
func dense(m *mat.Dense) []float64 {
	r, c := m.Dims()
	out := make([]float64, 0, r*c)
	for i := range r {
		for j := range c {
			out = append(out, m.At(i, j))
		}
	}
	return out
}

// RandomPoint draws values at which e is finite and the derivatives of res
// (if not nil)
// can be evaluated: entries in [−1.2, −0.2] ∪ [0.2, 1.2] first, then
// positive ones (for log, sqrt, …), 20 tries at most; nil if none works.
// Entries stay at least 0.2 away from 0: central differences lose their
// accuracy next to a pole (x ./ a, log|a|) or a kink (relu, abs) at 0, and
// would report a correct derivative as wrong.
func RandomPoint(e ast.Expr, info *ast.Info, res *derive.Result, funcs map[string]string, rng *rand.Rand) *eval.Env {
	for attempt := 0; attempt < 20; attempt++ {
		vals, sizes := eval.Random(info.Vars, AttemptSizes(info, attempt, rng), rng, attempt%2 == 1)
		for _, x := range vals {
			x.Apply(func(_, _ int, v float64) float64 { return math.Copysign(0.2+math.Abs(v), v) }, x)
		}
		env := &eval.Env{Vars: vals, Funcs: funcs, Sizes: sizes}
		sizeFree(env, res.FuncShape)
		v, err := eval.EvalAs(e, env, info.Shapes[e])
		if err != nil || !finite(v) {
			continue
		}
		defined := true
		for _, d := range derivsOf(res) {
			if _, err := Symbolic(res, d, env); err != nil {
				defined = false
				break
			}
		}
		if defined {
			return env
		}
	}
	return nil
}

// sizeFree gives a dimension of the function's shape that no variable has
// (the rows of a 𝟙 that only inference sizes, in aᵀ𝟙a…) a size of its own,
// one no other dimension has.
func sizeFree(env *eval.Env, fs ast.Shape) {
	for _, d := range []ast.Dim{fs.Rows, fs.Cols} {
		if d.Name == "" || len(d.Factors()) > 1 || env.Sizes[d.Name] > 0 {
			continue
		}
		taken := map[int]bool{}
		for _, n := range env.Sizes {
			taken[n] = true
		}
		n := 2
		for taken[n] {
			n++
		}
		env.Sizes[d.Name] = n
	}
}

// AttemptSizes returns the sizes of the named dimensions for the attempt-th
// try at a random point (eval.Random's sizes): nil, the default order, for
// the first two; after them the dimensions take sizes in a random order, so
// that a matrix that must be tall or wide to be nonsingular (X in
// logdet(XᵀX)) gets such a shape.
func AttemptSizes(info *ast.Info, attempt int, rng *rand.Rand) map[string]int {
	dims := dimNames(info)
	if attempt < 2 || len(dims) < 2 {
		return nil
	}
	fixed := map[string]int{}
	for i, k := range rng.Perm(len(dims)) {
		fixed[dims[i]] = 2 + k
	}
	return fixed
}

// dimNames lists the named dimensions of the variables' shapes.
func dimNames(info *ast.Info) []string {
	var out []string
	for _, v := range info.Vars {
		for _, d := range v.Shape.Dims() {
			if d.N == 0 && d.Name != "" && !slices.Contains(out, d.Name) {
				out = append(out, d.Name)
			}
		}
	}
	return out
}

func finite(v *mat.Dense) bool {
	r, c := v.Dims()
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			if x := v.At(i, j); math.IsNaN(x) || math.IsInf(x, 0) {
				return false
			}
		}
	}
	return true
}

// GenericFuncs lists the generic functions of e in order of first
// appearance.
func GenericFuncs(e ast.Expr) []string {
	var out []string
	seen := map[string]bool{}
	ast.Inspect(e, func(n ast.Expr) bool {
		if c, ok := n.(*ast.Call); ok && c.IsGeneric() && !seen[c.Fun] {
			seen[c.Fun] = true
			out = append(out, c.Fun)
		}
		return true
	})
	return out
}

// Partial writes ∂s/∂x, or ∂²s/∂x² for a second derivative.
func Partial(fn, wrt string, order int) string {
	if order == 2 {
		return fmt.Sprintf("∂²%s/∂%s²", fn, wrt)
	}
	return fmt.Sprintf("∂%s/∂%s", fn, wrt)
}

// Text is the report as `matcalc check` prints it: the largest relative
// error per derivative, and for a derivative above the tolerance the worst
// entry (index, symbolic, numeric value) and the sizes drawn.
func (r *Report) Text() string {
	var b strings.Builder
	where := fmt.Sprintf("at %d random points (seed %d)", r.Points, r.Seed)
	if r.AtValues {
		where = "at the given values"
	}
	fmt.Fprintf(&b, "central finite differences %s, tolerance %g\n", where, r.Tol)
	width := 0
	for _, e := range r.Entries {
		width = max(width, len([]rune(e.Label(r.FuncName))))
	}
	for _, e := range r.Entries {
		p := e.Label(r.FuncName)
		status := "ok"
		if !e.OK(r.Tol) {
			status = "FAIL"
		}
		fmt.Fprintf(&b, "  %s%s  max rel. error %.1e  %s\n", p, strings.Repeat(" ", width-len([]rune(p))), e.MaxErr, status)
		if !e.OK(r.Tol) {
			fmt.Fprintf(&b, "    worst entry [%d,%d]: %s gives %.6g, central differences %.6g%s\n",
				e.Row, e.Col, e.Symbolic, e.Got, e.Want, sizesText(e.Sizes))
		}
	}
	if len(r.Bound) > 0 {
		fmt.Fprintf(&b, "generic functions evaluated as %s (choose with --fun)\n", strings.Join(r.Bound, ", "))
	}
	return b.String()
}

func sizesText(sizes map[string]int) string {
	if len(sizes) == 0 {
		return ""
	}
	var names []string
	for n := range sizes {
		names = append(names, n)
	}
	sort.Strings(names)
	var parts []string
	for _, n := range names {
		parts = append(parts, fmt.Sprintf("%s=%d", n, sizes[n]))
	}
	return "; sizes " + strings.Join(parts, ", ")
}

func derivsOf(res *derive.Result) []derive.Deriv {
	if res == nil {
		return nil
	}
	return res.Derivs
}
