package simplify

// Naming of shared subexpressions (common-subexpression elimination), so that
// derivatives print the way lecture notes write backpropagation:
//
//	z = Wx + b, h = f(z), δ = u ∘ f′(z);  s = uᵀh, ∂W = δxᵀ, ∂b = δ, ∂x = Wᵀδ
//
// Every node is interned: two nodes get the same class exactly when ast.Equal
// holds for them, computed from (kind, operator, name, value, child classes)
// in one pass, so the work is linear in the number of distinct node pointers
// (inputs that share subtrees by pointer are walked once per pointer, not
// once per path).

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/op"
)

// A Def names a shared subexpression: Name = Expr. Expr may refer to earlier
// definitions as ast.Var(name).
type Def struct {
	Name string
	Expr ast.Expr
}

// Share names the subexpressions that occur more than once in exprs.
// exprs[0] is the function, the rest are its derivatives; taken reports the
// names that must not be used (the user's variables; nil means none beyond
// the variables and generic functions that occur in exprs, which are always
// avoided).
//
// A subtree is named when it occurs at least twice in the result: in exprs,
// or in the definitions, where the occurrences inside one occurrence of a
// larger named subtree count once. Variables, numbers, I and 𝟙 are never
// named. Neither are transposes and negations: their operand is named
// instead, so that a repeated (u ∘ f′(z))ᵀ becomes δᵀ rather than a name of
// its own. A derivative that is wholly a shared piece becomes a bare name
// (∂b = δ).
//
// defs come in dependency order, each after the definitions it uses; out
// holds exprs rewritten to use the names. Expanding the definitions back into
// out (Expand) gives trees ast.Equal to exprs.
//
// Names follow the roles of the pieces:
//   - z, an affine piece: a sum with a term that is a product with a
//     variable on the left (Wx + b, Wᵀx − y, αh + η), or such a product as
//     the argument of an elementwise function (the pre-activation Wx of a
//     layer without bias);
//   - h, an elementwise function of something (tanh(z), σ(z), f(z), max(a, b));
//   - p, a softmax;
//   - δ, an error signal: a Hadamard product with a derivative factor (a call
//     with primes such as f′(z), or an indicator), or such a product of
//     scalars (μ tanh′(z));
//   - t, anything else.
//
// A role that occurs once gets the bare letter; several get subscripts ₁, ₂, …
// in dependency order (for a layered network z₁ is the innermost layer:
// z₁ = W₁x + b₁, h₁ = tanh(z₁), z₂ = W₂h₁ + b₂), except δ, numbered in
// reverse dependency order: backpropagation defines the outer layer's signal
// first, and the notes call the signal of layer k δₖ (δ₂ = W₃ᵀδ₃ ∘ tanh′(z₂)).
// When a letter clashes with taken, with a variable of exprs (in any
// subscript), or with a generic function called in exprs, the role moves to
// its next letter (z → ζ → q, h → a → η, p → π → ρ, δ → ε → γ, t → τ → r …),
// then to spare letters. Share panics if taken leaves no name free.
func Share(exprs []ast.Expr, taken func(name string) bool) (defs []Def, out []ast.Expr) {
	if taken == nil {
		taken = func(string) bool { return false }
	}
	s := &sharer{
		ids:   map[ast.Expr]int32{},
		keys:  map[nodeKey]int32{},
		vars:  map[string]bool{},
		funcs: map[string]bool{},
	}
	roots := make([]int32, len(exprs))
	for i, e := range exprs {
		roots[i] = -1
		if e != nil {
			roots[i] = s.intern(e)
		}
	}
	s.count(roots)
	names := s.assignNames(taken)

	refs := make(map[int32]ast.Expr, len(names))
	for c, n := range names {
		refs[c] = ast.Var(n)
	}
	rw := rewriter{s: s, refs: refs, memo: map[ast.Expr]ast.Expr{}}
	for c := range s.classes {
		if s.classes[c].named {
			defs = append(defs, Def{Name: names[int32(c)], Expr: rw.rebuild(s.classes[c].rep)})
		}
	}
	out = make([]ast.Expr, len(exprs))
	for i, e := range exprs {
		if e != nil {
			out[i] = rw.rewrite(e)
		}
	}
	return defs, out
}

// Expand replaces every reference to a definition in e by the definition's
// expression, recursively, giving a tree over the original variables. defs
// must be in dependency order, as Share returns them. Subtrees of the result
// are shared by pointer, so the work is linear in the size of defs and e.
func Expand(defs []Def, e ast.Expr) ast.Expr {
	expanded := make(map[string]ast.Expr, len(defs))
	memo := map[ast.Expr]ast.Expr{}
	var expand func(ast.Expr) ast.Expr
	expand = func(n ast.Expr) ast.Expr {
		if id, ok := n.(*ast.Ident); ok {
			// Not memoized: a name means a variable until it is defined.
			if x, ok := expanded[id.Name]; ok {
				return x
			}
			return n
		}
		if r, ok := memo[n]; ok {
			return r
		}
		r := n
		if kids := ast.Children(n); len(kids) > 0 {
			var nk []ast.Expr
			for i, k := range kids {
				x := expand(k)
				if x != k && nk == nil {
					nk = append(make([]ast.Expr, 0, len(kids)), kids[:i]...)
				}
				if nk != nil {
					nk = append(nk, x)
				}
			}
			if nk != nil {
				r = ast.WithChildren(n, nk)
			}
		}
		memo[n] = r
		return r
	}
	for _, d := range defs {
		expanded[d.Name] = expand(d.Expr)
	}
	return expand(e)
}

// A class is one distinct subtree (up to ast.Equal).
type class struct {
	rep    ast.Expr // the first node seen of this class
	kids   []int32  // classes of rep's children
	occ    uint8    // occurrences in the result, saturated at 2
	named  bool
	actArg bool // argument of an elementwise function somewhere
}

// A nodeKey identifies a class: node kind and fields with the children's
// classes. Positions are left out; the sizes of I and 𝟙 are kept.
type nodeKey struct {
	kind   uint8
	op     ast.Op
	primes int
	name   string
	num    uint64
	a, b   int32  // classes of the first two children, -1 if absent
	rest   string // classes of further call arguments
}

const (
	kindIdent uint8 = iota + 1
	kindNumber
	kindIdentity
	kindOnes
	kindUnary
	kindBinary
	kindTranspose
	kindCall
	kindIndicator
)

type sharer struct {
	ids     map[ast.Expr]int32 // node pointer → class
	keys    map[nodeKey]int32
	classes []class // in post-order: children before parents
	vars    map[string]bool
	funcs   map[string]bool // functions called in exprs
}

// numberBits keys a number as ast.Equal compares it: 0 and −0 alike, every
// NaN alike.
func numberBits(v float64) uint64 {
	switch {
	case v == 0:
		return 0
	case math.IsNaN(v):
		return math.Float64bits(math.NaN())
	}
	return math.Float64bits(v)
}

func (s *sharer) intern(e ast.Expr) int32 {
	if id, ok := s.ids[e]; ok {
		return id
	}
	k := nodeKey{a: -1, b: -1}
	children := ast.Children(e) // panics on an unknown node
	kids := make([]int32, len(children))
	for i, c := range children {
		kids[i] = s.intern(c)
	}
	switch e := e.(type) {
	case *ast.Ident:
		k.kind, k.name = kindIdent, e.Name
		s.vars[e.Name] = true
	case *ast.Number:
		k.kind, k.num = kindNumber, numberBits(e.Value)
	case *ast.Identity:
		// I of different sizes are different pieces (αI of size n is not
		// αI of size m).
		k.kind, k.name = kindIdentity, e.N.String()
	case *ast.Ones:
		k.kind, k.name = kindOnes, e.Shape.Rows.String()+"×"+e.Shape.Cols.String()
	case *ast.Unary:
		k.kind, k.op = kindUnary, e.Op
	case *ast.Binary:
		k.kind, k.op = kindBinary, e.Op
	case *ast.Transpose:
		k.kind = kindTranspose
	case *ast.Call:
		k.kind, k.name, k.primes = kindCall, e.Fun, e.Primes
		s.funcs[e.Fun] = true
	case *ast.Indicator:
		k.kind, k.op = kindIndicator, e.Op
	}
	if len(kids) > 0 {
		k.a = kids[0]
	}
	if len(kids) > 1 {
		k.b = kids[1]
	}
	if len(kids) > 2 {
		var b strings.Builder
		for _, c := range kids[2:] {
			fmt.Fprintf(&b, "%d,", c)
		}
		k.rest = b.String()
	}
	id, ok := s.keys[k]
	if !ok {
		id = int32(len(s.classes))
		s.keys[k] = id
		s.classes = append(s.classes, class{rep: e, kids: kids})
	}
	if c, ok := e.(*ast.Call); ok && c.IsElementwise() {
		for _, a := range kids {
			s.classes[a].actArg = true
		}
	}
	s.ids[e] = id
	return id
}

// nameable reports whether a subtree may get a name: not a leaf, and not a
// transpose or negation, which pass their occurrences on to their operand.
func nameable(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.Call:
		// X⁻¹ and ‖x‖ of a variable read as well as a name would.
		return !((e.Fun == "inv" || e.Fun == "norm") && len(e.Args) == 1 && isLeaf(e.Args[0]))
	case *ast.Binary:
		// 2z is a scaling, not a piece worth a name of its own: the
		// scaled piece is named instead when it is shared. Likewise t²:
		// a power reads as well as a name (t₂ = t₁² would say nothing),
		// and its base is named when shared.
		switch e.Op {
		case ast.Mul:
			return !isNumber(e.X) && !isNumber(e.Y)
		case ast.Pow:
			return !isNumber(e.Y)
		}
		return true
	case *ast.Indicator:
		return true
	}
	return false
}

func isNumber(e ast.Expr) bool {
	_, ok := e.(*ast.Number)
	return ok
}

// isLeaf reports whether e is a variable, a number, I or 𝟙, or the
// transpose of one.
func isLeaf(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.Ident, *ast.Number, *ast.Identity, *ast.Ones:
		return true
	case *ast.Transpose:
		return isLeaf(e.X)
	}
	return false
}

// count decides which classes are named. Parents come before children in
// reverse post-order, so when a class is reached all its occurrences are
// known: one per root, plus, for each parent edge, one if the parent is named
// (its body is written once) or else as many as the parent occurs.
func (s *sharer) count(roots []int32) {
	add := func(c int32, n uint8) {
		s.classes[c].occ = min(2, s.classes[c].occ+n)
	}
	for _, r := range roots {
		if r >= 0 {
			add(r, 1)
		}
	}
	for c := len(s.classes) - 1; c >= 0; c-- {
		cl := &s.classes[c]
		cl.named = cl.occ >= 2 && nameable(cl.rep)
		appear := cl.occ
		if cl.named {
			appear = 1
		}
		for _, k := range cl.kids {
			add(k, appear)
		}
	}
}

type role int

const (
	roleOther role = iota
	roleAffine
	roleActivation
	roleSoftmax
	roleSignal
	numRoles
)

// roleLetters lists the letters of each role, preferred first.
var roleLetters = [numRoles][]string{
	roleOther:      {"t", "τ", "r", "ν", "ξ", "ω", "μ"},
	roleAffine:     {"z", "ζ", "q"},
	roleActivation: {"h", "a", "η"},
	roleSoftmax:    {"p", "π", "ρ"},
	roleSignal:     {"δ", "ε", "γ"},
}

// spareLetters serve any role whose own letters are all taken. The generic
// function letters f g φ ψ, I, σ (sigmoid) and look-alikes of digits are left
// out.
var spareLetters = []string{"c", "d", "k", "v", "w", "y", "β", "θ", "ι", "κ", "λ", "χ"}

func (s *sharer) role(c int32) role {
	switch e := s.classes[c].rep.(type) {
	case *ast.Call:
		switch {
		case e.Primes > 0:
		case isDistribution(e):
			return roleSoftmax
		case e.IsElementwise():
			return roleActivation
		}
	case *ast.Binary:
		switch e.Op {
		case ast.Add, ast.Sub:
			if softmaxMinus(e) {
				return roleSignal // p − y, the error signal of softmax cross-entropy
			}
			if s.hasProductTerm(c) {
				return roleAffine
			}
		case ast.Hadamard:
			if s.hasDerivativeFactor(c, ast.Hadamard) {
				return roleSignal
			}
		case ast.Mul:
			switch {
			case s.hasDerivativeFactor(c, ast.Mul):
				return roleSignal
			case s.classes[c].actArg && isWeighted(e):
				return roleAffine
			}
		}
	}
	return roleOther
}

// softmaxMinus reports whether e is a softmax (perhaps scaled) minus
// something: sum(y)softmax(θ) − y.
func softmaxMinus(e *ast.Binary) bool {
	if e.Op != ast.Sub {
		return false
	}
	x := e.X
	if m, ok := x.(*ast.Binary); ok && m.Op == ast.Mul {
		x = m.Y
	}
	c, ok := x.(*ast.Call)
	return ok && isDistribution(c)
}

// isDistribution reports whether c computes a probability vector (softmax).
func isDistribution(c *ast.Call) bool {
	_, ok := op.Of(c).(op.Distribution)
	return ok && c.Primes == 0
}

// isWeighted reports whether the product p has a variable (or its
// transpose) on the left, as in Wx and Wᵀx: a weight applied to something,
// unlike p(pᵀy) or 2x.
func isWeighted(p *ast.Binary) bool {
	x := p.X
	if t, ok := x.(*ast.Transpose); ok {
		x = t.X
	}
	_, ok := x.(*ast.Ident)
	return ok
}

// hasProductTerm reports whether the sum c has a term (looking through
// unnamed sums and negations) that is a weighted product (isWeighted).
func (s *sharer) hasProductTerm(c int32) bool {
	for _, k := range s.classes[c].kids {
		switch e := s.classes[k].rep.(type) {
		case *ast.Binary:
			switch e.Op {
			case ast.Mul:
				if isWeighted(e) {
					return true
				}
			case ast.Add, ast.Sub:
				if !s.classes[k].named && s.hasProductTerm(k) {
					return true
				}
			}
		case *ast.Unary:
			if s.hasProductTerm(k) {
				return true
			}
		}
	}
	return false
}

// hasDerivativeFactor reports whether the product c (of operator op, Hadamard
// or Mul) has a factor, looking through unnamed products of the same
// operator, that is a derivative: a call with primes or an indicator.
func (s *sharer) hasDerivativeFactor(c int32, op ast.Op) bool {
	for _, k := range s.classes[c].kids {
		switch e := s.classes[k].rep.(type) {
		case *ast.Call:
			if e.Primes > 0 {
				return true
			}
		case *ast.Indicator:
			return true
		case *ast.Binary:
			if e.Op == op && !s.classes[k].named && s.hasDerivativeFactor(k, op) {
				return true
			}
		}
	}
	return false
}

// assignNames names the named classes by role (see Share).
func (s *sharer) assignNames(taken func(string) bool) map[int32]string {
	var byRole [numRoles][]int32
	for c := range s.classes {
		if s.classes[c].named {
			r := s.role(int32(c))
			byRole[r] = append(byRole[r], int32(c))
		}
	}
	// Letters the user's variables use with any subscript (z₁ rules out z).
	varLetters := map[string]bool{}
	for v := range s.vars {
		varLetters[baseLetter(v)] = true
	}
	usedLetters := map[string]bool{}
	free := func(name string) bool { return !taken(name) && !s.vars[name] && !s.funcs[name] }
	names := map[int32]string{}
	for r := range numRoles {
		cs := byRole[r]
		if len(cs) == 0 {
			continue
		}
		n := len(cs)
		letter, offset := s.pickLetter(r, n, usedLetters, varLetters, free)
		usedLetters[letter] = true
		for i, c := range cs {
			k := i + 1
			if r == roleSignal {
				k = n - i
			}
			names[c] = subscripted(letter, offset, k, n)
		}
	}
	return names
}

// pickLetter chooses the letter for n names of role r, and the offset of
// their subscripts (0 unless every letter is taken).
func (s *sharer) pickLetter(r role, n int, usedLetters, varLetters map[string]bool, free func(string) bool) (string, int) {
	fits := func(letter string, offset int) bool {
		if !free(letter) {
			return false
		}
		for k := 1; k <= n; k++ {
			if !free(subscripted(letter, offset, k, n)) {
				return false
			}
		}
		return true
	}
	candidates := append(append([]string(nil), roleLetters[r]...), spareLetters...)
	for _, l := range candidates {
		if !usedLetters[l] && !varLetters[l] && fits(l, 0) {
			return l, 0
		}
	}
	// Every letter is in use: keep the role's letter and move the
	// subscripts past the taken ones.
	for _, l := range candidates {
		if usedLetters[l] {
			continue
		}
		for offset := n; offset < 1<<16; offset += n {
			if fits(l, offset) {
				return l, offset
			}
		}
	}
	panic("simplify: Share found no free name for a shared subexpression")
}

// subscripted returns the name of the k-th of n pieces with the same letter:
// the bare letter when it is alone, else the letter with subscript
// offset+k.
func subscripted(letter string, offset, k, n int) string {
	if n == 1 && offset == 0 {
		return letter
	}
	var b strings.Builder
	b.WriteString(letter)
	for _, d := range strconv.Itoa(offset + k) {
		b.WriteRune('₀' + (d - '0'))
	}
	return b.String()
}

// baseLetter returns the first letter of a variable name: z for z₁₂ and z_L.
func baseLetter(name string) string {
	_, size := utf8.DecodeRuneInString(name)
	return name[:size]
}

// A rewriter replaces the occurrences of named classes by their names,
// rebuilding each node pointer once.
type rewriter struct {
	s    *sharer
	refs map[int32]ast.Expr
	memo map[ast.Expr]ast.Expr
}

func (w *rewriter) rewrite(e ast.Expr) ast.Expr {
	if r, ok := w.memo[e]; ok {
		return r
	}
	r, ok := w.refs[w.s.ids[e]]
	if !ok {
		r = w.rebuild(e)
	}
	w.memo[e] = r
	return r
}

// rebuild returns e with its children rewritten (e itself is not replaced).
func (w *rewriter) rebuild(e ast.Expr) ast.Expr {
	kids := ast.Children(e)
	if len(kids) == 0 {
		return e
	}
	nk := make([]ast.Expr, len(kids))
	changed := false
	for i, k := range kids {
		nk[i] = w.rewrite(k)
		changed = changed || nk[i] != k
	}
	if !changed {
		return e
	}
	return ast.WithChildren(e, nk)
}
