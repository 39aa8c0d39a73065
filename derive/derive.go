// Package derive differentiates matcalc formulas by the chain rule on
// Jacobians: gradients of scalars by reverse accumulation (backprop),
// Jacobians and derivatives by forward accumulation, Hessians as the
// Jacobian of the gradient. Results are simplified (package simplify) and
// their shared pieces named once.
package derive

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/op"
	"github.com/matcalc/matcalc/simplify"
)

// Options says which derivatives to take.
type Options struct {
	// Wrt lists canonical variable names; empty means every variable, in
	// order of first appearance.
	Wrt []string
	// Order is 1 (default) or 2.
	Order int
	// FuncName names the function in ∂s/∂x; default "s".
	FuncName string
	// NoShare leaves shared subexpressions inline.
	NoShare bool
	// Block, when it names two variables x and b, asks for the mixed
	// block ∂²s/∂x∂b of the second derivative alone (Wrt and Order are
	// then x, b and 2).
	Block []string
	// NoMixed leaves out the mixed blocks ∂²s/∂x∂b of --order 2, which
	// are otherwise given for every pair of variables.
	NoMixed bool
	// Names are the user's own definitions (a formula file's z = Wx + b),
	// in file order, each written with the earlier ones' names. The results
	// use these names wherever their formulas appear (σ′(z), not
	// σ′(Wx + b)), and list the ones they use first among Defs.
	Names []Def
	// Context, when set, cancels the derivation: Derive then returns its
	// error (see DeriveContext).
	Context context.Context
}

// DeriveContext is Derive stopping with ctx's error once ctx is done, for
// callers (the web page, a server) that bound the time a formula may take.
func DeriveContext(ctx context.Context, e ast.Expr, info *ast.Info, opts Options) (*Result, error) {
	opts.Context = ctx
	return Derive(e, info, opts)
}

// Derive returns the derivatives of e, whose shapes info gives (from
// ast.Infer), as opts asks.
func Derive(e ast.Expr, info *ast.Info, opts Options) (res *Result, err error) {
	if len(opts.Block) > 0 {
		return deriveBlock(e, info, opts)
	}
	if ctx := opts.Context; ctx != nil {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		defer simplify.RecoverCanceled(&err)
	}
	fs, known := info.Shapes[e] // inference has it, unless e is built
	e = Annotate(e, info)
	env := info.Env()
	if !known || !fs.Rows.Known() || !fs.Cols.Known() {
		var err error
		if fs, err = ast.ShapeOf(e, env); err != nil {
			return nil, err
		}
	}
	res = &Result{FuncName: opts.FuncName, Func: e, FuncShape: fs, Vars: info.Vars, Notes: info.Notes}
	if res.FuncName == "" {
		res.FuncName = "s"
	}
	order := opts.Order
	if order == 0 {
		order = 1
	}
	wrt := opts.Wrt
	if len(wrt) == 0 {
		// Every variable: a derivative of rank 3 or more is given by its
		// differential.
		for _, v := range info.Vars {
			wrt = append(wrt, v.Name)
		}
	}
	if order != 1 && order != 2 {
		return nil, fmt.Errorf("--order must be 1 or 2, not %d", order)
	}
	for _, w := range wrt {
		if info.Var(w) == nil {
			hint := ""
			for _, v := range info.Vars {
				if v.Name != w && strings.EqualFold(v.Name, w) {
					hint = fmt.Sprintf(" (did you mean %s? case matters: %s is a %s)", v.Name, v.Name, shapeKind(v.Shape))
				}
			}
			return nil, fmt.Errorf("unknown variable %s in --wrt: the formula's variables are %s%s", w, varList(info), hint)
		}
	}
	// A derivative of rank 3 or 4 is given by its differential, in the
	// direction dW of the variable's shape.
	dirs := map[string]bool{}
	for _, w := range wrt {
		v := info.Var(w)
		if order == 1 && tensorRank(fs)+tensorRank(v.Shape) > 2 || order == 2 && tensorRank(v.Shape) == 2 || order == 2 && len(wrt) > 1 && !opts.NoMixed || order == 2 && !fs.IsScalar() && v.Shape.IsVector() {
			dir := DirName(w)
			if _, taken := env[dir]; taken {
				return nil, fmt.Errorf("the derivative by %s is a tensor, given by its differential in the direction %s, but %s is a variable of the formula", w, dir, dir)
			}
			env[dir], dirs[dir] = v.Shape, true
		}
	}
	s := simplify.New(env)
	for _, v := range info.Vars {
		if v.Symmetric {
			s.Symmetric(v.Name)
		}
	}
	x := op.ExpandAll(e) // derived through its expansion: dot(x, y) = sum(x ∘ y)
	if opts.Context != nil {
		s.WithContext(opts.Context)
	}
	// The Jacobians by each variable share the shapes of the nodes and
	// find the nodes that depend on their variable from it up.
	shapes := ast.NewChecker(env)
	var tree *parents
	var grads map[string]ast.Expr
	var noGrad *notationError
	if fs.IsScalar() {
		if grads, err = gradients(x, env, wrt); errors.As(err, &noGrad) && order == 1 {
			// The gradient passes through vec or ⊗ of a matrix, which
			// the notation cannot undo: the derivatives by the variables
			// on such a path are given by their differential.
			grads = map[string]ast.Expr{}
			for _, w := range wrt {
				g, err := gradients(x, env, []string{w})
				if err != nil && !errors.As(err, &noGrad) {
					return nil, err
				}
				if err == nil {
					grads[w] = g[w]
				} else {
					res.Notes = append(res.Notes, fmt.Sprintf("∂%s/∂%s is given by its differential: %s", res.FuncName, w, noGrad.msg))
				}
			}
			err = nil
		} else if err != nil {
			return nil, err
		}
	}
	for _, w := range wrt {
		v := info.Var(w)
		d := Deriv{Wrt: w, Order: order, Tensor: ast.DerivTensor(fs, v.Shape, order)}
		switch {
		case order == 1 && fs.IsScalar() && noGrad != nil && grads[w] == nil:
			err = noGrad
		case order == 1 && fs.IsScalar():
			d.Kind, d.Shape = Gradient, v.Shape
			d.Expr = grads[w]
			if d.Expr != nil && v.Symmetric {
				d.Expr = symmetrize(d.Expr)
			}
		case order == 1 && v.Shape.IsScalar():
			d.Kind, d.Shape = Derivative, fs
			if tree == nil {
				tree = newParents(x)
			}
			d.Expr, err = jacobianIn(x, env, w, shapes, tree)
		case order == 1 && (fs.IsVector() || fs.IsRow()) && v.Shape.IsVector():
			d.Kind, d.Shape = Jacobian, ast.Matrix(colDim(fs), v.Shape.Rows)
			if tree == nil {
				tree = newParents(x)
			}
			d.Expr, err = jacobianIn(x, env, w, shapes, tree)
		case order == 2 && fs.IsScalar() && (v.Shape.IsVector() || v.Shape.IsScalar()):
			d.Kind, d.Shape = Hessian, ast.Matrix(v.Shape.Rows, v.Shape.Rows)
			if v.Shape.IsScalar() {
				d.Kind, d.Shape = Derivative, ast.Scalar
			}
			if g := grads[w]; g != nil {
				d.Expr, err = jacobianShapes(s.Simplify(g), env, w, shapes)
			}
		case order == 2 && !fs.IsScalar() && v.Shape.IsScalar():
			// The second derivative of a vector or matrix by a scalar: the
			// derivative of its derivative, in its shape.
			if tree == nil {
				tree = newParents(x)
			}
			d.Kind, d.Shape = Derivative, fs
			var j ast.Expr
			if j, err = jacobianIn(x, env, w, shapes, tree); err != nil || j == nil {
				break
			}
			d.Expr, err = jacobianShapes(s.Simplify(j), env, w, shapes)
		case order == 2 && fs.IsVector() && v.Shape.IsVector():
			// The second derivative of a vector function by a vector: the
			// differential of its Jacobian along dx, a tensor of rank 3.
			if tree == nil {
				tree = newParents(x)
			}
			d.Kind, d.Shape, d.Dir = Differential, ast.Matrix(fs.Rows, v.Shape.Rows), DirName(w)
			var j ast.Expr
			if j, err = jacobianIn(x, env, w, shapes, tree); err != nil || j == nil {
				break
			}
			d.Expr, err = differential(s.Simplify(j), env, w, d.Dir, shapes, nil)
		case order == 2 && !fs.IsScalar():
			// Any other second derivative of a vector or matrix function is
			// its second differential d²F = d(dF), quadratic in dX.
			d.Kind, d.Shape, d.Dir = SecondDifferential, fs, DirName(w)
			d.Expr, err = secondDifferential(x, env, s, shapes, w, w, d.Dir, d.Dir)
		case order == 2 && fs.IsScalar() && tensorRank(v.Shape) == 2:
			// The Hessian by a matrix is the differential of the gradient:
			// d(∂s/∂X), the Hessian-vector product in the direction dX.
			d.Kind, d.Shape, d.Dir = Differential, v.Shape, DirName(w)
			if g := grads[w]; g != nil {
				d.Expr, err = differential(s.Simplify(g), env, w, d.Dir, shapes, nil)
			}
		case order == 1:
			d.Kind, d.Shape, d.Dir = Differential, fs, DirName(w)
			if tree == nil {
				tree = newParents(x)
			}
			d.Expr, err = differential(x, env, w, d.Dir, shapes, tree)
		default:
			return nil, tensorError(e, fs, v, order)
		}
		var tm *throughMatrixError
		if errors.As(err, &tm) && order == 2 && !fs.IsScalar() && v.Shape.IsVector() {
			// No matrix product writes the Jacobian (a path through a matrix
			// that depends on x): the second differential instead.
			d.Kind, d.Shape, d.Dir = SecondDifferential, fs, DirName(w)
			d.Expr, err = secondDifferential(x, env, s, shapes, w, w, d.Dir, d.Dir)
		}
		if errors.As(err, &tm) && (order == 1 || grads[w] != nil) || err == noGrad && noGrad != nil {
			// A Jacobian or Hessian through a matrix that depends on the
			// vector, which no matrix product writes: its differential,
			// d(F) or d(∂s/∂x) along dx, the Jacobian- or Hessian-vector
			// product, instead.
			d.Kind, d.Dir = Differential, DirName(w)
			if _, taken := env[d.Dir]; taken && !dirs[d.Dir] {
				return nil, err
			}
			env[d.Dir], dirs[d.Dir] = v.Shape, true
			if order == 1 {
				d.Shape = fs
				d.Expr, err = differential(x, env, w, d.Dir, shapes, nil)
			} else {
				d.Shape = v.Shape
				d.Expr, err = differential(s.Simplify(grads[w]), env, w, d.Dir, shapes, nil)
			}
		}
		if err != nil {
			return nil, err
		}
		res.Derivs = append(res.Derivs, simplified(s, d))
		if opts.Context != nil {
			if err := opts.Context.Err(); err != nil {
				return nil, err
			}
		}
	}
	if order == 2 && !fs.IsScalar() && !opts.NoMixed {
		// Every mixed block of a vector or matrix function, x before b in
		// --wrt: the second derivative by two scalars, or the bilinear
		// second differential d_b(d_x F) in the directions dx and db.
		for i, a := range wrt {
			for _, b := range wrt[i+1:] {
				d, err := mixedOf(info, env, s, shapes, x, fs, a, b)
				if err != nil {
					return nil, err
				}
				res.Derivs = append(res.Derivs, simplified(s, d))
			}
		}
	}
	if order == 2 && fs.IsScalar() && !opts.NoMixed {
		// Every mixed block ∂²s/∂x∂b, x before b in --wrt: the derivative
		// of the gradient by x, by b.
		for i, a := range wrt {
			for _, b := range wrt[i+1:] {
				g := grads[a]
				if g != nil {
					g = s.Simplify(g)
				}
				d, err := mixed(info, env, shapes, g, a, b, fs)
				if err != nil {
					return nil, err
				}
				res.Derivs = append(res.Derivs, simplified(s, d))
			}
		}
	}
	env, user, err := keepNames(res, env, opts.Names)
	if err != nil {
		return nil, err
	}
	if !opts.NoShare {
		share(res, info, env)
	}
	res.Defs = append(user, res.Defs...)
	return res, nil
}

// simplified returns d with its expression simplified, and the number 0,
// the zero of the derivative's shape, for nothing or a zero.
func simplified(s *simplify.Simplifier, d Deriv) Deriv {
	if d.Expr != nil {
		d.Expr = s.Simplify(d.Expr)
	}
	if d.Expr == nil || simplify.IsZero(d.Expr) {
		d.Expr = ast.Num(0)
	}
	return d
}

// deriveBlock derives the one mixed block that opts.Block names.
func deriveBlock(e ast.Expr, info *ast.Info, opts Options) (*Result, error) {
	b := opts.Block
	if len(b) != 2 || b[0] == b[1] {
		return nil, fmt.Errorf("a mixed block names two different variables, as in x,b for ∂²s/∂x∂b")
	}
	noShare := opts.NoShare
	opts.Block, opts.Wrt, opts.Order, opts.NoMixed, opts.NoShare = nil, b, 2, false, true
	res, err := Derive(e, info, opts)
	if err != nil {
		return nil, err
	}
	var keep []Deriv
	for _, d := range res.Derivs {
		if d.Wrt == b[0] && d.Wrt2 == b[1] {
			keep = append(keep, d)
		}
	}
	if len(keep) != 1 {
		return nil, fmt.Errorf("no mixed block ∂²%s/∂%s∂%s", res.FuncName, b[0], b[1])
	}
	res.Derivs = keep
	res.Defs = UsedDefs(res.Defs, res.Func, keep[0].Expr)
	if !noShare {
		share(res, info, res.Env())
	}
	return res, nil
}

// keepNames writes the function and the derivatives with the user's names
// (Options.Names) and returns env with their shapes, and the definitions
// the results use, in the user's order.
func keepNames(res *Result, env map[string]ast.Shape, names []Def) (map[string]ast.Shape, []Def, error) {
	if len(names) == 0 {
		return env, nil, nil
	}
	env = maps.Clone(env)
	defs := make([]simplify.Def, 0, len(names))
	for _, d := range names {
		sh, err := ast.ShapeOf(d.Expr, env)
		if err != nil {
			return nil, nil, fmt.Errorf("definition %s: %v", d.Name, err)
		}
		env[d.Name] = sh
		defs = append(defs, simplify.Def{Name: d.Name, Expr: d.Expr})
	}
	if fn := useNames(res.Func, defs); !isIdent(fn) {
		res.Func = fn
	}
	for i := range res.Derivs {
		res.Derivs[i].Expr = useNames(res.Derivs[i].Expr, defs)
	}
	// The definitions used, and those they use, in the user's order.
	roots := []ast.Expr{res.Func}
	for _, d := range res.Derivs {
		roots = append(roots, d.Expr)
	}
	out := UsedDefs(names, roots...)
	for i := range out {
		out[i].Shape = env[out[i].Name]
	}
	return env, out, nil
}

// UsedDefs returns the definitions of defs (in dependency order) that the
// roots use, directly or through each other, in their order.
func UsedDefs(defs []Def, roots ...ast.Expr) []Def {
	used := map[string]bool{}
	mark := func(e ast.Expr) {
		ast.Inspect(e, func(n ast.Expr) bool {
			if id, ok := n.(*ast.Ident); ok {
				used[id.Name] = true
			}
			return true
		})
	}
	for _, r := range roots {
		mark(r)
	}
	var out []Def
	for i := len(defs) - 1; i >= 0; i-- {
		if used[defs[i].Name] {
			mark(defs[i].Expr)
			out = append(out, defs[i])
		}
	}
	slices.Reverse(out)
	return out
}

// Annotate gives the I and 𝟙 of a parsed formula the sizes that shape
// inference found for them, so that derivatives built from them have
// shapes of their own.
func Annotate(e ast.Expr, info *ast.Info) ast.Expr {
	return ast.Rewrite(e, func(n ast.Expr) ast.Expr {
		switch x := n.(type) {
		case *ast.Identity:
			if s, ok := info.Shapes[x]; ok && !x.N.Known() && s.Rows.Known() {
				c := *x
				c.N = s.Rows
				return &c
			}
		case *ast.Ones:
			if s, ok := info.Shapes[x]; ok && !x.Shape.Rows.Known() {
				c := *x
				c.Shape = s
				return &c
			}
		}
		return n
	})
}

func varList(info *ast.Info) string {
	s := ""
	for i, v := range info.Vars {
		if i > 0 {
			s += ", "
		}
		s += v.Name
	}
	return s
}

// tensorError refuses a derivative of a shape no case of Derive takes.
func tensorError(e ast.Expr, fs ast.Shape, v *ast.VarInfo, order int) error {
	which := "derivative"
	if order == 2 {
		which = "second derivative"
	}
	return fmt.Errorf("the %s of the %s %s (%v) by the %s %s (%v) is a tensor of rank %d (not supported yet)",
		which, shapeKind(fs), ast.String(e), fs, shapeKind(v.Shape), v.Name, v.Shape, ast.DerivTensor(fs, v.Shape, order).Rank())
}

// symmetrize returns (G + Gᵀ)/2, the gradient with respect to a symmetric
// matrix (docs/conventions.md).
func symmetrize(g ast.Expr) ast.Expr {
	return ast.Bin(ast.Div, ast.Bin(ast.Add, g, ast.T(g)), ast.Num(2))
}

// share names the subexpressions used more than once across the
// derivatives, then writes the function with those names too. The function
// does not count towards sharing, so that ∂s/∂u = f(z) stays as the notes
// write it rather than naming h = f(z).
func share(res *Result, info *ast.Info, env map[string]ast.Shape) {
	taken := map[string]bool{res.FuncName: true}
	for name := range env { // the variables and the user's names
		taken[name] = true
	}
	for _, f := range info.Funcs {
		taken[f] = true
	}
	var exprs []ast.Expr
	for _, d := range res.Derivs {
		exprs = append(exprs, d.Expr)
	}
	defs, out := simplify.Share(exprs, func(n string) bool { return taken[n] })
	if len(defs) == 0 {
		return
	}
	env = maps.Clone(env)
	check := ast.NewChecker(env)
	rename := map[string]string{}
	for i, d := range defs {
		d.Expr = renamed(d.Expr, rename)
		sh, _ := check.Shape(d.Expr)
		if up := upperName(d.Name); sh.IsMatrix() && up != "" && !taken[up] {
			// A matrix gets an uppercase name, as the notes write it: T = uxᵀ.
			rename[d.Name], d.Name = up, up
			taken[up] = true
		}
		env[d.Name] = sh
		defs[i] = d
		res.Defs = append(res.Defs, Def{Name: d.Name, Expr: d.Expr, Shape: sh})
	}
	for i := range out {
		out[i] = renamed(out[i], rename)
	}
	if fn := useNames(res.Func, defs); !isIdent(fn) {
		res.Func = fn // s = p would say nothing: keep s = softmax(θ)
	}
	for i := range res.Derivs {
		res.Derivs[i].Expr = out[i]
	}
}

// upperName returns name with its first letter in upper case, for a name
// that starts with a lowercase Latin letter (not i, whose capital is the
// identity), or "".
func upperName(name string) string {
	r, size := utf8.DecodeRuneInString(name)
	if r < 'a' || r > 'z' || r == 'i' {
		return ""
	}
	return string(unicode.ToUpper(r)) + name[size:]
}

// renamed returns e with the variables of rename renamed.
func renamed(e ast.Expr, rename map[string]string) ast.Expr {
	if len(rename) == 0 {
		return e
	}
	return ast.Rewrite(e, func(n ast.Expr) ast.Expr {
		if id, ok := n.(*ast.Ident); ok {
			if to, ok := rename[id.Name]; ok {
				return ast.Var(to)
			}
		}
		return n
	})
}

func isIdent(e ast.Expr) bool {
	_, ok := e.(*ast.Ident)
	return ok
}

// useNames rewrites e bottom-up so that every subtree equal to a
// definition (written with the earlier definitions' names) becomes that
// name. Subtrees are looked up by a structural hash, so the cost is linear
// in the size of e and the definitions.
func useNames(e ast.Expr, defs []simplify.Def) ast.Expr {
	h := hasher{memo: map[ast.Expr]uint64{}}
	byHash := map[uint64][]simplify.Def{}
	for _, d := range defs {
		k := h.hash(d.Expr)
		byHash[k] = append(byHash[k], d)
	}
	memo := map[ast.Expr]ast.Expr{}
	var walk func(ast.Expr) ast.Expr
	walk = func(n ast.Expr) ast.Expr {
		if r, ok := memo[n]; ok {
			return r
		}
		kids := ast.Children(n)
		r := n
		if len(kids) > 0 {
			nk := make([]ast.Expr, len(kids))
			changed := false
			for i, k := range kids {
				nk[i] = walk(k)
				changed = changed || nk[i] != k
			}
			if changed {
				r = ast.WithChildren(n, nk)
			}
			for _, d := range byHash[h.hash(r)] {
				if ast.Equal(d.Expr, r) {
					r = ast.Var(d.Name)
					break
				}
			}
		}
		memo[n] = r
		return r
	}
	return walk(e)
}

// hasher computes structural hashes, equal for trees ast.Equal calls equal
// (the sizes of I and 𝟙 are left out, as Equal may ignore them).
type hasher struct{ memo map[ast.Expr]uint64 }

func (h *hasher) hash(e ast.Expr) uint64 {
	if v, ok := h.memo[e]; ok {
		return v
	}
	const prime = 1099511628211
	v := uint64(14695981039346656037)
	mix := func(x uint64) { v = (v ^ x) * prime }
	mixString := func(s string) {
		for i := 0; i < len(s); i++ {
			mix(uint64(s[i]))
		}
		mix(0xff)
	}
	switch x := e.(type) {
	case *ast.Ident:
		mix(1)
		mixString(x.Name)
	case *ast.Number:
		mix(2)
		if x.Value != 0 {
			mix(math.Float64bits(x.Value))
		}
	case *ast.Identity:
		mix(3)
	case *ast.Ones:
		mix(4)
	case *ast.Unary:
		mix(5)
		mix(uint64(x.Op))
	case *ast.Binary:
		mix(6)
		mix(uint64(x.Op))
	case *ast.Transpose:
		mix(7)
	case *ast.Call:
		mix(8)
		mixString(x.Fun)
		mix(uint64(x.Primes))
	case *ast.Indicator:
		mix(9)
		mix(uint64(x.Op))
	}
	for _, k := range ast.Children(e) {
		mix(h.hash(k))
	}
	h.memo[e] = v
	return v
}

// tensorRank is 0 for a scalar, 1 for a vector or a row and 2 for a matrix:
// a derivative of f by x has rank tensorRank(f) + tensorRank(x).
func tensorRank(s ast.Shape) int {
	switch {
	case s.IsScalar():
		return 0
	case s.IsMatrix():
		return 2
	}
	return 1
}

// shapeKind names the kind of s: scalar, vector (a row too) or matrix.
func shapeKind(s ast.Shape) string {
	switch {
	case s.IsScalar():
		return "scalar"
	case s.IsMatrix():
		return "matrix"
	}
	return "vector"
}
