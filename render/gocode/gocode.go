// Package gocode emits Go (gonum) code that computes a formula's value and
// derivatives, from a derive.Result: shared pieces computed once, no
// diagonal matrix ever built, transposed products by BLAS flags instead of
// copies, and a workspace form that allocates nothing after its first call.
// Each built-in's Go code comes from its registry entry (package op); the
// tree is first put in the form the emitter needs by simplify.PushTransposes.
package gocode

import (
	"bytes"
	"fmt"
	"go/format"
	"go/token"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/derive"
	"github.com/matcalc/matcalc/op"
	"github.com/matcalc/matcalc/simplify"
)

// Options configures Go.
type Options struct {
	Package   string // package clause; "grad" when empty
	Func      string // name of the function; "F" when empty
	Workspace bool   // also emit <Func>Workspace and its method <Func>
	// Funcs gives generic functions a built-in meaning (--fun f=tanh):
	// the code computes tanh where the formula says f, and emits no stub
	// for f.
	Funcs map[string]string
}

// Generate returns one gofmt'ed Go source file that computes the function of r and
// its derivatives with gonum (docs/cli.md, --format go):
//
//	func F(<inputs>) (<value>, <one result per derivative>)
//
// Inputs come in r.Vars order; a variable whose dimensions are all 1 is a
// float64, a vector a *mat.VecDense, a matrix a *mat.Dense; Jacobians and
// Hessians are *mat.Dense. Shared definitions are computed once, Hadamard
// products and outer products are loops written straight into their
// destination, products with a transpose use .T() (or BLAS with a transpose
// flag in the workspace form) and never copy the transpose. Generic functions
// f become stubs f, fPrime that panic until filled in.
//
// A tensor derivative (a Differential, mixed blocks included) is a
// *mat.Dense in vec layout, ∂vec(F)/∂vec(X)ᵀ with column-major vec: entry
// (i + j·rows(F), k + l·rows(X)) is ∂Fᵢⱼ/∂Xₖₗ. It is built from the
// Kronecker form where derive gives one, else column by column from the
// directional derivative at unit directions. The directional derivative
// itself is a function of its own, FJVPX(<inputs>, dX) for ∂F/∂X or
// FHVPX(<inputs>, dX) for the Hessian by X (FHVPXY for the mixed block
// ∂²s/∂X∂Y, along dY), which never forms the matrix.
//
// With o.Workspace the file also declares FWorkspace, whose methods F
// (and FJVPX, …) reuse its buffers: after the first call with given sizes
// they do not allocate.
func Generate(r *derive.Result, o Options) ([]byte, error) {
	for _, d := range r.Derivs {
		if d.Kind == derive.SecondDifferential {
			return nil, derive.TensorError(r, d, "Go")
		}
	}
	if o.Package == "" {
		o.Package = "grad"
	}
	if o.Func == "" {
		o.Func = "F"
	}
	if !token.IsIdentifier(o.Package) || o.Package == "_" {
		return nil, fmt.Errorf("go: package name %q is not a Go identifier", o.Package)
	}
	if !token.IsIdentifier(o.Func) || o.Func == "_" || reservedGo[o.Func] {
		return nil, fmt.Errorf("go: function name %q is not usable as a Go identifier", o.Func)
	}
	g, err := newGoGen(r, o)
	if err != nil {
		return nil, err
	}
	return g.file()
}

// goGen holds what is shared by the plain function and the workspace method:
// package-level names, parameter and result names, stubs and helpers. A
// directional-derivative function (FJVPX) has a goGen of its own, which
// shares the package-level state of the main one.
type goGen struct {
	r       *derive.Result
	o       Options
	name    string // the function (and method) this goGen writes
	wsType  string // the workspace type, o.Func + "Workspace"
	pkg     *namer // package-level names (and everything a body must not shadow)
	local   *namer // pkg with the parameters and results of this function
	params  []goParam
	results []goResult
	exprs   prepared

	stubs   []stub             // generic functions, in order of first use
	stubFor map[stubKey]string // (function, primes) → Go name
	helper  map[string]string  // helper key → Go name (allocated on first use)
	used    map[string]bool    // helper keys used by some body
	shared  map[string]bool    // keys of costly subexpressions used more than once

	// dirs are the directional-derivative functions, one per tensor
	// derivative (nil where r.Derivs[k] is none), and dirOf the main
	// goGen of such a function.
	dirs  []*goGen
	dirOf *goGen
	deriv derive.Deriv // for a directional-derivative function: its derivative
}

type goParam struct {
	v    ast.VarInfo
	name string
	typ  string // float64, *mat.VecDense, *mat.Dense
}

type goResult struct {
	name string
	typ  string
	doc  string // what the result is, for the doc comment
}

type stubKey struct {
	fun    string
	primes int
}

type stub struct {
	key  stubKey
	name string
}

// prepared holds the expressions of r after normalisation, with shapes.
type prepared struct {
	defs   []ast.Expr // normalised, nil for an unused definition
	fn     ast.Expr
	derivs []ast.Expr
	shapes map[ast.Expr]ast.Shape
	// kron holds, per tensor derivative with a Kronecker form, its terms
	// with normalised factors; nil elsewhere.
	kron [][]derive.KronTerm
	// inF marks the definitions the main function computes: not those
	// only a directional derivative needs (they may depend on dX).
	inF []bool
}

func newGoGen(r *derive.Result, o Options) (*goGen, error) {
	if o.Package == "" {
		o.Package = "grad"
	}
	if o.Func == "" {
		o.Func = "F"
	}
	g := &goGen{r: r, o: o, name: o.Func, wsType: o.Func + "Workspace", pkg: newNamer(), stubFor: map[stubKey]string{}, helper: map[string]string{}, used: map[string]bool{}}
	g.pkg.reserve(o.Func)
	if o.Workspace {
		if !g.pkg.reserve(g.wsType) {
			return nil, fmt.Errorf("go: %s clashes with another name", g.wsType)
		}
	}
	// The directional-derivative functions: FJVPX, FHVPX, FHVPXY.
	dirNames := make([]string, len(r.Derivs))
	for k, d := range r.Derivs {
		if d.Kind != derive.Differential {
			continue
		}
		kind := "JVP"
		if d.Order == 2 {
			kind = "HVP"
		}
		want := o.Func + kind + goIdent(d.Wrt)
		if d.Wrt2 != "" {
			want += goIdent(d.Wrt2)
		}
		dirNames[k] = g.pkg.fresh(want)
	}
	if err := g.prepare(); err != nil {
		return nil, err
	}
	// Stubs for generic functions: f and fPrime at least, fPrime2 … as used.
	all := append(append([]ast.Expr{g.exprs.fn}, g.exprs.derivs...), g.exprs.defs...)
	maxPrimes := map[string]int{}
	var order []string
	for _, e := range all {
		if e == nil {
			continue
		}
		ast.Inspect(e, func(n ast.Expr) bool {
			if c, ok := n.(*ast.Call); ok && c.IsGeneric() {
				if _, seen := maxPrimes[c.Fun]; !seen {
					order = append(order, c.Fun)
					maxPrimes[c.Fun] = 1
				}
				if c.Primes > maxPrimes[c.Fun] {
					maxPrimes[c.Fun] = c.Primes
				}
			}
			return true
		})
	}
	for _, fun := range order {
		base := goIdent(fun)
		for p := 0; p <= maxPrimes[fun]; p++ {
			want := base
			switch {
			case p == 1:
				want = base + "Prime"
			case p > 1:
				want = fmt.Sprintf("%sPrime%d", base, p)
			}
			k := stubKey{fun, p}
			name := g.pkg.fresh(want)
			g.stubFor[k] = name
			g.stubs = append(g.stubs, stub{k, name})
		}
	}
	// Helpers are package-level names too; reserve every one a body might
	// use so that no parameter takes its name.
	for _, h := range helperOrder {
		g.helper[h] = g.pkg.fresh(h)
	}
	// Parameters and results.
	g.local = g.pkg.clone()
	for _, v := range r.Vars {
		typ := goType(v.Shape, false)
		g.params = append(g.params, goParam{v: v, name: g.local.fresh(goIdent(v.Name)), typ: typ})
	}
	fname := r.FuncName
	if fname == "" {
		fname = "s"
	}
	g.results = append(g.results, goResult{
		name: g.local.fresh(goIdent(fname)),
		typ:  goType(r.FuncShape, false),
		doc:  fmt.Sprintf("the value of %s (%s)", fname, r.FuncShape),
	})
	env := r.Env()
	for k, d := range r.Derivs {
		prefix := "d"
		if d.Order == 2 || d.Kind == derive.Hessian {
			prefix = "d2"
		}
		name := prefix + goIdent(d.Wrt)
		if d.Wrt2 != "" {
			name += goIdent(d.Wrt2)
		}
		forceDense := d.Kind == derive.Jacobian || d.Kind == derive.Hessian
		sym := d.Label(fname)
		if d.Kind == derive.Differential {
			fs, xs := d.Shape, env[d.By()]
			what := fmt.Sprintf("%s (%v) in vec layout, the %v×%v matrix ∂vec(%s)/∂vec(%s)ᵀ, vec column-major: entry (i + j·rows(%s), k + l·rows(%s)) is ∂%sᵢⱼ/∂%sₖₗ; %s gives its product with a direction",
				sym, d.Tensor, dimProduct(fs), dimProduct(xs), fname, d.By(), fname, d.By(), fname, d.By(), dirNames[k])
			if d.Order == 2 {
				grad := derive.Deriv{Wrt: d.Wrt, Order: 1}.Label(fname)
				what = fmt.Sprintf("%s (%v) in vec layout, the %v×%v matrix ∂vec(%s)/∂vec(%s)ᵀ, vec column-major: entry (i + j·rows(%s), k + l·rows(%s)) is ∂(%s)ᵢⱼ/∂%sₖₗ; %s gives its product with a direction",
					sym, d.Tensor, dimProduct(fs), dimProduct(xs), grad, d.By(), grad, d.By(), grad, d.By(), dirNames[k])
			}
			g.results = append(g.results, goResult{name: g.local.fresh(name), typ: "*mat.Dense", doc: what})
			continue
		}
		g.results = append(g.results, goResult{
			name: g.local.fresh(name),
			typ:  goType(d.Shape, forceDense),
			doc:  fmt.Sprintf("%s = %s, %s (%s)", sym, ast.String(d.Expr), d.Kind, d.Shape),
		})
	}
	g.dirs = make([]*goGen, len(r.Derivs))
	for k, name := range dirNames {
		if name == "" {
			continue
		}
		c, err := g.dirGen(k, name)
		if err != nil {
			return nil, err
		}
		g.dirs[k] = c
	}
	return g, nil
}

// dimProduct writes the number of entries of a value of shape s: n·m.
func dimProduct(s ast.Shape) string {
	switch {
	case s.Rows.IsOne():
		return s.Cols.String()
	case s.Cols.IsOne():
		return s.Rows.String()
	}
	return s.Rows.String() + "·" + s.Cols.String()
}

// bindGeneric replaces every call of a generic function that funcs binds
// to an elementwise built-in by a call of that built-in, with its primes.
func bindGeneric(e ast.Expr, funcs map[string]string) ast.Expr {
	if len(funcs) == 0 {
		return e
	}
	return ast.Rewrite(e, func(n ast.Expr) ast.Expr {
		if c, ok := n.(*ast.Call); ok && c.IsGeneric() {
			if b, ok := op.Lookup(funcs[c.Fun]).(*op.Elementwise); ok {
				return ast.Fn(b.Name(), c.Primes, c.Args...)
			}
		}
		return n
	})
}

// goType returns the Go type of a value of shape s.
func goType(s ast.Shape, forceDense bool) string {
	switch {
	case s.IsScalar() && !forceDense:
		return "float64"
	case s.IsVector() && !forceDense:
		return "*mat.VecDense"
	}
	return "*mat.Dense"
}

// prepare normalises every expression of r (transposes pushed to the
// leaves, products re-associated where that avoids a matrix-matrix product)
// and computes shapes. Definitions nothing needs are dropped.
func (g *goGen) prepare() error {
	r := g.r
	env := r.Env()
	defs := map[string]ast.Expr{}
	for _, d := range r.Defs {
		defs[d.Name] = d.Expr
	}
	vector := func(e ast.Expr) bool {
		s, err := ast.ShapeOf(e, env)
		return err == nil && s.IsVector()
	}
	norm := func(e ast.Expr) (ast.Expr, error) {
		// Stable forms first, while softmax and sum are calls; through the
		// definitions, so that log(p) with p = softmax(z) is logsoftmax(z).
		e = op.StableIn(e, func(name string) ast.Expr { return defs[name] }, vector)
		e = op.Stable(bindGeneric(op.ExpandAll(e), g.o.Funcs))
		shapes, err := ast.Check(e, env)
		if err != nil {
			return nil, err
		}
		return simplify.PushTransposes(e, shapes), nil
	}
	var err error
	p := prepared{shapes: map[ast.Expr]ast.Shape{}}
	if r.Func == nil {
		return fmt.Errorf("go: the result has no function")
	}
	if p.fn, err = norm(r.Func); err != nil {
		return err
	}
	for _, d := range r.Derivs {
		if d.Order > 2 {
			return fmt.Errorf("go: derivatives of order %d are not supported", d.Order)
		}
		e, err := norm(d.Expr)
		if err != nil {
			return fmt.Errorf("go: derivative by %s: %w", d.Wrt, err)
		}
		p.derivs = append(p.derivs, e)
	}
	// The Kronecker forms of the tensor derivatives, with their factors
	// normalised: what the main function builds their matrices from.
	p.kron = make([][]derive.KronTerm, len(r.Derivs))
	for k, d := range r.Derivs {
		if d.Kind != derive.Differential || g.dirOf != nil {
			continue
		}
		terms, ok := derive.Kronecker(derive.Deriv{Kind: d.Kind, Dir: d.Dir, Expr: expandDirDefs(r, d.Expr, d.Dir)}, env)
		if !ok {
			continue
		}
		for i, t := range terms {
			for _, x := range []*ast.Expr{&t.Coef, &t.Diag, &t.Left, &t.Right} {
				if *x != nil {
					if *x, err = norm(*x); err != nil {
						return fmt.Errorf("go: derivative by %s: %w", d.Wrt, err)
					}
				}
			}
			terms[i] = t
		}
		p.kron[k] = terms
	}
	// Which definitions are needed: walk back from the function and the
	// derivatives; the main function needs those of the value, of the
	// derivatives that are no tensors, and of the Kronecker factors.
	need, needF := map[string]bool{}, map[string]bool{}
	mark := func(e ast.Expr, inF bool) {
		for _, n := range ast.Vars(e) {
			need[n] = true
			if inF {
				needF[n] = true
			}
		}
	}
	mark(p.fn, true)
	for k, e := range p.derivs {
		mark(e, r.Derivs[k].Kind != derive.Differential || g.dirOf != nil)
	}
	for _, terms := range p.kron {
		for _, t := range terms {
			for _, x := range []ast.Expr{t.Coef, t.Diag, t.Left, t.Right} {
				if x != nil {
					mark(x, true)
				}
			}
		}
	}
	p.defs = make([]ast.Expr, len(r.Defs))
	p.inF = make([]bool, len(r.Defs))
	for i := len(r.Defs) - 1; i >= 0; i-- {
		d := r.Defs[i]
		if !need[d.Name] {
			continue
		}
		if p.defs[i], err = norm(d.Expr); err != nil {
			return fmt.Errorf("go: definition %s: %w", d.Name, err)
		}
		p.inF[i] = needF[d.Name]
		mark(p.defs[i], p.inF[i])
	}
	all := append(append([]ast.Expr{p.fn}, p.derivs...), p.defs...)
	for _, terms := range p.kron {
		for _, t := range terms {
			all = append(all, t.Coef, t.Diag, t.Left, t.Right)
		}
	}
	for _, e := range all {
		if e == nil {
			continue
		}
		shapes, err := ast.Check(e, env)
		if err != nil {
			return err
		}
		for k, v := range shapes {
			p.shapes[k] = v
		}
	}
	g.exprs = p
	g.shared = sharedKeys(all, p.shapes)
	return nil
}

// sharedKeys finds the costly subexpressions (function calls, products)
// that occur more than once, so that they are computed once into a buffer
// rather than inline in every loop that uses them. A derivative tanh′(z)
// counts as a use of tanh(z), from which it is computed.
func sharedKeys(all []ast.Expr, shapes map[ast.Expr]ast.Shape) map[string]bool {
	count := map[string]int{}
	var walk func(e ast.Expr)
	walk = func(e ast.Expr) {
		s := shapes[e]
		switch x := e.(type) {
		case *ast.Call:
			count[key(x, s)]++
			if x.Primes > 0 && reusesBase(x.Fun) {
				count[key(ast.Fn(x.Fun, 0, x.Args...), s)]++
			}
		case *ast.Binary:
			if x.Op == ast.Mul && !shapes[x.X].IsScalar() && !shapes[x.Y].IsScalar() {
				count[key(x, s)]++
			}
		}
		for _, k := range ast.Children(e) {
			walk(k)
		}
	}
	for _, e := range all {
		if e != nil {
			walk(e)
		}
	}
	shared := map[string]bool{}
	for k, n := range count {
		if n > 1 {
			shared[k] = true
		}
	}
	return shared
}

// reusesBase reports whether the derivatives of the function fun are
// computed from its value (tanh′ = 1 − tanh²).
func reusesBase(fun string) bool {
	e, ok := op.Lookup(fun).(*op.Elementwise)
	return ok && e.GoReuses
}

// file assembles the source and formats it.
func (g *goGen) file() ([]byte, error) {
	var code bytes.Buffer // everything but the header and imports
	gens := []*goGen{g}
	for _, c := range g.dirs {
		if c != nil {
			gens = append(gens, c)
		}
	}
	for _, c := range gens {
		plain, _, err := c.body(false, nil)
		if err != nil {
			return nil, err
		}
		if c == g {
			code.WriteString(g.doc(g.name, false))
		} else {
			code.WriteString(c.dirDoc())
		}
		code.WriteString(plain)
	}
	if g.o.Workspace {
		// One workspace for the function and its directional derivatives,
		// each method with fields of its own.
		var fields []string
		var methods strings.Builder
		for _, c := range gens {
			// Locals become fields: none may take the name of an earlier
			// method's field or of any method's result.
			var taken []string
			for _, fl := range fields {
				taken = append(taken, strings.Fields(fl)[0])
			}
			for _, o := range gens {
				for _, r := range o.results {
					taken = append(taken, r.name)
				}
			}
			m, fl, err := c.body(true, taken)
			if err != nil {
				return nil, err
			}
			fields = append(fields, fl...)
			methods.WriteString(m)
		}
		if len(gens) == 1 {
			fmt.Fprintf(&code, "// %s holds the buffers of %s, so that repeated calls of its\n", g.wsType, g.name)
			fmt.Fprintf(&code, "// method %s allocate nothing. The zero value is ready to use. A workspace\n", g.name)
			code.WriteString("// must not be used by two goroutines at once.\n")
		} else {
			var names []string
			for _, c := range gens {
				names = append(names, c.name)
			}
			all := strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
			code.WriteString(wrapComment(fmt.Sprintf("%s holds the buffers of %s, so that repeated calls of its methods of these names allocate nothing. The zero value is ready to use. A workspace must not be used by two goroutines at once.", g.wsType, all)))
		}
		fmt.Fprintf(&code, "type %s struct {\n", g.wsType)
		for _, fl := range fields {
			code.WriteString("\t" + fl + "\n")
		}
		code.WriteString("}\n\n")
		code.WriteString(methods.String())
	}
	for _, s := range g.stubs {
		code.WriteString(g.stubSource(s))
	}
	var keys []string
	for k := range g.used {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return helperIndex(keys[i]) < helperIndex(keys[j]) })
	for _, k := range keys {
		code.WriteString(g.helperSource(k))
	}
	src := code.String()

	var out bytes.Buffer
	out.WriteString("// Code generated by matcalc; DO NOT EDIT.\n\n")
	switch in := strings.TrimSpace(g.r.Input); {
	case in == "":
	case strings.Contains(in, "\n"): // a formula file
		out.WriteString("// Source:\n//\n")
		for _, l := range strings.Split(in, "\n") {
			out.WriteString(strings.TrimRight("//\t"+l, " \t") + "\n")
		}
		out.WriteString("\n")
	default:
		fmt.Fprintf(&out, "// Source: %s\n\n", in)
	}
	fmt.Fprintf(&out, "package %s\n\n", g.o.Package)
	var std, gonum []string
	for _, imp := range []struct{ name, path string }{
		{"math", "math"},
		{"blas", "gonum.org/v1/gonum/blas"},
		{"blas64", "gonum.org/v1/gonum/blas/blas64"},
		{"floats", "gonum.org/v1/gonum/floats"},
		{"mat", "gonum.org/v1/gonum/mat"},
	} {
		if !usesPackage(src, imp.name) {
			continue
		}
		if strings.Contains(imp.path, ".") {
			gonum = append(gonum, fmt.Sprintf("\t%q\n", imp.path))
		} else {
			std = append(std, fmt.Sprintf("\t%q\n", imp.path))
		}
	}
	if len(std)+len(gonum) > 0 {
		out.WriteString("import (\n" + strings.Join(std, ""))
		if len(std) > 0 && len(gonum) > 0 {
			out.WriteString("\n")
		}
		out.WriteString(strings.Join(gonum, "") + ")\n\n")
	}
	out.WriteString(src)
	formatted, err := format.Source(out.Bytes())
	if err != nil {
		return out.Bytes(), fmt.Errorf("go: generated code does not format (a matcalc bug): %w", err)
	}
	return formatted, nil
}

// usesPackage reports whether code (without comments) refers to pkg.
func usesPackage(code, pkg string) bool {
	for _, line := range strings.Split(code, "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "//") {
			continue
		}
		for i := strings.Index(t, pkg+"."); i >= 0; {
			if i == 0 || !isIdentByte(t[i-1]) {
				return true
			}
			j := strings.Index(t[i+1:], pkg+".")
			if j < 0 {
				break
			}
			i += 1 + j
		}
	}
	return false
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// doc returns the doc comment of the function or method.
func (g *goGen) doc(name string, ws bool) string {
	var b strings.Builder
	fname := g.r.FuncName
	if fname == "" {
		fname = "s"
	}
	if ws {
		fmt.Fprintf(&b, "// %s is %s with the buffers of w: it allocates only on its first call\n", name, name)
		b.WriteString("// or when the sizes of the inputs change. The results belong to w and are\n")
		if g.dirOf == nil && !slices.ContainsFunc(g.dirs, func(c *goGen) bool { return c != nil }) {
			b.WriteString("// overwritten by the next call.\n")
		} else {
			fmt.Fprintf(&b, "// overwritten by the next call of %s.\n", name)
		}
		return b.String()
	}
	formula := ast.String(g.r.Func)
	if in := strings.TrimSpace(g.r.Input); in != "" && !strings.ContainsAny(in, "\n;") {
		formula = in
	}
	if len(g.r.Derivs) > 0 {
		fmt.Fprintf(&b, "// %s returns %s = %s and its derivatives.\n", name, fname, formula)
	} else {
		fmt.Fprintf(&b, "// %s returns %s = %s.\n", name, fname, formula)
	}
	var defs []string
	for i, d := range g.r.Defs {
		if g.exprs.defs[i] != nil {
			defs = append(defs, fmt.Sprintf("//\t%s = %s", d.Name, ast.String(d.Expr)))
		}
	}
	if len(defs) > 0 {
		b.WriteString("// It computes once\n//\n")
		b.WriteString(strings.Join(defs, "\n") + "\n")
	}
	b.WriteString("//\n// Results:\n//\n")
	for _, r := range g.results {
		fmt.Fprintf(&b, "//\t%s: %s\n", r.name, r.doc)
	}
	b.WriteString("//\n// Inputs:\n//\n")
	for _, p := range g.params {
		fmt.Fprintf(&b, "//\t%s: %s (%s)\n", p.name, p.v.Name, p.v.Shape)
	}
	return b.String()
}

// signature returns "name(params) (results)".
func (g *goGen) signature(name string) string {
	var ps, rs []string
	for _, p := range g.params {
		ps = append(ps, p.name+" "+p.typ)
	}
	for _, r := range g.results {
		rs = append(rs, r.name+" "+r.typ)
	}
	return fmt.Sprintf("%s(%s) (%s)", name, strings.Join(ps, ", "), strings.Join(rs, ", "))
}

func (g *goGen) stubSource(s stub) string {
	fun, k := s.key.fun, s.key.primes
	var head, todo string
	if k == 0 {
		head = fmt.Sprintf("%s is the generic function %s of the formula, applied entry by entry.", s.name, fun)
		todo = fmt.Sprintf("TODO: return %s(x).", fun)
	} else {
		what := fun + strings.Repeat("′", k)
		order := map[int]string{1: "first", 2: "second"}[k]
		if order == "" {
			order = fmt.Sprintf("order-%d", k)
		}
		head = fmt.Sprintf("%s is %s, the %s derivative of the generic function %s, applied entry by entry.", s.name, what, order, fun)
		todo = fmt.Sprintf("TODO: return %s(x), consistent with %s.", what, g.stubFor[stubKey{fun, 0}])
	}
	todo += fmt.Sprintf(" matcalc knows nothing about %s, so this stub panics until it is filled in, rather than return a placeholder that would give wrong numbers silently.", fun)
	return wrapComment(head) + "//\n" + wrapComment(todo) +
		fmt.Sprintf("func %s(x float64) float64 {\n\tpanic(%q)\n}\n\n", s.name, "TODO: define "+s.name)
}

// wrapComment formats text as // comment lines of at most about 76 runes.
func wrapComment(text string) string {
	var b strings.Builder
	line := "//"
	for _, w := range strings.Fields(text) {
		if utf8.RuneCountInString(line)+1+utf8.RuneCountInString(w) > 76 && line != "//" {
			b.WriteString(line + "\n")
			line = "//"
		}
		line += " " + w
	}
	b.WriteString(line + "\n")
	return b.String()
}

// A namer hands out Go identifiers that do not clash.
type namer struct {
	taken map[string]bool
}

func newNamer() *namer { return &namer{taken: map[string]bool{}} }

func (n *namer) clone() *namer {
	c := newNamer()
	for k := range n.taken {
		c.taken[k] = true
	}
	return c
}

// reserve takes name, reporting whether it was free.
func (n *namer) reserve(name string) bool {
	if n.taken[name] || reservedGo[name] {
		return false
	}
	n.taken[name] = true
	return true
}

// fresh returns want, or want with a suffix, that is free, and takes it.
func (n *namer) fresh(want string) string {
	if want == "" {
		want = "v"
	}
	if n.reserve(want) {
		return want
	}
	if n.reserve(want + "_") {
		return want + "_"
	}
	for i := 2; ; i++ {
		s := fmt.Sprintf("%s_%d", want, i)
		if n.reserve(s) {
			return s
		}
	}
}

// reservedGo holds the names generated code never declares: keywords,
// predeclared identifiers, the imported packages, and init/main.
var reservedGo = map[string]bool{}

func init() {
	for _, s := range strings.Fields(`break case chan const continue default defer else fallthrough for func go
		goto if import interface map package range return select struct switch type var
		bool byte complex64 complex128 error float32 float64 int int8 int16 int32 int64 rune string
		uint uint8 uint16 uint32 uint64 uintptr any comparable true false iota nil
		append cap clear close complex copy delete imag len make max min new panic print println
		real recover math mat blas blas64 floats init main _`) {
		reservedGo[s] = true
	}
}

var greekGo = map[rune]string{}

func init() {
	for _, name := range ast.GreekNames() {
		letter, _ := ast.GreekLetter(name)
		r, _ := utf8.DecodeRuneInString(letter)
		greekGo[r] = name
	}
}

// goIdent turns a canonical matcalc name into a Go identifier: subscripts
// become digits (W₁ → W1), Greek letters their names (θ → theta, δ₂ →
// delta2), primes "Prime". It does not resolve clashes; namer does.
func goIdent(name string) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case r >= '₀' && r <= '₉':
			b.WriteRune('0' + (r - '₀'))
		case r == '′' || r == '\'':
			b.WriteString("Prime")
		case r == '″':
			b.WriteString("Prime2")
		case greekGo[r] != "":
			b.WriteString(greekGo[r])
		case r == '_' || r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(r)
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r) // valid in Go identifiers
		default:
			b.WriteByte('_')
		}
	}
	s := b.String()
	if s == "" {
		return "v"
	}
	if r, _ := utf8.DecodeRuneInString(s); !unicode.IsLetter(r) && r != '_' || strings.Trim(s, "_") == "" {
		s = "v" + s
	}
	return s
}
