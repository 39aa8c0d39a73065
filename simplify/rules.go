package simplify

import (
	"cmp"
	"math"
	"strings"

	"github.com/matcalc/matcalc/ast"
)

// Rules are the rewrites Simplify applies, first match first, at every node
// after its children are simplified.
var rules = []*Rule{
	// Constants.
	{Name: "fold", Func: fold},
	{Name: "zero", Func: zero},
	{Name: "one-times", From: "1a", To: "a"},
	{Name: "minus-one-times", From: "(-1)a", To: "-a"},
	{Name: "reciprocal-times", From: "(1/a)a", To: "1", When: "a: scalar"},
	{Name: "times-reciprocal", From: "a(1/a)", To: "1", When: "a: scalar"},
	{Name: "reciprocal-times-assoc", From: "(1/a)(ab)", To: "b", When: "a: scalar"},
	{Name: "self-div", From: "a/a", To: "1", When: "a: scalar"},
	{Name: "square", From: "aa", To: "a^2", When: "a: scalar; a: notnumber"},
	{Name: "square-scaled", From: "(ca)a", To: "c a^2", When: "a: scalar; a: notnumber; c: number"},
	{Name: "times-one", From: "a*1", To: "a"},
	{Name: "one-hadamard", From: "1 ∘ a", To: "a"},
	{Name: "hadamard-one", From: "a ∘ 1", To: "a"},
	{Name: "div-one", From: "a/1", To: "a"},
	{Name: "ediv-one", From: "a ./ 1", To: "a"},
	{Name: "pow-one", From: "a^1", To: "a"},
	{Name: "epow-one", From: "a.^1", To: "a"},

	// Identity and ones.
	{Name: "identity-left", Func: identityTimes},
	{Name: "hadamard-ones", From: "a ∘ 𝟙", To: "a", When: "a: nonscalar"},
	{Name: "ones-hadamard", From: "𝟙 ∘ a", To: "a", When: "a: nonscalar"},
	{Name: "ones-inner", From: "𝟙ᵀa", To: "sum(a)", When: "a: vector"},
	{Name: "inner-ones", From: "aᵀ𝟙", To: "sum(a)", When: "a: vector"},
	{Name: "identity-T", Func: identityT},
	{Name: "diag-ones", Func: diagOnes},
	{Name: "diag-identity", Func: diagIdentity},
	{Name: "logistic", Func: logistic},
	{Name: "ones-matrix-times", Func: onesMatrixTimes},

	// Negation.
	{Name: "neg-neg", From: "-(-a)", To: "a"},
	{Name: "plus-neg", From: "a + (-b)", To: "a - b"},
	{Name: "minus-neg", From: "a - (-b)", To: "a + b"},
	{Name: "neg-plus", From: "(-a) + b", To: "b - a"},
	{Name: "neg-number-times", From: "-(ca)", To: "(-c)a", When: "c: number"},
	{Name: "times-neg", From: "a(-b)", To: "-(ab)"},
	{Name: "sum-neg", From: "sum(-a)", To: "-sum(a)"},
	{Name: "tr-neg", From: "tr(-a)", To: "-tr(a)"},
	{Name: "neg-minus", From: "-(a - b)", To: "b - a"},

	// Transposes: scalars are their own transpose; push transposes inward.
	{Name: "T-T", From: "aᵀᵀ", To: "a"},
	{Name: "T-symmetric", Func: symmetricT},
	{Name: "T-scalar", From: "aᵀ", To: "a", When: "a: scalar"},
	{Name: "T-diag", From: "diag(a)ᵀ", To: "diag(a)", When: "a: vector"},
	{Name: "T-neg", From: "(-a)ᵀ", To: "-aᵀ"},
	{Name: "T-sum", From: "(a + b)ᵀ", To: "aᵀ + bᵀ"},
	{Name: "T-diff", From: "(a - b)ᵀ", To: "aᵀ - bᵀ"},
	{Name: "T-scale", From: "(ab)ᵀ", To: "a bᵀ", When: "a: scalar"},
	{Name: "T-product", From: "(ab)ᵀ", To: "bᵀaᵀ"},
	{Name: "inv-T", From: "inv(aᵀ)", To: "inv(a)ᵀ"},
	{Name: "inv-inv", From: "inv(inv(a))", To: "a"},
	{Name: "inv-cancel", Func: inverseCancel},
	{Name: "square-matrix", From: "aa", To: "a^2", When: "a: square; a: notnumber; a: nonscalar"},
	{Name: "square-matrix-scaled", From: "(ca)a", To: "c a^2", When: "c: scalar; a: square; a: nonscalar"},

	// Diagonal matrices become Hadamard products.
	{Name: "diag-scalar", From: "diag(a)", To: "a", When: "a: scalar"},
	{Name: "row-diag", From: "uᵀdiag(v)", To: "(u ∘ v)ᵀ", When: "u,v: vector"},
	{Name: "rowexpr-diag", From: "a diag(v)", To: "(aᵀ ∘ v)ᵀ", When: "a: row; v: vector"},
	{Name: "diag-vector", From: "diag(v)u", To: "u ∘ v", When: "u,v: vector"},
	{Name: "diag-diag", From: "diag(a)diag(b)", To: "diag(a ∘ b)", When: "a,b: vector"},
	{Name: "diag-plus-diag", From: "diag(a) + diag(b)", To: "diag(a + b)", When: "a,b: vector"},
	{Name: "diag-minus-diag", From: "diag(a) - diag(b)", To: "diag(a - b)", When: "a,b: vector"},

	// Elementwise operations with a scalar are scalar operations.
	{Name: "hadamard-scalar", From: "a ∘ b", To: "ab", When: "a: scalar"},
	{Name: "scalar-hadamard", From: "a ∘ b", To: "ba", When: "b: scalar"},
	{Name: "ediv-scalar", From: "a ./ b", To: "a/b", When: "b: scalar"},
	{Name: "hadamard-reciprocal", From: "a ∘ (1 ./ b)", To: "a ./ b"},
	{Name: "reciprocal-hadamard", From: "(1 ./ b) ∘ a", To: "a ./ b"},
	{Name: "sum-scalar", From: "sum(a)", To: "a", When: "a: scalar"},
	{Name: "tr-scalar", From: "tr(a)", To: "a", When: "a: scalar"},
	{Name: "sum-identity-mask", From: "sum(a ∘ I)", To: "tr(a)", When: "a: square"},
	{Name: "sum-mask-identity", From: "sum(I ∘ a)", To: "tr(a)", When: "a: square"},
	{Name: "tr-outer", From: "tr(abᵀ)", To: "bᵀa", When: "a,b: vector"},

	// Numbers to the front of products.
	{Name: "number-front", From: "ac", To: "ca", When: "c: number; a: notnumber"},
	{Name: "scalar-front", From: "ab", To: "ba", When: "a: nonscalar; b: scalar"},
	{Name: "number-out", From: "a(cb)", To: "(ca)b", When: "c: number"},
	{Name: "number-out-hadamard", From: "a ∘ (cb)", To: "c(a ∘ b)", When: "c: number; b: nonscalar"},
	{Name: "number-out-hadamard-left", From: "(ca) ∘ b", To: "c(a ∘ b)", When: "c: number; a: nonscalar"},

	// Scalar factors of a product gathered: c s² AB/(d t), signs on the
	// first factor (gather.go).
	{Name: "gather", Func: gather},

	// Hadamard products with 1 − c distribute, so that terms can cancel.
	{Name: "hadamard-number-minus", From: "a ∘ (c - b)", To: "c a - a ∘ b", When: "c: number; a,b: nonscalar"},
	{Name: "number-minus-hadamard", From: "(c - b) ∘ a", To: "c a - b ∘ a", When: "c: number; a,b: nonscalar"},
	{Name: "hadamard-minus-number", From: "a ∘ (b - c)", To: "a ∘ b - c a", When: "c: number; a,b: nonscalar"},
	{Name: "minus-number-hadamard", From: "(b - c) ∘ a", To: "b ∘ a - c a", When: "c: number; a,b: nonscalar"},
	{Name: "hadamard-plus-number", From: "a ∘ (b + c)", To: "a ∘ b + c a", When: "c: number; a,b: nonscalar"},
	{Name: "plus-number-hadamard", From: "(b + c) ∘ a", To: "b ∘ a + c a", When: "c: number; a,b: nonscalar"},

	// Like terms.
	{Name: "inner-order", Func: innerOrder},
	{Name: "collect", Func: collect},
	{Name: "outer-times-vector", From: "abᵀc", To: "a(bᵀc)", When: "a,b,c: vector"},
	{Name: "diag-sandwich", From: "a(diag(v)c)", To: "a diag(v)c", When: "v: vector; a,c: matrix"},
	{Name: "outer-assoc", From: "a(bC)", To: "a b C", When: "a: vector; b: row; C: matrix"},
	{Name: "matrix-assoc", From: "a(bc)", To: "a b c", When: "a,b,c: matrix"},
	{Name: "matrix-times-outer", From: "A(bcᵀ)", To: "(Ab)cᵀ", When: "A: matrix; b,c: vector"},
}

// IsZero reports whether e is a zero: the number 0, or 0𝟙, the zero of a
// vector or matrix shape.
func IsZero(e ast.Expr) bool {
	if v, ok := num(e); ok {
		return v == 0
	}
	if b, ok := e.(*ast.Binary); ok && b.Op == ast.Mul {
		_, ones := b.Y.(*ast.Ones)
		v, ok := num(b.X)
		return ok && v == 0 && ones
	}
	return false
}

// zeroOf returns the zero of shape s: 0 for a scalar, 0𝟙 otherwise, so that
// a zero keeps its shape where it meets a broadcast scalar.
func zeroOf(s ast.Shape) ast.Expr {
	if s.IsScalar() {
		return ast.Num(0)
	}
	return ast.Bin(ast.Mul, ast.Num(0), ast.OnesOf(s))
}

// zero removes zeros: a product with a zero factor is zero, a zero term of a
// sum vanishes, and the transpose, negation, sum, trace or diagonal of zero
// is zero. Zeros keep their shapes (zeroOf).
func zero(s *Simplifier, e ast.Expr) (ast.Expr, bool) {
	se := s.Shape(e)
	if IsZero(e) {
		if b, ok := e.(*ast.Binary); ok && se.IsScalar() && b.Op == ast.Mul {
			return ast.Num(0), true
		}
		return nil, false
	}
	switch e := e.(type) {
	case *ast.Unary:
		if IsZero(e.X) {
			return zeroOf(se), true
		}
	case *ast.Transpose:
		if IsZero(e.X) {
			return zeroOf(se), true
		}
	case *ast.Call:
		if len(e.Args) == 1 && IsZero(e.Args[0]) && (e.Fun == "sum" || e.Fun == "tr" || e.Fun == "diag") {
			return zeroOf(se), true
		}
	case *ast.Binary:
		zx, zy := IsZero(e.X), IsZero(e.Y)
		switch e.Op {
		case ast.Mul, ast.Hadamard:
			if zx || zy {
				return zeroOf(se), true
			}
		case ast.Div, ast.ElemDiv:
			if zx {
				return zeroOf(se), true
			}
		case ast.Add:
			if zy && sameShape(s.Shape(e.X), se) {
				return e.X, true
			}
			if zx && sameShape(s.Shape(e.Y), se) {
				return e.Y, true
			}
		case ast.Sub:
			if zy && sameShape(s.Shape(e.X), se) {
				return e.X, true
			}
			if zx && sameShape(s.Shape(e.Y), se) {
				return ast.Negate(e.Y), true
			}
		}
	}
	return nil, false
}

// num returns the value of a numeric literal: a Number, or the negation
// of one (−2 parses as the negation of 2).
func num(e ast.Expr) (float64, bool) {
	switch n := e.(type) {
	case *ast.Number:
		return n.Value, true
	case *ast.Unary:
		if x, ok := n.X.(*ast.Number); ok && n.Op == ast.Neg {
			return -x.Value, true
		}
	}
	return 0, false
}

// fold computes operations on numbers.
func fold(s *Simplifier, e ast.Expr) (ast.Expr, bool) {
	switch e := e.(type) {
	case *ast.Unary:
		if v, ok := num(e.X); ok && v == 0 {
			return ast.Num(0), true
		}
	case *ast.Binary:
		x, okx := num(e.X)
		y, oky := num(e.Y)
		if !okx || !oky {
			return nil, false
		}
		var v float64
		switch e.Op {
		case ast.Add:
			v = x + y
		case ast.Sub:
			v = x - y
		case ast.Mul, ast.Hadamard:
			v = x * y
		case ast.Div, ast.ElemDiv:
			if y == 0 {
				return nil, false
			}
			v = x / y
		case ast.Pow, ast.ElemPow:
			v = math.Pow(x, y)
		default:
			return nil, false
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, false
		}
		return ast.Num(v), true
	}
	return nil, false
}

// identityTimes removes identity factors of products: I a = a, a I = a.
func identityTimes(s *Simplifier, e ast.Expr) (ast.Expr, bool) {
	b, ok := e.(*ast.Binary)
	if !ok || b.Op != ast.Mul {
		return nil, false
	}
	if _, ok := b.X.(*ast.Identity); ok && !s.Shape(b.Y).IsScalar() {
		return b.Y, true
	}
	if _, ok := b.Y.(*ast.Identity); ok && !s.Shape(b.X).IsScalar() {
		return b.X, true
	}
	return nil, false
}

// inverseCancel cancels a matrix next to its inverse in a product:
// A⁻¹A = AA⁻¹ = I and A⁻ᵀAᵀ = AᵀA⁻ᵀ = I, also inside a longer chain
// (X⁻ᵀXᵀX⁻ᵀ = X⁻ᵀ).
func inverseCancel(s *Simplifier, e ast.Expr) (ast.Expr, bool) {
	b, ok := e.(*ast.Binary)
	if !ok || b.Op != ast.Mul {
		return nil, false
	}
	// The last factor of the left chain and the first of the right one.
	last := b.X
	var rest ast.Expr // left without its last factor
	if l, ok := b.X.(*ast.Binary); ok && l.Op == ast.Mul {
		rest, last = l.X, l.Y
	}
	first, tail := b.Y, ast.Expr(nil)
	if r, ok := b.Y.(*ast.Binary); ok && r.Op == ast.Mul {
		first, tail = r.X, r.Y
	}
	if !inverses(last, first) {
		return nil, false
	}
	switch {
	case rest == nil && tail == nil:
		return ast.Eye(s.Shape(first).Cols), true
	case rest == nil:
		return tail, true
	case tail == nil:
		return rest, true
	}
	return ast.Bin(ast.Mul, rest, tail), true
}

// inverses reports whether x and y multiply to the identity: A⁻¹ and A,
// or their transposes, in either order.
func inverses(x, y ast.Expr) bool {
	inv := func(e ast.Expr) (ast.Expr, bool) {
		if c, ok := e.(*ast.Call); ok && c.Fun == "inv" && c.Primes == 0 && len(c.Args) == 1 {
			return c.Args[0], true
		}
		return nil, false
	}
	if a, ok := inv(x); ok && ast.Equal(a, y) {
		return true
	}
	if a, ok := inv(y); ok && ast.Equal(a, x) {
		return true
	}
	tx, okx := x.(*ast.Transpose)
	ty, oky := y.(*ast.Transpose)
	return okx && oky && inverses(tx.X, ty.X)
}

// diagOnes writes diag(𝟙) as I.
func diagOnes(s *Simplifier, e ast.Expr) (ast.Expr, bool) {
	if c, ok := e.(*ast.Call); ok && c.Fun == "diag" && c.Primes == 0 {
		if o, ok := c.Args[0].(*ast.Ones); ok && s.Shape(o).IsVector() {
			return ast.Eye(s.Shape(o).Rows), true
		}
	}
	return nil, false
}

// symmetricT writes Sᵀ as S and inv(S)ᵀ as inv(S) for a variable S
// declared symmetric (Simplifier.Symmetric).
func symmetricT(s *Simplifier, e ast.Expr) (ast.Expr, bool) {
	t, ok := e.(*ast.Transpose)
	if !ok || len(s.symmetric) == 0 {
		return nil, false
	}
	x := t.X
	if c, ok := x.(*ast.Call); ok && c.Fun == "inv" && c.Primes == 0 {
		x = c.Args[0]
	}
	if id, ok := x.(*ast.Ident); ok && s.symmetric[id.Name] {
		return t.X, true
	}
	return nil, false
}

// onesMatrixTimes writes 𝟙a, for a matrix of ones (n×m) and a vector a,
// as sum(a)𝟙 with 𝟙 the n-vector: every row of the product is sum(a).
func onesMatrixTimes(s *Simplifier, e ast.Expr) (ast.Expr, bool) {
	b, ok := e.(*ast.Binary)
	if !ok || b.Op != ast.Mul {
		return nil, false
	}
	x := b.X
	if t, ok := x.(*ast.Transpose); ok {
		x = t.X
	}
	if _, ok := x.(*ast.Ones); !ok {
		return nil, false
	}
	so := s.Shape(b.X)
	if !so.IsMatrix() || !s.Shape(b.Y).IsVector() {
		return nil, false
	}
	return ast.Bin(ast.Mul, ast.Fn("sum", 0, b.Y), ast.OnesOf(ast.Vector(so.Rows))), true
}

// logistic writes exp(z)/(1 + exp(z)) (and ./) as σ(z): the derivative of
// log(1 + exp(z)), which overflows as written for large z.
func logistic(s *Simplifier, e ast.Expr) (ast.Expr, bool) {
	b, ok := e.(*ast.Binary)
	if !ok || b.Op != ast.Div && b.Op != ast.ElemDiv {
		return nil, false
	}
	num, ok := b.X.(*ast.Call)
	if !ok || num.Fun != "exp" || num.Primes != 0 {
		return nil, false
	}
	den, ok := b.Y.(*ast.Binary)
	if !ok || den.Op != ast.Add {
		return nil, false
	}
	one, ok := den.X.(*ast.Number)
	if !ok || one.Value != 1 || !ast.Equal(den.Y, num) {
		return nil, false
	}
	return ast.Fn("σ", 0, num.Args[0]), true
}

// diagIdentity is diag(I) = 𝟙: the diagonal of the identity.
func diagIdentity(s *Simplifier, e ast.Expr) (ast.Expr, bool) {
	if c, ok := e.(*ast.Call); ok && c.Fun == "diag" && c.Primes == 0 {
		if i, ok := c.Args[0].(*ast.Identity); ok {
			return ast.OnesOf(ast.Vector(s.Shape(i).Rows)), true
		}
	}
	return nil, false
}

func identityT(s *Simplifier, e ast.Expr) (ast.Expr, bool) {
	if t, ok := e.(*ast.Transpose); ok {
		if i, ok := t.X.(*ast.Identity); ok {
			return i, true
		}
	}
	return nil, false
}

// innerOrder writes the inner product of two vectors with the operands in
// a fixed order (bᵀa for aᵀb when b prints first), so that wᵀr and rᵀw are
// recognised as like terms.
func innerOrder(s *Simplifier, e ast.Expr) (ast.Expr, bool) {
	b, ok := e.(*ast.Binary)
	if !ok || b.Op != ast.Mul {
		return nil, false
	}
	t, ok := b.X.(*ast.Transpose)
	if !ok || !s.Shape(t.X).IsVector() || !s.Shape(b.Y).IsVector() {
		return nil, false
	}
	if s.order(b.Y, t.X) < 0 {
		return ast.Bin(ast.Mul, ast.T(b.Y), t.X), true
	}
	return nil, false
}

// orderWith is a total order on trees, cheap where they differ near the
// root; it compares their children with sub.
func orderWith(a, b ast.Expr, sub func(a, b ast.Expr) int) int {
	if a == b {
		return 0
	}
	ra, rb := rank(a), rank(b)
	if ra != rb {
		return ra - rb
	}
	switch a := a.(type) {
	case *ast.Ident:
		return strings.Compare(a.Name, b.(*ast.Ident).Name)
	case *ast.Number:
		return cmp.Compare(a.Value, b.(*ast.Number).Value)
	case *ast.Binary:
		if d := int(a.Op) - int(b.(*ast.Binary).Op); d != 0 {
			return d
		}
	case *ast.Call:
		bc := b.(*ast.Call)
		if d := strings.Compare(a.Fun, bc.Fun); d != 0 {
			return d
		}
		if d := a.Primes - bc.Primes; d != 0 {
			return d
		}
	case *ast.Indicator:
		if d := int(a.Op) - int(b.(*ast.Indicator).Op); d != 0 {
			return d
		}
	}
	ka, kb := ast.Children(a), ast.Children(b)
	for i := 0; i < len(ka) && i < len(kb); i++ {
		if d := sub(ka[i], kb[i]); d != 0 {
			return d
		}
	}
	return len(ka) - len(kb)
}

// order is the order of trees (orderWith) remembering what it compared,
// by the structural hashes of the two trees: nested trees such as
// exp(exp(…x…)) against exp(exp(…y…)) differ only at the bottom, and
// sorting the factors of a product of n of them would walk n levels per
// comparison.
func (s *Simplifier) order(a, b ast.Expr) int {
	if a == b {
		return 0
	}
	if len(ast.Children(a)) == 0 || len(ast.Children(b)) == 0 {
		return orderWith(a, b, s.order) // a leaf: settled at the root
	}
	ha, hb := s.hash(a), s.hash(b)
	if ha == hb {
		return 0 // equal trees (Equal, and order, ignore the sizes of I and 𝟙)
	}
	key := [2]uint64{ha, hb}
	if d, ok := s.orders[key]; ok {
		return d
	}
	d := orderWith(a, b, s.order)
	if s.orders == nil {
		s.orders = map[[2]uint64]int{}
	}
	s.orders[key] = d
	return d
}

func rank(e ast.Expr) int {
	switch e.(type) {
	case *ast.Ident:
		return 0
	case *ast.Number:
		return 1
	case *ast.Identity:
		return 2
	case *ast.Ones:
		return 3
	case *ast.Transpose:
		return 4
	case *ast.Unary:
		return 5
	case *ast.Call:
		return 6
	case *ast.Binary:
		return 7
	}
	return 8
}

// A term of a sum: coef · x, x a product term without a number or sign.
// coef is n/d, a fraction of integers where they are integers.
type term struct {
	coef float64
	n, d float64
	x    ast.Expr
}

func newTerm(n, d float64, x ast.Expr) term {
	n, d = reduceSigned(n, d)
	return term{coef: n / d, n: n, d: d, x: x}
}

func reduceSigned(n, d float64) (float64, float64) {
	if n < 0 {
		n, d = reduce(-n, d)
		return -n, d
	}
	return reduce(n, d)
}

// plus returns the coefficient of t plus that of u.
func (t term) plus(u term) term {
	return newTerm(t.n*u.d+u.n*t.d, t.d*u.d, t.x)
}

// terms flattens a sum into signed terms with numeric coefficients.
func (s *Simplifier) terms(e ast.Expr, sign float64, out []term) []term {
	switch e := e.(type) {
	case *ast.Binary:
		switch e.Op {
		case ast.Add:
			return s.terms(e.Y, sign, s.terms(e.X, sign, out))
		case ast.Sub:
			return s.terms(e.Y, -sign, s.terms(e.X, sign, out))
		}
	case *ast.Unary:
		return s.terms(e.X, -sign, out)
	case *ast.Number:
		return append(out, newTerm(sign*e.Value, 1, ast.Num(1)))
	}
	return append(out, s.termOf(e, sign))
}

// termOf splits the product term e into its number and the rest.
func (s *Simplifier) termOf(e ast.Expr, sign float64) term {
	p := s.flatten(e)
	if p.bad {
		return newTerm(sign, 1, e)
	}
	if p.neg {
		sign = -sign
	}
	n, d := p.num, p.den
	p.num, p.den, p.neg = 1, 1, false
	return newTerm(sign*n, d, s.build(p))
}

// scaled writes the term t without its sign: |coef| x in canonical form.
func (s *Simplifier) scaled(t term) ast.Expr {
	n := math.Abs(t.n)
	if one, ok := t.x.(*ast.Number); ok && one.Value == 1 {
		return ast.Num(n / t.d)
	}
	if n == 1 && t.d == 1 {
		return t.x
	}
	p := s.flatten(t.x)
	if p.bad {
		return ast.Bin(ast.Mul, ast.Num(n/t.d), t.x)
	}
	p.num *= n
	p.den *= t.d
	return s.build(p)
}

// sum writes the terms as a sum, the first with its sign.
func (s *Simplifier) sum(ts []term) ast.Expr {
	var out ast.Expr
	for _, t := range ts {
		x := s.scaled(t)
		switch {
		case out == nil && t.coef < 0:
			if n, ok := x.(*ast.Number); ok {
				out = ast.Num(-n.Value)
			} else {
				out = negateFirst(x)
			}
		case out == nil:
			out = x
		case t.coef < 0:
			out = ast.Bin(ast.Sub, out, x)
		default:
			out = ast.Bin(ast.Add, out, x)
		}
	}
	return out
}

// factorCommon writes Σ cᵢ A bᵢ as A(Σ cᵢ bᵢ) when every term is a matrix
// product with the same non-scalar left factor A (likewise a common right
// factor), so that the terms inside can cancel: Xᵀa + Xᵀb = Xᵀ(a + b).
func factorCommon(s *Simplifier, ts []term, e ast.Expr) (ast.Expr, bool) {
	if len(ts) < 2 {
		return nil, false
	}
	for _, side := range []int{0, 1} {
		var common ast.Expr
		rest := make([]term, len(ts))
		ok := true
		for i, t := range ts {
			m, isMul := t.x.(*ast.Binary)
			if !isMul || m.Op != ast.Mul {
				ok = false
				break
			}
			f, r := m.X, m.Y
			if side == 1 {
				f, r = m.Y, m.X
			}
			sf, sr := s.Shape(f), s.Shape(r)
			if sf.IsScalar() || sr.IsScalar() || (common != nil && !ast.Equal(common, f)) {
				ok = false
				break
			}
			if i > 0 && !sameShape(s.Shape(rest[0].x), sr) {
				ok = false
				break
			}
			common = f
			rest[i] = t
			rest[i].x = r
		}
		if !ok {
			continue
		}
		sum := s.sum(rest)
		out := ast.Bin(ast.Mul, common, sum)
		if side == 1 {
			out = ast.Bin(ast.Mul, sum, common)
		}
		if !sameShape(s.Shape(out), s.Shape(e)) {
			continue
		}
		return out, true
	}
	return nil, false
}

// groupTerms writes terms with the same chain of vectors and matrices as
// one, with the sum of their scalar coefficients ((h/t − h²/t²)aᵀ for
// haᵀ/t − h²aᵀ/t²), or else terms with the same scalar factors as one
// scaled sum ((A + Aᵀ)/t for A/t + Aᵀ/t). It returns nil when no two
// terms share either.
func (s *Simplifier) groupTerms(ts []term) []term {
	ps := make([]*product, len(ts))
	for i, t := range ts {
		ps[i] = s.flatten(t.x)
		if ps[i].bad || ps[i].chain == nil {
			ps[i] = nil
		}
	}
	sameChain := func(i, j int) bool {
		return ast.Equal(ps[i].chain, ps[j].chain)
	}
	samePows := func(i, j int) bool {
		a, b := ps[i], ps[j]
		if len(a.pows) == 0 || len(a.pows) != len(b.pows) {
			return false
		}
		for k := range a.pows {
			if a.pows[k].exp != b.pows[k].exp || !ast.Equal(a.pows[k].base, b.pows[k].base) {
				return false
			}
		}
		return true
	}
	for mode, same := range []func(i, j int) bool{sameChain, samePows} {
		used := make([]bool, len(ts))
		var out []term
		grouped := false
		for i := range ts {
			if used[i] {
				continue
			}
			group := []int{i}
			for j := i + 1; ps[i] != nil && j < len(ts); j++ {
				if !used[j] && ps[j] != nil && sameShape(s.Shape(ts[i].x), s.Shape(ts[j].x)) && same(i, j) {
					group = append(group, j)
					used[j] = true
				}
			}
			if len(group) == 1 {
				out = append(out, ts[i])
				continue
			}
			grouped = true
			parts := make([]term, len(group))
			var shared ast.Expr
			for k, g := range group {
				p := *ps[g]
				if mode == 0 { // the scalars are summed
					shared = p.chain
					p.chain = nil
				} else { // the chains are summed
					q := p
					q.chain = nil
					shared = s.build(&q)
					p.pows = nil
				}
				parts[k] = ts[g]
				parts[k].x = s.build(&p)
			}
			// A common coefficient stays outside: −2A/t − 2Aᵀ/t = −2(A + Aᵀ)/t.
			c := parts[0]
			for _, q := range parts[1:] {
				if math.Abs(q.coef) != math.Abs(c.coef) {
					c.n, c.d, c.coef = 1, 1, 1
					break
				}
			}
			if c.coef < 0 {
				c.n, c.coef = -c.n, -c.coef
			}
			for k := range parts {
				parts[k] = newTerm(parts[k].n*c.d, parts[k].d*c.n, parts[k].x)
			}
			var coef ast.Expr = ast.Num(c.n)
			if c.d != 1 {
				coef = ast.Bin(ast.Div, coef, ast.Num(c.d))
			}
			inner := s.sum(parts)
			out = append(out, s.termOf(ast.Bin(ast.Mul, ast.Bin(ast.Mul, coef, inner), shared), 1))
		}
		if grouped {
			return out
		}
	}
	return nil
}

// sameChain reports whether a and b are the same product of matrices
// grouped differently: (AB)²C and A(BA)BC are ABABC.
func sameChain(s *Simplifier, a, b ast.Expr) bool {
	fa, fb := chainFactors(s, a, nil), chainFactors(s, b, nil)
	if len(fa) < 2 || len(fa) != len(fb) {
		return false
	}
	for i := range fa {
		if !ast.Equal(fa[i], fb[i]) {
			return false
		}
	}
	return true
}

// chainFactors appends the factors of the product e to out, a matrix's
// small integer power as that many copies of it.
func chainFactors(s *Simplifier, e ast.Expr, out []ast.Expr) []ast.Expr {
	if b, ok := e.(*ast.Binary); ok {
		switch b.Op {
		case ast.Mul:
			return chainFactors(s, b.Y, chainFactors(s, b.X, out))
		case ast.Pow:
			n, ok := b.Y.(*ast.Number)
			if ok && n.Value >= 2 && n.Value <= 8 && n.Value == math.Trunc(n.Value) && !s.Shape(b.X).IsScalar() {
				for range int(n.Value) {
					out = chainFactors(s, b.X, out)
				}
				return out
			}
		}
	}
	return append(out, e)
}

// collect merges like terms of a sum: wᵀr + rᵀw → 2rᵀw, a − a → 0,
// 2a + a → 3a, αa + βa → (α + β)a, A/t + Aᵀ/t → (A + Aᵀ)/t, and puts a
// positive term first.
func collect(s *Simplifier, e ast.Expr) (ast.Expr, bool) {
	b, ok := e.(*ast.Binary)
	if !ok || (b.Op != ast.Add && b.Op != ast.Sub) {
		return nil, false
	}
	ts := s.terms(e, 1, nil)
	if len(ts) > 64 {
		return nil, false // long sums are left as they are (quadratic merge)
	}
	var merged []term
	for _, t := range ts {
		found := false
		for i := range merged {
			if (ast.Equal(merged[i].x, t.x) || sameChain(s, merged[i].x, t.x)) && sameShape(s.Shape(merged[i].x), s.Shape(t.x)) {
				merged[i] = merged[i].plus(t)
				found = true
				break
			}
		}
		if !found {
			merged = append(merged, t)
		}
	}
	kept := merged[:0]
	for _, t := range merged {
		if t.coef != 0 {
			kept = append(kept, t)
		}
	}
	if g := s.groupTerms(kept); g != nil {
		kept = g
	}
	if len(kept) > 0 && kept[0].coef < 0 {
		for i, t := range kept {
			if t.coef > 0 {
				kept[0], kept[i] = kept[i], kept[0]
				break
			}
		}
	}
	if f, ok := factorCommon(s, kept, e); ok {
		return f, true
	}
	if len(kept) == 0 {
		return zeroOf(s.Shape(e)), true
	}
	out := s.sum(kept)
	// Keep the shape of a sum whose non-scalar terms all cancelled.
	if !sameShape(s.Shape(out), s.Shape(e)) || ast.Equal(out, e) {
		return nil, false
	}
	return out, true
}
