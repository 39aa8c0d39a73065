package derive

import (
	"fmt"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/op"
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
	// tree, when set, is the formula being derived, and dependents the
	// nodes of it that depend on the one wanted variable (ancestors).
	tree       *parents
	dependents map[ast.Expr]bool
}

// parents maps every node of a tree to the nodes that hold it, so that the
// nodes that depend on a variable are found from its occurrences up: the
// Jacobians by each of n variables of a formula then look at the nodes
// that depend on that variable only, not at every node n times.
type parents struct {
	root   ast.Expr
	up     map[ast.Expr][]ast.Expr
	idents map[string][]ast.Expr
}

func newParents(root ast.Expr) *parents {
	p := &parents{root: root, up: map[ast.Expr][]ast.Expr{}, idents: map[string][]ast.Expr{}}
	seen := map[ast.Expr]bool{root: true}
	stack := []ast.Expr{root}
	for len(stack) > 0 {
		e := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if id, ok := e.(*ast.Ident); ok {
			p.idents[id.Name] = append(p.idents[id.Name], id)
		}
		for _, k := range ast.Children(e) {
			p.up[k] = append(p.up[k], e)
			if !seen[k] {
				seen[k] = true
				stack = append(stack, k)
			}
		}
	}
	return p
}

func (p *parents) has(e ast.Expr) bool {
	_, ok := p.up[e]
	return ok || e == p.root
}

// ancestors returns the nodes that depend on the variable v: its
// occurrences and every node above one.
func (p *parents) ancestors(v string) map[ast.Expr]bool {
	out := map[ast.Expr]bool{}
	stack := append([]ast.Expr(nil), p.idents[v]...)
	for _, e := range stack {
		out[e] = true
	}
	for len(stack) > 0 {
		e := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, u := range p.up[e] {
			if !out[u] {
				out[u] = true
				stack = append(stack, u)
			}
		}
	}
	return out
}

func newReverse(env map[string]ast.Shape, want []string) *reverse {
	return newReverseShapes(env, want, ast.NewChecker(env))
}

// newReverseShapes is newReverse asking shapes, a Checker for env, which
// the derivatives by each variable of one formula share: the shapes of
// its nodes do not depend on the variable, and a checker per variable
// would find them all again (n² for a sum of n variables).
func newReverseShapes(env map[string]ast.Shape, want []string, shapes *ast.Checker) *reverse {
	r := &reverse{env: env, shapes: shapes, want: map[string]bool{}, deps: map[ast.Expr]bool{}, contrib: map[string][]ast.Expr{}}
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
	if r.tree != nil && r.tree.has(e) {
		return r.dependents[e]
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
	return op.Call(op.Sum, had(a, b))
}

// unbroadcast sums a gradient g of a broadcast result down to the shape of
// the operand x: a scalar that was added to a vector gets the sum.
func (r *reverse) unbroadcast(g ast.Expr, x ast.Expr) ast.Expr {
	if r.shape(x).IsScalar() && !r.shape(g).IsScalar() {
		return op.Call(op.Sum, g)
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
		return mul(d, op.Call(op.Sum, g))
	case sz.IsScalar():
		return r.inner(g, d)
	case sd.IsScalar():
		return mul(d, g)
	case sz.IsVector():
		return tr(mul(tr(g), op.Call(op.Diag, d)))
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
			d := had(e, op.Call(op.Log, x))
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

// invertedPower returns (A⁻¹)^k for the matrix power e = A^(−k) with a
// negative integer exponent down to −64 (A⁻¹ itself for −1), else nil.
func invertedPower(e *ast.Binary) ast.Expr {
	y := e.Y
	sign := 1.0
	if u, ok := y.(*ast.Unary); ok {
		y, sign = u.X, -1
	}
	n, ok := y.(*ast.Number)
	if !ok {
		return nil
	}
	k := -sign * n.Value
	if k != float64(int(k)) || k < 1 || k > 64 {
		return nil
	}
	inv := op.Call(op.Inv, e.X)
	if k == 1 {
		return inv
	}
	return ast.Bin(ast.Pow, inv, ast.Num(k))
}

func (r *reverse) pow(e *ast.Binary, g ast.Expr) {
	x, y := e.X, e.Y
	sx := r.shape(x)
	if !sx.IsScalar() {
		// Matrix power by a positive integer: Σ (Aᵀ)^i Ḡ (Aᵀ)^(k−1−i).
		n, ok := y.(*ast.Number)
		if inv := invertedPower(e); inv != nil {
			r.back(inv, g) // A^(−k) = (A⁻¹)^k
			return
		}
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
	if c, ok := x.(*ast.Call); ok && op.Is(c, op.Norm) && isNum(y, 2) {
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
	// 0^y is 0 for every y > 0: its derivative by y is 0, not the
	// log(0)·0^y = NaN of the general rule.
	if r.dependsOn(y) && !isNum(x, 0) {
		r.emit(y, mul(g, mul(e, op.Call(op.Log, x))))
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
	if c.Fun == op.Log.Name() && c.Primes == 0 && r.logRule(c, g) {
		return
	}
	if c.IsElementwise() {
		if len(c.Args) == 2 {
			r.maxMin(c, g)
			return
		}
		d, err := op.Derivative(c)
		if err != nil {
			r.err = err
			return
		}
		r.emit(c.Args[0], r.elementwise(g, d, c.Args[0]))
		return
	}
	if p, ok := op.Of(c).(op.Pair); ok {
		s := [2]ast.Shape{r.shape(c.Args[0]), r.shape(c.Args[1])}
		for i, a := range c.Args {
			if !r.dependsOn(a) {
				continue
			}
			gi, why := p.VJP2(c, i, s, g)
			if why != "" {
				r.err = &notationError{why}
				return
			}
			r.emit(a, gi)
		}
		return
	}
	f, ok := op.Of(c).(op.Structural)
	if !ok {
		r.err = fmt.Errorf("no derivative rule for %s", c.Fun)
		return
	}
	x := c.Args[0]
	if n, ok := f.(op.NoVJP); ok && r.dependsOn(x) {
		if why := n.NoVJP(c, r.shape(x)); why != "" {
			r.err = &notationError{why}
			return
		}
	}
	if gx := f.VJP(c, r.shape(x), g); gx != nil {
		r.emit(x, gx)
	}
}

// A notationError is a gradient that the notation cannot write (through
// vec or ⊗ of a matrix); derive gives the derivative by its differential
// instead.
type notationError struct{ msg string }

func (e *notationError) Error() string { return e.msg }

// logRule applies the simpler gradient of log f(z) where f has one
// (op.LogRule: log softmax, log σ, log det), and log(1 − σ(z)), whose
// derivative is −σ(z). It reports whether it did.
func (r *reverse) logRule(c *ast.Call, g ast.Expr) bool {
	switch a := c.Args[0].(type) {
	case *ast.Call:
		if lr, ok := op.Of(a).(op.LogRule); ok && a.Primes == 0 {
			if gz := lr.LogVJP(a, r.shape(a.Args[0]), g, r.elementwise); gz != nil {
				r.emit(a.Args[0], gz)
				return true
			}
		}
	case *ast.Binary:
		// log(1 − σ(z)) has the derivative −σ(z): the σ′ = σ(1 − σ) of the
		// chain cancels the division by 1 − σ.
		if a.Op == ast.Sub && isNum(a.X, 1) {
			if sg, ok := a.Y.(*ast.Call); ok && op.Is(sg, op.Sigmoid) {
				z := sg.Args[0]
				r.emit(z, r.elementwise(g, neg(sg), z))
				return true
			}
		}
	}
	return false
}

// maxMin routes the gradient of max(a, b) to a where a ≥ b (a wins ties)
// and to b elsewhere; min likewise with the comparison reversed.
func (r *reverse) maxMin(c *ast.Call, g ast.Expr) {
	a, b := c.Args[0], c.Args[1]
	m, ok := op.Of(c).(*op.Extremum)
	if !ok {
		r.err = fmt.Errorf("no derivative rule for %s", c.Fun)
		return
	}
	da, db := m.Indicators(c)
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
			gx = tr(mul(tr(g), op.Call(op.Diag, side.d)))
		default:
			gx = had(g, side.d)
		}
		r.emit(side.x, r.unbroadcast(gx, side.x))
	}
}
