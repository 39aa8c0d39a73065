package simplify

// Gathering the scalar factors of a product term.
//
// Within a product, scalar factors commute with everything, so a term such
// as 2x (4(1/(2h))xᵀ/(2h)²) is a number, a product of scalar powers and a
// chain of vectors and matrices: x xᵀ/h³. gather writes every product term
// in that one form,
//
//	c s₁ s₂² … M₁M₂…/(d t₁ t₂³ …)
//
// numbers multiplied together (c/d as a reduced fraction of integers where
// the numbers are integers), equal scalar bases combined with their powers
// (t·t = t², (1/t)/t² = 1/t³), the denominators collected in one division,
// and a sign on the first factor (−AB, never −(AB), which prints with
// brackets). The chain keeps its own bracketing, with the scalars written in
// front of its leftmost factor; scalars inside Hadamard products, elementwise
// divisions, transposes and the linear functions diag, sum and tr come out
// too (diag(αv) = α diag(v), (α𝟙) ∘ v = α(𝟙 ∘ v)).

import (
	"math"
	"slices"

	"github.com/matcalc/matcalc/ast"
)

// A power is a scalar base raised to an integer.
type power struct {
	base ast.Expr
	exp  int
	hash uint64 // of base, to skip ast.Equal on bases that differ
}

// A product is a flattened product term: (−1)^neg num/den ∏ pows · chain.
type product struct {
	neg      bool
	num, den float64
	pows     []power
	chain    ast.Expr // the non-scalar part; nil for a scalar product
	bad      bool     // a zero number or a huge power: leave the term alone
	// index gives the first of pows with a hash, once there are many
	// (addPow); build, which sorts pows, drops it.
	index map[uint64]int
}

// maxPow bounds the powers gather writes out ((ab)^k = a^k b^k).
const maxPow = 64

func newProduct() *product { return &product{num: 1, den: 1} }

// flatten returns the product term e as a product.
func (s *Simplifier) flatten(e ast.Expr) *product {
	p := newProduct()
	if s.Shape(e).IsScalar() {
		p.scalar(s, e, 1)
	} else {
		p.chain = p.nonscalar(s, e, 1)
	}
	return p
}

func (p *product) number(v float64, k int) {
	if v == 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		p.bad = true
		return
	}
	if v < 0 {
		v = -v
		if k%2 != 0 {
			p.neg = !p.neg
		}
	}
	f := math.Pow(v, math.Abs(float64(k)))
	if k > 0 {
		p.num *= f
	} else {
		p.den *= f
	}
}

func (p *product) addPow(s *Simplifier, base ast.Expr, k int) {
	h := s.hash(base)
	if p.index == nil && len(p.pows) >= indexFrom {
		p.index = make(map[uint64]int, 2*len(p.pows))
		for i, f := range p.pows {
			if _, dup := p.index[f.hash]; !dup {
				p.index[f.hash] = i
			}
		}
	}
	if p.index != nil {
		i, seen := p.index[h]
		switch {
		case !seen:
			p.index[h] = len(p.pows)
			p.pows = append(p.pows, power{base, k, h})
			return
		case ast.Equal(p.pows[i].base, base):
			p.pows[i].exp += k
			return
		}
		// Two bases with one hash: look at every one, as below.
	}
	for i := range p.pows {
		if p.pows[i].hash == h && ast.Equal(p.pows[i].base, base) {
			p.pows[i].exp += k
			return
		}
	}
	p.pows = append(p.pows, power{base, k, h})
}

// indexFrom is the number of scalar factors from which a product finds a
// base by its hash in a map rather than by looking at each: the product
// of n nested functions' derivatives has n of them.
const indexFrom = 16

// intExp returns the exponent of x^n when n is a small integer.
func intExp(n ast.Expr) (int, bool) {
	v, ok := num(n)
	if !ok || v != math.Trunc(v) || math.Abs(v) > maxPow || v == 0 {
		return 0, false
	}
	return int(v), true
}

// scalar adds the scalar e raised to k.
func (p *product) scalar(s *Simplifier, e ast.Expr, k int) {
	if p.bad {
		return
	}
	if abs(k) > maxPow {
		p.bad = true
		return
	}
	switch x := e.(type) {
	case *ast.Number:
		p.number(x.Value, k)
		return
	case *ast.Unary:
		if x.Op == ast.Neg {
			if k%2 != 0 {
				p.neg = !p.neg
			}
			p.scalar(s, x.X, k)
			return
		}
	case *ast.Binary:
		if s.gathered[x] {
			// A run of scalar factors (mark): no need to ask the shapes
			// of its n parts, n² entries in the checker's memory.
			p.scalar(s, x.X, k)
			p.scalar(s, x.Y, k)
			return
		}
		sx, sy := s.Shape(x.X), s.Shape(x.Y)
		switch x.Op {
		case ast.Mul, ast.Hadamard:
			if sx.IsScalar() && sy.IsScalar() {
				p.scalar(s, x.X, k)
				p.scalar(s, x.Y, k)
				return
			}
			if x.Op == ast.Mul && !sx.IsScalar() && !sy.IsScalar() {
				// An inner product: its scalar factors come out, the
				// chain stays a base.
				l, r := p.nonscalar(s, x.X, k), p.nonscalar(s, x.Y, k)
				p.addPow(s, with2(x, l, r), k)
				return
			}
		case ast.Div, ast.ElemDiv:
			if sx.IsScalar() && sy.IsScalar() {
				p.scalar(s, x.X, k)
				p.scalar(s, x.Y, -k)
				return
			}
		case ast.Pow:
			if n, ok := intExp(x.Y); ok && sx.IsScalar() {
				p.scalar(s, x.X, k*n)
				return
			}
		}
	case *ast.Call:
		if (x.Fun == "sum" || x.Fun == "tr") && x.Primes == 0 && len(x.Args) == 1 && !s.Shape(x.Args[0]).IsScalar() {
			a := p.nonscalar(s, x.Args[0], k)
			if a != x.Args[0] {
				e = ast.WithChildren(x, []ast.Expr{a})
			}
		}
	}
	p.addPow(s, p.sumFactor(s, e, k), k)
}

// hash returns the structural hash of e, memoised for the Simplifier's
// lifetime.
func (s *Simplifier) hash(e ast.Expr) uint64 {
	if s.hasher == nil {
		s.hasher = ast.NewHasher()
	}
	return s.hasher.Hash(e)
}

func abs(k int) int {
	if k < 0 {
		return -k
	}
	return k
}

// nonscalar returns the non-scalar e without its scalar factors, which it
// adds raised to k.
func (p *product) nonscalar(s *Simplifier, e ast.Expr, k int) ast.Expr {
	if p.bad || s.pure[e] {
		return e
	}
	switch x := e.(type) {
	case *ast.Unary:
		if x.Op == ast.Neg {
			if k%2 != 0 {
				p.neg = !p.neg
			}
			return p.nonscalar(s, x.X, k)
		}
	case *ast.Binary:
		sx, sy := s.Shape(x.X), s.Shape(x.Y)
		switch x.Op {
		case ast.Mul, ast.Hadamard:
			switch {
			case sx.IsScalar():
				p.scalar(s, x.X, k)
				return p.nonscalar(s, x.Y, k)
			case sy.IsScalar():
				p.scalar(s, x.Y, k)
				return p.nonscalar(s, x.X, k)
			}
			return with2(x, p.nonscalar(s, x.X, k), p.nonscalar(s, x.Y, k))
		case ast.Div, ast.ElemDiv:
			switch {
			case sy.IsScalar():
				p.scalar(s, x.Y, -k)
				return p.nonscalar(s, x.X, k)
			case !sx.IsScalar():
				return with2(x, p.nonscalar(s, x.X, k), p.nonscalar(s, x.Y, -k))
			}
		}
	case *ast.Transpose:
		if t := p.nonscalar(s, x.X, k); t != x.X {
			return ast.T(t)
		}
		return e
	case *ast.Call:
		if x.Fun == "diag" && x.Primes == 0 && len(x.Args) == 1 && s.Shape(x.Args[0]).IsVector() {
			if a := p.nonscalar(s, x.Args[0], k); a != x.Args[0] {
				return ast.WithChildren(x, []ast.Expr{a})
			}
			return e
		}
	}
	return p.sumFactor(s, e, k)
}

// with2 returns b with operands x and y, b itself if they are its own.
func with2(b *ast.Binary, x, y ast.Expr) ast.Expr {
	if x == b.X && y == b.Y {
		return b
	}
	return ast.Bin(b.Op, x, y)
}

// content splits a sum of two or more terms into a common number and the
// rest: −A − Aᵀ = −(A + Aᵀ), 2A + 4B = 2(A + 2B), x/2 + y/2 = (x + y)/2, so
// that the number joins the product's. It returns false when the terms
// share no number.
func content(s *Simplifier, e ast.Expr) (n, d float64, neg bool, rest ast.Expr, ok bool) {
	b, isSum := e.(*ast.Binary)
	if !isSum || b.Op != ast.Add && b.Op != ast.Sub {
		return 0, 0, false, nil, false
	}
	// Remembered by node: every product that has the sum as a factor asks
	// again, and the products of a deep derivative share their factors.
	if c, seen := s.contents[e]; seen {
		return c.n, c.d, c.neg, c.rest, c.ok
	}
	n, d, neg, rest, ok = sumContent(s, e)
	if s.contents == nil {
		s.contents = map[ast.Expr]sumSplit{}
	}
	s.contents[e] = sumSplit{n, d, neg, rest, ok}
	return n, d, neg, rest, ok
}

// A sumSplit is what content returns for one sum.
type sumSplit struct {
	n, d float64
	neg  bool
	rest ast.Expr
	ok   bool
}

// sumContent is content for the sum e, not remembered.
func sumContent(s *Simplifier, e ast.Expr) (n, d float64, neg bool, rest ast.Expr, ok bool) {
	ts := s.terms(e, 1, nil)
	if len(ts) < 2 || len(ts) > 64 {
		return 0, 0, false, nil, false
	}
	neg = true
	same, ints := true, true
	g := 0.0
	for _, t := range ts {
		neg = neg && t.coef < 0
		same = same && math.Abs(t.n) == math.Abs(ts[0].n) && t.d == ts[0].d
		ints = ints && t.d == 1 && t.n == math.Trunc(t.n) && math.Abs(t.n) < 1<<53
		if ints {
			g = gcd(g, math.Abs(t.n))
		}
	}
	switch {
	case same:
		n, d = math.Abs(ts[0].n), ts[0].d
	case ints:
		n, d = g, 1
	default:
		n, d = 1, 1
	}
	if n == 0 || n == 1 && d == 1 && !neg {
		return 0, 0, false, nil, false
	}
	for i, t := range ts {
		m := t.n * d / n
		if neg {
			m = -m
		}
		ts[i] = newTerm(m, t.d, t.x)
	}
	return n, d, neg, s.sum(ts), true
}

// sumFactor adds the number of the sum e (content) raised to k, and returns
// the rest, or e itself.
func (p *product) sumFactor(s *Simplifier, e ast.Expr, k int) ast.Expr {
	n, d, neg, rest, ok := content(s, e)
	if !ok {
		return e
	}
	if neg && k%2 != 0 {
		p.neg = !p.neg
	}
	p.number(n, k)
	p.number(d, -k)
	return rest
}

// build writes p in the canonical form (see the top of this file).
func (s *Simplifier) build(p *product) ast.Expr {
	// Scalars in a fixed order, so that β²h and hβ² are like terms: names
	// first, then calls, then products.
	slices.SortStableFunc(p.pows, func(a, b power) int { return s.order(a.base, b.base) })
	p.index = nil
	n, d := reduce(p.num, p.den)
	if p.chain == nil && len(p.pows) == 0 && d != 1 {
		// A bare number stays one number (fold would undo 1/2 anyway).
		n, d = p.num/p.den, 1
	}
	var top, bottom ast.Expr
	if n != 1 {
		top = ast.Num(n)
	}
	// A run of factors is marked canonical (mark) while every base in it
	// is one that Simplify returned; a sum that content wrote is not yet.
	topDone, bottomDone := true, true
	times := func(a, b ast.Expr, done *bool, base ast.Expr) ast.Expr {
		out, ok := s.memo[base]
		*done = *done && ok && out == base
		if a == nil {
			return b
		}
		m := ast.Bin(ast.Mul, a, b)
		if *done {
			s.mark(m)
		}
		return m
	}
	if d != 1 {
		bottom = ast.Num(d)
	}
	for _, f := range p.pows {
		switch {
		case f.exp > 0:
			top = times(top, s.raise(f.base, f.exp), &topDone, f.base)
		case f.exp < 0:
			bottom = times(bottom, s.raise(f.base, -f.exp), &bottomDone, f.base)
		}
	}
	switch {
	case p.chain != nil && top != nil:
		top = insertScalar(top, p.chain)
	case p.chain != nil:
		top = p.chain
	case top == nil:
		top = ast.Num(1)
	}
	if bottom != nil {
		top = ast.Bin(ast.Div, top, bottom)
	}
	if p.neg {
		top = negateFirst(top)
	}
	return top
}

// mark records that the product m, a run of scalar factors that build
// wrote from bases that Simplify returned, is in canonical form: Simplify
// would leave it as it is (the tests check this, checkMarks). Simplify
// visits every node of a tree that a rewrite returns, and a product of n
// factors that gains a factor at its front is n new runs, each as long as
// the product; without the mark each would be flattened and rebuilt
// again, n² work for one factor and n³ for a chain of them.
func (s *Simplifier) mark(m ast.Expr) {
	if s.gathered == nil {
		s.gathered = map[ast.Expr]bool{}
	}
	s.gathered[m] = true
}

// raise returns base^k, one node for each base and k: every product that
// has the factor writes it, and a new node each time would be a new node
// for the checker, the hasher and gather to look at.
func (s *Simplifier) raise(base ast.Expr, k int) ast.Expr {
	if k == 1 {
		return base
	}
	key := raised{base, k}
	if p, ok := s.powers[key]; ok {
		return p
	}
	p := ast.Bin(ast.Pow, base, ast.Num(float64(k)))
	if s.powers == nil {
		s.powers = map[raised]ast.Expr{}
	}
	s.powers[key] = p
	return p
}

// A raised is a base and a power, the key of Simplifier.powers.
type raised struct {
	base ast.Expr
	k    int
}

// insertScalar writes the scalar c in front of the leftmost factor of the
// product x: c(AB)C is written cABC, keeping x's bracketing (products print
// left to right without brackets). An inner product among the scalars
// stays whole, 2(xᵀAx)x: a subtree of its own, which Share can name, and
// one whose own canonical form is the same (2xᵀAxx would be 2(xᵀAx)x
// with its first product gathered again).
func insertScalar(c, x ast.Expr) ast.Expr {
	if m, ok := x.(*ast.Binary); ok && m.Op == ast.Mul {
		return ast.Bin(m.Op, insertScalar(c, m.X), m.Y)
	}
	return ast.Bin(ast.Mul, c, x)
}

// negateFirst negates the first factor of a product: −2x, −AB, −x/t.
// Unary minus binds tighter than products (docs/conventions.md), so these print
// without brackets and parse back to the same tree. A Hadamard product or
// an elementwise quotient is negated whole, −(a ∘ b): the sign on its first
// factor would split a piece shared with the positive a ∘ b elsewhere
// (h ./ (1 + h) in the logistic loss's gradients by w and by y).
func negateFirst(e ast.Expr) ast.Expr {
	if b, ok := e.(*ast.Binary); ok && (b.Op == ast.Mul || b.Op == ast.Div) {
		return ast.Bin(b.Op, negateFirst(b.X), b.Y)
	}
	if n, ok := e.(*ast.Number); ok {
		return ast.Num(-n.Value)
	}
	return ast.Negate(e)
}

// reduce returns n/d in lowest terms when both are integers, else as one
// number over 1.
func reduce(n, d float64) (float64, float64) {
	const exact = 1 << 53
	if n == math.Trunc(n) && d == math.Trunc(d) && n < exact && d < exact {
		g := gcd(n, d)
		return n / g, d / g
	}
	return rational(n / d)
}

// rational writes v as p/q with a small denominator q where p/q is v to
// the last bit (0.3333333333333333 is 1/3, so that Xᵀδ/3 prints as such,
// not as 0.3333333333333333Xᵀδ), else as v/1.
func rational(v float64) (float64, float64) {
	if math.IsInf(v, 0) || math.IsNaN(v) || math.Abs(v) >= 1<<40 {
		return v, 1
	}
	for q := 2.0; q <= 64; q++ {
		p := math.Round(v * q)
		if p/q == v {
			return p, q
		}
	}
	return v, 1
}

func gcd(a, b float64) float64 {
	for b != 0 {
		a, b = b, math.Mod(a, b)
	}
	return a
}

// gatherable reports whether gather looks at e: products, quotients,
// negations, Hadamard products, scalar powers and the linear functions.
func gatherable(s *Simplifier, e ast.Expr) bool {
	switch x := e.(type) {
	case *ast.Unary:
		return x.Op == ast.Neg
	case *ast.Binary:
		switch x.Op {
		case ast.Mul, ast.Div, ast.Hadamard, ast.ElemDiv:
			return true
		case ast.Pow:
			return s.Shape(x.X).IsScalar()
		}
	case *ast.Transpose:
		return true
	case *ast.Call:
		return (x.Fun == "diag" || x.Fun == "sum" || x.Fun == "tr") && x.Primes == 0 && len(x.Args) == 1
	}
	return false
}

// gather writes a product term in the canonical form of this file.
func gather(s *Simplifier, e ast.Expr) (ast.Expr, bool) {
	if s.pure[e] || s.gathered[e] || !gatherable(s, e) {
		return nil, false
	}
	p := s.flatten(e)
	if p.bad {
		return nil, false
	}
	out := s.build(p)
	if ast.Equal(out, e) {
		if !p.neg && len(p.pows) == 0 && p.num == 1 && p.den == 1 {
			s.pure[e] = true // no scalar to gather: a parent need not look inside
		}
		return nil, false
	}
	return out, true
}
