package ast

import (
	"fmt"
	"slices"
	"strconv"
	"unicode"
	"unicode/utf8"
)

// MaxVars is the most distinct variables a formula may have: derivatives by
// each of n variables take time that grows as n² (the Jacobian by each walks
// the formula), about 0.3 s at 1000.
const MaxVars = 1000

// Infer computes the shape of every variable and every node of e (docs/shapes.md):
// dimensions are unified across the tree, declarations and the shapes of
// given values (fixed, from --at) fix them, and defaults settle the rest:
// an uppercase letter is a matrix, a lowercase Latin letter a column vector,
// a lowercase Greek letter a scalar unless the formula makes it a vector.
//
// Every dimension is either rigid (a size, or a name from a declaration such
// as matrix(n,m)) or flexible. Flexible dimensions are unified like type
// variables, and may become 1: a vector of dimension 1 is a scalar, which is
// how (x+y)*max(y,z) makes x, y and z scalars. Dimensions still flexible at
// the end are named n, m, k, p, … in order of first appearance, skipping
// names that declarations or variables use.
//
// Operators are decided bottom-up (the first applicable rule wins):
//   - + − ∘ ./ max min [≥]: a constant broadcasts (1 + exp(v)); a scalar
//     that depends on variables makes an open other side a scalar (the b in
//     σ(wᵀx + b)) and broadcasts over a side that cannot be one; otherwise
//     both shapes are unified;
//   - product: with a definite scalar factor it is scalar multiplication
//     ((xᵀy) z); a column-shaped left factor whose open dimension belongs to
//     lowercase Greek variables only (λ, −α, 2λ, θ+μ) becomes a scalar
//     (λx, αA); otherwise it is the matrix product and the inner dimensions
//     are unified, which may narrow vectors to scalars;
//   - / and .^: a definite scalar or Greek-only divisor or exponent scales
//     (x/‖x‖, x/τ, x.^α); a scalar numerator is elementwise (1/x); else
//     both shapes are unified;
//   - ^: the exponent is a scalar and the base square; an open vector
//     becomes a scalar (x³), a rigid one is an error that suggests x.^2;
//   - calls follow their function's ShapeRule; generic and declared
//     functions are elementwise.
//
// Two choices go beyond the first design and are deliberate. The Greek
// rule applies to the left factor only: in λx the λ is a scale factor, but
// in Xθ or Xβ it is the parameter vector of a linear model. And a Greek
// variable that is transposed, normed or summed (θᵀθ, ‖θ‖, softmax(θ)) is a
// vector: nobody writes those of a scalar. An open 𝟙 is a column vector
// unless the context decides (𝟙ᵀx).
//
// A shape conflict is an *Error at the operator (or function) that names both
// operands with their shapes, dimensions named as they would be in the
// result.
func Infer(e Expr, decls []Decl, fixed map[string]Shape) (*Info, error) {
	in := newInferer()
	if err := in.collect(e); err != nil {
		return nil, err
	}
	if len(in.order) > MaxVars {
		name := in.order[MaxVars]
		return nil, Errorf(in.vars[name].pos, "a formula has at most %d distinct variables (ast.MaxVars), and %s is one more", MaxVars, name)
	}
	if err := in.declare(decls); err != nil {
		return nil, err
	}
	if err := in.initVars(fixed); err != nil {
		return nil, err
	}
	if _, err := in.shape(e); err != nil {
		return nil, err
	}
	if !in.dims.settle() {
		return nil, Errorf(e.Pos(), "cannot tell the dimensions of the factors of a Kronecker product or vec: declare the shapes of their variables, or give I its size by what it multiplies")
	}
	// A lowercase Greek variable whose dimension nothing else pins down is
	// a scalar (the default of docs/shapes.md), and so is the column count of a 𝟙.
	for _, e := range in.visited {
		s := in.shapes[e]
		for _, d := range []int{s.r, s.c} {
			r := in.dims.find(d)
			if f := in.dims.flags[r]; !in.dims.rigid(r) && f != 0 && f&usedByOther == 0 {
				in.dims.unify(d, 0, false)
			}
		}
	}
	for _, e := range in.visited {
		if b, ok := e.(*Binary); ok {
			if err := in.identityPlusScalar(b); err != nil {
				return nil, err
			}
		}
	}
	for _, e := range in.visited {
		// An I that inference makes 1×1 stands for the number 1 only by
		// accident: in x² + 0Iᵀ it met a scalar in a sum, which is the
		// ambiguity of I + λ in disguise.
		if id, ok := e.(*Identity); ok && !id.N.Known() && in.isScalar(in.shapes[e]) {
			return nil, Errorf(e.Pos(), "I is 1×1 here (it meets a scalar in a sum): write 1 for the number, λI to add λ to a diagonal, or λ𝟙𝟙ᵀ to add it to every entry")
		}
	}
	names := in.nameDims()
	info := &Info{Shapes: make(map[Expr]Shape, len(in.shapes))}
	for _, name := range in.order {
		v := in.vars[name]
		info.Vars = append(info.Vars, VarInfo{Name: name, Shape: in.resolve(v.s, names), Symmetric: v.symmetric})
	}
	for n, s := range in.shapes {
		info.Shapes[n] = in.resolve(s, names)
	}
	info.Funcs = in.funcList
	sizeOnes(info, info.Shapes[e])
	noted := map[string]bool{}
	for _, g := range in.greekSums {
		sh := info.Shapes[g.greek]
		if sh.IsScalar() {
			continue
		}
		for _, name := range Vars(g.greek) {
			if v := in.vars[name]; noted[name] || v.declared || info.Var(name).Shape.IsScalar() {
				continue
			}
			noted[name] = true
			info.Notes = append(info.Notes, fmt.Sprintf("%s is a vector here (%v), the shape of %s beside it; declare %s: scalar to add a scalar to every entry instead",
				name, info.Var(name).Shape, String(g.other), name))
		}
	}
	return info, nil
}

// Names returns the names of the variables of in, in order of first
// appearance.
func Names(in *Info) []string {
	if in == nil {
		return nil
	}
	names := make([]string, len(in.Vars))
	for i, v := range in.Vars {
		names[i] = v.Name
	}
	return names
}

// dimFlag records which kinds of variables use a flexible dimension, which
// decides whether the Greek-scalar default may apply to it.
type dimFlag uint8

const (
	// usedByGreek: a lowercase Greek variable (scalar preferred) uses it.
	usedByGreek dimFlag = 1 << iota
	// usedByOther: another variable uses it, or a Greek variable is used
	// the way only vectors are (θᵀ, ‖θ‖, sum(θ)): see preferVector.
	usedByOther
	// onesCols: the columns of a 𝟙 of open shape, a column vector unless
	// something else decides (𝟙ᵀx is the sum of x).
	onesCols
	// ofMatrix: a dimension of an undeclared uppercase variable, which
	// stays a matrix: it never becomes 1 (Wx + W is an error, not a
	// vector W and a scalar x).
	ofMatrix
)

// dimTable is a union-find over dimensions, with an undo trail so that a
// failed shape unification leaves no half-unified state behind (the error
// message then shows the shapes as they were).
type dimTable struct {
	parent []int
	size   []int    // > 0: a rigid size
	name   []string // != "": a rigid declared name
	flags  []dimFlag
	// prod holds the factors of a product dimension (vec, ⊗), nil for
	// others. A product is rigid: it is the product of its factors.
	prod  [][]int
	vec   []bool // a product made by vec, not ⊗
	trail []dimUndo
	// pending are products whose equality unification could not decide
	// yet (p·q = n·m with p and q open); Infer decides them at the end.
	pending []pendingDims
}

type pendingDims struct{ a, b, mark int }

type dimUndo struct {
	i, parent, size int
	name            string
	flags           dimFlag
}

func (t *dimTable) fresh(f dimFlag) int {
	t.parent = append(t.parent, len(t.parent))
	t.size = append(t.size, 0)
	t.name = append(t.name, "")
	t.flags = append(t.flags, f)
	t.prod = append(t.prod, nil)
	t.vec = append(t.vec, false)
	return len(t.parent) - 1
}

func (t *dimTable) find(i int) int {
	for t.parent[i] != i {
		i = t.parent[i]
	}
	return i
}

func (t *dimTable) save(i int) {
	t.trail = append(t.trail, dimUndo{i, t.parent[i], t.size[i], t.name[i], t.flags[i]})
}

func (t *dimTable) mark() int { return len(t.trail) }

func (t *dimTable) rollback(m int) {
	for len(t.trail) > m {
		u := t.trail[len(t.trail)-1]
		t.trail = t.trail[:len(t.trail)-1]
		t.parent[u.i], t.size[u.i], t.name[u.i], t.flags[u.i] = u.parent, u.size, u.name, u.flags
	}
	for len(t.pending) > 0 && t.pending[len(t.pending)-1].mark >= m {
		t.pending = t.pending[:len(t.pending)-1]
	}
}

func (t *dimTable) rigid(r int) bool { return t.size[r] > 0 || t.name[r] != "" || t.prod[r] != nil }

// product returns the dimension that is the product of the dimensions fs
// (the rows of vec(X), of A ⊗ B): one of them when the others are 1.
func (t *dimTable) product(fs ...int) int {
	var keep []int
	for _, f := range fs {
		if !t.isOne(f) {
			keep = append(keep, f)
		}
	}
	switch len(keep) {
	case 0:
		return 0
	case 1:
		return keep[0]
	}
	i := t.fresh(usedByOther)
	t.prod[i] = keep
	return i
}

// flatten writes the root r as a number times a list of roots that are
// names or open dimensions, expanding products.
func (t *dimTable) flatten(r int, n int, syms []int) (int, []int) {
	r = t.find(r)
	switch {
	case t.size[r] > 0:
		return n * t.size[r], syms
	case t.prod[r] != nil:
		for _, f := range t.prod[r] {
			n, syms = t.flatten(f, n, syms)
		}
		return n, syms
	}
	return n, append(syms, r)
}

// unifyProducts unifies two dimensions of which one is a product: factors
// common to both sides cancel, and what is left must be equal sizes, or a
// single open dimension on one side, which becomes the rest of the other
// (n·p = n·m makes p m; p·2 = 6 makes p 3). What cannot be decided yet
// (p·q = n·m) is kept for Infer to decide at the end.
func (t *dimTable) unifyProducts(ra, rb int) bool {
	na, la := t.flatten(ra, 1, nil)
	nb, lb := t.flatten(rb, 1, nil)
	la, lb = cancel(la, lb)
	switch {
	case len(la) == 0 && len(lb) == 0:
		return na == nb
	case len(la) == 1 && !t.rigid(la[0]) && nb%na == 0:
		return t.bindTo(la[0], nb/na, lb)
	case len(lb) == 1 && !t.rigid(lb[0]) && na%nb == 0:
		return t.bindTo(lb[0], na/nb, la)
	}
	for _, d := range append(append([]int(nil), la...), lb...) {
		if !t.rigid(d) {
			t.pending = append(t.pending, pendingDims{ra, rb, t.mark()})
			return true
		}
	}
	return false
}

// bindTo makes the open root f the product of n and the roots rest.
func (t *dimTable) bindTo(f, n int, rest []int) bool {
	target := -1
	switch {
	case n == 1 && len(rest) == 0:
		target = 0
	case n == 1 && len(rest) == 1:
		target = rest[0]
	default:
		fs := append([]int(nil), rest...)
		if n != 1 {
			c := t.fresh(usedByOther)
			t.size[c] = n
			fs = append(fs, c)
		}
		target = t.fresh(usedByOther)
		t.prod[target] = fs
	}
	if t.flags[f]&ofMatrix != 0 && target == 0 {
		return false
	}
	t.save(f)
	t.save(target)
	t.parent[f] = target
	t.flags[target] |= t.flags[f]
	return true
}

// cancel removes the entries common to a and b (as multisets).
func cancel(a, b []int) ([]int, []int) {
	var ra []int
	rb := append([]int(nil), b...)
outer:
	for _, x := range a {
		for i, y := range rb {
			if x == y {
				rb = append(rb[:i], rb[i+1:]...)
				continue outer
			}
		}
		ra = append(ra, x)
	}
	return ra, rb
}

// settle decides the products unification had to leave open, once every
// other constraint is known. It reports false when one stays open or
// contradicts.
func (t *dimTable) settle() bool {
	for len(t.pending) > 0 {
		ps := t.pending
		t.pending = nil
		for _, p := range ps {
			if !t.unify(p.a, p.b, false) {
				return false
			}
		}
		if len(t.pending) == len(ps) && !t.guess(t.pending[0]) {
			return false
		}
	}
	return true
}

// guess decides an open product equality by pairing the factors in order
// (vec(X) = vec(Y): X and Y have one shape), or, between a vec and a
// Kronecker product, in reverse order, as (A ⊗ B)vec(X) = vec(BXAᵀ) needs:
// in vec(X)ᵀ(A ⊗ B)vec(X), B has the rows of X and A its columns.
func (t *dimTable) guess(p pendingDims) bool {
	_, la := t.flatten(p.a, 1, nil)
	_, lb := t.flatten(p.b, 1, nil)
	la, lb = cancel(la, lb)
	if len(la) != len(lb) || len(la) == 0 {
		return false
	}
	if t.vec[t.find(p.a)] != t.vec[t.find(p.b)] {
		slices.Reverse(lb)
	}
	for i := range la {
		if !t.unify(la[i], lb[i], false) {
			return false
		}
	}
	return true
}

// isOne reports whether dimension i is definitely 1.
func (t *dimTable) isOne(i int) bool { return t.size[t.find(i)] == 1 }

// unify makes a and b the same dimension. Two rigid dimensions unify only
// when equal, except that with bind a declared name takes the size of a
// given value (W: matrix(n,m) with a 3×2 value makes n 3).
func (t *dimTable) unify(a, b int, bind bool) bool {
	ra, rb := t.find(a), t.find(b)
	if ra == rb {
		return true
	}
	if t.flags[ra]&ofMatrix != 0 && t.size[rb] == 1 || t.flags[rb]&ofMatrix != 0 && t.size[ra] == 1 {
		return false
	}
	if t.prod[ra] != nil || t.prod[rb] != nil {
		return t.unifyProducts(ra, rb)
	}
	switch {
	case !t.rigid(ra):
		// link ra under rb
	case !t.rigid(rb):
		ra, rb = rb, ra
	case t.size[ra] > 0 && t.size[ra] == t.size[rb]:
	case bind && t.size[rb] > 0 && t.name[ra] != "":
	case bind && t.size[ra] > 0 && t.name[rb] != "":
		ra, rb = rb, ra
	default:
		return false
	}
	t.save(ra)
	t.save(rb)
	t.parent[ra] = rb
	t.flags[rb] |= t.flags[ra]
	return true
}

// shp is a shape whose dimensions are indices into the dimTable.
type shp struct{ r, c int }

type varState struct {
	s         shp
	pos       Pos // first appearance
	declared  bool
	symmetric bool
	decl      string // the declaration as written, for messages
}

type inferer struct {
	dims      dimTable
	vars      map[string]*varState
	order     []string        // variables in order of first appearance
	named     map[string]int  // declared dimension names
	taken     map[string]bool // names a generated dimension must not use
	shapes    map[Expr]shp
	visited   []Expr // nodes in the order shapes were computed, for naming
	funcs     map[string]bool
	funcList  []string
	constant  map[Expr]bool // memo of isConstant
	collected map[Expr]bool // nodes seen by collect
	// greekSums are the sums that gave lowercase Greek variables the shape
	// of their other side (Xw + β), for Info.Notes.
	greekSums []greekSum
	// env, for a checker (Check), gives every variable's shape; variables
	// get their dimensions from it when first met.
	env map[string]Shape
}

var scalarShp = shp{0, 0}

// A greekSum is a + b (or −, ∘, …) where the side greek, built of
// lowercase Greek variables only, took the shape of the other side.
type greekSum struct {
	greek, other Expr
}

func newInferer() *inferer {
	in := &inferer{
		vars:      map[string]*varState{},
		named:     map[string]int{},
		taken:     map[string]bool{},
		shapes:    map[Expr]shp{},
		funcs:     map[string]bool{},
		constant:  map[Expr]bool{},
		collected: map[Expr]bool{},
	}
	in.dims.fresh(0) // index 0 is the constant dimension 1
	in.dims.size[0] = 1
	return in
}

// collect records the variables in order of first appearance and rejects
// malformed trees (nil children), so that the rest can walk without checks.
func (in *inferer) collect(e Expr) error {
	if e == nil || isNilNode(e) {
		return Errorf(NoPos, "missing expression")
	}
	if in.collected[e] {
		return nil // a shared subtree, already seen
	}
	in.collected[e] = true
	switch e := e.(type) {
	case *Ident:
		if _, ok := in.vars[e.Name]; !ok {
			in.vars[e.Name] = &varState{pos: e.Pos()}
			in.order = append(in.order, e.Name)
			in.taken[e.Name] = true
		}
		return nil
	case *Identity:
		if e.N.Name != "" {
			in.taken[e.N.Name] = true
		}
	case *Ones:
		in.taken[e.Shape.Rows.Name] = true
		in.taken[e.Shape.Cols.Name] = true
	case *Call:
		if len(e.Args) == 0 {
			return Errorf(e.Pos(), "%s needs an argument", e.Fun)
		}
	}
	for _, k := range Children(e) {
		if err := in.collect(k); err != nil {
			return err
		}
	}
	return nil
}

// isNilNode reports whether e is a typed nil pointer.
func isNilNode(e Expr) bool {
	switch e := e.(type) {
	case *Ident:
		return e == nil
	case *Number:
		return e == nil
	case *Identity:
		return e == nil
	case *Ones:
		return e == nil
	case *Unary:
		return e == nil
	case *Binary:
		return e == nil
	case *Transpose:
		return e == nil
	case *Call:
		return e == nil
	case *Indicator:
		return e == nil
	}
	return false
}

// dimFor returns the dimension a declaration or value gives: a size, a
// shared rigid name, or a fresh flexible dimension when unknown.
func (in *inferer) dimFor(d Dim) int {
	switch {
	case d.N == 1:
		return 0
	case d.N > 0:
		i := in.dims.fresh(usedByOther)
		in.dims.size[i] = d.N
		return i
	case len(d.Factors()) > 1:
		var fs []int
		for _, f := range d.Factors() {
			fs = append(fs, in.dimFor(f))
		}
		return in.dims.product(fs...)
	case d.Name != "":
		if i, ok := in.named[d.Name]; ok {
			return i
		}
		i := in.dims.fresh(usedByOther)
		in.dims.name[i] = d.Name
		in.named[d.Name] = i
		in.taken[d.Name] = true
		return i
	}
	return in.dims.fresh(usedByOther)
}

func declText(d Decl) string {
	switch d.Kind {
	case DeclScalar:
		return "scalar"
	case DeclVector:
		if len(d.Dims) > 0 {
			return fmt.Sprintf("vector(%v)", d.Dims[0])
		}
		return "vector"
	case DeclMatrix:
		if len(d.Dims) > 1 {
			return fmt.Sprintf("matrix(%v,%v)", d.Dims[0], d.Dims[1])
		}
		return "matrix"
	case DeclSymmetric:
		if len(d.Dims) > 0 {
			return fmt.Sprintf("symmetric(%v)", d.Dims[0])
		}
		return "symmetric"
	case DeclFunction:
		return "function"
	}
	return "?"
}

// declare applies the declarations to the variables of the formula (and
// reserves the dimension names of all of them).
func (in *inferer) declare(decls []Decl) error {
	for _, d := range decls {
		for _, name := range d.Names {
			if d.Kind == DeclFunction {
				if !in.funcs[name] {
					in.funcs[name] = true
					in.funcList = append(in.funcList, name)
				}
				continue
			}
			dim := func(i int) int {
				if i < len(d.Dims) {
					return in.dimFor(d.Dims[i])
				}
				return in.dims.fresh(usedByOther)
			}
			var s shp
			switch d.Kind {
			case DeclScalar:
				s = scalarShp
			case DeclVector:
				s = shp{dim(0), 0}
			case DeclMatrix:
				s = shp{dim(0), dim(1)}
			case DeclSymmetric:
				n := dim(0)
				if len(d.Dims) > 1 && !in.dims.unify(n, dim(1), false) {
					return Errorf(d.DeclPos, "symmetric matrix %s must be square", name)
				}
				s = shp{n, n}
			default:
				return Errorf(d.DeclPos, "unknown declaration kind for %s", name)
			}
			v, ok := in.vars[name]
			if !ok {
				continue // declared but not used in this formula
			}
			if in.funcs[name] {
				return Errorf(d.DeclPos, "%s is declared both a function and %s", name, declText(d))
			}
			if v.declared {
				m := in.dims.mark()
				if !in.dims.unify(v.s.r, s.r, false) || !in.dims.unify(v.s.c, s.c, false) {
					in.dims.rollback(m)
					return Errorf(d.DeclPos, "conflicting declarations of %s: %s and %s", name, v.decl, declText(d))
				}
			} else {
				v.s = s
				v.declared = true
				v.decl = declText(d)
			}
			v.symmetric = v.symmetric || d.Kind == DeclSymmetric
		}
	}
	return nil
}

// initVars gives every undeclared variable its default shape, then applies
// the shapes of given values.
func (in *inferer) initVars(fixed map[string]Shape) error {
	for _, name := range in.order {
		v := in.vars[name]
		if in.funcs[name] {
			return Errorf(v.pos, "%s is a function: call it as %s(…)", name, name)
		}
		if v.declared {
			continue
		}
		if fs, ok := fixed[name]; ok && (fs.Rows.Known() || fs.Cols.Known()) {
			v.s = shp{in.dimFor(fs.Rows), in.dimFor(fs.Cols)}
			v.declared = true
			continue
		}
		switch defaultKind(name) {
		case kindMatrix:
			v.s = shp{in.dims.fresh(usedByOther | ofMatrix), in.dims.fresh(usedByOther | ofMatrix)}
		case kindGreek:
			v.s = shp{in.dims.fresh(usedByGreek), 0}
		default:
			v.s = shp{in.dims.fresh(usedByOther), 0}
		}
	}
	for _, name := range in.order {
		v := in.vars[name]
		fs, ok := fixed[name]
		if !ok || !fs.Rows.Known() && !fs.Cols.Known() {
			continue
		}
		given := shp{in.dimFor(fs.Rows), in.dimFor(fs.Cols)}
		m := in.dims.mark()
		if !in.dims.unify(v.s.r, given.r, true) || !in.dims.unify(v.s.c, given.c, true) {
			in.dims.rollback(m)
			return Errorf(v.pos, "the value of %s has shape %s, but %s is declared %s",
				name, in.show(given), name, v.decl)
		}
	}
	return nil
}

type varKind int

const (
	kindVector varKind = iota
	kindMatrix
	kindGreek
)

// defaultKind is the shape a variable has when nothing decides otherwise.
func defaultKind(name string) varKind {
	r, _ := utf8.DecodeRuneInString(name)
	switch {
	case unicode.IsUpper(r):
		return kindMatrix
	case unicode.Is(unicode.Greek, r):
		return kindGreek
	}
	return kindVector
}

// isScalar reports whether s is definitely a scalar.
func (in *inferer) isScalar(s shp) bool { return in.dims.isOne(s.r) && in.dims.isOne(s.c) }

// greekOnly reports whether s is column-shaped (λ, 2λ, θ+μ, f(α)) and
// can be made a scalar because its open dimension belongs to lowercase
// Greek variables only. A row such as θᵀ is not: θᵀx is a dot product.
func (in *inferer) greekOnly(s shp) bool {
	if !in.dims.isOne(s.c) {
		return false
	}
	r := in.dims.find(s.r)
	return in.dims.size[r] == 1 || !in.dims.rigid(r) && in.dims.flags[r] == usedByGreek
}

// toScalar makes s a scalar; it must be greekOnly.
// greekScalar reports whether e is built of lowercase Greek variables and
// numbers only (ε/3, 1 − λ): a scale factor, which broadcasts.
func (in *inferer) greekScalar(e Expr) bool {
	ok, any := true, false
	Inspect(e, func(n Expr) bool {
		if id, isID := n.(*Ident); isID {
			any = true
			ok = ok && defaultKind(id.Name) == kindGreek && !in.vars[id.Name].declared
		}
		return ok
	})
	return ok && any
}

func (in *inferer) toScalar(s shp) {
	in.dims.unify(s.r, 0, false)
	in.dims.unify(s.c, 0, false)
}

// unifyShapes unifies a and b, all or nothing.
func (in *inferer) unifyShapes(a, b shp) bool {
	m := in.dims.mark()
	if in.dims.unify(a.r, b.r, false) && in.dims.unify(a.c, b.c, false) {
		return true
	}
	in.dims.rollback(m)
	return false
}

// preferVector marks the open dimensions of Greek variables in s as those
// of a vector, so that the Greek-scalar default leaves them alone: one does
// not write ‖θ‖, softmax(θ) or θᵀ of a scalar.
func (in *inferer) preferVector(s shp) {
	for _, d := range []int{s.r, s.c} {
		r := in.dims.find(d)
		if !in.dims.rigid(r) && in.dims.flags[r] == usedByGreek {
			in.dims.save(r)
			in.dims.flags[r] |= usedByOther
		}
	}
}

func opPos(e *Binary) Pos {
	switch {
	case e.OpPos.IsValid():
		return e.OpPos
	case e.Y.Pos().IsValid():
		return e.Y.Pos()
	}
	return e.X.Pos()
}

func (in *inferer) shape(e Expr) (shp, error) {
	if s, ok := in.shapes[e]; ok {
		return s, nil
	}
	if in.env == nil { // a checker names no dimensions
		in.visited = append(in.visited, e)
	}
	s, err := in.shapeOf(e)
	if err == nil {
		in.shapes[e] = s
	}
	return s, err
}

// shapeOf computes the shape of e, which shape memoizes.
func (in *inferer) shapeOf(e Expr) (s shp, err error) {
	switch e := e.(type) {
	case *Ident:
		if v := in.vars[e.Name]; v != nil {
			return v.s, nil
		}
		fs, ok := in.env[e.Name]
		if !ok {
			return shp{}, Errorf(e.Pos(), "unknown variable %s", e.Name)
		}
		v := &varState{s: shp{in.dimFor(fs.Rows), in.dimFor(fs.Cols)}, pos: e.Pos(), declared: true}
		in.vars[e.Name] = v
		return v.s, nil
	case *Number:
		return scalarShp, nil
	case *Identity:
		var n int
		if e.N.Known() {
			n = in.dimFor(e.N)
		} else {
			n = in.dims.fresh(0)
		}
		return shp{n, n}, nil
	case *Ones:
		dim := func(d Dim) int {
			if d.Known() {
				return in.dimFor(d)
			}
			return in.dims.fresh(0)
		}
		s := shp{dim(e.Shape.Rows), dim(e.Shape.Cols)}
		if !e.Shape.Cols.Known() {
			in.dims.flags[s.c] = onesCols
		}
		return s, nil
	}
	var buf [2]Expr // the children of the common nodes, without allocating
	var kids []Expr
	switch x := e.(type) {
	case *Binary:
		buf[0], buf[1] = x.X, x.Y
		kids = buf[:2]
	case *Unary:
		buf[0] = x.X
		kids = buf[:1]
	case *Transpose:
		buf[0] = x.X
		kids = buf[:1]
	default:
		kids = Children(e)
	}
	var kbuf [2]shp
	ks := kbuf[:0]
	if len(kids) > len(kbuf) {
		ks = make([]shp, 0, len(kids))
	}
	ks = ks[:len(kids)]
	for i, k := range kids {
		if ks[i], err = in.shape(k); err != nil {
			return shp{}, err
		}
	}
	switch e := e.(type) {
	case *Unary:
		if e.Op != Neg {
			return shp{}, Errorf(e.Pos(), "unknown unary operator %v", e.Op)
		}
		return ks[0], nil
	case *Transpose:
		in.preferVector(ks[0])
		return shp{ks[0].c, ks[0].r}, nil
	case *Indicator:
		if s, ok := in.broadcast(e.X, e.Y, ks[0], ks[1]); ok {
			return s, nil
		}
		return shp{}, Errorf(e.Pos(), "cannot compare %s with %s: shapes differ", in.operand(e.X), in.operand(e.Y))
	case *Binary:
		return in.binary(e, ks[0], ks[1])
	case *Call:
		return in.call(e, ks)
	}
	return shp{}, Errorf(e.Pos(), "no shape rule for %T", e)
}

// broadcast is the rule of + − ∘ ./ max min [≥]: a definite scalar goes with
// anything, otherwise the shapes are the same. A constant (1 + exp(v))
// broadcasts over whatever the other side is; a scalar that depends on
// variables makes an open other side a scalar too (the b of σ(wᵀx + b) is a
// scalar bias), and broadcasts only over a side that must be a vector or
// matrix.
func (in *inferer) broadcast(ex, ey Expr, x, y shp) (shp, bool) {
	xs, ys := in.isScalar(x), in.isScalar(y)
	switch {
	case xs && ys:
		return x, true
	case xs:
		// A scalar that depends on variables makes an open other side a
		// scalar (the b of σ(wᵀx + b)), unless it is a Greek scalar, which
		// broadcasts ((1 − ε)y + ε/3 keeps y a vector).
		if !in.isConstant(ex) && !isFill(ey) && !in.greekScalar(ex) && in.unifyShapes(x, y) {
			return x, true
		}
		return y, true
	case ys:
		if !in.isConstant(ey) && !isFill(ex) && !in.greekScalar(ey) && in.unifyShapes(x, y) {
			return x, true
		}
		return x, true
	case in.greekOnly(x) && !in.greekOnly(y) && in.unifyShapes(x, y):
		in.greekSums = append(in.greekSums, greekSum{greek: ex, other: ey})
		return x, true
	case in.greekOnly(y) && !in.greekOnly(x) && in.unifyShapes(x, y):
		in.greekSums = append(in.greekSums, greekSum{greek: ey, other: ex})
		return x, true
	case in.unifyShapes(x, y):
		return x, true
	case in.greekOnly(x):
		// λ + A: a Greek variable that cannot have the other side's
		// shape is a scalar, and broadcasts.
		in.toScalar(x)
		return y, true
	case in.greekOnly(y):
		in.toScalar(y)
		return x, true
	}
	return shp{}, false
}

// isFill reports whether e is I or 𝟙: a scalar added to them broadcasts
// (α − I is the matrix αI… minus I), it never makes them 1×1.
func isFill(e Expr) bool {
	switch e.(type) {
	case *Identity, *Ones:
		return true
	}
	return false
}

// isConstant reports whether e has no variables. It is memoized: trees
// built by derive share subtrees, and walking them afresh could take
// exponential time.
func (in *inferer) isConstant(e Expr) bool {
	if c, ok := in.constant[e]; ok {
		return c
	}
	c := true
	if _, ok := e.(*Ident); ok {
		c = false
	}
	for _, k := range Children(e) {
		if !in.isConstant(k) {
			c = false
			break
		}
	}
	in.constant[e] = c
	return c
}

// identityPlusScalar refuses I + λ (and λ − I, …) in a parsed formula:
// lecture notes mean λI by it, while a scalar added to a matrix elsewhere
// adds it to every entry (1 + exp(X)). Rather than guess, the error says
// what to write (docs/shapes.md).
func (in *inferer) identityPlusScalar(e *Binary) error {
	if in.env != nil || e.Op != Add && e.Op != Sub {
		return nil
	}
	x, y := in.shapes[e.X], in.shapes[e.Y]
	for _, side := range []struct {
		id    Expr
		other Expr
		s     shp
	}{{e.X, e.Y, y}, {e.Y, e.X, x}} {
		if _, ok := side.id.(*Identity); ok && in.isScalar(side.s) {
			o := String(side.other)
			if Precedence(side.other) < PrecProduct {
				o = "(" + o + ")"
			}
			return Errorf(opPos(e), "%s is ambiguous: write %sI to add %s to the diagonal, or %s𝟙𝟙ᵀ to add it to every entry", String(e), o, String(side.other), o)
		}
	}
	return nil
}

// firstFactor is the first factor of a product: T in T f(z).
func firstFactor(e Expr) Expr {
	for {
		b, ok := e.(*Binary)
		if !ok || b.Op != Mul {
			return e
		}
		e = b.X
	}
}

func (in *inferer) binary(e *Binary, x, y shp) (shp, error) {
	pos := opPos(e)
	switch e.Op {
	case Add, Sub, Hadamard, ElemDiv:
		if s, ok := in.broadcast(e.X, e.Y, x, y); ok {
			return s, nil
		}
		var verb string
		switch e.Op {
		case Add:
			verb = "cannot add %s and %s: shapes differ"
		case Sub:
			verb = "cannot subtract %[2]s from %[1]s: shapes differ"
		case Hadamard:
			verb = "cannot multiply %s and %s elementwise: shapes differ"
		default:
			verb = "cannot divide %s by %s elementwise: shapes differ"
		}
		return shp{}, Errorf(pos, verb, in.operand(e.X), in.operand(e.Y))
	case Mul:
		switch {
		case in.isScalar(x):
			return y, nil
		case in.isScalar(y):
			return x, nil
		case in.greekOnly(x):
			in.toScalar(x)
			return y, nil
		}
		if in.dims.unify(x.c, y.r, false) {
			return shp{x.r, y.c}, nil
		}
		hint := ""
		if t, ok := firstFactor(e.Y).(*Ident); ok && t.Name == "T" && e.Y.Pos() == e.X.End() {
			// uT f(z): a T glued to a name is meant as a transpose.
			hint = fmt.Sprintf(" (for the transpose write %sᵀ, %s' or %s^T)", String(e.X), String(e.X), String(e.X))
		}
		return shp{}, Errorf(pos, "cannot multiply %s by %s: inner dimensions %s and %s differ%s",
			in.operand(e.X), in.operand(e.Y), in.showDim(x.c), in.showDim(y.r), hint)
	case Div, ElemPow:
		switch {
		case in.isScalar(y):
			return x, nil
		case in.isScalar(x):
			return y, nil
		case in.greekOnly(y):
			in.toScalar(y)
			return x, nil
		case in.unifyShapes(x, y):
			return x, nil
		}
		if e.Op == Div {
			return shp{}, Errorf(pos, "cannot divide %s by %s: shapes differ", in.operand(e.X), in.operand(e.Y))
		}
		return shp{}, Errorf(pos, "cannot raise %s to %s elementwise: shapes differ", in.operand(e.X), in.operand(e.Y))
	case Pow:
		if !in.isScalar(y) {
			m := in.dims.mark()
			if !in.dims.unify(y.r, 0, false) || !in.dims.unify(y.c, 0, false) {
				in.dims.rollback(m)
				return shp{}, Errorf(pos, "the exponent of %s must be a scalar, not %s", String(e), in.operand(e.Y))
			}
		}
		if in.isScalar(x) || in.dims.unify(x.r, x.c, false) {
			return x, nil
		}
		return shp{}, in.powError(e, pos, x)
	}
	return shp{}, Errorf(pos, "unknown operator %v", e.Op)
}

// powError explains why a power of a non-square base is refused, and what
// was probably meant for a vector.
func (in *inferer) powError(e *Binary, pos Pos, x shp) error {
	head := fmt.Sprintf("%s needs a scalar or square matrix, but %s", String(e), String(e.X))
	switch {
	case in.dims.isOne(x.c):
		alts := String(Bin(ElemPow, e.X, e.Y))
		if n, ok := e.Y.(*Number); ok && n.Value == 2 {
			xs := String(e.X)
			if Precedence(e.X) < PrecPostfix {
				xs = "(" + xs + ")"
			}
			alts += ", " + xs + "∘" + xs + " or " + String(Bin(Pow, Fn("norm", 0, e.X), e.Y))
		}
		return Errorf(pos, "%s is a vector (%s): use %s", head, in.show(x), alts)
	case in.dims.isOne(x.r):
		return Errorf(pos, "%s is a row vector (%s)", head, in.show(x))
	}
	return Errorf(pos, "%s is %s, not square", head, in.show(x))
}

func (in *inferer) call(e *Call, ks []shp) (shp, error) {
	b := funcs[e.Fun]
	if b == nil || b.Elementwise() {
		arity := 1
		if b != nil {
			arity = b.Arity()
		}
		if len(ks) != arity {
			return shp{}, Errorf(e.Pos(), "%s takes %s, not %d", e.Fun, plural(arity, "argument"), len(ks))
		}
		if arity == 1 {
			return ks[0], nil
		}
		if s, ok := in.broadcast(e.Args[0], e.Args[1], ks[0], ks[1]); ok {
			return s, nil
		}
		return shp{}, Errorf(e.Pos(), "cannot take %s of %s and %s: shapes differ", e.Fun, in.operand(e.Args[0]), in.operand(e.Args[1]))
	}
	if len(ks) != b.Arity() {
		return shp{}, Errorf(e.Pos(), "%s takes %s, not %d", e.Fun, plural(b.Arity(), "argument"), len(ks))
	}
	x := ks[0]
	arg := e.Args[0]
	switch b.ShapeRule() {
	case ToScalar:
		in.preferVector(x)
		return scalarShp, nil
	case PairToScalar:
		if in.dims.unify(x.r, ks[1].r, false) && in.dims.unify(x.c, ks[1].c, false) {
			in.preferVector(x)
			return scalarShp, nil
		}
		hint := ""
		if in.isScalar(x) || in.isScalar(ks[1]) {
			hint = "; for a scalar times a vector or matrix write a product without · (λx or λ*x)"
		}
		return shp{}, Errorf(e.Pos(), "cannot take %s of %s and %s: shapes differ%s", e.Fun, in.operand(e.Args[0]), in.operand(e.Args[1]), hint)
	case SquareToScalar:
		if in.dims.unify(x.r, x.c, false) {
			return scalarShp, nil
		}
		return shp{}, Errorf(e.Pos(), "%s needs a square matrix, not %s", e.Fun, in.operand(arg))
	case SquareToSquare:
		if in.dims.unify(x.r, x.c, false) {
			return x, nil
		}
		if b.Notation() == InverseNotation {
			return shp{}, Errorf(e.Pos(), "cannot invert %s: not square", in.operand(arg))
		}
		return shp{}, Errorf(e.Pos(), "%s needs a square matrix, not %s", e.Fun, in.operand(arg))
	case Diagonal:
		if in.isScalar(x) {
			return x, nil
		}
		if _, ones := arg.(*Ones); ones && !in.dims.rigid(in.dims.find(x.c)) {
			in.dims.unify(x.c, 0, false) // diag(𝟙) is I: 𝟙 is a vector here
		}
		if in.dims.isOne(x.c) {
			in.preferVector(x)
			return shp{x.r, x.r}, nil
		}
		if in.dims.unify(x.r, x.c, false) {
			return shp{x.r, 0}, nil
		}
		return shp{}, Errorf(e.Pos(), "%s needs a vector or a square matrix, not %s", e.Fun, in.operand(arg))
	case VectorToVector:
		if in.dims.unify(x.c, 0, false) {
			in.preferVector(x)
			return x, nil
		}
		return shp{}, Errorf(e.Pos(), "%s needs a vector, not %s", e.Fun, in.operand(arg))
	case Vectorize:
		n := in.dims.product(x.r, x.c)
		in.dims.vec[n] = in.dims.prod[n] != nil
		return shp{n, 0}, nil
	case KroneckerRule:
		y := ks[1]
		return shp{in.dims.product(x.r, y.r), in.dims.product(x.c, y.c)}, nil
	case CommutationRule:
		n := in.dims.product(x.r, x.c)
		return shp{n, n}, nil
	}
	return shp{}, Errorf(e.Pos(), "no shape rule for %s", e.Fun)
}

func plural(n int, word string) string {
	if n == 1 {
		return "one " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// operand returns "x (n)": the expression and its current shape.
func (in *inferer) operand(e Expr) string {
	s, ok := in.shapes[e]
	if !ok {
		return String(e)
	}
	return fmt.Sprintf("%s (%s)", String(e), in.show(s))
}

// show formats a shape with the dimension names the result would use now.
func (in *inferer) show(s shp) string {
	return in.resolve(s, in.nameDims()).String()
}

func (in *inferer) showDim(d int) string {
	return in.dimValue(d, in.nameDims()).String()
}

// dimNames are the names given to open dimensions, in this order.
var dimNames = []string{"n", "m", "k", "p", "q", "r", "s", "t", "d", "l"}

// nameDims names every open dimension: those of the variables first, in
// order of first appearance (rows before columns), then those of other
// nodes (I, 𝟙) in the order they were visited.
func (in *inferer) nameDims() map[int]Dim {
	names := map[int]Dim{}
	next := 0
	newName := func() string {
		for {
			i := next
			next++
			name := dimNames[i%len(dimNames)]
			if i >= len(dimNames) {
				name += subscript(i / len(dimNames))
			}
			if !in.taken[name] {
				return name
			}
		}
	}
	visit := func(d int) {
		r := in.dims.find(d)
		if _, ok := names[r]; ok || in.dims.rigid(r) {
			return
		}
		names[r] = Sym(newName())
	}
	for _, name := range in.order {
		v := in.vars[name]
		visit(v.s.r)
		visit(v.s.c)
	}
	for _, n := range in.visited {
		if s, ok := in.shapes[n]; ok {
			visit(s.r)
			visit(s.c)
		}
	}
	return names
}

func subscript(n int) string {
	var b []rune
	for _, d := range strconv.Itoa(n) {
		b = append(b, '₀'+(d-'0'))
	}
	return string(b)
}

func (in *inferer) dimValue(d int, names map[int]Dim) Dim {
	r := in.dims.find(d)
	switch {
	case in.dims.size[r] > 0:
		return Size(in.dims.size[r])
	case in.dims.name[r] != "":
		return Sym(in.dims.name[r])
	case in.dims.prod[r] != nil:
		p := One
		for _, f := range in.dims.prod[r] {
			p = MulDim(p, in.dimValue(f, names))
		}
		return p
	}
	if n, ok := names[r]; ok {
		return n
	}
	return Dim{}
}

func (in *inferer) resolve(s shp, names map[int]Dim) Shape {
	return Shape{in.dimValue(s.r, names), in.dimValue(s.c, names)}
}

// sizeOnes writes into a parsed 𝟙 that inference made a scalar, a row or a
// matrix its shape, where the variables' dimensions give it sizes: the
// evaluator takes a 𝟙 of unknown size for a vector, which would give 𝟙ᵀa
// (a scalar 𝟙 here, or an n×n one) another value than the one derived.
// The dimensions of the whole formula count as given (check sizes them). The shape is an
// annotation (Equal and the printer ignore it).
func sizeOnes(info *Info, whole Shape) {
	dims := map[Dim]bool{whole.Rows: true, whole.Cols: true}
	for _, v := range info.Vars {
		dims[v.Shape.Rows], dims[v.Shape.Cols] = true, true
	}
	sized := func(d Dim) bool { return d.N > 0 || dims[d] }
	for n, s := range info.Shapes {
		o, ok := n.(*Ones)
		if !ok || o.Shape.Rows.Known() || o.Shape.Cols.Known() || s.IsVector() || !sized(s.Rows) || !sized(s.Cols) {
			continue
		}
		o.Shape = s
	}
}
