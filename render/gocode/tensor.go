package gocode

import (
	"fmt"
	"slices"
	"strings"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/derive"
)

// Tensor derivatives (derive.Differential) are written twice: in the main
// function as their vec-layout matrix ∂vec(F)/∂vec(X)ᵀ, and as a function
// of their own that takes the direction dX and returns the directional
// derivative (the Jacobian- or Hessian-vector product) without forming
// the matrix.

// expandDirDefs replaces in e the definitions that depend on the direction
// dir (t = dW x) by their expressions, so that every use of dir shows in e.
func expandDirDefs(r *derive.Result, e ast.Expr, dir string) ast.Expr {
	dep := map[string]ast.Expr{}
	subst := func(e ast.Expr) ast.Expr {
		return ast.Rewrite(e, func(n ast.Expr) ast.Expr {
			if id, ok := n.(*ast.Ident); ok {
				if x, ok := dep[id.Name]; ok {
					return x
				}
			}
			return n
		})
	}
	for _, d := range r.Defs {
		x := subst(d.Expr)
		if slices.Contains(ast.Vars(x), dir) {
			dep[d.Name] = x
		}
	}
	return subst(e)
}

// dirGen returns the goGen of the directional-derivative function name
// of the tensor derivative r.Derivs[k]: the inputs of g, then the
// direction; one result, the differential.
func (g *goGen) dirGen(k int, name string) (*goGen, error) {
	d := g.r.Derivs[k]
	env := g.r.Env()
	vars := append(slices.Clone(g.r.Vars), ast.VarInfo{Name: d.Dir, Shape: env[d.Dir]})
	sub := &derive.Result{Input: g.r.Input, FuncName: g.r.FuncName, Func: d.Expr, FuncShape: d.Shape, Vars: vars, Defs: g.r.Defs}
	c := &goGen{r: sub, o: g.o, name: name, wsType: g.wsType, pkg: g.pkg, stubFor: g.stubFor, helper: g.helper, used: g.used, dirOf: g, deriv: d}
	if err := c.prepare(); err != nil {
		return nil, err
	}
	c.local = g.pkg.clone()
	for _, v := range vars {
		c.params = append(c.params, goParam{v: v, name: c.local.fresh(goIdent(v.Name)), typ: goType(v.Shape, false)})
	}
	// The results of all the functions are fields of one workspace: this
	// one's must differ from the main function's and the earlier ones'.
	for _, o := range append([]*goGen{g}, g.dirs...) {
		if o != nil {
			for _, r := range o.results {
				c.local.reserve(r.name)
			}
		}
	}
	fname := g.r.FuncName
	if fname == "" {
		fname = "s"
	}
	prefix, what := "d", fmt.Sprintf("d%s along %s = %s: the Jacobian-vector product of %s (%v)", fname, d.Dir, ast.String(d.Expr), d.Label(fname), d.Tensor)
	if d.Order == 2 {
		prefix = "d2"
		what = fmt.Sprintf("%s along %s = %s: the Hessian-vector product of %s (%v)", d.DiffLabel(fname), d.Dir, ast.String(d.Expr), d.Label(fname), d.Tensor)
	}
	res := prefix + goIdent(d.Wrt) + "V" // dXV, d2UV
	if d.Wrt2 != "" {
		res = prefix + goIdent(d.Wrt) + "d" + goIdent(d.Wrt2) // d2UdV
	}
	c.results = []goResult{{name: c.local.fresh(res), typ: goType(d.Shape, false), doc: what}}
	return c, nil
}

// dirDoc returns the doc comment of a directional-derivative function.
func (g *goGen) dirDoc() string {
	d := g.deriv
	fname := g.r.FuncName
	if fname == "" {
		fname = "s"
	}
	var b strings.Builder
	kind := "Jacobian"
	if d.Order == 2 {
		kind = "Hessian"
	}
	b.WriteString(wrapComment(fmt.Sprintf("%s returns %s along the direction %s, the %s-vector product of %s (%v): %s = %s. It never forms the tensor, which %s returns in vec layout; vec(%s) is that matrix times vec(%s).",
		g.name, d.DiffLabel(fname), d.Dir, kind, d.Label(fname), d.Tensor, d.DiffLabel(fname), ast.String(d.Expr), g.dirOf.name, g.results[0].name, d.Dir)))
	b.WriteString("//\n// Inputs:\n//\n")
	for _, p := range g.params {
		fmt.Fprintf(&b, "//\t%s: %s (%s)\n", p.name, p.v.Name, p.v.Shape)
	}
	return b.String()
}

// tensorResult writes the vec-layout matrix of the tensor derivative
// r.Derivs[k] into its result: from the Kronecker terms, or column by
// column from the directional-derivative function at unit directions.
func (f *fnGen) tensorResult(k int, res goResult) error {
	g := f.g
	d := g.r.Derivs[k]
	fs, xs := d.Shape, g.r.Env()[d.By()]
	fr, fc, xr, xc := f.dim(fs.Rows), f.dim(fs.Cols), f.dim(xs.Rows), f.dim(xs.Cols)
	rows, cols := mulDims(fr, fc), mulDims(xr, xc)
	f.given[res.name] = true
	if f.ws {
		f.fields = append(f.fields, res.name+" *mat.Dense")
		f.line("%s = %s(&%s.%s, %s, %s)", res.name, g.use("reuseDense"), f.recv, res.name, rows, cols)
		f.line("%s.Zero()", res.name)
	} else {
		f.line("%s = mat.NewDense(%s, %s, nil)", res.name, rows, cols)
	}
	terms := g.exprs.kron[k]
	if terms == nil {
		return f.tensorColumns(k, res, fr, fc, xr, xc)
	}
	f.line("// %s", g.kronComment(d, terms))
	for _, t := range terms {
		coef := "1"
		if t.Coef != nil {
			x, err := f.scalar(t.Coef)
			if err != nil {
				return err
			}
			coef = x
		}
		if t.Neg {
			coef = "-" + paren(coef)
		}
		var args []string
		for _, x := range []ast.Expr{t.Diag, t.Left, t.Right} {
			a, err := f.strided(x)
			if err != nil {
				return err
			}
			args = append(args, a)
		}
		f.line("%s(%s.RawMatrix(), %s, %s, %s, %s, %s, %s, %v)", g.use("kronAdd"), res.name, fr, fc, xr, xc, coef, strings.Join(args, ", "), t.Commute)
	}
	return nil
}

// kronComment writes the Kronecker form as text, for a comment.
func (g *goGen) kronComment(d derive.Deriv, terms []derive.KronTerm) string {
	fname := g.r.FuncName
	if fname == "" {
		fname = "s"
	}
	of := fname
	if d.Order == 2 {
		of = derive.Deriv{Wrt: d.Wrt, Order: 1}.Label(fname)
	}
	return fmt.Sprintf("∂vec(%s)/∂vec(%s)ᵀ = %s", of, d.By(), derive.KroneckerString(d, terms, g.r.Env()))
}

// strided spells a factor of a Kronecker term as its entries and two
// strides (entry (i, j) at i·rs + j·cs): "nil, 0, 0" for none.
func (f *fnGen) strided(e ast.Expr) (string, error) {
	if e == nil {
		return "nil, 0, 0", nil
	}
	op, err := f.operandOf(e)
	if err != nil {
		return "", err
	}
	if op.scalar {
		return "", fmt.Errorf("a scalar factor %s in a Kronecker term", ast.String(e))
	}
	if op.vec {
		raw, ok := f.vraw[op.expr]
		if !ok {
			raw = f.removable(f.names.fresh(op.expr + "v"))
			f.line("%s := %s.RawVector()", raw, op.expr)
			f.vraw[op.expr] = raw
		}
		if op.t {
			return fmt.Sprintf("%s.Data, 0, %s.Inc", raw, raw), nil
		}
		return fmt.Sprintf("%s.Data, %s.Inc, 0", raw, raw), nil
	}
	raw := f.matRaw(op)
	if op.t {
		return fmt.Sprintf("%s.Data, 1, %s.Stride", raw, raw), nil
	}
	return fmt.Sprintf("%s.Data, %s.Stride, 1", raw, raw), nil
}

// tensorColumns fills the matrix column by column: column k + l·rows(X)
// is vec of the directional derivative along the unit direction at (k, l).
// It costs one directional derivative per entry of X, where a Kronecker
// form costs one pass over the matrix.
func (f *fnGen) tensorColumns(k int, res goResult, fr, fc, xr, xc string) error {
	g := f.g
	d := g.r.Derivs[k]
	dir := g.dirs[k]
	xs := g.r.Env()[d.By()]
	unit := f.names.fresh("e" + goIdent(d.By()))
	vec := goType(xs, false) == "*mat.VecDense"
	switch {
	case f.ws && vec:
		f.fields = append(f.fields, unit+" *mat.VecDense")
		f.line("%s := %s(&%s.%s, %s)", unit, g.use("reuseVec"), f.recv, unit, xr)
		f.line("%s.Zero()", unit)
	case f.ws:
		f.fields = append(f.fields, unit+" *mat.Dense")
		f.line("%s := %s(&%s.%s, %s, %s)", unit, g.use("reuseDense"), f.recv, unit, xr, xc)
		f.line("%s.Zero()", unit)
	case vec:
		f.line("%s := mat.NewVecDense(%s, nil)", unit, xr)
	default:
		f.line("%s := mat.NewDense(%s, %s, nil)", unit, xr, xc)
	}
	var args []string
	for _, p := range g.params {
		args = append(args, p.name)
	}
	args = append(args, unit)
	call := dir.name
	if f.ws {
		call = f.recv + "." + dir.name
	}
	col, v, i, j := f.names.fresh("col"), f.names.fresh("v"), f.names.fresh("ii"), f.names.fresh("jj")
	f.line("// column by column: %s has no Kronecker form", d.DiffLabel(g.r.FuncName))
	f.line("for %s := 0; %s < %s; %s++ {", col, col, mulDims(xr, xc), col)
	set, unset := fmt.Sprintf("%s.Set(%s%%%s, %s/%s, 1)", unit, col, xr, col, xr), fmt.Sprintf("%s.Set(%s%%%s, %s/%s, 0)", unit, col, xr, col, xr)
	if vec {
		set, unset = fmt.Sprintf("%s.SetVec(%s, 1)", unit, col), fmt.Sprintf("%s.SetVec(%s, 0)", unit, col)
	}
	f.line("%s", set)
	f.line("%s := %s(%s)", v, call, strings.Join(args, ", "))
	f.line("%s", unset)
	switch dir.results[0].typ {
	case "*mat.VecDense":
		f.line("for %s := 0; %s < %s.Len(); %s++ {", i, i, v, i)
		f.line("%s.Set(%s, %s, %s.AtVec(%s))", res.name, i, col, v, i)
		f.line("}")
	case "float64":
		f.line("%s.Set(0, %s, %s)", res.name, col, v)
	default:
		f.line("for %s := 0; %s < %s; %s++ {", j, j, fc, j)
		f.line("for %s := 0; %s < %s; %s++ {", i, i, fr, i)
		f.line("%s.Set(%s+%s*%s, %s, %s.At(%s, %s))", res.name, i, j, fr, col, v, i, j)
		f.line("}")
		f.line("}")
	}
	f.line("}")
	return nil
}

// mulDims writes the product of two dimensions as Go: n*m, n, 3.
func mulDims(a, b string) string {
	switch {
	case a == "1":
		return b
	case b == "1":
		return a
	}
	return a + "*" + b
}

var tensorHelperSrc = map[string]string{
	"kronAdd": `// NAME adds c·diag(vec(D))(Rᵀ ⊗ L), times the commutation matrix K when
// commute, to dst: one term of the vec layout ∂vec(F)/∂vec(X)ᵀ of the
// derivative of an fr×fc function F by an xr×xc variable X, whose entry
// (i + j·fr, k + l·xr) is ∂Fᵢⱼ/∂Xₖₗ. The term comes from c·(D ∘ (L dX R)),
// or c·(D ∘ (L dXᵀ R)) with commute. A factor is given by its entries and
// two strides, entry (i, j) at i·rs + j·cs (a transpose swaps them); nil
// entries stand for the identity, or for D for no diagonal factor.
func NAME(dst blas64.General, fr, fc, xr, xc int, c float64, d []float64, drs, dcs int, l []float64, lrs, lcs int, r []float64, rrs, rcs int, commute bool) {
	// L is fr×np, R is nq×fc; entry (p, q) of dX (or of dXᵀ) is column
	// p·pstep + q·qstep.
	np, nq, pstep, qstep := xr, xc, 1, xr
	if commute {
		np, nq, pstep, qstep = xc, xr, xr, 1
	}
	for j := 0; j < fc; j++ {
		for i := 0; i < fr; i++ {
			w := c
			if d != nil {
				w *= d[i*drs+j*dcs]
			}
			row := dst.Data[(i+j*fr)*dst.Stride : (i+j*fr)*dst.Stride+dst.Cols]
			for q := 0; q < nq; q++ {
				wq := w
				if r != nil {
					wq *= r[q*rrs+j*rcs]
				} else if q != j {
					continue
				}
				if l == nil {
					if i < np {
						row[i*pstep+q*qstep] += wq
					}
					continue
				}
				for p := 0; p < np; p++ {
					row[p*pstep+q*qstep] += wq * l[i*lrs+p*lcs]
				}
			}
		}
	}
}
`,
}
