package derive

import (
	"errors"
	"fmt"
	"maps"
	"strings"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/op"
	"github.com/matcalc/matcalc/simplify"
)

// A Derivation shows how the gradient by one variable comes about: the
// chain of Jacobians from the function down to the variable, their
// product, the rewrites that simplify it, and the reshaping into the
// variable's shape.
type Derivation struct {
	Wrt      string
	Branches []Branch // one per occurrence of the variable in the formula
	Sum      ast.Expr // the sum of the branches, simplified (with Names)
	Result   ast.Expr // the derivative as Derive gives it (with Result's Defs)
	Expanded ast.Expr // the derivative over the input variables only
	Note     string   // e.g. "δ is reused by ∂s/∂W"
	// Deriv is the derivative explained (its order, its second variable).
	Deriv Deriv
	// Differential, where no chain of Jacobians explains the derivative,
	// is the differential it is read from: linear in the direction Dir
	// (dx), of the function (order 1) or of the gradient Of (order 2).
	Differential ast.Expr
	Dir          string
	Of           ast.Expr
}

// A Branch is the chain rule along one path from the function to one
// occurrence of the variable.
type Branch struct {
	// Names are the intermediate nodes of the path, named (h = f(z),
	// z = Wx + b), innermost last.
	Names []Def
	// Chain are the factors ∂s/∂h, ∂h/∂z, ∂z/∂b (Jacobians, numerator
	// layout) while the nodes are scalars or vectors.
	Chain []Factor
	// Reused is set when the chain starts from a Jacobian that an earlier
	// variable's derivation computed: Chain[0] is then that Jacobian.
	Reused string
	// Product is the product of the chain, and Rewrites the steps that
	// simplify it to Row.
	Product  ast.Expr
	Rewrites []Rewrite
	Row      ast.Expr
	// Named is set when the gradient at the end of the chain is a shared
	// definition of the result (δ).
	Named string
	// Signal is set when the steps named the gradient at the end of the
	// chain themselves (δ = u ∘ f′(z)); Below lists the variables under
	// that node, which all start from it, and At names the node.
	Signal Def
	Below  []string
	At     string
	// Adjoint steps continue the chain through matrices in gradient form
	// (∂s/∂W = δxᵀ); Gradient is the branch's contribution.
	Adjoint  []Factor
	Gradient ast.Expr
}

// A Factor is one step of a chain: ∂Of/∂By = Expr, with its shape and the
// rule that gives it.
type Factor struct {
	Of, By string
	Expr   ast.Expr
	Shape  ast.Shape
	Rule   string
}

// A Rewrite is one simplification: Before = After by Rule.
type Rewrite struct {
	Rule          string
	Before, After ast.Expr
}

// Steps explains the gradients of a scalar formula, one Derivation per
// derivative of res (which Derive returned for e).
func Steps(e ast.Expr, info *ast.Info, res *Result) ([]Derivation, error) {
	e = op.ExpandAll(Annotate(e, info))
	st := &stepper{
		e: e, res: res, fn: res.FuncName, env: info.Env(),
		names: map[ast.Expr]string{}, taken: map[string]bool{res.FuncName: true},
		rows: map[ast.Expr]rowRecord{}, signals: map[ast.Expr]string{},
	}
	for _, v := range info.Vars {
		st.taken[v.Name] = true
	}
	for _, d := range res.Defs {
		st.taken[d.Name] = true
		st.env[d.Name] = d.Shape
	}
	var out []Derivation
	for _, d := range res.Derivs {
		if d.Order != 1 {
			dv, err := st.byDifferential(d, "")
			if err != nil {
				return nil, err
			}
			out = append(out, dv)
			continue
		}
		if d.Kind == Differential {
			out = append(out, Derivation{Wrt: d.Wrt, Result: d.Expr, Sum: d.Expr, Expanded: res.Expand(d.Expr), Deriv: d,
				Note: fmt.Sprintf("∂%s/∂%s is a tensor (%v), given by its differential: forward from %s, %s, with d%s the change of %s",
					res.FuncName, d.Wrt, d.Tensor, d.Wrt, diffRules, d.Wrt, d.Wrt)})
			continue
		}
		if !res.FuncShape.IsScalar() && !res.FuncShape.IsVector() {
			// A derivative of a matrix by a scalar, or of a row vector: no
			// chain of Jacobians (those are of column vectors), but the
			// differential along dα.
			what := "matrix"
			if res.FuncShape.IsRow() {
				what = "row vector"
			}
			dv, err := st.byDifferential(d, fmt.Sprintf("%s is a %s", res.FuncName, what))
			if err != nil {
				return nil, err
			}
			out = append(out, dv)
			continue
		}
		dv, err := st.derivation(d)
		dv.Deriv = d
		var ns *noStepsError
		if errors.As(err, &ns) {
			// No chain of Jacobians writes it: explain it by its
			// differential, which forward mode computes for any path.
			if dv, err = st.byDifferential(d, ns.msg); err != nil {
				dv = Derivation{Wrt: d.Wrt, Result: d.Expr, Sum: d.Expr, Expanded: res.Expand(d.Expr), Deriv: d,
					Note: "no step-by-step explanation for this one yet: " + ns.msg}
			}
		} else if err != nil {
			return nil, err
		}
		out = append(out, dv)
	}
	return out, nil
}

// byDifferential explains d by a differential: of the function for a first
// derivative (why says why no chain of Jacobians does), of the gradient,
// Jacobian or derivative for a second one: dF along dx is linear in dx, and
// its coefficient is the derivative. A second differential is the
// differential of the first differential, its direction held constant.
func (st *stepper) byDifferential(d Deriv, why string) (Derivation, error) {
	res := st.res
	by := d.By()
	env := maps.Clone(st.env)
	dir := DirName(by)
	if _, taken := env[dir]; taken {
		return Derivation{}, fmt.Errorf("--steps: %s is a variable", dir)
	}
	env[dir] = env[by]
	shapes := ast.NewChecker(env)
	s := simplify.New(env)
	of := st.e
	var first string // what of is: the gradient, the Jacobian, …
	switch {
	case d.Kind == SecondDifferential:
		// d²F = d(dF): the first differential along dX, then its
		// differential with dX held constant, along dX again or dY.
		da := DirName(d.Wrt)
		if _, taken := env[da]; taken && da != dir {
			return Derivation{}, fmt.Errorf("--steps: %s is a variable", da)
		}
		env[da] = env[d.Wrt]
		shapes = ast.NewChecker(env)
		s = simplify.New(env)
		dF, err := differential(st.e, env, d.Wrt, da, shapes, nil)
		if err != nil {
			return Derivation{}, err
		}
		if dF == nil {
			dF = ast.Num(0)
		}
		of = s.Simplify(dF)
	case d.Order == 2 && res.FuncShape.IsScalar():
		g, err := gradients(st.e, env, []string{d.Wrt})
		if err != nil {
			return Derivation{}, err
		}
		of, first = ast.Expr(ast.Num(0)), "the gradient"
		if g[d.Wrt] != nil { // nil: a zero gradient (softmax(a) of a scalar is 1)
			of = s.Simplify(g[d.Wrt])
		}
	case d.Order == 2:
		j, err := jacobianShapes(st.e, env, d.Wrt, shapes)
		if err != nil {
			return Derivation{}, err
		}
		if j == nil {
			j = ast.Num(0)
		}
		of, first = s.Simplify(j), "the Jacobian"
		if env[d.Wrt].IsScalar() {
			first = "the derivative"
		}
	}
	dF, err := differential(of, env, by, dir, shapes, nil)
	if err != nil {
		return Derivation{}, err
	}
	if dF == nil {
		dF = ast.Num(0)
	}
	dF = s.Simplify(dF)
	label := d.Label(st.fn)
	var note string
	switch {
	case d.Kind == SecondDifferential && d.Wrt2 != "":
		note = fmt.Sprintf("%s is given by the second differential, the differential of the first: forward from %s, %s, d%s = %s; then forward from %s with %s held constant, d²%s = d(d%s) = %s, bilinear in %s and %s",
			label, d.Wrt, diffRules, st.fn, ast.String(of), by, DirName(d.Wrt), st.fn, st.fn, ast.String(dF), DirName(d.Wrt), dir)
	case d.Kind == SecondDifferential:
		note = fmt.Sprintf("%s is given by the second differential, the differential of the first: forward from %s, %s, d%s = %s; then forward from %s again with %s held constant, d²%s = d(d%s) = %s, quadratic in %s",
			label, d.Wrt, diffRules, st.fn, ast.String(of), by, dir, st.fn, st.fn, ast.String(dF), dir)
	case d.Order == 2:
		note = fmt.Sprintf("%s is the derivative of %s ∂%s/∂%s = %s by %s: its differential d(∂%s/∂%s) = %s is linear in %s, and its coefficient is %s",
			label, first, st.fn, d.Wrt, ast.String(of), by, st.fn, d.Wrt, ast.String(dF), dir, label)
	default:
		note = fmt.Sprintf("no chain of Jacobians writes this one (%s); by the differential instead: d%s = %s is linear in %s, and its coefficient is %s",
			why, st.fn, ast.String(dF), dir, label)
	}
	return Derivation{Wrt: d.Wrt, Result: d.Expr, Sum: d.Expr, Expanded: res.Expand(d.Expr), Deriv: d,
		Note: note, Differential: dF, Dir: dir, Of: of}, nil
}

// diffRules are the rules of a differential, as --steps quotes them.
const diffRules = "each node's change by the rules d(AB) = dA B + A dB, d f(z) = f′(z) ∘ dz, d(X⁻¹) = −X⁻¹dX X⁻¹, d tr(X) = tr(dX), …"

// A noStepsError says that a derivative, which Derive computed, has no
// step-by-step explanation: Steps then shows the result with the reason.
type noStepsError struct{ msg string }

func (e *noStepsError) Error() string { return "--steps: " + e.msg + " (not supported yet)" }

func noSteps(format string, args ...any) error {
	return &noStepsError{msg: fmt.Sprintf(format, args...)}
}

type rowRecord struct {
	row  ast.Expr
	from string // the variable whose derivation computed it
}

type stepper struct {
	e       ast.Expr
	res     *Result
	fn      string
	env     map[string]ast.Shape // variables and step names
	names   map[ast.Expr]string  // path node → its step name
	defs    []Def                // step names in order
	taken   map[string]bool
	rows    map[ast.Expr]rowRecord
	signals map[ast.Expr]string
}

// paths returns the paths from the root to every occurrence of v.
func paths(e ast.Expr, v string) [][]ast.Expr {
	var out [][]ast.Expr
	var walk func(n ast.Expr, path []ast.Expr)
	walk = func(n ast.Expr, path []ast.Expr) {
		path = append(path, n)
		if id, ok := n.(*ast.Ident); ok && id.Name == v {
			out = append(out, append([]ast.Expr(nil), path...))
			return
		}
		for _, k := range ast.Children(n) {
			walk(k, path)
		}
	}
	walk(e, nil)
	return out
}

// withoutTransposes drops the transposes of vectors from a path: the
// chain steps over them (∂(uᵀh)/∂u is hᵀ, a Jacobian of its own).
func (st *stepper) withoutTransposes(path []ast.Expr) []ast.Expr {
	out := path[:1:1]
	for i, n := range path[1:] {
		if t, ok := n.(*ast.Transpose); ok && !st.shape(t.X).IsMatrix() {
			continue
		}
		// A term of a sum is part of the affine map z = Wx + b.
		if p, ok := path[i].(*ast.Binary); ok && (p.Op == ast.Add || p.Op == ast.Sub) && i+2 < len(path) {
			if _, isVar := n.(*ast.Ident); !isVar {
				continue
			}
		}
		out = append(out, n)
	}
	return out
}

func (st *stepper) shape(e ast.Expr) ast.Shape {
	s, _ := ast.ShapeOf(e, st.env)
	return s
}

// role picks the letter the notes use for a node: z for an affine map, h
// for an elementwise function, p for a softmax, a otherwise.
func role(n ast.Expr) string {
	switch n := n.(type) {
	case *ast.Call:
		if _, ok := op.Of(n).(op.Distribution); ok && n.Primes == 0 {
			return "p"
		}
		if n.IsElementwise() {
			return "h"
		}
	case *ast.Binary:
		if n.Op == ast.Add || n.Op == ast.Sub {
			return "z"
		}
	}
	return "a"
}

// name returns the step name of a path node, naming it on first use.
func (st *stepper) name(n ast.Expr, named ast.Expr) string {
	if s, ok := st.names[n]; ok {
		return s
	}
	for _, d := range st.res.Defs {
		if ast.Equal(st.res.Expand(ast.Var(d.Name)), n) {
			st.names[n] = d.Name
			st.env[d.Name] = d.Shape
			st.defs = append(st.defs, Def{Name: d.Name, Expr: named, Shape: d.Shape})
			return d.Name
		}
	}
	base := role(n)
	name := base
	for i := 1; st.taken[name]; i++ {
		name = base + subscript(i)
	}
	st.taken[name] = true
	st.names[n] = name
	st.env[name] = st.shape(named)
	st.defs = append(st.defs, Def{Name: name, Expr: named, Shape: st.env[name]})
	return name
}

func subscript(i int) string {
	s := fmt.Sprint(i)
	out := ""
	for _, r := range s {
		out += string('₀' + (r - '0'))
	}
	return out
}

// replacePtr returns e with the subtree old (by pointer) replaced by new.
func replacePtr(e, old, new ast.Expr) ast.Expr {
	if e == old {
		return new
	}
	kids := ast.Children(e)
	nk := make([]ast.Expr, len(kids))
	changed := false
	for i, k := range kids {
		nk[i] = replacePtr(k, old, new)
		changed = changed || nk[i] != k
	}
	if !changed {
		return e
	}
	return ast.WithChildren(e, nk)
}

// placeholder stands for the one occurrence of the variable on a path.
const placeholder = "□"

func rename(e ast.Expr, from, to string) ast.Expr {
	return ast.Rewrite(e, func(n ast.Expr) ast.Expr {
		if id, ok := n.(*ast.Ident); ok && id.Name == from {
			return ast.Var(to)
		}
		return n
	})
}

// expandNames inlines the step names.
func (st *stepper) expandNames(e ast.Expr) ast.Expr {
	for i := len(st.defs) - 1; i >= 0; i-- {
		d := st.defs[i]
		e = ast.Rewrite(e, func(n ast.Expr) ast.Expr {
			if id, ok := n.(*ast.Ident); ok && id.Name == d.Name {
				return d.Expr
			}
			return n
		})
	}
	return e
}

func (st *stepper) derivation(d Deriv) (Derivation, error) {
	dv := Derivation{Wrt: d.Wrt, Result: d.Expr, Expanded: st.res.Expand(d.Expr)}
	var sum ast.Expr
	for _, path := range paths(st.e, d.Wrt) {
		b, err := st.branch(d.Wrt, st.withoutTransposes(path))
		if err != nil {
			if strings.Contains(err.Error(), "internal shape error") {
				// The derivative itself is right (Derive computed it);
				// only this explanation of it failed.
				err = noSteps("∂%s/∂%s along %s: %v", st.fn, d.Wrt, ast.String(path[0]), err)
			}
			return dv, err
		}
		dv.Branches = append(dv.Branches, b)
		if sum == nil {
			sum = b.Gradient
		} else {
			sum = ast.Bin(ast.Add, sum, b.Gradient)
		}
	}
	if sum == nil {
		sum = ast.Num(0)
	}
	dv.Sum = simplify.Simplify(sum, st.env)
	if len(dv.Branches) > 1 {
		dv.Note = fmt.Sprintf("%s occurs %d times: the gradient is the sum of the branches", d.Wrt, len(dv.Branches))
	}
	return dv, nil
}

// branch follows one path: Jacobians while the nodes are scalars or
// vectors, then gradients (adjoints) through matrices.
func (st *stepper) branch(w string, path []ast.Expr) (Branch, error) {
	var b Branch
	last := len(path) - 1
	// Label the path: the function, named intermediates, the variable.
	label := make([]string, len(path))
	label[0], label[last] = st.fn, w
	for i := last - 1; i >= 1; i-- {
		named := replacePtr(path[i], path[i+1], ast.Var(label[i+1]))
		label[i] = st.name(path[i], named)
	}
	for i := 1; i < last; i++ {
		b.Names = append(b.Names, Def{Name: label[i], Expr: st.defOf(label[i]), Shape: st.shape(path[i])})
	}
	if !st.res.FuncShape.IsScalar() {
		for _, n := range path[1:] {
			if st.shape(n).IsRow() {
				return b, noSteps("∂%s/∂%s passes through the row vector %s", st.fn, w, ast.String(n))
			}
		}
	}
	// The vector part: nodes 0..k are scalars or vectors.
	k := 0
	for k < last && isVec(st.shape(path[k+1])) {
		k++
	}
	start, reused := 0, false
	for j := min(k, last-1); j >= 1; j-- {
		if r, ok := st.rows[path[j]]; ok {
			b.Reused = r.from
			b.Chain = append(b.Chain, Factor{Of: st.fn, By: label[j], Expr: r.row, Shape: ast.Matrix(rowsOf(st.res.FuncShape), rowsOf(st.shape(path[j]))),
				Rule: "computed for ∂" + st.fn + "/∂" + r.from + ", reused"})
			start, reused = j, true
			break
		}
	}
	for i := start; i < k; i++ {
		j, err := st.local(path[i], path[i+1], label[i+1])
		if err != nil {
			return b, err
		}
		b.Chain = append(b.Chain, Factor{Of: label[i], By: label[i+1], Expr: j,
			Shape: ast.Matrix(rowsOf(st.shape(path[i])), rowsOf(st.shape(path[i+1]))), Rule: ruleOf(path[i], path[i+1])})
	}
	row := ast.Expr(ast.Num(1)) // ∂s/∂s
	if len(b.Chain) > 0 {
		p := b.Chain[0].Expr
		for m := 1; m <= len(b.Chain); m++ {
			idx := start + m
			if !reused {
				idx = m
			}
			if m > 1 || !reused {
				if idx < last && idx >= 1 {
					if _, ok := st.rows[path[idx]]; !ok {
						st.rows[path[idx]] = rowRecord{row: st.nameRow(simplify.Simplify(p, st.env), path[idx]), from: w}
					}
				}
			}
			if m < len(b.Chain) {
				p = ast.Bin(ast.Mul, p, b.Chain[m].Expr)
			}
		}
		b.Product = p
		s := simplify.New(st.env)
		s.Trace = func(rule string, before, after ast.Expr) {
			b.Rewrites = append(b.Rewrites, Rewrite{Rule: rule, Before: before, After: after})
		}
		row = s.Simplify(p)
		b.Row = row
	}
	if !st.res.FuncShape.IsScalar() {
		// A vector function: the chain is the Jacobian (numerator layout).
		if k < last {
			return b, noSteps("∂%s/∂%s passes through the matrix %s = %s, which depends on %s", st.fn, w, label[k+1], ast.String(st.res.Expand(path[k+1])), w)
		}
		b.Gradient = row
		return b, nil
	}
	// The gradient at path[k], in the shape of the node.
	g := row
	if st.shape(path[k]).IsVector() {
		g = simplify.Simplify(ast.T(row), st.env)
	}
	if name := st.defName(g); name != "" {
		b.Named = name
		g = ast.Var(name)
	} else if k < last && k > 0 && st.shape(path[k]).IsVector() {
		// Name the signal at the end of the chain, δ = ∂s/∂z, as the
		// notes do: everything below z starts from it.
		name, ok := st.signals[path[k]]
		if !ok {
			name = "δ"
			for i := 1; st.taken[name]; i++ {
				name = "δ" + subscript(i)
			}
			st.taken[name] = true
			st.signals[path[k]] = name
			st.env[name] = st.shape(path[k])
			st.defs = append(st.defs, Def{Name: name, Expr: g, Shape: st.env[name]})
			st.rows[path[k]] = rowRecord{row: ast.T(ast.Var(name)), from: w}
		}
		b.Named = name
		b.Signal = Def{Name: name, Expr: st.defOf(name), Shape: st.env[name]}
		g = ast.Var(name)
	}
	if b.Named != "" && k > 0 && k < last {
		b.Below = ast.Vars(path[k])
		b.At = label[k]
	}
	// The matrix part: gradients from path[k] down to the variable.
	for i := k; i < last; i++ {
		next, err := st.adjoint(path[i], path[i+1], label[i+1], g)
		if err != nil {
			return b, err
		}
		b.Adjoint = append(b.Adjoint, Factor{Of: st.fn, By: label[i+1], Expr: next, Shape: st.shape(path[i+1]), Rule: adjointRule(path[i], path[i+1])})
		g = next
	}
	b.Gradient = g
	return b, nil
}

// local returns the Jacobian of a node by its child on the path (only that
// occurrence of the child), written with the child's name.
func (st *stepper) local(node, child ast.Expr, childName string) (ast.Expr, error) {
	var e ast.Expr
	if cs := st.shape(child); cs.IsRow() {
		e = replacePtr(node, child, ast.T(ast.Var(placeholder)))
		st.env[placeholder] = cs.T()
	} else {
		e = replacePtr(node, child, ast.Var(placeholder))
		st.env[placeholder] = cs
	}
	defer delete(st.env, placeholder)
	j, err := jacobian(e, st.env, placeholder)
	if err != nil {
		return nil, err
	}
	if j == nil {
		j = ast.Num(0)
	}
	return st.nameAll(simplify.Simplify(rename(j, placeholder, childName), st.env)), nil
}

// nameAll writes the result's definitions by name wherever they occur.
func (st *stepper) nameAll(e ast.Expr) ast.Expr {
	defs := make([]simplify.Def, len(st.res.Defs))
	for i, d := range st.res.Defs {
		defs[i] = simplify.Def{Name: d.Name, Expr: d.Expr}
	}
	return useNames(e, defs)
}

// adjoint hands the gradient g of a node to its child on the path.
func (st *stepper) adjoint(node, child ast.Expr, childName string, g ast.Expr) (ast.Expr, error) {
	e := replacePtr(node, child, ast.Var(placeholder))
	st.env[placeholder] = st.shape(child)
	defer delete(st.env, placeholder)
	r := newReverse(st.env, []string{placeholder})
	r.back(e, g)
	if r.err != nil {
		return nil, r.err
	}
	var sum ast.Expr = ast.Num(0)
	for i, t := range r.contrib[placeholder] {
		if i == 0 {
			sum = t
		} else {
			sum = ast.Bin(ast.Add, sum, t)
		}
	}
	return st.nameAll(simplify.Simplify(rename(sum, placeholder, childName), st.env)), nil
}

// defOf returns the expression a step name stands for.
func (st *stepper) defOf(name string) ast.Expr {
	for _, d := range st.defs {
		if d.Name == name {
			return d.Expr
		}
	}
	return ast.Var(name)
}

// full expands every name, the result's and the steps', into the input
// variables.
func (st *stepper) full(e ast.Expr) ast.Expr {
	return st.res.Expand(st.expandNames(e))
}

// defName returns the result's definition equal to g, or "".
func (st *stepper) defName(g ast.Expr) string {
	full := st.full(g)
	for _, d := range st.res.Defs {
		if ast.Equal(st.res.Expand(ast.Var(d.Name)), full) {
			st.env[d.Name] = d.Shape
			return d.Name
		}
	}
	return ""
}

// nameRow writes a row Jacobian ∂s/∂node as δᵀ when its gradient is a
// definition of the result.
func (st *stepper) nameRow(row ast.Expr, node ast.Expr) ast.Expr {
	if !st.res.FuncShape.IsScalar() {
		return row // a Jacobian of a vector function has no δ
	}
	g := row
	vector := st.shape(node).IsVector()
	if vector {
		g = simplify.Simplify(ast.T(row), st.env)
	}
	if name := st.defName(g); name != "" {
		if vector {
			return ast.T(ast.Var(name))
		}
		return ast.Var(name)
	}
	return row
}

func contains(e, x ast.Expr) bool {
	found := false
	ast.Inspect(e, func(n ast.Expr) bool {
		found = found || n == x
		return !found
	})
	return found
}

func isVec(s ast.Shape) bool { return s.IsScalar() || s.IsVector() || s.IsRow() }

func rowsOf(s ast.Shape) ast.Dim {
	if s.IsRow() {
		return s.Cols
	}
	return s.Rows
}

// ruleOf says which rule gives the Jacobian of parent by child.
func ruleOf(parent, child ast.Expr) string {
	switch p := parent.(type) {
	case *ast.Call:
		if f, ok := op.Of(p).(interface{ StepRule() string }); ok {
			return f.StepRule()
		}
		switch {
		case p.IsElementwise() && len(p.Args) == 1:
			return "elementwise " + p.Fun + ": diag(" + p.Fun + "′)"
		case p.IsElementwise():
			return p.Fun + " routes to the larger input"
		}
		return p.Fun + " rule"
	case *ast.Binary:
		switch p.Op {
		case ast.Add, ast.Sub:
			for _, term := range []ast.Expr{p.X, p.Y} {
				if term != child && contains(term, child) {
					return ruleOf(term, child)
				}
			}
			if p.Op == ast.Sub && p.Y == child {
				return "difference: −I"
			}
			return "sum: I"
		case ast.Mul:
			if p.Y == child {
				return "product, linear in the right factor"
			}
			return "product, linear in the left factor"
		case ast.Hadamard:
			return "Hadamard product: diag of the other factor"
		case ast.Div, ast.ElemDiv:
			return "quotient rule"
		case ast.Pow, ast.ElemPow:
			return "power rule"
		}
	case *ast.Transpose:
		return "transpose"
	case *ast.Unary:
		return "negation: −I"
	}
	return "chain rule"
}

// adjointRule says how a gradient passes from a node to a matrix input.
func adjointRule(parent, child ast.Expr) string {
	switch p := parent.(type) {
	case *ast.Binary:
		switch {
		case (p.Op == ast.Add || p.Op == ast.Sub) && p.X != child && p.Y != child:
			for _, term := range []ast.Expr{p.X, p.Y} {
				if contains(term, child) {
					return adjointRule(term, child)
				}
			}
		case p.Op == ast.Mul && p.X == child:
			return "C = AB: ∂s/∂A = (∂s/∂C)Bᵀ, reshaped to the shape of A"
		case p.Op == ast.Mul && p.Y == child:
			return "C = AB gives ∂s/∂B = Aᵀ(∂s/∂C), in the shape of B"
		}
		return ruleOf(parent, child)
	case *ast.Call:
		if f, ok := op.Of(p).(op.Adjoint); ok {
			return f.AdjointRule()
		}
	case *ast.Transpose:
		return "transpose the gradient"
	}
	return ruleOf(parent, child)
}
