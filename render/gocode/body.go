package gocode

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/derive"
	"github.com/matcalc/matcalc/op"
)

// An operand is a value the generated code holds: a float64 expression, or a
// variable of type *mat.VecDense or *mat.Dense used as it is or transposed.
type operand struct {
	scalar bool
	expr   string // scalar: a Go expression; else the variable's name
	vec    bool   // *mat.VecDense (a column vector, or a row vector when t)
	t      bool   // the value is the transpose of what is stored
	rows   string // stored rows (the length of a vector)
	cols   string // stored columns ("1" for a vector)
	input  bool   // the caller's value: copied before being returned
}

// fnGen generates the body of the function or of the workspace method.
type fnGen struct {
	g      *goGen
	ws     bool
	recv   string
	names  *namer
	b      strings.Builder
	vals   map[string]*operand // inputs and definitions by canonical name
	cse    map[string]*operand // values already computed, by expression and shape
	dims   map[string]string   // symbolic dimension → Go expression
	vdata  map[string]string   // vector variable → its data slice
	mraw   map[string]string   // matrix variable → its blas64.General
	vraw   map[string]string   // vector variable → its blas64.Vector
	fields []string            // workspace fields, "name type"
	i, j   string              // loop indices
	given  map[string]bool     // results handed out already (no aliasing)
	rm     map[string]bool     // locals that may be dropped when unused
	busy   map[string]bool     // keys being computed into their own buffer

	rowsName, colsName string            // locals of the size checks
	dimName            map[string]string // symbolic dimension → its local
}

// compute materializes e into dst, marking it so that a shared e is not
// diverted into a buffer of its own while being computed.
func (f *fnGen) compute(e ast.Expr, dst *operand) error {
	k := key(e, f.shape(e))
	was := f.busy[k]
	f.busy[k] = true
	err := f.materialize(e, dst)
	f.busy[k] = was
	return err
}

// sharedOperand returns the buffer of a shared subexpression, computing it
// on first use; ok is false when e is not shared or is being computed.
func (f *fnGen) sharedOperand(e ast.Expr) (op *operand, ok bool, err error) {
	k := key(e, f.shape(e))
	if !f.g.shared[k] || f.busy[k] {
		return nil, false, nil
	}
	if op, ok := f.cse[k]; ok {
		return op, true, nil
	}
	if f.shape(e).IsScalar() {
		f.busy[k] = true
		x, err := f.scalar(e)
		f.busy[k] = false
		if err != nil {
			return nil, false, err
		}
		op = &operand{scalar: true, expr: f.bindMain(x)}
		f.cse[k] = op
		return op, true, nil
	}
	op, err = f.operandOf(e)
	return op, err == nil, err
}

func (f *fnGen) line(format string, args ...any) {
	fmt.Fprintf(&f.b, format, args...)
	f.b.WriteByte('\n')
}

func (f *fnGen) shape(e ast.Expr) ast.Shape {
	if s, ok := f.g.exprs.shapes[e]; ok {
		return s
	}
	s, err := ast.ShapeOf(e, f.g.r.Env())
	if err != nil {
		panic(fmt.Sprintf("render: no shape for %s: %v", ast.String(e), err))
	}
	f.g.exprs.shapes[e] = s
	return s
}

func key(e ast.Expr, s ast.Shape) string {
	return ast.String(e) + "|" + s.Rows.String() + "×" + s.Cols.String()
}

// body returns the source of the plain function (ws false) or of the
// workspace method (ws true), with the workspace fields the method uses.
// taken lists the fields of the methods written before, which the
// method's locals (and so its fields) must not reuse.
func (g *goGen) body(ws bool, taken []string) (code string, fields []string, err error) {
	defer func() {
		if p := recover(); p != nil {
			if s, ok := p.(string); ok && strings.HasPrefix(s, "render: ") {
				err = fmt.Errorf("go: %s", strings.TrimPrefix(s, "render: "))
				return
			}
			panic(p)
		}
	}()
	f := &fnGen{g: g, ws: ws, names: g.local.clone(), vals: map[string]*operand{}, cse: map[string]*operand{},
		dims: map[string]string{}, vdata: map[string]string{}, mraw: map[string]string{}, vraw: map[string]string{}, given: map[string]bool{}, busy: map[string]bool{}, dimName: map[string]string{}}
	for _, t := range taken {
		f.names.reserve(t)
	}
	if ws {
		f.recv = f.names.fresh("w")
	}
	f.i, f.j = f.names.fresh("i"), f.names.fresh("j")
	if err := f.inputs(); err != nil {
		return "", nil, err
	}
	r, ex := g.r, g.exprs
	for k, d := range r.Defs {
		e := ex.defs[k]
		if e == nil || !ex.inF[k] {
			continue
		}
		op, err := f.define(e, goIdent(d.Name))
		if err != nil {
			return "", nil, fmt.Errorf("go: definition %s: %w", d.Name, err)
		}
		f.vals[d.Name] = op
	}
	if err := f.result(ex.fn, r.FuncShape, g.results[0], false); err != nil {
		return "", nil, err
	}
	// Matrix-shaped results (outer products such as δxᵀ) only write: they
	// come last, so that the matrices the other results read (Wᵀδ) are
	// still in cache.
	order := make([]int, 0, len(r.Derivs))
	for _, last := range []bool{false, true} {
		for k, d := range r.Derivs {
			if d.Shape.IsMatrix() == last {
				order = append(order, k)
			}
		}
	}
	for _, k := range order {
		d := r.Derivs[k]
		if d.Kind == derive.Differential {
			if err := f.tensorResult(k, g.results[k+1]); err != nil {
				return "", nil, fmt.Errorf("go: derivative by %s: %w", d.By(), err)
			}
			continue
		}
		force := goType(d.Shape, true) != goType(d.Shape, false) && g.results[k+1].typ == "*mat.Dense"
		if err := f.result(ex.derivs[k], d.Shape, g.results[k+1], force); err != nil {
			return "", nil, fmt.Errorf("go: derivative by %s: %w", d.Wrt, err)
		}
	}
	var rets []string
	for _, r := range g.results {
		rets = append(rets, r.name)
	}
	f.line("return %s", strings.Join(rets, ", "))

	var out strings.Builder
	if ws {
		out.WriteString(g.doc(g.name, true))
		fmt.Fprintf(&out, "func (%s *%s) %s {\n", f.recv, g.wsType, g.signature(g.name))
	} else {
		fmt.Fprintf(&out, "func %s {\n", g.signature(g.name))
	}
	out.WriteString(pruneUnused(f.b.String(), f.rm))
	out.WriteString("}\n\n")
	return out.String(), f.fields, nil
}

// inputs binds the symbolic dimensions to the sizes of the inputs and
// checks that the inputs agree on them.
func (f *fnGen) inputs() error {
	// Dimension names first, so that n stays n; then the check's locals.
	for _, p := range f.g.params {
		for _, d := range []ast.Dim{p.v.Shape.Rows, p.v.Shape.Cols} {
			if d.Name != "" && f.dimName[d.Name] == "" {
				f.dimName[d.Name] = f.names.fresh(goIdent(d.Name))
			}
		}
	}
	f.rowsName, f.colsName = f.names.fresh("r"), f.names.fresh("c")
	// Inputs whose dimension is a product (vec(X) has n·m entries) come
	// last, so that it is checked against its factors.
	params := slices.Clone(f.g.params)
	slices.SortStableFunc(params, func(a, b goParam) int { return cmp.Compare(productDims(a.v.Shape), productDims(b.v.Shape)) })
	for _, p := range params {
		s := p.v.Shape
		switch p.typ {
		case "float64":
			f.vals[p.v.Name] = &operand{scalar: true, expr: p.name}
			continue
		case "*mat.VecDense":
			n, fresh := f.bindDim(s.Rows)
			if fresh {
				f.line("%s := %s.Len()", n, p.name)
			} else {
				f.line("if %s.Len() != %s {", p.name, n)
				f.line("panic(%q)", fmt.Sprintf("%s: %s must have length %v", f.g.name, p.name, s.Rows))
				f.line("}")
			}
			f.vals[p.v.Name] = &operand{vec: true, expr: p.name, rows: n, cols: "1", input: true}
		default:
			r, freshR := f.bindDim(s.Rows)
			var c string
			freshC := false
			if s.Cols == s.Rows {
				c = r
			} else {
				c, freshC = f.bindDim(s.Cols)
			}
			switch {
			case freshR && freshC:
				f.line("%s, %s := %s.Dims()", r, c, p.name)
			case freshR:
				f.line("%s, _ := %s.Dims()", r, p.name)
			case freshC:
				f.line("_, %s := %s.Dims()", c, p.name)
			}
			if !(freshR && freshC) {
				f.line("if %s, %s := %s.Dims(); %s != %s || %s != %s {", f.rowsName, f.colsName, p.name, f.rowsName, r, f.colsName, c)
				f.line("panic(%q)", fmt.Sprintf("%s: %s must be %v×%v", f.g.name, p.name, s.Rows, s.Cols))
				f.line("}")
			}
			f.vals[p.v.Name] = &operand{expr: p.name, rows: r, cols: c, input: true}
		}
	}
	return nil
}

// productDims counts the dimensions of s that are products.
func productDims(s ast.Shape) int {
	n := 0
	for _, d := range []ast.Dim{s.Rows, s.Cols} {
		if len(d.Factors()) > 1 {
			n++
		}
	}
	return n
}

// dimProduct returns the Go expression of a product dimension whose
// factors are bound (n*m), or false.
func (f *fnGen) dimProduct(d ast.Dim) (string, bool) {
	return d.SpellProduct(func(name string) (string, bool) { n, ok := f.dims[name]; return n, ok }, "*")
}

// bindDim returns the Go expression of d, and whether it is a new local
// the caller must declare.
func (f *fnGen) bindDim(d ast.Dim) (string, bool) {
	if d.N > 0 {
		return strconv.Itoa(d.N), false
	}
	if n, ok := f.dimProduct(d); ok {
		return n, false
	}
	if !d.Known() {
		panic("render: an input has an unknown dimension")
	}
	if n, ok := f.dims[d.Name]; ok {
		return n, false
	}
	n := f.dimName[d.Name]
	f.dims[d.Name] = n
	return n, true
}

func (f *fnGen) dim(d ast.Dim) string {
	if d.N > 0 {
		return strconv.Itoa(d.N)
	}
	if n, ok := f.dims[d.Name]; ok {
		return n
	}
	if n, ok := f.dimProduct(d); ok {
		return n
	}
	panic(fmt.Sprintf("render: cannot size a value: dimension %v is not the size of any input", d))
}

// define computes a definition once and returns its operand.
func (f *fnGen) define(e ast.Expr, hint string) (*operand, error) {
	s := f.shape(e)
	if s.IsScalar() {
		x, err := f.scalar(e)
		if err != nil {
			return nil, err
		}
		name := f.names.fresh(hint)
		f.line("%s := %s", name, x)
		op := &operand{scalar: true, expr: name}
		f.cse[key(e, s)] = op
		return op, nil
	}
	switch x := e.(type) {
	case *ast.Ident:
		return f.vals[x.Name], nil
	case *ast.Transpose:
		if id, ok := x.X.(*ast.Ident); ok {
			op := *f.vals[id.Name]
			op.t = !op.t
			return &op, nil
		}
	}
	if op, ok := f.cse[key(e, s)]; ok {
		return op, nil
	}
	op := f.newBuf(hint, s, "", false)
	if err := f.compute(e, op); err != nil {
		return nil, err
	}
	f.cse[key(e, s)] = op
	return op, nil
}

// result computes one result into its named result variable.
func (f *fnGen) result(e ast.Expr, want ast.Shape, r goResult, forceDense bool) error {
	s := f.shape(e)
	if r.typ == "float64" {
		x, err := f.scalar(e)
		if err != nil {
			return err
		}
		f.line("%s = %s", r.name, x)
		return nil
	}
	var have *operand
	switch x := e.(type) {
	case *ast.Ident:
		have = f.vals[x.Name]
	default:
		have = f.cse[key(e, s)]
	}
	if have != nil && !have.input && !have.t && !have.scalar && !f.given[have.expr] && have.vec == (r.typ == "*mat.VecDense") {
		f.given[have.expr] = true
		f.line("%s = %s", r.name, have.expr)
		return nil
	}
	if s.IsScalar() {
		s = want // a zero (or another scalar) filling a vector or matrix
	} else if want.Rows.Known() && want != s {
		return fmt.Errorf("%s has shape %v, but the result is said to be %v", ast.String(e), s, want)
	}
	dst := f.newBuf(r.name, s, r.name, forceDense || r.typ == "*mat.Dense")
	f.given[dst.expr] = true
	if !dst.vec && (s.IsVector() || s.IsRow()) || f.shape(e).IsScalar() {
		return f.template(e, dst)
	}
	return f.compute(e, dst)
}

// newBuf declares a buffer for a value of shape s: a new vector or matrix,
// or in the workspace form the workspace's own, reused while sizes stay.
// With assign, the variable is the named result called hint.
func (f *fnGen) newBuf(hint string, s ast.Shape, assign string, forceDense bool) *operand {
	op := &operand{}
	switch {
	case s.IsVector() && !forceDense:
		op.vec, op.rows, op.cols = true, f.dim(s.Rows), "1"
	case s.IsRow() && !forceDense:
		op.vec, op.t, op.rows, op.cols = true, true, f.dim(s.Cols), "1"
	default:
		op.rows, op.cols = f.dim(s.Rows), f.dim(s.Cols)
	}
	name, decl := assign, "="
	if assign == "" {
		name, decl = f.names.fresh(hint), ":="
	}
	op.expr = name
	typ := "*mat.Dense"
	if op.vec {
		typ = "*mat.VecDense"
	}
	if f.ws {
		f.fields = append(f.fields, name+" "+typ)
		if op.vec {
			f.line("%s %s %s(&%s.%s, %s)", name, decl, f.g.use("reuseVec"), f.recv, name, op.rows)
		} else {
			f.line("%s %s %s(&%s.%s, %s, %s)", name, decl, f.g.use("reuseDense"), f.recv, name, op.rows, op.cols)
		}
		return op
	}
	if op.vec {
		f.line("%s %s mat.NewVecDense(%s, nil)", name, decl, op.rows)
	} else {
		f.line("%s %s mat.NewDense(%s, %s, nil)", name, decl, op.rows, op.cols)
	}
	return op
}

// vecData returns the name of the data slice of a vector operand.
func (f *fnGen) vecData(op *operand) string {
	if d, ok := f.vdata[op.expr]; ok {
		return d
	}
	d := f.removable(f.names.fresh(op.expr + "d"))
	if op.input {
		f.line("%s := %s(%s)", d, f.g.use("vecData"), op.expr)
	} else {
		f.line("%s := %s.RawVector().Data", d, op.expr)
	}
	f.vdata[op.expr] = d
	return d
}

// matRaw returns the name of the blas64.General of a matrix operand.
func (f *fnGen) matRaw(op *operand) string {
	if d, ok := f.mraw[op.expr]; ok {
		return d
	}
	d := f.removable(f.names.fresh(op.expr + "r"))
	f.line("%s := %s.RawMatrix()", d, op.expr)
	f.mraw[op.expr] = d
	return d
}

// operandOf returns a stored operand holding the non-scalar value of e,
// computing it into a new buffer unless it is a variable, a transposed
// variable or already computed.
func (f *fnGen) operandOf(e ast.Expr) (*operand, error) {
	s := f.shape(e)
	if s.IsScalar() {
		x, err := f.scalar(e)
		if err != nil {
			return nil, err
		}
		return &operand{scalar: true, expr: f.bindMain(x)}, nil
	}
	switch x := e.(type) {
	case *ast.Ident:
		return f.vals[x.Name], nil
	case *ast.Transpose:
		op, err := f.operandOf(x.X)
		if err != nil {
			return nil, err
		}
		c := *op
		c.t = !c.t
		return &c, nil
	}
	if op, ok := f.cse[key(e, s)]; ok {
		return op, nil
	}
	op := f.newBuf(hintFor(e), s, "", false)
	if err := f.compute(e, op); err != nil {
		return nil, err
	}
	f.cse[key(e, s)] = op
	return op, nil
}

// bindMain binds a non-trivial scalar expression to a local.
func (f *fnGen) bindMain(x string) string {
	if isAtomic(x) {
		return x
	}
	name := f.removable(f.names.fresh("t"))
	f.line("%s := %s", name, x)
	return name
}

func isAtomic(x string) bool {
	if x == "" {
		return false
	}
	if _, err := strconv.ParseFloat(x, 64); err == nil {
		return true
	}
	for _, r := range x {
		if !(r == '_' || r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= 0x80) {
			return false
		}
	}
	return true
}

// isTemplate reports whether e is computed entry by entry in a loop rather
// than by a library call.
func (f *fnGen) isTemplate(e ast.Expr) bool {
	switch x := e.(type) {
	case *ast.Unary, *ast.Transpose, *ast.Identity, *ast.Ones, *ast.Indicator, *ast.Number:
		return true
	case *ast.Binary:
		switch x.Op {
		case ast.Mul:
			return f.mulIsTemplate(x)
		case ast.Pow:
			return f.shape(x).IsScalar()
		}
		return true
	case *ast.Call:
		return x.IsElementwise() || x.Fun == op.Diag.Name()
	}
	return false
}

// diagArg returns v when e is diag(v) for a vector v (a diagonal matrix).
func (f *fnGen) diagArg(e ast.Expr) (ast.Expr, bool) {
	c, ok := e.(*ast.Call)
	if !ok || c.Fun != op.Diag.Name() || len(c.Args) != 1 || c.Primes != 0 {
		return nil, false
	}
	if s := f.shape(c.Args[0]); s.IsVector() {
		return c.Args[0], true
	}
	return nil, false
}

func (f *fnGen) mulIsTemplate(x *ast.Binary) bool {
	sx, sy := f.shape(x.X), f.shape(x.Y)
	if sx.IsScalar() || sy.IsScalar() {
		return true
	}
	if _, ok := x.X.(*ast.Identity); ok {
		return true
	}
	if _, ok := x.Y.(*ast.Identity); ok {
		return true
	}
	if _, ok := f.diagArg(x.X); ok {
		return true
	}
	if _, ok := f.diagArg(x.Y); ok {
		return true
	}
	return sx.Cols.IsOne() && sy.Rows.IsOne() // outer product
}

// materialize writes the value of the non-scalar e into dst.
func (f *fnGen) materialize(e ast.Expr, dst *operand) error {
	switch x := e.(type) {
	case *ast.Ident:
		src := f.vals[x.Name]
		if src.vec && dst.vec && src.t == dst.t {
			f.line("%s.CopyVec(%s)", dst.expr, src.expr)
			return nil
		}
		if !src.vec && !dst.vec && !src.t {
			f.line("%s.Copy(%s)", dst.expr, src.expr)
			return nil
		}
	case *ast.Binary:
		if x.Op == ast.Mul && !f.mulIsTemplate(x) {
			return f.product(x, dst)
		}
		if done, err := f.productPlus(x, dst); done || err != nil {
			return err
		}
		if x.Op == ast.Pow && !f.shape(x).IsScalar() {
			n, ok := x.Y.(*ast.Number)
			if !ok || n.Value != math.Trunc(n.Value) || n.Value < 0 || n.Value > 1<<20 {
				return fmt.Errorf("the matrix power %s needs a constant non-negative integer exponent", ast.String(x))
			}
			a, err := f.operandOf(x.X)
			if err != nil {
				return err
			}
			if dst.vec {
				return fmt.Errorf("cannot store the matrix power %s in a vector", ast.String(x))
			}
			f.line("%s.Pow(%s, %d)", dst.expr, f.matArg(a), int(n.Value))
			return nil
		}
	case *ast.Call:
		if !x.IsElementwise() {
			w := &goWriter{f: f}
			switch g := op.Of(x).(type) {
			case op.GoInto:
				args := make([]op.GoArg, len(x.Args))
				for i, a := range x.Args {
					o, err := f.operandOf(a)
					if err != nil {
						return err
					}
					args[i] = op.GoArg{Expr: o.expr, Scalar: o.scalar}
					if !o.scalar {
						args[i].Expr = f.matArg(o)
					}
				}
				g.GoInto(w, dst.expr, dst.vec, args)
				return nil
			case op.GoMatrixInto:
				a, err := f.operandOf(x.Args[0])
				if err != nil {
					return err
				}
				if dst.vec || a.vec {
					return fmt.Errorf("%s of %s: not a square matrix", x.Fun, ast.String(x.Args[0]))
				}
				g.GoMatrixInto(w, dst.expr, f.matArg(a))
				return nil
			case op.GoVectorInto:
				a, err := f.operandOf(x.Args[0])
				if err != nil {
					return err
				}
				if !dst.vec || !a.vec {
					return fmt.Errorf("%s of %s is supported for vectors only", x.Fun, ast.String(x.Args[0]))
				}
				g.GoVectorInto(w, f.vecData(dst), f.vecData(a))
				return nil
			default:
				if !op.Is(x, op.Diag) {
					return fmt.Errorf("%s with a non-scalar value is not supported in Go output yet", x.Fun)
				}
			}
		}
	}
	return f.template(e, dst)
}

// matArg spells a matrix operand as a mat.Matrix argument.
func (f *fnGen) matArg(op *operand) string {
	if op.t {
		return op.expr + ".T()"
	}
	return op.expr
}

// product writes a matrix-vector, vector-matrix or matrix-matrix product
// into dst. Transposed operands are never copied: the plain form passes
// A.T(), the workspace form (where A.T() would allocate on every call)
// calls BLAS with a transpose flag.
func (f *fnGen) product(x *ast.Binary, dst *operand) error {
	if l, v, coef, ok := f.symProduct(x); ok && !dst.vec && !dst.t {
		return f.symmetric(l, v, coef, dst)
	}
	// (Aᵀdiag(v))B is computed as Aᵀ(diag(v)B): scaling the rows of B walks
	// it along its rows, where scaling the columns of Aᵀ would walk A across
	// its stride; the product then passes A with a transpose flag.
	if l, ok := x.X.(*ast.Binary); ok && l.Op == ast.Mul {
		if _, ok := l.X.(*ast.Transpose); ok && !f.shape(x.Y).IsVector() {
			if _, ok := f.diagArg(l.Y); ok {
				return f.product(&ast.Binary{Op: ast.Mul, X: l.X, Y: &ast.Binary{Op: ast.Mul, X: l.Y, Y: x.Y}}, dst)
			}
		}
	}
	sx, sy := f.shape(x.X), f.shape(x.Y)
	a, err := f.operandOf(x.X)
	if err != nil {
		return err
	}
	b, err := f.operandOf(x.Y)
	if err != nil {
		return err
	}
	switch {
	case sy.IsVector() && !sx.IsRow(): // matrix × vector
		if !dst.vec || dst.t || a.vec || b.t {
			return f.viaTemp(x, a, b, dst)
		}
		f.gemv(dst, a, b)
	case sx.IsRow() && !sy.IsVector(): // row vector × matrix = (Bᵀ a)ᵀ
		if !dst.vec || !dst.t || b.vec || !a.vec {
			return f.viaTemp(x, a, b, dst)
		}
		bt := *b
		bt.t = !bt.t
		at := *a
		at.t = false
		f.gemv(dst, &bt, &at)
	default: // matrix × matrix
		if dst.vec || a.vec || b.vec {
			return f.viaTemp(x, a, b, dst)
		}
		if f.ws && (a.t || b.t) {
			f.line("blas64.Gemm(%s, %s, 1, %s.RawMatrix(), %s.RawMatrix(), 0, %s.RawMatrix())",
				blasTrans(a.t), blasTrans(b.t), a.expr, b.expr, dst.expr)
		} else {
			f.line("%s.Mul(%s, %s)", dst.expr, f.matArg(a), f.matArg(b))
		}
	}
	return nil
}

func blasTrans(t bool) string {
	if t {
		return "blas.Trans"
	}
	return "blas.NoTrans"
}

// gemv writes a b into the vector dst, a a (possibly transposed) matrix.
func (f *fnGen) gemv(dst, a, b *operand) {
	if f.ws && a.t {
		f.line("blas64.Gemv(blas.Trans, 1, %s.RawMatrix(), %s.RawVector(), 0, %s.RawVector())", a.expr, b.expr, dst.expr)
		return
	}
	f.line("%s.MulVec(%s, %s)", dst.expr, f.matArg(a), b.expr)
}

// viaTemp computes a product whose operands or destination are not of the
// kinds MulVec takes (a 1×n result stored as a matrix, a vector stored as a
// one-column matrix): Dense.Mul into a matrix, copied into dst if dst is a
// vector. Rare shapes only; this path may allocate.
func (f *fnGen) viaTemp(x *ast.Binary, a, b, dst *operand) error {
	s := f.shape(x)
	target := dst
	if dst.vec {
		target = f.newBuf("t", s, "", true)
	}
	f.line("%s.Mul(%s, %s)", target.expr, f.matArg(a), f.matArg(b))
	switch {
	case target == dst:
	case s.Cols.IsOne():
		f.line("%s.CopyVec(%s.ColView(0))", dst.expr, target.expr)
	default:
		f.line("%s.CopyVec(%s.RowView(0))", dst.expr, target.expr)
	}
	return nil
}

// removable marks a local whose declaration may be dropped when nothing
// reads it (a data slice or a loop temporary prepared but not needed).
func (f *fnGen) removable(name string) string {
	if f.rm == nil {
		f.rm = map[string]bool{}
	}
	f.rm[name] = true
	return name
}

// pruneUnused drops the declarations "name := …" of removable locals that
// no other line uses, until none is left.
func pruneUnused(body string, rm map[string]bool) string {
	lines := strings.Split(body, "\n")
	for {
		count := map[string]int{}
		for _, l := range lines {
			t := strings.TrimSpace(l)
			if strings.HasPrefix(t, "//") {
				continue
			}
			for _, id := range identifiers(t) {
				count[id]++
			}
		}
		changed := false
		kept := lines[:0:0]
		for _, l := range lines {
			t := strings.TrimSpace(l)
			if i := strings.Index(t, " := "); i > 0 && rm[t[:i]] && count[t[:i]] == 1 {
				changed = true
				continue
			}
			kept = append(kept, l)
		}
		lines = kept
		if !changed {
			return strings.Join(lines, "\n")
		}
	}
}

// identifiers lists the identifiers of a line of Go, outside string literals.
func identifiers(line string) []string {
	var ids []string
	inStr := false
	start := -1
	for i, r := range line {
		word := r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r)
		if inStr {
			if r == '"' && line[i-1] != '\\' {
				inStr = false
			}
			continue
		}
		if word {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			ids = append(ids, line[start:i])
			start = -1
		}
		if r == '"' {
			inStr = true
		}
	}
	if start >= 0 {
		ids = append(ids, line[start:])
	}
	return ids
}

// hintFor proposes a name for the buffer of e: tanh_z2 for tanh(z₂).
func hintFor(e ast.Expr) string {
	if c, ok := e.(*ast.Call); ok && len(c.Args) == 1 {
		name := c.Fun
		if name == "σ" {
			name = "sigmoid"
		}
		name = goIdent(name) + strings.Repeat("Prime", c.Primes)
		if id, ok := c.Args[0].(*ast.Ident); ok {
			return name + "_" + goIdent(id.Name)
		}
		return name
	}
	return "t"
}

// productPlus handles P ± v for a product P and a stored v of the same
// shape (Wx + b): the product goes straight into dst, then gonum adds v.
func (f *fnGen) productPlus(x *ast.Binary, dst *operand) (bool, error) {
	if x.Op != ast.Add && x.Op != ast.Sub {
		return false, nil
	}
	p, ok := x.X.(*ast.Binary)
	if !ok || p.Op != ast.Mul || f.mulIsTemplate(p) {
		return false, nil
	}
	var v *operand
	switch y := x.Y.(type) {
	case *ast.Ident:
		v = f.vals[y.Name]
	default:
		v = f.cse[key(y, f.shape(y))]
	}
	if v == nil || v.scalar || v.t != dst.t || v.vec != dst.vec || f.shape(x.X) != f.shape(x.Y) {
		return false, nil
	}
	if err := f.product(p, dst); err != nil {
		return true, err
	}
	op := map[ast.Op]string{ast.Add: "Add", ast.Sub: "Sub"}[x.Op]
	if dst.vec {
		f.line("%s.%sVec(%s, %s)", dst.expr, op, dst.expr, v.expr)
	} else {
		f.line("%s.%s(%s, %s)", dst.expr, op, dst.expr, v.expr)
	}
	return true, nil
}
