package derive

import (
	"fmt"

	"github.com/matcalc/matcalc/ast"
)

// reverse computes gradients of a scalar expression by the chain rule on
// Jacobians, from the output down (backprop): every node hands each input
// the upstream gradient times its local Jacobian. Elementwise functions use
// their Jacobian diag(f′(z)) literally, as (Ḡᵀdiag(f′(z)))ᵀ; the simplifier
// turns that into the Hadamard form Ḡ ∘ f′(z).
//
// The gradients are unsimplified trees that share subtrees by pointer, so
// that a deep network's gradients stay linear in size.
type reverse struct {
	env     map[string]ast.Shape
	shapes  *ast.Checker
	want    map[string]bool
	deps    map[ast.Expr]bool // node depends on a wanted variable
	contrib map[string][]ast.Expr
	err     error
}

func newReverse(env map[string]ast.Shape, want []string) *reverse {
	r := &reverse{env: env, shapes: ast.NewChecker(env), want: map[string]bool{}, deps: map[ast.Expr]bool{}, contrib: map[string][]ast.Expr{}}
	for _, w := range want {
		r.want[w] = true
	}
	return r
}

func (r *reverse) shape(e ast.Expr) ast.Shape {
	s, err := r.shapes.Shape(e)
	if err != nil && r.err == nil {
		r.err = fmt.Errorf("internal shape error in %s: %v", ast.String(e), err)
	}
	return s
}

func (r *reverse) dependsOn(e ast.Expr) bool {
	if d, ok := r.deps[e]; ok {
		return d
	}
	d := false
	if id, ok := e.(*ast.Ident); ok {
		d = r.want[id.Name]
	} else {
		for _, k := range ast.Children(e) {
			if r.dependsOn(k) {
				d = true
			}
		}
	}
	r.deps[e] = d
	return d
}

// gradients returns ∂e/∂v for every wanted v, in the shape of v; nil where e
// does not depend on v.
func gradients(e ast.Expr, env map[string]ast.Shape, want []string) (map[string]ast.Expr, error) {
	r := newReverse(env, want)
	if s := r.shape(e); !s.IsScalar() {
		return nil, fmt.Errorf("gradient of a non-scalar %s (%v)", ast.String(e), s)
	}
	r.back(e, ast.Num(1))
	if r.err != nil {
		return nil, r.err
	}
	out := map[string]ast.Expr{}
	for _, w := range want {
		terms := r.contrib[w]
		if len(terms) == 0 {
			continue
		}
		g := terms[0]
		for _, t := range terms[1:] {
			g = ast.Bin(ast.Add, g, t)
		}
		out[w] = g
	}
	return out, nil
}

func mul(a, b ast.Expr) ast.Expr  { return ast.Bin(ast.Mul, a, b) }
func add(a, b ast.Expr) ast.Expr  { return ast.Bin(ast.Add, a, b) }
func sub(a, b ast.Expr) ast.Expr  { return ast.Bin(ast.Sub, a, b) }
func had(a, b ast.Expr) ast.Expr  { return ast.Bin(ast.Hadamard, a, b) }
func ediv(a, b ast.Expr) ast.Expr { return ast.Bin(ast.ElemDiv, a, b) }
func div(a, b ast.Expr) ast.Expr  { return ast.Bin(ast.Div, a, b) }
func neg(a ast.Expr) ast.Expr     { return ast.Negate(a) }
func tr(a ast.Expr) ast.Expr      { return ast.T(a) }
func num(v float64) ast.Expr      { return ast.Num(v) }
func call(f string, args ...ast.Expr) ast.Expr {
	return ast.Fn(f, 0, args...)
}

// inner returns the scalar Σ a∘b for a and b of the same shape: aᵀb for
// vectors, sum(a ∘ b) for matrices, ab for scalars.
func (r *reverse) inner(a, b ast.Expr) ast.Expr {
	s := r.shape(a)
	switch {
	case s.IsScalar():
		return mul(a, b)
	case s.IsVector():
		return mul(tr(a), b)
	case s.IsRow():
		return mul(a, tr(b))
	}
	return call("sum", had(a, b))
}

// unbroadcast sums a gradient g of a broadcast result down to the shape of
// the operand x: a scalar that was added to a vector gets the sum.
func (r *reverse) unbroadcast(g ast.Expr, x ast.Expr) ast.Expr {
	if r.shape(x).IsScalar() && !r.shape(g).IsScalar() {
		return call("sum", g)
	}
	return g
}

// elementwise returns the gradient through an elementwise map whose
// derivative at the node is d (same shape as the argument z, or scalar),
// from the upstream gradient g: the Jacobian product (gᵀdiag(d))ᵀ for
// vectors, g d for scalars, g ∘ d for matrices.
func (r *reverse) elementwise(g, d, z ast.Expr) ast.Expr {
	sz, sg, sd := r.shape(z), r.shape(g), r.shape(d)
	switch {
	case sz.IsScalar() && sg.IsScalar():
		return mul(g, d)
	case sz.IsScalar() && sd.IsScalar(): // z was broadcast over g
		return mul(d, call("sum", g))
	case sz.IsScalar():
		return r.inner(g, d)
	case sd.IsScalar():
		return mul(d, g)
	case sz.IsVector():
		return tr(mul(tr(g), call("diag", d)))
	}
	return had(g, d)
}

func (r *reverse) emit(e ast.Expr, g ast.Expr) {
	if r.dependsOn(e) {
		r.back(e, g)
	}
}

func (r *reverse) back(e ast.Expr, g ast.Expr) {
	if r.err != nil {
		return
	}
	switch e := e.(type) {
	case *ast.Ident:
		if r.want[e.Name] {
			r.contrib[e.Name] = append(r.contrib[e.Name], g)
		}
	case *ast.Number, *ast.Identity, *ast.Ones, *ast.Indicator:
		// constant, or zero derivative almost everywhere
	case *ast.Unary:
		r.emit(e.X, neg(g))
	case *ast.Transpose:
		r.emit(e.X, tr(g))
	case *ast.Binary:
		r.binary(e, g)
	case *ast.Call:
		r.call(e, g)
	default:
		r.err = fmt.Errorf("no derivative rule for %s", ast.String(e))
	}
}

func (r *reverse) binary(e *ast.Binary, g ast.Expr) {
	x, y := e.X, e.Y
	sx, sy := r.shape(x), r.shape(y)
	switch e.Op {
	case ast.Add:
		r.emit(x, r.unbroadcast(g, x))
		r.emit(y, r.unbroadcast(g, y))
	case ast.Sub:
		r.emit(x, r.unbroadcast(g, x))
		r.emit(y, r.unbroadcast(neg(g), y))
	case ast.Mul:
		switch {
		case sx.IsScalar() && sy.IsScalar():
			r.emit(x, mul(g, y))
			r.emit(y, mul(x, g))
		case sx.IsScalar(): // x scales y
			r.emit(x, r.inner(g, y))
			r.emit(y, mul(x, g))
		case sy.IsScalar():
			r.emit(x, mul(y, g))
			r.emit(y, r.inner(x, g))
		default: // matrix product: Ḡx = Ḡ yᵀ, Ḡy = xᵀ Ḡ
			r.emit(x, mul(g, tr(y)))
			r.emit(y, mul(tr(x), g))
		}
	case ast.Div:
		if sy.IsScalar() { // x / c
			r.emit(x, div(g, y))
			if r.dependsOn(y) {
				r.emit(y, neg(div(r.inner(g, x), ast.Bin(ast.Pow, y, num(2)))))
			}
			return
		}
		r.elemDiv(x, y, g)
	case ast.ElemDiv:
		r.elemDiv(x, y, g)
	case ast.Hadamard:
		if r.dependsOn(x) {
			r.emit(x, r.elementwise(g, y, x))
		}
		if r.dependsOn(y) {
			r.emit(y, r.elementwise(g, x, y))
		}
	case ast.Pow:
		r.pow(e, g)
	case ast.ElemPow:
		if r.dependsOn(x) {
			d := r.scaleOrHad(y, ast.Bin(ast.ElemPow, x, sub(y, num(1))))
			r.emit(x, r.elementwise(g, d, x))
		}
		if r.dependsOn(y) {
			d := had(e, call("log", x))
			r.emit(y, r.elementwise(g, d, y))
		}
	default:
		r.err = fmt.Errorf("no derivative rule for %s", ast.String(e))
	}
}

func (r *reverse) elemDiv(x, y, g ast.Expr) {
	if r.dependsOn(x) {
		r.emit(x, r.elementwise(g, ediv(num(1), y), x))
	}
	if r.dependsOn(y) {
		d := neg(ediv(x, ast.Bin(ast.ElemPow, y, num(2))))
		r.emit(y, r.elementwise(g, d, y))
	}
}

func (r *reverse) pow(e *ast.Binary, g ast.Expr) {
	x, y := e.X, e.Y
	sx := r.shape(x)
	if !sx.IsScalar() {
		// Matrix power by a positive integer: Σ (Aᵀ)^i Ḡ (Aᵀ)^(k−1−i).
		n, ok := y.(*ast.Number)
		if !ok || n.Value != float64(int(n.Value)) || n.Value < 1 || n.Value > 64 {
			r.err = fmt.Errorf("the derivative of %s needs a positive integer exponent up to 64", ast.String(e))
			return
		}
		if r.dependsOn(y) {
			r.err = fmt.Errorf("no derivative of a matrix power by its exponent in %s", ast.String(e))
			return
		}
		k := int(n.Value)
		var sum ast.Expr
		for i := 0; i < k; i++ {
			t := g
			if i > 0 {
				t = mul(matPow(tr(x), i), t)
			}
			if j := k - 1 - i; j > 0 {
				t = mul(t, matPow(tr(x), j))
			}
			if sum == nil {
				sum = t
			} else {
				sum = add(sum, t)
			}
		}
		r.emit(x, sum)
		return
	}
	// ‖v‖² differentiates to 2v without the square root.
	if c, ok := x.(*ast.Call); ok && c.Fun == "norm" && isNum(y, 2) {
		r.emit(c.Args[0], mul(num(2), mul(g, c.Args[0])))
		return
	}
	if r.dependsOn(x) {
		var d ast.Expr
		switch {
		case isNum(y, 2):
			d = mul(num(2), x)
		default:
			d = mul(y, ast.Bin(ast.Pow, x, sub(y, num(1))))
		}
		r.emit(x, mul(g, d))
	}
	if r.dependsOn(y) {
		r.emit(y, mul(g, mul(e, call("log", x))))
	}
}

// scaleOrHad multiplies a by b: a scalar product, or elementwise.
func (r *reverse) scaleOrHad(a, b ast.Expr) ast.Expr {
	if r.shape(a).IsScalar() || r.shape(b).IsScalar() {
		return mul(a, b)
	}
	return had(a, b)
}

func matPow(a ast.Expr, k int) ast.Expr {
	if k == 1 {
		return a
	}
	return ast.Bin(ast.Pow, a, num(float64(k)))
}

func isNum(e ast.Expr, v float64) bool {
	n, ok := e.(*ast.Number)
	return ok && n.Value == v
}

func (r *reverse) call(c *ast.Call, g ast.Expr) {
	// log(softmax(z)) has the gradient Ḡ − softmax(z)·sum(Ḡ): the
	// division by p of log′ cancels against the softmax Jacobian.
	if sm, ok := c.Args[0].(*ast.Call); ok && c.Fun == "log" && c.Primes == 0 && sm.Fun == "softmax" && sm.Primes == 0 && r.shape(sm).IsVector() {
		r.emit(sm.Args[0], sub(g, mul(sm, call("sum", g))))
		return
	}
	// log σ(z) and log(1 − σ(z)) have the derivatives 1 − σ(z) and −σ(z):
	// the σ′ = σ(1 − σ) of the chain cancels the division by σ.
	if c.Fun == "log" && c.Primes == 0 {
		// log det X is logdet X where det X > 0.
		if d, ok := c.Args[0].(*ast.Call); ok && d.Fun == "det" && d.Primes == 0 && !r.shape(d.Args[0]).IsScalar() {
			r.emit(d.Args[0], mul(g, tr(call("inv", d.Args[0]))))
			return
		}
		if sg, ok := c.Args[0].(*ast.Call); ok && sg.Fun == "σ" && sg.Primes == 0 {
			z := sg.Args[0]
			r.emit(z, r.elementwise(g, sub(num(1), sg), z))
			return
		}
		if d, ok := c.Args[0].(*ast.Binary); ok && d.Op == ast.Sub && isNum(d.X, 1) {
			if sg, ok := d.Y.(*ast.Call); ok && sg.Fun == "σ" && sg.Primes == 0 {
				z := sg.Args[0]
				r.emit(z, r.elementwise(g, neg(sg), z))
				return
			}
		}
	}
	if c.IsElementwise() {
		if len(c.Args) == 2 {
			r.maxMin(c, g)
			return
		}
		d, err := elementDeriv(c)
		if err != nil {
			r.err = err
			return
		}
		r.emit(c.Args[0], r.elementwise(g, d, c.Args[0]))
		return
	}
	x := c.Args[0]
	sx := r.shape(x)
	switch c.Fun {
	case "sum":
		if sx.IsScalar() {
			r.emit(x, g)
		} else {
			r.emit(x, mul(g, ast.OnesOf(sx)))
		}
	case "tr":
		if sx.IsScalar() {
			r.emit(x, g)
		} else {
			r.emit(x, mul(g, ast.Eye(sx.Rows)))
		}
	case "det":
		if sx.IsScalar() {
			r.emit(x, g) // the determinant of a 1×1 matrix is its entry
			return
		}
		r.emit(x, mul(mul(g, c), tr(call("inv", x))))
	case "logdet":
		if sx.IsScalar() {
			r.emit(x, div(g, x))
			return
		}
		r.emit(x, mul(g, tr(call("inv", x))))
	case "inv":
		if sx.IsScalar() {
			r.emit(x, neg(div(g, ast.Bin(ast.Pow, x, num(2)))))
			return
		}
		xit := tr(c)
		r.emit(x, neg(mul(mul(xit, g), xit)))
	case "diag":
		r.emit(x, call("diag", g))
	case "softmax":
		if sx.IsScalar() {
			return // softmax of a scalar is the constant 1
		}
		// Jacobian diag(p) − ppᵀ, symmetric: Ḡz = (diag(p) − ppᵀ)Ḡ.
		p := c
		r.emit(x, sub(had(p, g), mul(p, mul(tr(p), g))))
	case "logsumexp":
		r.emit(x, mul(g, call("softmax", x)))
	case "norm":
		r.emit(x, mul(g, div(x, c)))
	case "norm1":
		r.emit(x, mul(g, call("sign", x)))
	default:
		r.err = fmt.Errorf("no derivative rule for %s", c.Fun)
	}
}

// maxMin routes the gradient of max(a, b) to a where a ≥ b (a wins ties)
// and to b elsewhere; min likewise with the comparison reversed.
func (r *reverse) maxMin(c *ast.Call, g ast.Expr) {
	a, b := c.Args[0], c.Args[1]
	var da, db ast.Expr
	if c.Fun == "max" {
		da, db = ast.Ind(ast.GE, a, b), ast.Ind(ast.GT, b, a)
	} else {
		da, db = ast.Ind(ast.GE, b, a), ast.Ind(ast.GT, a, b)
	}
	out := r.shape(c)
	for _, side := range []struct{ x, d ast.Expr }{{a, da}, {b, db}} {
		if !r.dependsOn(side.x) {
			continue
		}
		var gx ast.Expr
		switch {
		case out.IsScalar():
			gx = mul(g, side.d)
		case out.IsVector():
			gx = tr(mul(tr(g), call("diag", side.d)))
		default:
			gx = had(g, side.d)
		}
		r.emit(side.x, r.unbroadcast(gx, side.x))
	}
}

// elementDeriv returns the derivative of an elementwise function call at its
// argument, as an expression: exp′ = exp, log′(z) = 1 ./ z, sin′ = cos,
// cos′ = −sin, abs′ = sign, softplus′ = σ, sqrt′(z) = 1 ./ (2 sqrt(z)),
// sign′ = 0, relu″ = 0; other functions (tanh, σ, relu, tan and generic
// ones) get a prime: tanh′(z), σ′(z), f′(z).
func elementDeriv(c *ast.Call) (ast.Expr, error) {
	if len(c.Args) != 1 {
		return nil, fmt.Errorf("no derivative rule for %s with %d arguments", c.Fun, len(c.Args))
	}
	z := c.Args[0]
	prime := func() ast.Expr { return ast.Fn(c.Fun, c.Primes+1, z) }
	if c.IsGeneric() {
		return prime(), nil
	}
	if c.Primes == 0 {
		switch c.Fun {
		case "exp":
			return c, nil
		case "log":
			return ediv(num(1), z), nil
		case "sin":
			return call("cos", z), nil
		case "cos":
			return neg(call("sin", z)), nil
		case "abs":
			return call("sign", z), nil
		case "softplus":
			return call("σ", z), nil
		case "sqrt":
			return ediv(num(1), mul(num(2), c)), nil
		case "sign":
			return num(0), nil
		}
	}
	switch c.Fun {
	case "relu", "sign", "abs":
		if c.Primes >= 1 {
			return num(0), nil
		}
	}
	switch c.Fun {
	case "tanh", "σ", "relu", "tan", "exp", "log", "sin", "cos", "softplus", "sqrt":
		if c.Primes >= 2 {
			return nil, fmt.Errorf("no third derivative of %s", c.Fun)
		}
		return prime(), nil
	}
	return nil, fmt.Errorf("no derivative rule for %s", c.Fun)
}
