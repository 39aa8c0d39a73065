package eval

import (
	"math"

	"github.com/matcalc/matcalc/ast"
	"gonum.org/v1/gonum/mat"
)

// An elemFunc is a one-argument elementwise built-in with its first and
// second derivatives, index = number of primes.
type elemFunc [3]func(float64) float64

// elementwise holds the one-argument elementwise built-ins by canonical
// name. Kinks take the one-sided choice of SPEC §7: relu′(0) = 0,
// abs′(0) = sign(0) = 0.
var elementwise = map[string]elemFunc{
	"exp": {math.Exp, math.Exp, math.Exp},
	"log": {math.Log,
		func(x float64) float64 { return 1 / x },
		func(x float64) float64 { return -1 / (x * x) }},
	"sin": {math.Sin, math.Cos, func(x float64) float64 { return -math.Sin(x) }},
	"cos": {math.Cos,
		func(x float64) float64 { return -math.Sin(x) },
		func(x float64) float64 { return -math.Cos(x) }},
	"tan": {math.Tan,
		func(x float64) float64 { t := math.Tan(x); return 1 + t*t },
		func(x float64) float64 { t := math.Tan(x); return 2 * t * (1 + t*t) }},
	"tanh": {math.Tanh,
		func(x float64) float64 { t := math.Tanh(x); return 1 - t*t },
		func(x float64) float64 { t := math.Tanh(x); return -2 * t * (1 - t*t) }},
	"σ": {sigmoid, sigmoid1, sigmoid2},
	"relu": {
		func(x float64) float64 {
			if x > 0 || math.IsNaN(x) {
				return x
			}
			return 0
		},
		func(x float64) float64 { return step(x) },
		func(x float64) float64 { return zeroOrNaN(x) }},
	"softplus": {softplus, sigmoid, sigmoid1},
	"sqrt": {math.Sqrt,
		func(x float64) float64 { return 0.5 / math.Sqrt(x) },
		func(x float64) float64 { return -0.25 / (x * math.Sqrt(x)) }},
	"abs":  {math.Abs, sign, zeroOrNaN},
	"sign": {sign, zeroOrNaN, zeroOrNaN},
}

// sigmoid is σ(x) = 1/(1+e⁻ˣ), computed without overflow for large |x|.
func sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	z := math.Exp(x)
	return z / (1 + z)
}

// sigmoid1 is σ′ = σ(1−σ), written with σ(−x) = 1−σ(x) so that it does not
// cancel to 0 for large x.
func sigmoid1(x float64) float64 { return sigmoid(x) * sigmoid(-x) }

// sigmoid2 is σ″ = σ(1−σ)(1−2σ) = σ(x)σ(−x)(σ(−x)−σ(x)).
func sigmoid2(x float64) float64 {
	s, t := sigmoid(x), sigmoid(-x)
	return s * t * (t - s)
}

// softplus is log(1+eˣ) = max(x,0) + log1p(e^−|x|), exact for large |x|.
func softplus(x float64) float64 {
	return math.Max(x, 0) + math.Log1p(math.Exp(-math.Abs(x)))
}

// sign is −1, 0 or 1 (NaN for NaN).
func sign(x float64) float64 {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return x // 0, or NaN
}

// step is 1 for x > 0, else 0: relu′ with relu′(0) = 0.
func step(x float64) float64 {
	if math.IsNaN(x) {
		return x
	}
	return boolf(x > 0)
}

func zeroOrNaN(x float64) float64 {
	if math.IsNaN(x) {
		return x
	}
	return 0
}

// Elementwise returns the scalar function of a one-argument elementwise
// built-in (canonical name or any accepted spelling) differentiated primes
// times, or false if there is none.
func Elementwise(name string, primes int) (func(float64) float64, bool) {
	if b := ast.Builtins[name]; b != nil {
		name = b.Name
	}
	f, ok := elementwise[name]
	if !ok || primes < 0 || primes >= len(f) {
		return nil, false
	}
	return f[primes], true
}

func (ev *evaluator) call(e *ast.Call, w want) (*mat.Dense, bool, error) {
	name := e.Fun
	if e.IsGeneric() {
		bound, ok := ev.env.Funcs[e.Fun]
		if !ok {
			return nil, false, ast.Errorf(e.Pos(), "cannot evaluate generic function %s: bind it to a built-in", e.Fun)
		}
		b := ast.Builtins[bound]
		if b == nil || b.Kind != ast.Elementwise || b.Arity != 1 {
			return nil, false, ast.Errorf(e.Pos(), "cannot evaluate generic function %s: %s is not a one-argument elementwise built-in", e.Fun, bound)
		}
		if len(e.Args) != 1 {
			return nil, false, ast.Errorf(e.Pos(), "%s takes one argument, not %d", e.Fun, len(e.Args))
		}
		name = b.Name
	}
	b := ast.Builtins[name]
	if b == nil {
		return nil, false, ast.Errorf(e.Pos(), "unknown function %s", name)
	}
	if len(e.Args) != b.Arity {
		return nil, false, ast.Errorf(e.Pos(), "%s takes %d argument%s, not %d", e.Fun, b.Arity, plural(b.Arity), len(e.Args))
	}
	if f, ok := elementwise[b.Name]; ok {
		if e.Primes >= len(f) {
			return nil, false, ast.Errorf(e.Pos(), "cannot evaluate %s%s: only first and second derivatives are built in", e.Fun, primes(e.Primes))
		}
		x, ctx, err := ev.eval(e.Args[0], w)
		if err != nil {
			return nil, false, err
		}
		return mapf(x, f[e.Primes]), ctx, nil
	}
	if e.Primes > 0 {
		return nil, false, ast.Errorf(e.Pos(), "%s%s is not defined: %s is not an elementwise function of one argument", e.Fun, primes(e.Primes), e.Fun)
	}
	switch b.Name {
	case "max", "min":
		x, y, ctx, err := ev.pair(e.Args[0], e.Args[1], w)
		if err != nil {
			return nil, false, err
		}
		f := func(a, b float64) float64 { // a on a tie, NaN if either is
			if a >= b || math.IsNaN(a) {
				return a
			}
			return b
		}
		if b.Name == "min" {
			f = func(a, b float64) float64 {
				if a <= b || math.IsNaN(a) {
					return a
				}
				return b
			}
		}
		r, ok := zip(x, y, f)
		if !ok {
			return nil, false, ast.Errorf(e.Pos(), "%s of %s (%s) and %s (%s): shapes differ",
				b.Name, ast.String(e.Args[0]), shapeText(x), ast.String(e.Args[1]), shapeText(y))
		}
		return r, ctx, nil
	}
	// Structural functions: the argument's context follows from w only for
	// the shape-preserving ones.
	aw := want{}
	switch b.Name {
	case "inv", "softmax":
		aw = w
	case "diag":
		switch {
		case w.r > 0 && w.c == 1:
			aw = want{w.r, w.r}
		case w.r > 0 && w.r == w.c && w.r != 1:
			aw = want{w.r, 1}
		}
	}
	x, ctx, err := ev.eval(e.Args[0], aw)
	if err != nil {
		return nil, false, err
	}
	r, err := structural(e, b.Name, x)
	return r, ctx, err
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func primes(n int) string {
	s := ""
	for i := 0; i < n; i++ {
		s += "′"
	}
	return s
}

// structural applies a built-in with its own shape rule to the value x of
// the argument of e.
func structural(e *ast.Call, name string, x *mat.Dense) (*mat.Dense, error) {
	r, c := x.Dims()
	arg := ast.String(e.Args[0])
	square := func() error {
		if r != c {
			return ast.Errorf(e.Pos(), "%s needs a square matrix, not %s (%s)", name, arg, shapeText(x))
		}
		return nil
	}
	switch name {
	case "sum":
		return scalar(mat.Sum(x)), nil
	case "tr":
		if err := square(); err != nil {
			return nil, err
		}
		return scalar(mat.Trace(x)), nil
	case "det":
		if err := square(); err != nil {
			return nil, err
		}
		return scalar(mat.Det(x)), nil
	case "logdet":
		if err := square(); err != nil {
			return nil, err
		}
		ld, _ := mat.LogDet(x)
		return scalar(ld), nil
	case "inv":
		if r != c {
			return nil, ast.Errorf(e.Pos(), "cannot invert %s (%s): not square", arg, shapeText(x))
		}
		return inverse(e, arg, x)
	case "diag":
		switch {
		case r == 1 && c == 1:
			return mat.DenseCopyOf(x), nil
		case c == 1:
			if err := tooLarge(e.Pos(), "diag", r, r); err != nil {
				return nil, err
			}
			d := mat.NewDense(r, r, nil)
			for i := 0; i < r; i++ {
				d.Set(i, i, x.At(i, 0))
			}
			return d, nil
		case r == c:
			d := mat.NewDense(r, 1, nil)
			for i := 0; i < r; i++ {
				d.Set(i, 0, x.At(i, i))
			}
			return d, nil
		}
		return nil, ast.Errorf(e.Pos(), "diag needs a vector or a square matrix, not %s (%s)", arg, shapeText(x))
	case "softmax":
		if c != 1 {
			return nil, ast.Errorf(e.Pos(), "softmax needs a vector, not %s (%s)", arg, shapeText(x))
		}
		return softmax(x), nil
	case "logsumexp":
		return scalar(logsumexp(x)), nil
	case "norm":
		return scalar(frobenius(x)), nil
	case "norm1":
		s := 0.0
		eachEntry(x, func(v float64) { s += math.Abs(v) })
		return scalar(s), nil
	}
	return nil, ast.Errorf(e.Pos(), "eval: no rule for %s", name)
}

// inverse returns x⁻¹, or an error when x is singular or so badly
// conditioned (condition number above 1e16) that its inverse is noise.
func inverse(e ast.Expr, arg string, x *mat.Dense) (*mat.Dense, error) {
	var r mat.Dense
	if err := r.Inverse(x); err != nil {
		if c, ok := err.(mat.Condition); ok {
			if math.IsInf(float64(c), 1) {
				return nil, ast.Errorf(e.Pos(), "cannot invert %s: the matrix is singular", arg)
			}
			return nil, ast.Errorf(e.Pos(), "cannot invert %s: the matrix is nearly singular (condition number %.3g)", arg, float64(c))
		}
		return nil, ast.Errorf(e.Pos(), "cannot invert %s: %v", arg, err)
	}
	return &r, nil
}

func eachEntry(x *mat.Dense, f func(float64)) {
	raw := x.RawMatrix()
	for i := 0; i < raw.Rows; i++ {
		for _, v := range raw.Data[i*raw.Stride : i*raw.Stride+raw.Cols] {
			f(v)
		}
	}
}

// maxEntry returns the largest entry (NaN if any entry is NaN).
func maxEntry(x *mat.Dense) float64 {
	m := math.Inf(-1)
	nan := false
	eachEntry(x, func(v float64) {
		nan = nan || math.IsNaN(v)
		m = math.Max(m, v)
	})
	if nan {
		return math.NaN()
	}
	return m
}

// logsumexp is log Σ exp(xᵢ), shifted by the largest entry so that large
// entries do not overflow and very negative ones do not all underflow.
func logsumexp(x *mat.Dense) float64 {
	m := maxEntry(x)
	if math.IsInf(m, 0) || math.IsNaN(m) {
		return m // all −∞ gives −∞; any +∞ gives +∞
	}
	s := 0.0
	eachEntry(x, func(v float64) { s += math.Exp(v - m) })
	return m + math.Log(s)
}

// softmax is exp(x − m)/Σ exp(x − m) with m the largest entry.
func softmax(x *mat.Dense) *mat.Dense {
	m := maxEntry(x)
	if math.IsInf(m, 1) {
		// exp(∞−∞) would be NaN: the mass splits over the infinite entries.
		k := 0.0
		eachEntry(x, func(v float64) { k += boolf(math.IsInf(v, 1)) })
		return mapf(x, func(v float64) float64 { return boolf(math.IsInf(v, 1)) / k })
	}
	r := mapf(x, func(v float64) float64 { return math.Exp(v - m) })
	s := mat.Sum(r)
	r.Scale(1/s, r)
	return r
}

// frobenius is the 2-norm of the entries (the 2-norm of a vector, the
// Frobenius norm of a matrix), scaled as in BLAS dnrm2 so that it neither
// overflows nor underflows.
func frobenius(x *mat.Dense) float64 {
	scale, ssq := 0.0, 1.0
	nan := false
	eachEntry(x, func(v float64) {
		if math.IsNaN(v) {
			nan = true
			return
		}
		if v == 0 {
			return
		}
		a := math.Abs(v)
		if math.IsInf(a, 1) {
			scale, ssq = math.Inf(1), 1
			return
		}
		if scale < a {
			if !math.IsInf(scale, 1) {
				ssq = 1 + ssq*(scale/a)*(scale/a)
				scale = a
			}
		} else {
			ssq += (a / scale) * (a / scale)
		}
	})
	if nan {
		return math.NaN()
	}
	return scale * math.Sqrt(ssq)
}

// power is x^y: the scalar power, or the matrix power of a square matrix by
// an integer (of the inverse for a negative one).
func power(e *ast.Binary, x, y *mat.Dense) (*mat.Dense, error) {
	if !isScalar(y) {
		return nil, ast.Errorf(e.Pos(), "exponent %s must be a scalar, not %s", ast.String(e.Y), shapeText(y))
	}
	p := y.At(0, 0)
	if isScalar(x) {
		return scalar(math.Pow(x.At(0, 0), p)), nil
	}
	r, c := x.Dims()
	base := ast.String(e.X)
	if r != c {
		return nil, ast.Errorf(e.Pos(), "%s (%s) is not square: use %s.^…, %s∘%s or ‖%s‖²", base, shapeText(x), base, base, base, base)
	}
	if p != math.Trunc(p) || math.Abs(p) > 1<<30 {
		return nil, ast.Errorf(e.Pos(), "the matrix power %s^%s needs an integer exponent, not %s", base, ast.String(e.Y), ast.FormatNumber(p))
	}
	if p < 0 {
		inv, err := inverse(e.X, base, x)
		if err != nil {
			return nil, err
		}
		x, p = inv, -p
	}
	var out mat.Dense
	out.Pow(x, int(p))
	return &out, nil
}
