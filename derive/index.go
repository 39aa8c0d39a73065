package derive

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/op"
)

// An IndexFactor is one factor of a term of the index view: an entry of
// Expr at its indices ("" where a dimension is 1: a vector has one index,
// a scalar none), or the Kronecker delta when Expr is nil.
type IndexFactor struct {
	Expr ast.Expr
	A, B string
}

// An IndexTerm is a signed product of factors; repeated indices that are
// not the tensor's are summed (Einstein's convention).
type IndexTerm struct {
	Neg     bool
	Factors []IndexFactor
}

// maxIndexTerms bounds the terms that expanding a differential's products
// of sums may give; beyond it the index view would not be read.
const maxIndexTerms = 32

// maxIndexVisits bounds the nodes IndexTerms visits, definitions expanded.
const maxIndexVisits = 2000

// summedLetters are the letters of summed indices, in the order they are
// given: each has a Unicode subscript that package index reads.
var summedLetters = []string{"m", "n", "p", "r", "s", "t", "u", "v", "a", "e", "o", "h", "x"}

// IndexTerms writes the differential d (a Differential) in index notation
// entry by entry, where no Kronecker form exists: entry (i, j) of a node
// linear in the direction dX, with dXₐᵦ = δₐₖδᵦₗ (the variable's indices
// from TensorIndices), a name Vᵢⱼ, a product Σₘ AᵢₘBₘⱼ, a Hadamard product
// the product of entries, diag(v)ᵢⱼ = vᵢδᵢⱼ, diag(M)ᵢ = Mᵢᵢ, sum(M) =
// Σ Mₘₙ and tr(M) = Σ Mₘₘ; δ's over a summed index are contracted.
// Definitions that depend on the direction (defs, in dependency order) are
// expanded, the others kept as names; env gives the shapes (Result.Env).
// ok is false for a node it cannot write (a function of dX other than
// those, a broadcast), or when the expansion grows past a few dozen terms.
func IndexTerms(d Deriv, defs []Def, env map[string]ast.Shape) (terms []IndexTerm, ok bool) {
	if d.Kind != Differential || d.Dir == "" {
		return nil, false
	}
	x := &indexer{dir: d.Dir, sh: ast.NewChecker(env), defs: map[string]ast.Expr{},
		dims: map[string]ast.Dim{}, letters: map[string]ast.Dim{}}
	for _, def := range defs {
		if x.mentionsDir(def.Expr) {
			x.defs[def.Name] = def.Expr
		}
	}
	xs, ok := env[d.By()]
	if !ok {
		return nil, false
	}
	fi, fj, xk, xl := TensorIndices(d.Shape, xs)
	if fs, err := x.sh.Shape(d.Expr); err != nil || fs != d.Shape || xs.Rows.IsOne() && !xs.IsScalar() || d.Shape.Rows.IsOne() && !d.Shape.IsScalar() {
		return nil, false // a row vector has no index view of its own
	}
	x.k, x.l = xk, xl
	raw, ok := x.entry(d.Expr, fi, fj)
	if !ok {
		return nil, false
	}
	nonempty := func(idx ...string) []string {
		return slices.DeleteFunc(idx, func(s string) bool { return s == "" })
	}
	fn := nonempty(fi, fj)
	free := append(slices.Clone(fn), nonempty(xk, xl)...)
	for _, t := range raw {
		t, ok := x.tidy(t, free, fn)
		if !ok {
			return nil, false
		}
		terms = append(terms, t)
	}
	terms = combine(terms)
	return terms, len(terms) > 0
}

type iterm struct {
	neg     bool
	factors []IndexFactor
}

type indexer struct {
	dir     string
	sh      *ast.Checker
	defs    map[string]ast.Expr // those that depend on dir
	k, l    string
	next    int
	visits  int
	dims    map[string]ast.Dim // of the summed indices "#1", …
	letters map[string]ast.Dim // of the letters given to them
}

func (x *indexer) mentionsDir(e ast.Expr) bool {
	found := false
	ast.Inspect(e, func(n ast.Expr) bool {
		if id, ok := n.(*ast.Ident); ok && (id.Name == x.dir || x.defs[id.Name] != nil) {
			found = true
		}
		return !found
	})
	return found
}

// fresh names a summed index over the dimension d: "#1", "#2", …,
// renamed by tidy.
func (x *indexer) fresh(d ast.Dim) string {
	x.next++
	ix := "#" + strconv.Itoa(x.next)
	x.dims[ix] = d
	return ix
}

// indexDelta is δₐᵦ, no factor when both are absent.
func indexDelta(a, b string) ([]IndexFactor, bool) {
	switch {
	case a == "" && b == "":
		return nil, true
	case a == "" || b == "":
		return nil, false
	}
	return []IndexFactor{{A: a, B: b}}, true
}

func one(fs ...IndexFactor) []iterm { return []iterm{{factors: fs}} }

// mulTerms multiplies two sums of terms.
func mulTerms(p, q []iterm) ([]iterm, bool) {
	if len(p)*len(q) > maxIndexTerms {
		return nil, false
	}
	var out []iterm
	for _, a := range p {
		for _, b := range q {
			fs := append(append([]IndexFactor{}, a.factors...), b.factors...)
			out = append(out, iterm{a.neg != b.neg, fs})
		}
	}
	return out, true
}

func negate(p []iterm) []iterm {
	out := make([]iterm, len(p))
	for i, t := range p {
		out[i] = iterm{!t.neg, t.factors}
	}
	return out
}

// entry writes entry (a, b) of e; an index is dropped where e's dimension
// is 1.
func (x *indexer) entry(e ast.Expr, a, b string) ([]iterm, bool) {
	// Expanding the shared pieces unshares them: a budget of nodes keeps
	// a deep chain of them from taking exponential time.
	if x.visits++; x.visits > maxIndexVisits {
		return nil, false
	}
	s, err := x.sh.Shape(e)
	if err != nil {
		return nil, false
	}
	if s.Rows.IsOne() {
		a = ""
	}
	if s.Cols.IsOne() {
		b = ""
	}
	switch n := e.(type) {
	case *ast.Transpose:
		return x.entry(n.X, b, a)
	case *ast.Number:
		return one(IndexFactor{Expr: n}), true
	case *ast.Identity:
		d, ok := indexDelta(a, b)
		return one(d...), ok
	case *ast.Ones:
		return one(), true
	}
	// A part without dX is an entry of its own, unless it holds an I or 𝟙,
	// which printed alone may not tell its size ((𝟙Bᵀ)ᵢⱼ): those are
	// written entry by entry, I as δ, 𝟙 as 1.
	if !x.mentionsDir(e) && !hasUnit(e) {
		return one(IndexFactor{Expr: e, A: a, B: b}), true
	}
	switch n := e.(type) {
	case *ast.Ident:
		if def, ok := x.defs[n.Name]; ok {
			return x.entry(def, a, b)
		}
		if n.Name != x.dir {
			return one(IndexFactor{Expr: e, A: a, B: b}), true
		}
		// the direction: dXₐᵦ = δₐₖδᵦₗ
		d1, ok1 := indexDelta(a, x.k)
		d2, ok2 := indexDelta(b, x.l)
		return one(append(d1, d2...)...), ok1 && ok2
	case *ast.Unary:
		p, ok := x.entry(n.X, a, b)
		return negate(p), ok
	case *ast.Binary:
		sx, err1 := x.sh.Shape(n.X)
		sy, err2 := x.sh.Shape(n.Y)
		if err1 != nil || err2 != nil {
			return nil, false
		}
		switch n.Op {
		case ast.Add, ast.Sub:
			if sx != s || sy != s {
				return nil, false // a broadcast: a term would lack an index
			}
			p, ok1 := x.entry(n.X, a, b)
			if !ok1 {
				return nil, false
			}
			q, ok2 := x.entry(n.Y, a, b)
			if n.Op == ast.Sub {
				q = negate(q)
			}
			if len(p)+len(q) > maxIndexTerms {
				return nil, false
			}
			return append(p, q...), ok1 && ok2
		case ast.Mul, ast.Hadamard:
			var pa, pb, qa, qb string
			switch {
			case sx.IsScalar():
				qa, qb = a, b
			case sy.IsScalar():
				pa, pb = a, b
			case n.Op == ast.Hadamard:
				if sx != sy {
					return nil, false
				}
				pa, pb, qa, qb = a, b, a, b
			default:
				m := ""
				if !sx.Cols.IsOne() {
					m = x.fresh(sx.Cols)
				}
				pa, pb, qa, qb = a, m, m, b
			}
			p, ok1 := x.entry(n.X, pa, pb)
			if !ok1 {
				return nil, false
			}
			q, ok2 := x.entry(n.Y, qa, qb)
			if !ok2 {
				return nil, false
			}
			return mulTerms(p, q)
		case ast.Div:
			if !sy.IsScalar() || x.mentionsDir(n.Y) {
				return nil, false
			}
			p, ok := x.entry(n.X, a, b)
			if !ok {
				return nil, false
			}
			return mulTerms(p, one(IndexFactor{Expr: ast.Bin(ast.Div, ast.Num(1), n.Y)}))
		}
	case *ast.Call:
		if len(n.Args) != 1 {
			return nil, false
		}
		arg := n.Args[0]
		sa, err := x.sh.Shape(arg)
		if err != nil {
			return nil, false
		}
		switch {
		case op.Is(n, op.Diag) && sa.IsVector(): // diag(v)ᵢⱼ = vᵢδᵢⱼ
			p, ok := x.entry(arg, a, "")
			d, okd := indexDelta(a, b)
			if !ok || !okd {
				return nil, false
			}
			return mulTerms(p, one(d...))
		case op.Is(n, op.Diag) && !sa.IsScalar(): // diag(M)ᵢ = Mᵢₘδᵢₘ
			m := x.fresh(sa.Cols)
			p, ok := x.entry(arg, a, m)
			if !ok {
				return nil, false
			}
			return mulTerms(p, one(IndexFactor{A: a, B: m}))
		case op.Is(n, op.Sum):
			return x.entry(arg, x.fresh(sa.Rows), x.fresh(sa.Cols))
		case op.Is(n, op.Tr) && !sa.IsScalar():
			m, k := x.fresh(sa.Rows), x.fresh(sa.Cols)
			p, ok := x.entry(arg, m, k)
			if !ok {
				return nil, false
			}
			return mulTerms(p, one(IndexFactor{A: m, B: k}))
		}
	}
	return nil, false
}

func hasUnit(e ast.Expr) bool {
	found := false
	ast.Inspect(e, func(n ast.Expr) bool {
		switch n.(type) {
		case *ast.Ones, *ast.Identity:
			found = true
		}
		return !found
	})
	return found
}

func isSummed(ix string) bool { return strings.HasPrefix(ix, "#") }

// tidy contracts the δ's of a term over its summed indices (Σₘ AᵢₘδₘₖBₗⱼ
// = AᵢₖBₗⱼ), drops δᵢᵢ, checks that the term carries every free index and
// repeats every summed one, names the summed indices m, n, p, … in the
// order they appear, and puts the scalars first.
func (x *indexer) tidy(t iterm, free, fnIdx []string) (IndexTerm, bool) {
	fs := append([]IndexFactor{}, t.factors...)
	rename := func(from, to string) {
		for i := range fs {
			if fs[i].A == from {
				fs[i].A = to
			}
			if fs[i].B == from {
				fs[i].B = to
			}
		}
	}
	for changed := true; changed; {
		changed = false
		for i, f := range fs {
			if f.Expr != nil {
				continue
			}
			switch {
			case f.A == f.B && !isSummed(f.A): // δᵢᵢ = 1
			case isSummed(f.B):
				rename(f.B, f.A)
			case isSummed(f.A):
				rename(f.A, f.B)
			default:
				continue
			}
			fs = append(fs[:i], fs[i+1:]...)
			changed = true
			break
		}
	}
	count := map[string]int{}
	var order []string
	for _, f := range fs {
		if f.Expr == nil && f.A == f.B {
			return IndexTerm{}, false // δₘₘ: a range no factor gives
		}
		for _, ix := range []string{f.A, f.B} {
			if ix == "" {
				continue
			}
			if count[ix] == 0 && isSummed(ix) {
				order = append(order, ix)
			}
			count[ix]++
		}
	}
	for _, ix := range free {
		if count[ix] == 0 {
			return IndexTerm{}, false
		}
	}
	for _, ix := range order {
		if count[ix] < 2 {
			return IndexTerm{}, false
		}
	}
	order = order[:0]
	// The scalars first, numbers multiplied into one; then the entries
	// that carry an index of the function (pᵢ), then the others, each
	// group in its order.
	out := IndexTerm{Neg: t.neg}
	coef := 1.0
	var scalars, fn, rest []IndexFactor
	for _, f := range fs {
		switch {
		case f.Expr != nil && f.A == "" && f.B == "":
			// Numbers and signs join the coefficient, so that no two
			// numbers meet (2 2a² would read 22a²); a product of scalars
			// is its factors.
			var flatten func(e ast.Expr)
			flatten = func(e ast.Expr) {
				switch n := e.(type) {
				case *ast.Number:
					coef *= n.Value
					return
				case *ast.Unary:
					coef = -coef
					flatten(n.X)
					return
				case *ast.Binary:
					sx, err1 := x.sh.Shape(n.X)
					sy, err2 := x.sh.Shape(n.Y)
					if n.Op == ast.Mul && err1 == nil && err2 == nil && sx.IsScalar() && sy.IsScalar() {
						flatten(n.X)
						flatten(n.Y)
						return
					}
				}
				scalars = append(scalars, IndexFactor{Expr: e})
			}
			flatten(f.Expr)
		case f.Expr != nil && (slices.Contains(fnIdx, f.A) || slices.Contains(fnIdx, f.B)):
			fn = append(fn, f)
		default:
			rest = append(rest, f)
		}
	}
	if coef < 0 {
		out.Neg, coef = !out.Neg, -coef
	}
	if coef != 1 {
		scalars = append([]IndexFactor{{Expr: ast.Num(coef)}}, scalars...)
	}
	out.Factors = append(append(scalars, fn...), rest...)
	// The summed indices m, n, p, … in the order they now appear.
	for _, f := range out.Factors {
		for _, ix := range []string{f.A, f.B} {
			if isSummed(ix) && !slices.Contains(order, ix) {
				order = append(order, ix)
			}
		}
	}
	// A letter keeps its range in every term: package index takes an
	// index's range from all the terms.
	fs = out.Factors
	var taken []string
	for _, ix := range order {
		at := slices.IndexFunc(summedLetters, func(m string) bool {
			d, used := x.letters[m]
			return !slices.Contains(taken, m) && (!used || d == x.dims[ix] && d.Known())
		})
		if at < 0 {
			return IndexTerm{}, false
		}
		m := summedLetters[at]
		taken = append(taken, m)
		x.letters[m] = x.dims[ix]
		rename(ix, m)
	}
	return out, true
}

// key writes a term's factors in a canonical order, its numbers left out,
// to find like terms.
func (t IndexTerm) key() (string, float64) {
	coef := 1.0
	var fs []string
	for _, f := range t.Factors {
		switch {
		case f.Expr == nil:
			a, b := min(f.A, f.B), max(f.A, f.B)
			fs = append(fs, "δ"+a+","+b)
		default:
			if n, ok := f.Expr.(*ast.Number); ok && f.A == "" && f.B == "" {
				coef *= n.Value
				continue
			}
			fs = append(fs, ast.String(f.Expr)+"_"+f.A+","+f.B)
		}
	}
	slices.Sort(fs)
	if t.Neg {
		coef = -coef
	}
	return strings.Join(fs, " "), coef
}

// combine adds like terms (pₖpᵢpⱼ + pᵢpₖpⱼ = 2pᵢpₖpⱼ), dropping those that
// cancel.
func combine(terms []IndexTerm) []IndexTerm {
	keys := make([]string, len(terms))
	sum := map[string]float64{}
	for i, t := range terms {
		k, c := t.key()
		keys[i] = k
		sum[k] += c
	}
	var out []IndexTerm
	for i, t := range terms {
		c, ok := sum[keys[i]]
		if !ok {
			continue // added into an earlier term
		}
		delete(sum, keys[i])
		if c == 0 {
			continue
		}
		var fs []IndexFactor
		if a := math.Abs(c); a != 1 {
			fs = append(fs, IndexFactor{Expr: ast.Num(a)})
		}
		for _, f := range t.Factors {
			if _, ok := f.Expr.(*ast.Number); !ok || f.A != "" || f.B != "" {
				fs = append(fs, f)
			}
		}
		out = append(out, IndexTerm{Neg: c < 0, Factors: fs})
	}
	return out
}

// WriteIndex writes index terms (IndexTerms) with w, as IndexWith writes
// the Kronecker terms.
func WriteIndex(terms []IndexTerm, w KronWriter) string {
	var out strings.Builder
	for i, t := range terms {
		out.WriteString(w.Sign(i == 0, t.Neg))
		if len(t.Factors) == 0 {
			out.WriteString("1")
		}
		prev := ""
		for _, f := range t.Factors {
			var s string
			switch {
			case f.Expr == nil:
				s = w.Delta(f.A, f.B)
			case f.A == "" && f.B == "":
				s = w.Factor(f.Expr)
			default:
				s = w.Sub(f.Expr, f.A, f.B)
			}
			if prev != "" && endsName(prev) && (strings.HasPrefix(s, "(") || strings.Contains(prev, "_")) {
				// c(BI) would read as a call of c, a_A A as a_AA
				out.WriteString(" ")
			}
			out.WriteString(s)
			prev = s
		}
	}
	return out.String()
}

// IndexTermsString writes index terms as text.
func IndexTermsString(terms []IndexTerm) string { return WriteIndex(terms, TextKron{}) }

// endsName reports whether s ends with a letter or subscript digit that a
// name would continue (not an index).
func endsName(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	if _, index := indexLetter[r]; index {
		return false
	}
	return unicode.IsLetter(r) || r >= '₀' && r <= '₉'
}
