// Package simplify rewrites matcalc expressions into the form lecture notes
// use: diagonal products become Hadamard products, identities, zeros and
// double transposes vanish, transposes move inward, constants fold, the
// scalar factors of every product are gathered into one coefficient and one
// denominator (2x (4txᵀ/(2h)²) with t = 1/(2h) is xxᵀ/h³; gather.go), like
// terms are collected, and shared pieces are named once (Share).
//
// The rewrites are data: Rules returns them, each a pattern and a result (see
// Rule), or a small function where a pattern cannot say it. Every rewrite
// keeps the value of the expression; the tests check each against finite
// differences.
package simplify

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/parser"
)

// A Rule rewrites an expression that matches From into To.
//
// From and To are formulas in matcalc's notation in which every variable is
// a pattern variable: it matches any subexpression, and a variable that
// occurs twice must match equal subexpressions. Numbers, I and 𝟙 match
// themselves. When restricts pattern variables to kinds of shape:
// "u,v: vector; c: number" (kinds: scalar, vector, row, matrix, nonscalar,
// square, number, notnumber). A rewrite never changes the shape.
// A rule with Func instead of From/To rewrites by code.
type Rule struct {
	Name     string
	From, To string
	When     string
	Func     func(s *Simplifier, e ast.Expr) (ast.Expr, bool)

	once     sync.Once
	from, to ast.Expr
	conds    map[string][]string
	err      error
}

func (r *Rule) compile() error {
	r.once.Do(func() {
		if r.Func != nil {
			return
		}
		if r.from, r.err = parser.ParseExpr(r.From); r.err != nil {
			r.err = fmt.Errorf("rule %s: From: %v", r.Name, r.err)
			return
		}
		if r.to, r.err = parser.ParseExpr(r.To); r.err != nil {
			r.err = fmt.Errorf("rule %s: To: %v", r.Name, r.err)
			return
		}
		r.conds = map[string][]string{}
		for _, part := range strings.Split(r.When, ";") {
			names, kind, ok := strings.Cut(part, ":")
			if !ok {
				continue
			}
			for _, n := range strings.Split(names, ",") {
				n = strings.TrimSpace(n)
				r.conds[n] = append(r.conds[n], strings.TrimSpace(kind))
			}
		}
	})
	return r.err
}

// A Simplifier simplifies expressions over variables of known shapes. It
// remembers what it simplified, by node, so that trees sharing subtrees
// (the gradients of a deep network) are simplified in linear time.
type Simplifier struct {
	env    map[string]ast.Shape
	rules  []*Rule
	shapes *ast.Checker
	memo   map[ast.Expr]ast.Expr
	// pure marks products with no scalar factor to gather (gather.go).
	pure map[ast.Expr]bool
	// gathered marks the runs of scalar factors that gather wrote, which
	// are in canonical form (mark, gather.go).
	gathered map[ast.Expr]bool
	// symmetric holds the variables declared symmetric: Sᵀ = S.
	symmetric map[string]bool
	// hasher memoises structural hashes (gather.go).
	hasher *ast.Hasher
	// orders memoises order by the hashes of the trees compared.
	orders map[[2]uint64]int
	// powers holds the powers gather wrote, one node per base and power.
	powers map[raised]ast.Expr
	// contents memoises content by sum (gather.go).
	contents map[ast.Expr]sumSplit
	// ctx, when set, cancels the simplification (cancel.go).
	ctx   context.Context
	calls int
	// Trace, when set, is called for every rewrite that fires.
	Trace func(rule string, before, after ast.Expr)
}

// New returns a Simplifier for expressions whose variables have the shapes
// in env, using the rewrite rules (Rules).
func New(env map[string]ast.Shape) *Simplifier {
	return &Simplifier{env: env, rules: rules, shapes: ast.NewChecker(env), memo: map[ast.Expr]ast.Expr{}, pure: map[ast.Expr]bool{}}
}

// Symmetric declares the variables names symmetric matrices, so that Sᵀ
// is written S and S⁻ᵀ is written S⁻¹. It returns s.
func (s *Simplifier) Symmetric(names ...string) *Simplifier {
	if len(names) == 0 {
		return s
	}
	if s.symmetric == nil {
		s.symmetric = map[string]bool{}
	}
	for _, n := range names {
		s.symmetric[n] = true
	}
	s.memo = map[ast.Expr]ast.Expr{}
	s.gathered = nil // a marked run may hold a transpose that is now S
	return s
}

// Simplify returns e simplified; env gives the shapes of its variables.
func Simplify(e ast.Expr, env map[string]ast.Shape) ast.Expr {
	return New(env).Simplify(e)
}

// Shape returns the shape of e (the zero Shape if e is ill-shaped).
func (s *Simplifier) Shape(e ast.Expr) ast.Shape {
	sh, _ := s.shapes.Shape(e)
	return sh
}

// Simplify returns e simplified.
func (s *Simplifier) Simplify(e ast.Expr) ast.Expr {
	if out, ok := s.memo[e]; ok {
		return out
	}
	if s.gathered[e] {
		// A run of scalar factors that gather wrote is left as it is
		// (mark, in gather.go); the tests check that the rules would.
		if checkMarks {
			s.checkMark(e)
		}
		return e
	}
	out := s.simplify(e, 0)
	s.memo[e] = out
	s.memo[out] = out
	return out
}

// checkMarks, set by the tests, makes Simplify check every run of factors
// it leaves as it is against a Simplifier that has not seen it.
var checkMarks bool

func (s *Simplifier) checkMark(e ast.Expr) {
	fresh := New(s.env)
	fresh.symmetric = s.symmetric
	if out := fresh.Simplify(e); !ast.Equal(out, e) {
		panic(fmt.Sprintf("simplify: %s, written by gather, simplifies to %s", ast.String(e), ast.String(out)))
	}
}

const maxRewrites = 64

func (s *Simplifier) simplify(e ast.Expr, depth int) ast.Expr {
	s.checkCanceled()
	kids := ast.Children(e)
	if len(kids) > 0 {
		nk := make([]ast.Expr, len(kids))
		changed := false
		for i, k := range kids {
			nk[i] = s.Simplify(k)
			changed = changed || nk[i] != k
		}
		if changed {
			e = ast.WithChildren(e, nk)
		}
	}
	if depth > maxRewrites {
		return e
	}
	for _, r := range s.rules {
		out, ok := s.apply(r, e)
		if !ok {
			continue
		}
		if s.Trace != nil {
			s.Trace(r.Name, e, out)
		}
		return s.simplify(out, depth+1)
	}
	return e
}

func (s *Simplifier) apply(r *Rule, e ast.Expr) (ast.Expr, bool) {
	if r.Func != nil {
		return r.Func(s, e)
	}
	if err := r.compile(); err != nil {
		panic(err) // the rules are part of the program; TestRulesCompile checks them
	}
	b := map[string]ast.Expr{}
	if !match(r.from, e, b) {
		return nil, false
	}
	for name, kinds := range r.conds {
		for _, k := range kinds {
			if !s.is(k, name, b) {
				return nil, false
			}
		}
	}
	out := instantiate(r.to, b)
	if _, err := s.shapes.Shape(out); err != nil {
		return nil, false // an ill-shaped result is never a rewrite
	}
	if sh := s.Shape(out); !sameShape(sh, s.Shape(e)) {
		return nil, false // a rewrite never changes a shape
	}
	return out, true
}

func sameShape(a, b ast.Shape) bool {
	if a.IsScalar() && b.IsScalar() {
		return true
	}
	eq := func(x, y ast.Dim) bool { return !x.Known() || !y.Known() || x == y }
	return eq(a.Rows, b.Rows) && eq(a.Cols, b.Cols)
}

func (s *Simplifier) is(kind, name string, b map[string]ast.Expr) bool {
	x, ok := b[name]
	if !ok {
		return false
	}
	sh := s.Shape(x)
	switch kind {
	case "scalar":
		return sh.IsScalar()
	case "vector":
		return sh.IsVector()
	case "row":
		return sh.IsRow()
	case "matrix":
		return sh.IsMatrix()
	case "nonscalar":
		return !sh.IsScalar()
	case "square":
		return sh.IsSquare()
	case "number":
		_, ok := num(x)
		return ok
	case "notnumber":
		_, ok := num(x)
		return !ok
	}
	panic("simplify: unknown kind " + kind)
}

func match(p, e ast.Expr, b map[string]ast.Expr) bool {
	switch p := p.(type) {
	case *ast.Ident:
		if prev, ok := b[p.Name]; ok {
			return ast.Equal(prev, e)
		}
		b[p.Name] = e
		return true
	case *ast.Number:
		n, ok := e.(*ast.Number)
		return ok && n.Value == p.Value
	case *ast.Identity:
		_, ok := e.(*ast.Identity)
		return ok
	case *ast.Ones:
		_, ok := e.(*ast.Ones)
		return ok
	case *ast.Unary:
		x, ok := e.(*ast.Unary)
		return ok && x.Op == p.Op && match(p.X, x.X, b)
	case *ast.Binary:
		x, ok := e.(*ast.Binary)
		return ok && x.Op == p.Op && match(p.X, x.X, b) && match(p.Y, x.Y, b)
	case *ast.Transpose:
		x, ok := e.(*ast.Transpose)
		return ok && match(p.X, x.X, b)
	case *ast.Call:
		x, ok := e.(*ast.Call)
		if !ok || x.Fun != p.Fun || x.Primes != p.Primes || len(x.Args) != len(p.Args) {
			return false
		}
		for i := range p.Args {
			if !match(p.Args[i], x.Args[i], b) {
				return false
			}
		}
		return true
	case *ast.Indicator:
		x, ok := e.(*ast.Indicator)
		return ok && x.Op == p.Op && match(p.X, x.X, b) && match(p.Y, x.Y, b)
	}
	return false
}

func instantiate(t ast.Expr, b map[string]ast.Expr) ast.Expr {
	switch t := t.(type) {
	case *ast.Ident:
		if x, ok := b[t.Name]; ok {
			return x
		}
		return ast.Var(t.Name)
	case *ast.Number:
		return ast.Num(t.Value)
	case *ast.Identity, *ast.Ones:
		panic("simplify: a rule may not introduce I or 𝟙 without a shape")
	}
	kids := ast.Children(t)
	nk := make([]ast.Expr, len(kids))
	for i, k := range kids {
		nk[i] = instantiate(k, b)
	}
	out := ast.WithChildren(t, nk)
	return stripPos(out)
}

// stripPos marks a node built from a pattern as not parsed.
func stripPos(e ast.Expr) ast.Expr {
	switch e := e.(type) {
	case *ast.Unary:
		e.OpPos = ast.NoPos
	case *ast.Binary:
		e.OpPos = ast.NoPos
	case *ast.Transpose:
		e.OpEnd = ast.NoPos
	case *ast.Call:
		e.FunPos, e.Rparen = ast.NoPos, ast.NoPos
	case *ast.Indicator:
		e.Lbrack, e.Rbrack = ast.NoPos, ast.NoPos
	}
	return e
}

// Rules returns the rewrite rules, in the order they are tried. The slice is
// a copy; the rules themselves must not be modified.
func Rules() []*Rule { return append([]*Rule(nil), rules...) }
