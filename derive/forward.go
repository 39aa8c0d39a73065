package derive

import (
	"fmt"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/op"
)

// forward computes derivatives from the inputs up (forward mode): the
// derivative of every node with respect to one variable v.
//
// For a scalar v it is the tangent ∂e/∂v, in the shape of e. For a vector v
// of dimension n it is the Jacobian in numerator layout: 1×n for a scalar
// node, m×n for a vector node; a row vector node (such as xᵀ) is given the
// Jacobian of its transpose. A matrix node that depends on a vector v would
// need a third-order tensor: that is an error.
//
// The result is nil where e does not depend on v.
type forward struct {
	rev    *reverse // shapes and dependence
	v      string
	sv     ast.Shape
	vector bool
	memo   map[ast.Expr]ast.Expr
	mdeps  map[ast.Expr]bool
	err    error
	// stuck is the product where contract found a sum over three indices,
	// for the error message.
	stuck ast.Expr
	// dir, when set, is the direction of a differential (dW): the tangent
	// of v itself, which may then have any shape.
	dir ast.Expr
}

func newForward(env map[string]ast.Shape, v string, shapes *ast.Checker) *forward {
	f := &forward{rev: newReverseShapes(env, []string{v}, shapes), v: v, sv: env[v], memo: map[ast.Expr]ast.Expr{}, mdeps: map[ast.Expr]bool{}}
	f.vector = !f.sv.IsScalar()
	return f
}

// jacobian returns ∂e/∂v (see forward), or an error.
func jacobian(e ast.Expr, env map[string]ast.Shape, v string) (ast.Expr, error) {
	return jacobianShapes(e, env, v, ast.NewChecker(env))
}

// jacobianShapes is jacobian asking shapes, a Checker for env (see
// newReverseShapes).
func jacobianShapes(e ast.Expr, env map[string]ast.Shape, v string, shapes *ast.Checker) (ast.Expr, error) {
	return jacobianIn(e, env, v, shapes, nil)
}

// jacobianIn is jacobianShapes with tree, when not nil, the parents of e:
// the nodes that depend on v are found from v up.
func jacobianIn(e ast.Expr, env map[string]ast.Shape, v string, shapes *ast.Checker, tree *parents) (ast.Expr, error) {
	f := newForward(env, v, shapes)
	if tree != nil {
		f.rev.tree, f.rev.dependents = tree, tree.ancestors(v)
	}
	if s := env[v]; s.IsMatrix() || s.IsRow() {
		return nil, fmt.Errorf("the derivative of a non-scalar by the matrix %s is a higher-order tensor (not supported yet)", v)
	}
	j := f.jac(e)
	if f.rev.err != nil {
		return nil, f.rev.err
	}
	return j, f.err
}

func (f *forward) shape(e ast.Expr) ast.Shape { return f.rev.shape(e) }

func (f *forward) tensor(e ast.Expr) ast.Expr {
	if f.err == nil {
		through := ""
		if f.stuck != nil && f.stuck != e {
			through = fmt.Sprintf("; its Jacobian through %s (%v) needs a sum over three indices that no matrix product writes", ast.String(f.stuck), f.shape(f.stuck))
		}
		f.err = &throughMatrixError{fmt.Sprintf("∂(%s)/∂%s is a third-order tensor: %s (%v) is a matrix that depends on the vector %s%s (not supported yet)",
			ast.String(e), f.v, ast.String(e), f.shape(e), f.v, through)}
	}
	return nil
}

// A throughMatrixError is a Jacobian by a vector whose path goes through a
// matrix that depends on the vector, in a way no matrix product writes:
// Derive then gives the derivative by its differential instead.
type throughMatrixError struct{ msg string }

func (e *throughMatrixError) Error() string { return e.msg }

// plus adds two optional terms.
func plus(a, b ast.Expr) ast.Expr {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	}
	return add(a, b)
}

func minus(a, b ast.Expr) ast.Expr {
	switch {
	case b == nil:
		return a
	case a == nil:
		return neg(b)
	}
	return sub(a, b)
}

// times returns a·b, nil when b is nil.
func times(a, b ast.Expr) ast.Expr {
	if b == nil {
		return nil
	}
	return mul(a, b)
}

func (f *forward) jac(e ast.Expr) ast.Expr {
	if f.err != nil || !f.rev.dependsOn(e) {
		return nil
	}
	if j, ok := f.memo[e]; ok {
		return j
	}
	var j ast.Expr
	if f.vector {
		j = f.jacVector(e)
	} else {
		j = f.tangent(e)
	}
	f.memo[e] = j
	return j
}

// diagTimes returns diag(d)·J for a vector node, d·J for a scalar one.
func (f *forward) diagTimes(d, z, j ast.Expr) ast.Expr {
	if j == nil {
		return nil
	}
	if f.shape(z).IsScalar() || f.shape(d).IsScalar() {
		return mul(d, j)
	}
	return mul(op.Call(op.Diag, d), j)
}

// broadcastJ lifts the Jacobian of a scalar operand to a vector result of
// shape out: 𝟙J.
func (f *forward) broadcastJ(x ast.Expr, out ast.Shape, j ast.Expr) ast.Expr {
	if j == nil || !f.shape(x).IsScalar() || out.IsScalar() {
		return j
	}
	return mul(ast.OnesOf(ast.Vector(colDim(out))), j)
}

// colDim is the length of a vector or row vector shape.
func colDim(s ast.Shape) ast.Dim {
	if s.IsRow() {
		return s.Cols
	}
	return s.Rows
}

// asColumn returns the column form of a vector or row vector expression.
// AsColumn is asColumn, for the Jacobian rules of package op.
func (f *forward) AsColumn(e ast.Expr) ast.Expr { return f.asColumn(e) }

func (f *forward) asColumn(e ast.Expr) ast.Expr {
	if f.shape(e).IsRow() {
		return tr(e)
	}
	return e
}

func (f *forward) jacVector(e ast.Expr) ast.Expr {
	se := f.shape(e)
	if se.IsMatrix() {
		return f.tensor(e)
	}
	switch e := e.(type) {
	case *ast.Ident:
		if e.Name == f.v {
			return ast.Eye(f.sv.Rows)
		}
		return nil
	case *ast.Unary:
		if j := f.jac(e.X); j != nil {
			return neg(j)
		}
		return nil
	case *ast.Transpose:
		return f.jac(e.X)
	case *ast.Binary:
		x, y := e.X, e.Y
		sx, sy := f.shape(x), f.shape(y)
		if e.Op == ast.Mul && !sx.IsScalar() && !sy.IsScalar() {
			// M(x)y and yᵀM(x) with a matrix that depends on the variable:
			// J(My) = M J(y) + ∂(My)/∂x with y held.
			if se.IsVector() && sx.IsMatrix() && f.rev.dependsOn(x) {
				if h, ok := f.masked(x, nil, y); ok {
					return plus(times(x, f.jac(y)), h)
				}
				return f.tensor(x)
			}
			if se.IsRow() && sy.IsMatrix() && f.rev.dependsOn(y) {
				if h, ok := f.masked(tr(y), nil, f.asColumn(x)); ok {
					return plus(times(tr(y), f.jac(x)), h)
				}
				return f.tensor(y)
			}
		}
		if se.IsScalar() && f.matrixDep(e) {
			return f.viaGradient(e)
		}
		jx, jy := f.jac(x), f.jac(y)
		switch e.Op {
		case ast.Add:
			return plus(f.broadcastJ(x, se, jx), f.broadcastJ(y, se, jy))
		case ast.Sub:
			return minus(f.broadcastJ(x, se, jx), f.broadcastJ(y, se, jy))
		case ast.Mul:
			switch {
			case sx.IsScalar():
				return plus(times(f.asColumn(y), jx), times(x, jy))
			case sy.IsScalar():
				return plus(times(f.asColumn(x), jy), times(y, jx))
			case se.IsScalar(): // row · column
				return plus(times(x, jy), times(tr(y), jx))
			case se.IsVector(): // matrix · column (x does not depend: see above)
				return times(x, jy)
			case se.IsRow(): // row · matrix (y does not depend: see above)
				return times(tr(y), jx)
			}
		case ast.Hadamard:
			return plus(f.hadTerm(y, x, jx, se), f.hadTerm(x, y, jy, se))
		case ast.Div, ast.ElemDiv:
			if sy.IsScalar() && e.Op == ast.Div {
				var t ast.Expr
				if jy != nil {
					t = div(mul(f.asColumn(x), jy), ast.Bin(ast.Pow, y, num(2)))
				}
				var a ast.Expr
				if jx != nil {
					a = div(jx, y)
				}
				return minus(a, t)
			}
			a := f.hadTerm(ediv(num(1), y), x, jx, se)
			b := f.hadTerm(ediv(x, ast.Bin(ast.ElemPow, y, num(2))), y, jy, se)
			return minus(a, b)
		case ast.Pow:
			if !sx.IsScalar() {
				return f.tensor(x)
			}
			return f.scalarPow(e, jx, jy)
		case ast.ElemPow:
			var a, b ast.Expr
			if jx != nil {
				a = f.hadTerm(f.rev.scaleOrHad(y, ast.Bin(ast.ElemPow, x, sub(y, num(1)))), x, jx, se)
			}
			if jy != nil && !isNum(x, 0) { // 0^y is constant
				b = f.hadTerm(had(e, op.Call(op.Log, x)), y, jy, se)
			}
			return plus(a, b)
		}
	case *ast.Call:
		if se.IsScalar() && f.matrixDep(e) {
			return f.viaGradient(e)
		}
		return f.callVector(e, se)
	case *ast.Number, *ast.Identity, *ast.Ones, *ast.Indicator:
		return nil
	}
	f.err = fmt.Errorf("no Jacobian rule for %s", ast.String(e))
	return nil
}

// viaGradient is the Jacobian of a scalar node through matrices that
// depend on the vector: the transpose of its gradient, by reverse mode.
func (f *forward) viaGradient(e ast.Expr) ast.Expr {
	g, err := gradients(e, f.rev.env, []string{f.v})
	if err != nil {
		f.err = err
		return nil
	}
	if g[f.v] == nil {
		return nil
	}
	return tr(g[f.v])
}

// matrixDep reports whether e has a matrix-valued subexpression that
// depends on the variable (for which forward mode would need a tensor).
func (f *forward) matrixDep(e ast.Expr) bool {
	if d, ok := f.mdeps[e]; ok {
		return d
	}
	d := false
	if f.rev.dependsOn(e) {
		if f.shape(e).IsMatrix() {
			d = true
		} else {
			for _, k := range ast.Children(e) {
				if f.matrixDep(k) {
					d = true
					break
				}
			}
		}
	}
	f.mdeps[e] = d
	return d
}

// masked returns the Jacobian of (c ∘ m)w by the vector variable, for a
// matrix m that depends on it, with the matrix c (nil: all ones, no mask)
// and the vector w held constant. It reports false where no rule applies
// (see contract).
func (f *forward) masked(m, c, w ast.Expr) (ast.Expr, bool) {
	return f.contract(m, contraction{c: c, w: w})
}

// A contraction is a linear map from the matrices D of the shape of a
// matrix m (r×q) to the vectors v (p):
//
//	vᵢ = Σₖⱼ Lᵢₖ cᵢⱼ wⱼ Kₖⱼ Dₖⱼ
//
// with L p×r (nil: the identity, so that k = i), c p×q (nil: all ones), w a
// q-vector (nil: 𝟙) and K r×q (nil: all ones). Without L it is the masked
// product (c ∘ D)w; with L and without c it is L((K ∘ D)w).
type contraction struct{ l, c, w, k ast.Expr }

// maskWith returns c ∘ x, where nil is all ones.
func maskWith(c, x ast.Expr) ast.Expr {
	switch {
	case c == nil:
		return x
	case x == nil:
		return c
	}
	return had(c, x)
}

// cw is the matrix cᵢⱼwⱼ, c diag(w), for a contraction with c.
func (s contraction) cw() ast.Expr {
	if s.w == nil {
		return s.c
	}
	return mul(s.c, op.Call(op.Diag, s.w))
}

// withMask is the contraction of D ∘ x: x joins c (without L) or K.
func (s contraction) withMask(x ast.Expr) contraction {
	if s.l == nil {
		s.c = maskWith(s.c, x)
	} else {
		s.k = maskWith(s.k, x)
	}
	return s
}

// sandwich is the contraction of P D R (nil: the identity), for a
// contraction without K: L becomes LP and c diag(w) becomes c diag(w) Rᵀ.
// With K the sums over the rows of P and the columns of R do not separate:
// it reports false.
func (s contraction) sandwich(p, r ast.Expr) (contraction, bool) {
	if s.k != nil {
		return s, false
	}
	if p != nil {
		if s.l == nil {
			s.l = p
		} else {
			s.l = mul(s.l, p)
		}
	}
	if r != nil {
		if s.c == nil { // c diag(w) = 𝟙wᵀ: 𝟙wᵀRᵀ = 𝟙(Rw)ᵀ
			s.w = mul(r, s.w)
		} else {
			s.c, s.w = mul(s.cw(), tr(r)), nil
		}
	}
	return s, true
}

// apply is the contraction of a constant D = x of the shape sm (nil: all
// ones, the broadcast of a scalar), a vector.
func (f *forward) apply(s contraction, x ast.Expr, sm ast.Shape) ast.Expr {
	w := s.w
	if w == nil {
		w = ast.OnesOf(ast.Vector(sm.Cols))
	}
	if s.l == nil { // (c ∘ x)w
		cx := maskWith(s.c, x)
		if cx == nil {
			return mul(ast.OnesOf(ast.Vector(sm.Rows)), op.Call(op.Sum, w))
		}
		return mul(cx, w)
	}
	kx := maskWith(s.k, x)
	if kx == nil { // Σₖⱼ Lᵢₖ cᵢⱼ wⱼ = (L𝟙)ᵢ (cw)ᵢ
		return had(mul(s.l, ast.OnesOf(ast.Vector(sm.Rows))), mul(s.c, w))
	}
	return mul(had(s.l, mul(s.cw(), tr(kx))), ast.OnesOf(ast.Vector(sm.Rows)))
}

func negated(j ast.Expr, ok bool) (ast.Expr, bool) {
	if j == nil {
		return nil, ok
	}
	return neg(j), ok
}

// contract returns the Jacobian of s(m) by the vector variable, where s is
// a contraction (above) and m a matrix that depends on the variable: the
// chain rule through m's derivative, term by term, each rule rewriting the
// contraction so that it applies to the derivative of a smaller matrix,
// down to the vectors and scalars whose Jacobians forward mode has. An
// outer product abᵀ ends it: Σₖⱼ Lᵢₖ cᵢⱼ wⱼ Kₖⱼ (daₖ bⱼ + aₖ dbⱼ) =
// ((L ∘ c diag(b ∘ w)Kᵀ) da + (c diag(w) ∘ L diag(a)K) db)ᵢ; so does diag(v):
// ((L ∘ c diag(w)) diag(diag(K)) dv)ᵢ. Sums go term by term, Hadamard
// products and elementwise functions multiply the mask (c, or K under L)
// by the other factor or the derivative, ./ and .^ likewise, transposes
// move inside, and products, powers and inverses go through sandwich
// (dP Q + P dQ, −N⁻¹ dN N⁻¹). It reports false where no rule applies:
// a product under both L and K (a third-order sum that does not
// separate), a power with a non-constant exponent, a function with no
// derivative.
func (f *forward) contract(m ast.Expr, s contraction) (ast.Expr, bool) {
	if !f.rev.dependsOn(m) {
		return nil, true
	}
	sm := f.shape(m)
	if s.l != nil && s.c == nil { // vᵢ = Σₖ Lᵢₖ ((K ∘ D)w)ₖ
		j, ok := f.contract(m, contraction{c: s.k, w: s.w})
		if j == nil {
			return nil, ok
		}
		return mul(s.l, j), ok
	}
	if s.l == nil && s.k != nil { // k = i: K joins c
		s.c, s.k = maskWith(s.c, s.k), nil
	}
	if s.c == nil && s.w == nil {
		s.w = ast.OnesOf(ast.Vector(sm.Cols))
	}
	// An outer-product mask comes off: cᵢⱼ = pᵢqⱼ.
	if o, ok := s.c.(*ast.Binary); ok && o.Op == ast.Mul && f.shape(o.X).IsVector() && f.shape(o.Y).IsRow() {
		q := f.asColumn(o.Y)
		if s.w != nil {
			q = had(q, s.w)
		}
		j, ok := f.contract(m, contraction{l: s.l, w: q, k: s.k})
		if j == nil {
			return nil, ok
		}
		return mul(op.Call(op.Diag, o.X), j), ok
	}
	// A diagonal mask under L leaves one sum: cᵢⱼ = [i = j]dᵢ gives
	// vᵢ = dᵢwᵢ Σₖ Lᵢₖ Kₖᵢ Dₖᵢ, the masked product of Dᵀ by L ∘ Kᵀ, where
	// products and masks go on without L.
	if d, ok := f.diagonal(s.c); ok && s.l != nil {
		if t, ok := f.transposeInto(m); ok {
			c := s.l
			if s.k != nil {
				c = had(s.l, tr(s.k))
			}
			if s.w != nil {
				d = maskWith(d, s.w)
			}
			j, ok := f.contract(t, contraction{c: c, w: ast.OnesOf(ast.Vector(sm.Rows))})
			if j == nil || d == nil {
				return j, ok
			}
			return mul(op.Call(op.Diag, d), j), ok
		}
	}
	switch m := m.(type) {
	case *ast.Unary:
		return negated(f.contract(m.X, s))
	case *ast.Transpose:
		if t, ok := f.transposeInto(m.X); ok {
			return f.contract(t, s)
		}
	case *ast.Indicator:
		return nil, true // its derivative is zero almost everywhere
	case *ast.Binary:
		return f.contractBinary(m, s, sm)
	case *ast.Call:
		return f.contractCall(m, s, sm)
	}
	return nil, false
}

// diagonal reports whether the mask c is a diagonal matrix, and returns its
// diagonal (nil for I): I, diag(p), and their Hadamard products.
func (f *forward) diagonal(c ast.Expr) (ast.Expr, bool) {
	switch c := c.(type) {
	case *ast.Identity:
		return nil, true
	case *ast.Call:
		if c.Fun == op.Diag.Name() && c.Primes == 0 && f.shape(c.Args[0]).IsVector() {
			return c.Args[0], true
		}
	case *ast.Binary:
		if c.Op != ast.Hadamard {
			break
		}
		for _, p := range [][2]ast.Expr{{c.X, c.Y}, {c.Y, c.X}} {
			if d, ok := f.diagonal(p[0]); ok && f.shape(p[1]).IsMatrix() {
				return maskWith(d, op.Call(op.Diag, p[1])), true
			}
		}
	}
	return nil, false
}

// noSeparation notes where a product under a contraction with K left a sum
// over three indices, for the error message, and reports false.
func (f *forward) noSeparation(m ast.Expr) (ast.Expr, bool) {
	if f.stuck == nil {
		f.stuck = m
	}
	return nil, false
}

// both adds two terms of a contraction; false when one could not be found.
func both(a ast.Expr, ok1 bool, b ast.Expr, ok2 bool) (ast.Expr, bool) {
	if !ok1 || !ok2 {
		return nil, false
	}
	return plus(a, b), true
}

// scalarTerm is the term of a scalar α that depends on the variable in a
// matrix: the contraction of ∂m/∂α = x times J(α).
func (f *forward) scalarTerm(s contraction, alpha, x ast.Expr, sm ast.Shape) ast.Expr {
	j := f.jac(alpha)
	if j == nil {
		return nil
	}
	return mul(f.apply(s, x, sm), j)
}

func (f *forward) contractBinary(m *ast.Binary, s contraction, sm ast.Shape) (ast.Expr, bool) {
	x, y := m.X, m.Y
	sx, sy := f.shape(x), f.shape(y)
	switch m.Op {
	case ast.Mul:
		switch {
		case sx.IsScalar() || sy.IsScalar(): // αA
			a, alpha := y, x
			if sy.IsScalar() {
				a, alpha = x, y
			}
			ja, ok := f.contract(a, s)
			return plus(f.scalarTerm(s, alpha, a, sm), times(alpha, ja)), ok
		case sx.IsVector() && sy.IsRow(): // abᵀ
			return f.outer(x, f.asColumn(y), s), true
		}
		// PQ: dP Q + P dQ
		sp, ok1 := s.sandwich(nil, y)
		sq, ok2 := s.sandwich(x, nil)
		if !ok1 || !ok2 {
			return f.noSeparation(m)
		}
		ja, ok1 := f.contract(x, sp)
		jb, ok2 := f.contract(y, sq)
		return both(ja, ok1, jb, ok2)
	case ast.Add, ast.Sub:
		var js [2]ast.Expr
		for i, side := range []ast.Expr{x, y} {
			if f.shape(side).IsScalar() { // α𝟙𝟙ᵀ
				js[i] = f.scalarTerm(s, side, nil, sm)
				continue
			}
			j, ok := f.contract(side, s)
			if !ok {
				return nil, false
			}
			js[i] = j
		}
		if m.Op == ast.Sub {
			return minus(js[0], js[1]), true
		}
		return plus(js[0], js[1]), true
	case ast.Hadamard:
		if sx.IsScalar() || sy.IsScalar() {
			return f.contract(ast.Bin(ast.Mul, x, y), s)
		}
		ja, ok1 := f.contract(x, s.withMask(y))
		jb, ok2 := f.contract(y, s.withMask(x))
		return both(ja, ok1, jb, ok2)
	case ast.Pow: // d(Aᵏ) = Σᵢ Aⁱ dA Aᵏ⁻¹⁻ⁱ
		n, isNum := y.(*ast.Number)
		if !isNum || n.Value != float64(int(n.Value)) || n.Value < 1 || n.Value > 64 {
			break
		}
		k := int(n.Value)
		var out ast.Expr
		for i := 0; i < k; i++ {
			var p, r ast.Expr
			if i > 0 {
				p = matPow(x, i)
			}
			if j := k - 1 - i; j > 0 {
				r = matPow(x, j)
			}
			si, ok := s.sandwich(p, r)
			if !ok {
				return f.noSeparation(m)
			}
			t, ok := f.contract(x, si)
			if !ok {
				return nil, false
			}
			out = plus(out, t)
		}
		return out, true
	case ast.Div, ast.ElemDiv: // d(X ./ Y) = dX ./ Y − X ./ Y.^2 ∘ dY
		var a, b ast.Expr
		switch {
		case sx.IsScalar():
			a = f.scalarTerm(s, x, ediv(num(1), y), sm)
		case sy.IsScalar():
			j, ok := f.contract(x, s)
			if !ok {
				return nil, false
			}
			if j != nil {
				a = div(j, y)
			}
		default:
			j, ok := f.contract(x, s.withMask(ediv(num(1), y)))
			if !ok {
				return nil, false
			}
			a = j
		}
		if sy.IsScalar() {
			b = f.scalarTerm(s, y, div(x, ast.Bin(ast.Pow, y, num(2))), sm)
		} else {
			j, ok := f.contract(y, s.withMask(ediv(x, ast.Bin(ast.ElemPow, y, num(2)))))
			if !ok {
				return nil, false
			}
			b = j
		}
		return minus(a, b), true
	case ast.ElemPow: // d(X.^Y) = Y ∘ X.^(Y − 1) ∘ dX + X.^Y ∘ log(X) ∘ dY
		var a, b ast.Expr
		if f.rev.dependsOn(x) {
			d := f.rev.scaleOrHad(y, ast.Bin(ast.ElemPow, x, sub(y, num(1))))
			if sx.IsScalar() {
				a = f.scalarTerm(s, x, d, sm)
			} else {
				j, ok := f.contract(x, s.withMask(d))
				if !ok {
					return nil, false
				}
				a = j
			}
		}
		if f.rev.dependsOn(y) {
			d := f.rev.scaleOrHad(m, op.Call(op.Log, x))
			if sy.IsScalar() {
				b = f.scalarTerm(s, y, d, sm)
			} else {
				j, ok := f.contract(y, s.withMask(d))
				if !ok {
					return nil, false
				}
				b = j
			}
		}
		return plus(a, b), true
	}
	return nil, false
}

// outer is the contraction of d(abᵀ) = da bᵀ + a dbᵀ.
func (f *forward) outer(a, b ast.Expr, s contraction) ast.Expr {
	ja, jb := f.jac(a), f.jac(b)
	bw := b
	if s.w != nil {
		bw = had(b, s.w)
	}
	var t1, t2 ast.Expr
	switch {
	case s.l == nil && s.c == nil: // a(bᵀw)
		if ja != nil {
			t1 = mul(mul(tr(b), s.w), ja)
		}
		if jb != nil {
			t2 = mul(mul(a, tr(s.w)), jb)
		}
	case s.l == nil: // a ∘ (c(b ∘ w))
		if ja != nil {
			t1 = mul(op.Call(op.Diag, mul(s.c, bw)), ja)
		}
		if jb != nil {
			t2 = mul(mul(op.Call(op.Diag, a), s.cw()), jb)
		}
	case s.k == nil: // La ∘ (c(b ∘ w))
		if ja != nil {
			t1 = mul(mul(op.Call(op.Diag, mul(s.c, bw)), s.l), ja)
		}
		if jb != nil {
			t2 = mul(mul(op.Call(op.Diag, mul(s.l, a)), s.cw()), jb)
		}
	default:
		if ja != nil {
			t1 = mul(had(s.l, mul(mul(s.c, op.Call(op.Diag, bw)), tr(s.k))), ja)
		}
		if jb != nil {
			t2 = mul(had(s.cw(), mul(mul(s.l, op.Call(op.Diag, a)), s.k)), jb)
		}
	}
	return plus(t1, t2)
}

func (f *forward) contractCall(m *ast.Call, s contraction, sm ast.Shape) (ast.Expr, bool) {
	switch {
	case m.Fun == op.Diag.Name() && f.shape(m.Args[0]).IsVector(): // dDₖⱼ = [k = j] dvₖ
		j := f.jac(m.Args[0])
		if j == nil {
			return nil, true
		}
		if s.l == nil { // diag(diag(c) ∘ w) dv
			var d ast.Expr = s.w
			if s.c != nil {
				d = op.Call(op.Diag, s.c)
				if s.w != nil {
					d = had(d, s.w)
				}
			}
			return mul(op.Call(op.Diag, d), j), true
		}
		g := had(s.l, s.cw())
		if s.k != nil {
			g = mul(g, op.Call(op.Diag, op.Call(op.Diag, s.k)))
		}
		return mul(g, j), true
	case m.Fun == op.Inv.Name(): // d(N⁻¹) = −N⁻¹ dN N⁻¹
		si, ok := s.sandwich(m, m)
		if !ok {
			return f.noSeparation(m)
		}
		return negated(f.contract(m.Args[0], si))
	case m.IsElementwise() && len(m.Args) == 2: // max, min: each side where it wins
		da, db := f.indicators(m)
		var out ast.Expr
		for _, side := range []struct{ x, d ast.Expr }{{m.Args[0], da}, {m.Args[1], db}} {
			if f.shape(side.x).IsScalar() { // broadcast
				out = plus(out, f.scalarTerm(s, side.x, side.d, sm))
				continue
			}
			j, ok := f.contract(side.x, s.withMask(side.d))
			if !ok {
				return nil, false
			}
			out = plus(out, j)
		}
		return out, true
	case m.IsElementwise() && len(m.Args) == 1 && f.shape(m.Args[0]).IsMatrix():
		d, err := op.Derivative(m)
		if err != nil {
			return nil, false
		}
		if isNum(d, 0) {
			return nil, true
		}
		return f.contract(m.Args[0], s.withMask(d))
	}
	return nil, false
}

// transposeInto writes mᵀ with the transpose moved inside, where m is a
// matrix expression: (abᵀ)ᵀ = baᵀ, (AB)ᵀ = BᵀAᵀ, f(N)ᵀ = f(Nᵀ), …
func (f *forward) transposeInto(m ast.Expr) (ast.Expr, bool) {
	switch m := m.(type) {
	case *ast.Transpose:
		return m.X, true
	case *ast.Unary:
		return neg(tr(m.X)), true
	case *ast.Indicator:
		return ast.Ind(m.Op, f.trNonScalar(m.X), f.trNonScalar(m.Y)), true
	case *ast.Binary:
		switch m.Op {
		case ast.Mul:
			if f.shape(m.X).IsScalar() {
				return mul(m.X, tr(m.Y)), true
			}
			if f.shape(m.Y).IsScalar() {
				return mul(m.Y, tr(m.X)), true
			}
			return mul(tr(m.Y), tr(m.X)), true
		case ast.Add, ast.Sub, ast.Hadamard, ast.Div, ast.ElemDiv, ast.ElemPow:
			return ast.Bin(m.Op, f.trNonScalar(m.X), f.trNonScalar(m.Y)), true
		case ast.Pow:
			return ast.Bin(ast.Pow, tr(m.X), m.Y), true
		}
	case *ast.Call:
		switch {
		case m.Fun == op.Diag.Name():
			return m, true
		case m.Fun == op.Inv.Name():
			return op.Call(op.Inv, tr(m.Args[0])), true
		case m.IsElementwise():
			args := make([]ast.Expr, len(m.Args))
			for i, a := range m.Args {
				args[i] = f.trNonScalar(a)
			}
			return ast.Fn(m.Fun, m.Primes, args...), true
		}
	}
	return nil, false
}

// trNonScalar transposes a non-scalar, and leaves a scalar as it is.
func (f *forward) trNonScalar(e ast.Expr) ast.Expr {
	if f.shape(e).IsScalar() {
		return e
	}
	return tr(e)
}

// scalarPow is the derivative of the scalar power e = x^y from those of
// x and y: y x^(y−1) J(x) + x^y log(x) J(y).
func (f *forward) scalarPow(e *ast.Binary, jx, jy ast.Expr) ast.Expr {
	x, y := e.X, e.Y
	var a, b ast.Expr
	if jx != nil {
		a = mul(mul(y, ast.Bin(ast.Pow, x, sub(y, num(1)))), jx)
	}
	if jy != nil && !isNum(x, 0) { // 0^y is constant
		b = mul(mul(e, op.Call(op.Log, x)), jy)
	}
	return plus(a, b)
}

// hadTerm is the term d ∘ x of an elementwise product, differentiated in x:
// diag(d)·J(x), with the broadcasts of scalars.
func (f *forward) hadTerm(d, x, jx ast.Expr, out ast.Shape) ast.Expr {
	if jx == nil {
		return nil
	}
	sx, sd := f.shape(x), f.shape(d)
	switch {
	case sx.IsScalar() && !out.IsScalar(): // x broadcast: d·J(x) as an outer product
		if sd.IsScalar() {
			return f.broadcastJ(x, out, mul(d, jx))
		}
		return mul(f.asColumn(d), jx)
	case sd.IsScalar() || out.IsScalar():
		return mul(d, jx)
	}
	return mul(op.Call(op.Diag, f.asColumn(d)), jx)
}

func (f *forward) callVector(c *ast.Call, se ast.Shape) ast.Expr {
	if c.IsElementwise() {
		if len(c.Args) == 2 {
			a, b := c.Args[0], c.Args[1]
			da, db := f.indicators(c)
			return plus(f.hadTerm(da, a, f.jac(a), se), f.hadTerm(db, b, f.jac(b), se))
		}
		if a, ok := c.Args[0].(*ast.Call); ok && op.Is(c, op.Log) && a.Primes == 0 {
			// log softmax(z) has the Jacobian I − 𝟙softmax(z)ᵀ, not
			// diag(1 ./ p)(diag(p) − ppᵀ).
			if lj, ok := op.Of(a).(op.LogJacobian); ok && len(a.Args) == 1 {
				if jz := f.jac(a.Args[0]); jz != nil {
					if j := lj.LogJVP(a, f.shape(a.Args[0]), jz, f); j != nil {
						return j
					}
				}
			}
		}
		d, err := op.Derivative(c)
		if err != nil {
			f.err = err
			return nil
		}
		z := c.Args[0]
		return f.diagTimes(f.asColumn(d), z, f.jac(z))
	}
	if p, ok := op.Of(c).(op.Pair); ok {
		s := [2]ast.Shape{f.shape(c.Args[0]), f.shape(c.Args[1])}
		j := [2]ast.Expr{f.jac(c.Args[0]), f.jac(c.Args[1])}
		if j[0] == nil && j[1] == nil {
			return nil
		}
		if jc := p.JVP2(c, s, j); jc != nil {
			return jc
		}
		return f.tensor(c)
	}
	x := c.Args[0]
	sx := f.shape(x)
	if c.Fun == op.Diag.Name() && sx.IsMatrix() {
		// diag of a matrix that depends on the variable: diag(M) = (I ∘ M)𝟙.
		if h, ok := f.masked(x, ast.Eye(sx.Rows), ast.OnesOf(ast.Vector(sx.Cols))); ok {
			return h
		}
		return f.tensor(x)
	}
	if sx.IsMatrix() {
		return f.tensor(x)
	}
	jx := f.jac(x)
	if jx == nil {
		return nil // the argument's derivative is zero (an indicator, say)
	}
	o, ok := op.Of(c).(op.Structural)
	if !ok {
		f.err = fmt.Errorf("no Jacobian rule for %s", c.Fun)
		return nil
	}
	if j := o.JVP(c, sx, jx, f); j != nil {
		return j
	}
	if sx.IsScalar() {
		return nil // a function of a scalar that is constant (softmax)
	}
	return f.tensor(c)
}

func (f *forward) indicators(c *ast.Call) (ast.Expr, ast.Expr) {
	m, ok := op.Of(c).(*op.Extremum)
	if !ok {
		f.err = fmt.Errorf("no derivative rule for %s", c.Fun)
		return nil, nil
	}
	return m.Indicators(c)
}

// tangent is forward mode for a scalar variable: ∂e/∂v in the shape of e.
func (f *forward) tangent(e ast.Expr) ast.Expr {
	se := f.shape(e)
	// lift broadcasts a scalar term of a non-scalar result: j𝟙.
	lift := func(_ ast.Expr, j ast.Expr) ast.Expr {
		if j == nil || se.IsScalar() || !f.shape(j).IsScalar() {
			return j
		}
		return mul(j, ast.OnesOf(se))
	}
	switch e := e.(type) {
	case *ast.Ident:
		if e.Name == f.v && f.dir != nil {
			return f.dir
		}
		if e.Name == f.v {
			return num(1)
		}
		return nil
	case *ast.Unary:
		if j := f.jac(e.X); j != nil {
			return neg(j)
		}
		return nil
	case *ast.Transpose:
		if j := f.jac(e.X); j != nil {
			return tr(j)
		}
		return nil
	case *ast.Binary:
		x, y := e.X, e.Y
		jx, jy := f.jac(x), f.jac(y)
		switch e.Op {
		case ast.Add:
			return plus(lift(x, jx), lift(y, jy))
		case ast.Sub:
			return minus(lift(x, jx), lift(y, jy))
		case ast.Mul:
			var a, b ast.Expr
			if jx != nil {
				a = mul(jx, y)
			}
			if jy != nil {
				b = mul(x, jy)
			}
			return plus(a, b)
		case ast.Hadamard:
			var a, b ast.Expr
			if jx != nil {
				a = had(jx, y)
			}
			if jy != nil {
				b = had(x, jy)
			}
			return plus(a, b)
		case ast.Div, ast.ElemDiv:
			op := e.Op
			var a, b ast.Expr
			if jx != nil {
				a = ast.Bin(op, jx, y)
			}
			if jy != nil {
				if op == ast.Div && f.shape(y).IsScalar() {
					b = div(mul(x, jy), ast.Bin(ast.Pow, y, num(2)))
				} else {
					b = ediv(had(x, jy), ast.Bin(ast.ElemPow, y, num(2)))
				}
			}
			return minus(lift(x, a), b)
		case ast.Pow:
			if !f.shape(x).IsScalar() {
				n, ok := y.(*ast.Number)
				if inv := invertedPower(e); inv != nil && jy == nil {
					return f.tangent(inv) // A^(−k) = (A⁻¹)^k
				}
				if !ok || jy != nil || n.Value != float64(int(n.Value)) || n.Value < 1 || n.Value > 64 {
					f.err = fmt.Errorf("the derivative of %s needs a constant positive integer exponent up to 64", ast.String(e))
					return nil
				}
				k := int(n.Value)
				if jx == nil {
					return nil
				}
				var sum ast.Expr
				for i := 0; i < k; i++ {
					t := jx
					if i > 0 {
						t = mul(matPow(x, i), t)
					}
					if j := k - 1 - i; j > 0 {
						t = mul(t, matPow(x, j))
					}
					sum = plus(sum, t)
				}
				return sum
			}
			return f.scalarPow(e, jx, jy)
		case ast.ElemPow:
			var a, b ast.Expr
			if jx != nil {
				a = had(f.rev.scaleOrHad(y, ast.Bin(ast.ElemPow, x, sub(y, num(1)))), jx)
			}
			if jy != nil && !isNum(x, 0) { // 0^y is constant
				b = had(had(e, op.Call(op.Log, x)), jy)
			}
			return plus(lift(x, a), lift(y, b))
		}
	case *ast.Call:
		return f.callTangent(e, se, lift)
	case *ast.Number, *ast.Identity, *ast.Ones, *ast.Indicator:
		return nil
	}
	f.err = fmt.Errorf("no derivative rule for %s", ast.String(e))
	return nil
}

func (f *forward) callTangent(c *ast.Call, se ast.Shape, lift func(ast.Expr, ast.Expr) ast.Expr) ast.Expr {
	if c.IsElementwise() {
		if len(c.Args) == 2 {
			a, b := c.Args[0], c.Args[1]
			da, db := f.indicators(c)
			var ta, tb ast.Expr
			if j := f.jac(a); j != nil {
				ta = lift(a, had(da, j))
			}
			if j := f.jac(b); j != nil {
				tb = lift(b, had(db, j))
			}
			return plus(ta, tb)
		}
		d, err := op.Derivative(c)
		if err != nil {
			f.err = err
			return nil
		}
		j := f.jac(c.Args[0])
		if j == nil {
			return nil
		}
		if f.shape(c.Args[0]).IsScalar() {
			return mul(d, j)
		}
		return had(d, j)
	}
	if _, ok := op.Of(c).(op.Pair); ok {
		// The product rule: d(x ⊗ y) = dx ⊗ y + x ⊗ dy.
		var out ast.Expr
		if j := f.jac(c.Args[0]); j != nil {
			out = op.Call(op.Lookup(c.Fun), j, c.Args[1])
		}
		if j := f.jac(c.Args[1]); j != nil {
			out = plus(out, op.Call(op.Lookup(c.Fun), c.Args[0], j))
		}
		return out
	}
	x := c.Args[0]
	sx := f.shape(x)
	j := f.jac(x)
	if j == nil {
		return nil
	}
	if o, ok := op.Of(c).(op.Structural); ok {
		return o.Differential(c, sx, j)
	}
	f.err = fmt.Errorf("no derivative rule for %s", c.Fun)
	return nil
}
