package derive

import (
	"fmt"

	"github.com/matcalc/matcalc/ast"
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
}

func newForward(env map[string]ast.Shape, v string) *forward {
	f := &forward{rev: newReverse(env, []string{v}), v: v, sv: env[v], memo: map[ast.Expr]ast.Expr{}, mdeps: map[ast.Expr]bool{}}
	f.vector = !f.sv.IsScalar()
	return f
}

// jacobian returns ∂e/∂v (see forward), or an error.
func jacobian(e ast.Expr, env map[string]ast.Shape, v string) (ast.Expr, error) {
	f := newForward(env, v)
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
		f.err = fmt.Errorf("∂(%s)/∂%s is a third-order tensor: %s (%v) is a matrix that depends on the vector %s (not supported yet)",
			ast.String(e), f.v, ast.String(e), f.shape(e), f.v)
	}
	return nil
}

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
	return mul(call("diag", d), j)
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
			if jy != nil {
				b = f.hadTerm(had(e, call("log", x)), y, jy, se)
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
// and the vector w held constant. It follows the matrix down:
// (c ∘ abᵀ)w = a ∘ (c(b ∘ w)) for an outer product, (c ∘ αA)w = α(c ∘ A)w,
// sums term by term, (c ∘ f(N))w = (c ∘ f′(N) ∘ N)w to first order, Hadamard
// products by the product rule, diag(v)w = v ∘ w, products, powers and
// inverses (without a mask, or with an outer-product mask, which comes off)
// by the chain rule. It reports false where none applies.
func (f *forward) masked(m, c, w ast.Expr) (ast.Expr, bool) {
	if !f.rev.dependsOn(m) {
		return nil, true
	}
	// An outer-product mask comes off: (pqᵀ ∘ M)w = p ∘ (M(q ∘ w)).
	if o, ok := c.(*ast.Binary); ok && o.Op == ast.Mul && f.shape(o.X).IsVector() && f.shape(o.Y).IsRow() {
		j, ok := f.masked(m, nil, had(f.asColumn(o.Y), w))
		if j == nil {
			return nil, ok
		}
		return mul(call("diag", o.X), j), ok
	}
	sm := f.shape(m)
	mask := func(x ast.Expr) ast.Expr { // c ∘ x
		if c == nil {
			return x
		}
		return had(c, x)
	}
	applied := func(x ast.Expr) ast.Expr { // (c ∘ x)w
		return mul(mask(x), w)
	}
	both := func(a ast.Expr, ok1 bool, b ast.Expr, ok2 bool) (ast.Expr, bool) {
		return plus(a, b), ok1 && ok2
	}
	switch m := m.(type) {
	case *ast.Unary:
		j, ok := f.masked(m.X, c, w)
		if j == nil {
			return nil, ok
		}
		return neg(j), ok
	case *ast.Transpose:
		if t, ok := f.transposeInto(m.X); ok {
			return f.masked(t, c, w)
		}
	case *ast.Binary:
		sx, sy := f.shape(m.X), f.shape(m.Y)
		switch m.Op {
		case ast.Mul:
			switch {
			case sx.IsScalar() || sy.IsScalar(): // αA
				s, a := m.X, m.Y
				if sy.IsScalar() {
					s, a = m.Y, m.X
				}
				ja, ok := f.masked(a, c, w)
				var js ast.Expr
				if j := f.jac(s); j != nil {
					js = mul(applied(a), j)
				}
				return both(js, true, times(s, ja), ok)
			case sx.IsVector() && sy.IsRow(): // abᵀ
				a, b := m.X, f.asColumn(m.Y)
				ja, jb := f.jac(a), f.jac(b)
				if c == nil { // a(bᵀw)
					var t1, t2 ast.Expr
					if ja != nil {
						t1 = mul(mul(tr(b), w), ja)
					}
					if jb != nil {
						t2 = mul(mul(a, tr(w)), jb)
					}
					return plus(t1, t2), true
				}
				// a ∘ (c(b ∘ w))
				var t1, t2 ast.Expr
				if ja != nil {
					t1 = mul(call("diag", mul(c, had(b, w))), ja)
				}
				if jb != nil {
					t2 = mul(mul(mul(call("diag", a), c), call("diag", w)), jb)
				}
				return plus(t1, t2), true
			case c == nil: // AB: dA(Bw) + A dB w
				ja, ok1 := f.masked(m.X, nil, mul(m.Y, w))
				jb, ok2 := f.masked(m.Y, nil, w)
				return both(ja, ok1, times(m.X, jb), ok2)
			}
		case ast.Add, ast.Sub:
			var a, b ast.Expr
			var ok1, ok2 bool
			for i, side := range []ast.Expr{m.X, m.Y} {
				var j ast.Expr
				ok := true
				if f.shape(side).IsScalar() { // α𝟙𝟙ᵀ: (c ∘ α𝟙𝟙ᵀ)w = α c w
					if js := f.jac(side); js != nil {
						cw := ast.Expr(mul(ast.OnesOf(ast.Vector(sm.Rows)), call("sum", w)))
						if c != nil {
							cw = mul(c, w)
						}
						j = mul(cw, js)
					}
				} else {
					j, ok = f.masked(side, c, w)
				}
				if i == 0 {
					a, ok1 = j, ok
				} else {
					b, ok2 = j, ok
				}
			}
			if m.Op == ast.Sub {
				return minus(a, b), ok1 && ok2
			}
			return both(a, ok1, b, ok2)
		case ast.Hadamard:
			if sx.IsScalar() || sy.IsScalar() {
				return f.masked(ast.Bin(ast.Mul, m.X, m.Y), c, w)
			}
			ja, ok1 := f.masked(m.X, mask(m.Y), w)
			jb, ok2 := f.masked(m.Y, mask(m.X), w)
			return both(ja, ok1, jb, ok2)
		case ast.Pow: // d(Aᵏ)w = Σᵢ Aⁱ dA Aᵏ⁻¹⁻ⁱw, without a mask
			n, isNum := m.Y.(*ast.Number)
			if c != nil || !isNum || n.Value != float64(int(n.Value)) || n.Value < 1 || n.Value > 64 {
				break
			}
			k := int(n.Value)
			var sum ast.Expr
			for i := 0; i < k; i++ {
				v := w
				if j := k - 1 - i; j > 0 {
					v = mul(matPow(m.X, j), w)
				}
				t, ok := f.masked(m.X, nil, v)
				if !ok {
					return nil, false
				}
				if t != nil && i > 0 {
					t = mul(matPow(m.X, i), t)
				}
				sum = plus(sum, t)
			}
			return sum, true
		case ast.Div:
			if !sy.IsScalar() {
				break
			}
			ja, ok := f.masked(m.X, c, w)
			var js ast.Expr
			if j := f.jac(m.Y); j != nil {
				js = mul(div(applied(m.X), ast.Bin(ast.Pow, m.Y, num(2))), j)
			}
			var t ast.Expr
			if ja != nil {
				t = div(ja, m.Y)
			}
			return minus(t, js), ok
		}
	case *ast.Call:
		switch {
		case m.Fun == "diag" && f.shape(m.Args[0]).IsVector(): // diag(v)w = v ∘ w
			j := f.jac(m.Args[0])
			if j == nil {
				return nil, true
			}
			d := w
			if c != nil {
				d = had(call("diag", c), w)
			}
			return mul(call("diag", d), j), true
		case m.Fun == "inv" && c == nil: // d(N⁻¹)w = −N⁻¹ dN N⁻¹w
			j, ok := f.masked(m.Args[0], nil, mul(m, w))
			if j == nil {
				return nil, ok
			}
			return neg(mul(m, j)), ok
		case m.Fun == "inv":
			// N = A + diag(v): (c ∘ −N⁻¹diag(dv)N⁻¹)w = −(N⁻¹ ∘ c diag(w)N⁻ᵀ)dv.
			v, ok := f.diagPart(m.Args[0])
			if !ok {
				return nil, false
			}
			j := f.jac(v)
			if j == nil {
				return nil, true
			}
			return neg(mul(had(m, mul(mul(c, call("diag", w)), tr(m))), j)), true
		case m.IsElementwise() && len(m.Args) == 2: // max, min: each side where it wins
			da, db := f.indicators(m)
			var sum ast.Expr
			for _, side := range []struct{ x, d ast.Expr }{{m.Args[0], da}, {m.Args[1], db}} {
				if f.shape(side.x).IsScalar() { // broadcast: (c ∘ [·])w · J(α)
					if j := f.jac(side.x); j != nil {
						sum = plus(sum, mul(applied(side.d), j))
					}
					continue
				}
				j, ok := f.masked(side.x, mask(side.d), w)
				if !ok {
					return nil, false
				}
				sum = plus(sum, j)
			}
			return sum, true
		case m.IsElementwise() && len(m.Args) == 1 && f.shape(m.Args[0]).IsMatrix():
			d, err := elementDeriv(m)
			if err != nil {
				return nil, false
			}
			return f.masked(m.Args[0], mask(d), w)
		}
	}
	return nil, false
}

// diagPart returns v where n is a constant matrix plus or minus diag(v)
// (or its transpose), so that dn = ±diag(dv).
func (f *forward) diagPart(n ast.Expr) (ast.Expr, bool) {
	switch n := n.(type) {
	case *ast.Call:
		if n.Fun == "diag" && f.shape(n.Args[0]).IsVector() {
			return n.Args[0], true
		}
	case *ast.Transpose:
		return f.diagPart(n.X)
	case *ast.Unary:
		v, ok := f.diagPart(n.X)
		return neg(v), ok
	case *ast.Binary:
		if n.Op != ast.Add && n.Op != ast.Sub {
			break
		}
		switch {
		case !f.rev.dependsOn(n.X):
			v, ok := f.diagPart(n.Y)
			if n.Op == ast.Sub {
				return neg(v), ok
			}
			return v, ok
		case !f.rev.dependsOn(n.Y):
			return f.diagPart(n.X)
		}
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
		case ast.Add, ast.Sub, ast.Hadamard:
			return ast.Bin(m.Op, tr(m.X), tr(m.Y)), true
		case ast.Div:
			return div(tr(m.X), m.Y), true
		}
	case *ast.Call:
		switch {
		case m.Fun == "diag":
			return m, true
		case m.Fun == "inv":
			return call("inv", tr(m.Args[0])), true
		case m.IsElementwise() && len(m.Args) == 1:
			return ast.Fn(m.Fun, m.Primes, tr(m.Args[0])), true
		}
	}
	return nil, false
}

// scalarPow is the derivative of the scalar power e = x^y from those of
// x and y: y x^(y−1) J(x) + x^y log(x) J(y).
func (f *forward) scalarPow(e *ast.Binary, jx, jy ast.Expr) ast.Expr {
	x, y := e.X, e.Y
	var a, b ast.Expr
	if jx != nil {
		a = mul(mul(y, ast.Bin(ast.Pow, x, sub(y, num(1)))), jx)
	}
	if jy != nil {
		b = mul(mul(e, call("log", x)), jy)
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
	return mul(call("diag", f.asColumn(d)), jx)
}

func (f *forward) callVector(c *ast.Call, se ast.Shape) ast.Expr {
	if c.IsElementwise() {
		if len(c.Args) == 2 {
			a, b := c.Args[0], c.Args[1]
			da, db := f.indicators(c)
			return plus(f.hadTerm(da, a, f.jac(a), se), f.hadTerm(db, b, f.jac(b), se))
		}
		d, err := elementDeriv(c)
		if err != nil {
			f.err = err
			return nil
		}
		z := c.Args[0]
		return f.diagTimes(f.asColumn(d), z, f.jac(z))
	}
	x := c.Args[0]
	sx := f.shape(x)
	if c.Fun == "diag" && sx.IsMatrix() {
		// diag of a matrix that depends on the variable: diag(M) = (I ∘ M)𝟙.
		if h, ok := f.masked(x, ast.Eye(sx.Rows), ast.OnesOf(ast.Vector(sx.Cols))); ok {
			return h
		}
		return f.tensor(c)
	}
	if sx.IsMatrix() {
		return f.tensor(x)
	}
	jx := f.jac(x)
	if jx == nil {
		return nil // the argument's derivative is zero (an indicator, say)
	}
	switch c.Fun {
	case "sum", "tr":
		if sx.IsScalar() {
			return jx
		}
		return mul(tr(ast.OnesOf(ast.Vector(colDim(sx)))), jx)
	case "det", "inv", "diag":
		if sx.IsScalar() {
			if c.Fun == "inv" {
				return neg(div(jx, ast.Bin(ast.Pow, x, num(2))))
			}
			return jx
		}
		return f.tensor(c)
	case "logdet":
		return div(jx, x) // scalar argument
	case "softmax":
		if sx.IsScalar() {
			return nil
		}
		p := c
		return mul(sub(call("diag", p), mul(p, tr(p))), jx)
	case "logsumexp":
		if sx.IsScalar() {
			return jx
		}
		return mul(tr(call("softmax", f.asColumn(x))), jx)
	case "norm":
		if sx.IsScalar() {
			return mul(call("sign", x), jx)
		}
		return mul(div(tr(f.asColumn(x)), c), jx)
	case "norm1":
		if sx.IsScalar() {
			return mul(call("sign", x), jx)
		}
		return mul(tr(call("sign", f.asColumn(x))), jx)
	}
	f.err = fmt.Errorf("no Jacobian rule for %s", c.Fun)
	return nil
}

func (f *forward) indicators(c *ast.Call) (ast.Expr, ast.Expr) {
	a, b := c.Args[0], c.Args[1]
	if c.Fun == "max" {
		return ast.Ind(ast.GE, a, b), ast.Ind(ast.GT, b, a)
	}
	return ast.Ind(ast.GE, b, a), ast.Ind(ast.GT, a, b)
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
			if jy != nil {
				b = had(had(e, call("log", x)), jy)
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
		d, err := elementDeriv(c)
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
	x := c.Args[0]
	sx := f.shape(x)
	j := f.jac(x)
	if j == nil {
		return nil
	}
	switch c.Fun {
	case "sum":
		return call("sum", j)
	case "tr":
		return call("tr", j)
	case "det":
		if sx.IsScalar() {
			return j
		}
		return mul(c, call("tr", mul(call("inv", x), j)))
	case "logdet":
		if sx.IsScalar() {
			return div(j, x)
		}
		return call("tr", mul(call("inv", x), j))
	case "inv":
		if sx.IsScalar() {
			return neg(div(j, ast.Bin(ast.Pow, x, num(2))))
		}
		return neg(mul(mul(c, j), c))
	case "diag":
		return call("diag", j)
	case "softmax":
		if sx.IsScalar() {
			return nil
		}
		return sub(had(c, j), mul(c, mul(tr(c), j)))
	case "logsumexp":
		if sx.IsScalar() {
			return j
		}
		return call("sum", had(call("softmax", x), j))
	case "norm":
		if sx.IsScalar() {
			return mul(call("sign", x), j)
		}
		return div(call("sum", had(x, j)), c)
	case "norm1":
		return call("sum", had(call("sign", x), j))
	}
	f.err = fmt.Errorf("no derivative rule for %s", c.Fun)
	return nil
}
