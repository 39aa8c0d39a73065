package gocode

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/op"
)

// A dep records which loop indices an entry expression depends on, so that
// what does not depend on the inner index is computed once per row and what
// depends on neither once per loop.
type dep int

const (
	depI dep = 1 << iota
	depJ
)

// A loopT is one fused loop over the entries of a vector (1D) or a matrix
// (2D) being built: it writes a whole elementwise expression tree (sums,
// Hadamard products, functions, scalings, outer products, diagonal scalings)
// in one pass, or sums it up (a reduction).
type loopT struct {
	f      *fnGen
	twoD   bool
	n, m   string // bounds: rows (the length in 1D) and columns
	ri, ci string // the natural indices of an entry
	pre    []string
	row    []string
	body   []string
	slices map[string]string // data slice or matrix → local slice for this loop
	dst    *operand          // nil in a reduction
	out    string            // 1D: the destination's data; 2D: its row slice
	free   bool              // dst may still receive a leaf computed in place
	leaves map[ast.Expr]*operand
}

func (f *fnGen) newLoop(dst *operand, s ast.Shape, trace bool) *loopT {
	lp := &loopT{f: f, slices: map[string]string{}, leaves: map[ast.Expr]*operand{}, dst: dst, free: dst != nil}
	switch {
	case dst != nil && dst.vec:
		lp.n, lp.ri, lp.ci = dst.rows, f.i, "0"
		if dst.t {
			lp.ri, lp.ci = "0", f.i
		}
		lp.out = f.vecData(dst)
	case dst != nil:
		lp.twoD, lp.n, lp.m, lp.ri, lp.ci = true, dst.rows, dst.cols, f.i, f.j
		raw := f.matRaw(dst)
		lp.out = f.names.fresh(dst.expr + "Row")
		lp.row = append(lp.row, fmt.Sprintf("%s := %s.Data[%s*%s.Stride:][:%s]", lp.out, raw, f.i, raw, lp.m))
		lp.slices[raw] = lp.out
	case trace:
		lp.n, lp.ri, lp.ci = f.dim(s.Rows), f.i, f.i
	case s.IsVector():
		lp.n, lp.ri, lp.ci = f.dim(s.Rows), f.i, "0"
	case s.IsRow():
		lp.n, lp.ri, lp.ci = f.dim(s.Cols), "0", f.i
	default:
		lp.twoD, lp.n, lp.m, lp.ri, lp.ci = true, f.dim(s.Rows), f.dim(s.Cols), f.i, f.j
	}
	return lp
}

// innerLen is the length of the inner loop, as known to the compiler's
// bounds-check elimination.
func (lp *loopT) innerLen() string {
	switch {
	case lp.twoD && lp.dst != nil:
		return "len(" + lp.out + ")"
	case lp.twoD:
		return lp.m
	case lp.dst != nil:
		return "len(" + lp.out + ")"
	}
	return lp.n
}

func (lp *loopT) depOf(idx string) dep {
	switch idx {
	case lp.f.i:
		return depI
	case lp.f.j:
		if lp.twoD {
			return depJ
		}
	}
	return 0
}

// bind gives x a local name at the outermost level where its dependencies
// allow.
func (lp *loopT) bind(x string, d dep) string {
	if isAtomic(x) {
		return x
	}
	name := lp.f.removable(lp.f.names.fresh("t"))
	stmt := name + " := " + x
	switch {
	case d == 0:
		lp.pre = append(lp.pre, stmt)
	case lp.twoD && d == depI:
		lp.row = append(lp.row, stmt)
	default:
		lp.body = append(lp.body, stmt)
	}
	return name
}

// hoist binds x when it can leave the inner loop.
func (lp *loopT) hoist(x string, d dep) string {
	if d == 0 || lp.twoD && d == depI {
		return lp.bind(x, d)
	}
	return x
}

// slice returns a local re-slice of the data slice d, of the inner loop's
// length, so that indexing it needs no bounds check.
func (lp *loopT) slice(d string) string {
	if s, ok := lp.slices[d]; ok {
		return s
	}
	s := lp.f.removable(lp.f.names.fresh(strings.TrimSuffix(d, "d") + "s"))
	stmt := fmt.Sprintf("%s := %s[:%s]", s, d, lp.innerLen())
	if lp.twoD {
		lp.row = append(lp.row, stmt)
	} else {
		lp.pre = append(lp.pre, stmt)
	}
	lp.slices[d] = s
	return s
}

// rowSlice returns the local slice of row i of the matrix raw.
func (lp *loopT) rowSlice(raw string) string {
	if s, ok := lp.slices[raw]; ok {
		return s
	}
	s := lp.f.removable(lp.f.names.fresh(strings.TrimSuffix(raw, "r") + "Row"))
	lp.row = append(lp.row, fmt.Sprintf("%s := %s.Data[%s*%s.Stride:][:%s]", s, raw, lp.f.i, raw, lp.innerLen()))
	lp.slices[raw] = s
	return s
}

// access returns entry (ri, ci) of a stored operand.
func (lp *loopT) access(op *operand, ri, ci string) (string, dep) {
	f := lp.f
	if op.scalar {
		return op.expr, 0
	}
	if op.vec {
		idx := ri
		if op.t {
			idx = ci
		}
		d := f.vecData(op)
		inner := f.i
		if lp.twoD {
			inner = f.j
		}
		if idx == inner && (lp.dst == nil || d != lp.out) {
			d = lp.slice(d)
		}
		dp := lp.depOf(idx)
		return lp.hoist(d+"["+idx+"]", dp), dp
	}
	r, c := ri, ci
	if op.t {
		r, c = c, r
	}
	raw := f.matRaw(op)
	if lp.twoD && r == f.i && c == f.j {
		return lp.rowSlice(raw) + "[" + c + "]", depI | depJ
	}
	var ix string
	switch {
	case r == "0":
		ix = c
	case c == "0":
		ix = r + "*" + raw + ".Stride"
	default:
		ix = r + "*" + raw + ".Stride+" + c
	}
	dp := lp.depOf(r) | lp.depOf(c)
	return lp.hoist(raw+".Data["+ix+"]", dp), dp
}

// leaf computes a non-elementwise e (a product, an inverse …) before the
// loop and reads its entries: into the destination itself when it has the
// destination's shape and is read at the same index, else into a temporary.
func (lp *loopT) leaf(e ast.Expr, ri, ci string) (string, dep, error) {
	f := lp.f
	if op, ok := lp.leaves[e]; ok {
		x, d := lp.access(op, ri, ci)
		return x, d, nil
	}
	s := f.shape(e)
	_, isIdent := unT(e).(*ast.Ident)
	if lp.free && !isIdent && ri == lp.ri && ci == lp.ci && lp.fits(s) {
		if err := f.materialize(e, lp.dst); err != nil {
			return "", 0, err
		}
		lp.free = false
		lp.leaves[e] = lp.dst
		x, d := lp.access(lp.dst, ri, ci)
		return x, d, nil
	}
	op, err := f.operandOf(e)
	if err != nil {
		return "", 0, err
	}
	lp.leaves[e] = op
	x, d := lp.access(op, ri, ci)
	return x, d, nil
}

// fits reports whether a value of shape s can be computed straight into
// the destination.
func (lp *loopT) fits(s ast.Shape) bool {
	d := lp.dst
	switch {
	case d.vec && !d.t:
		return s.IsVector() && lp.f.dim(s.Rows) == d.rows
	case d.vec && d.t:
		return s.IsRow() && lp.f.dim(s.Cols) == d.rows
	}
	return s.IsMatrix() && lp.f.dim(s.Rows) == d.rows && lp.f.dim(s.Cols) == d.cols
}

var goOps = map[ast.Op]string{ast.Add: "+", ast.Sub: "-", ast.Hadamard: "*", ast.ElemDiv: "/", ast.Div: "/", ast.Mul: "*"}

// elem returns a Go expression for entry (ri, ci) of e. Index "0" stands
// for a dimension of 1.
func (lp *loopT) elem(e ast.Expr, ri, ci string) (string, dep, error) {
	f := lp.f
	s := f.shape(e)
	if s.IsScalar() {
		x, err := f.scalar(e)
		if err != nil {
			return "", 0, err
		}
		return lp.hoist(x, 0), 0, nil
	}
	if _, isIdent := e.(*ast.Ident); !isIdent {
		if op, ok := f.cse[key(e, s)]; ok {
			x, d := lp.access(op, ri, ci)
			return x, d, nil
		}
	}
	if v, d, ok, err := lp.sideStore(e, s, ri, ci); err != nil || ok {
		return v, d, err
	}
	if op, ok, err := f.sharedOperand(e); err != nil {
		return "", 0, err
	} else if ok {
		x, d := lp.access(op, ri, ci)
		return x, d, nil
	}
	switch x := e.(type) {
	case *ast.Ident:
		v, d := lp.access(f.vals[x.Name], ri, ci)
		return v, d, nil
	case *ast.Identity:
		if ri == ci {
			return "1", 0, nil
		}
		d := lp.depOf(ri) | lp.depOf(ci)
		return fmt.Sprintf("%s(%s == %s)", f.g.use("boolToFloat"), ri, ci), d, nil
	case *ast.Ones:
		return "1", 0, nil
	case *ast.Unary:
		a, d, err := lp.elem(x.X, ri, ci)
		if err != nil {
			return "", 0, err
		}
		return lp.hoist("-"+paren(a), d), d, nil
	case *ast.Transpose:
		return lp.elem(x.X, ci, ri)
	case *ast.Indicator:
		a, da, err := lp.elem(x.X, ri, ci)
		if err != nil {
			return "", 0, err
		}
		b, db, err := lp.elem(x.Y, ri, ci)
		if err != nil {
			return "", 0, err
		}
		op := ">="
		if x.Op == ast.GT {
			op = ">"
		}
		d := da | db
		return lp.hoist(fmt.Sprintf("%s(%s %s %s)", f.g.use("boolToFloat"), a, op, b), d), d, nil
	case *ast.Binary:
		switch x.Op {
		case ast.Add, ast.Sub, ast.Hadamard, ast.ElemDiv, ast.Div:
			return lp.binary(x.Op, x.X, ri, ci, x.Y, ri, ci)
		case ast.ElemPow:
			a, da, err := lp.elem(x.X, ri, ci)
			if err != nil {
				return "", 0, err
			}
			b, db, err := lp.elem(x.Y, ri, ci)
			if err != nil {
				return "", 0, err
			}
			d := da | db
			return lp.hoist(f.pow(a, b, x.Y, func(v string) string { return lp.bind(v, d) }), d), d, nil
		case ast.Mul:
			sx, sy := f.shape(x.X), f.shape(x.Y)
			_, idX := x.X.(*ast.Identity)
			_, idY := x.Y.(*ast.Identity)
			dX, okX := f.diagArg(x.X)
			dY, okY := f.diagArg(x.Y)
			switch {
			case sx.IsScalar() || sy.IsScalar():
				return lp.binary(ast.Mul, x.X, ri, ci, x.Y, ri, ci)
			case idX:
				return lp.elem(x.Y, ri, ci)
			case idY:
				return lp.elem(x.X, ri, ci)
			case okX:
				return lp.binary(ast.Mul, dX, ri, "0", x.Y, ri, ci)
			case okY:
				return lp.binary(ast.Mul, x.X, ri, ci, dY, ci, "0")
			case sx.Cols.IsOne() && sy.Rows.IsOne():
				return lp.binary(ast.Mul, x.X, ri, "0", x.Y, "0", ci)
			}
		}
	case *ast.Call:
		if x.IsElementwise() {
			stored := "" // the function's value, computed in this loop by sideStore
			if x.Primes > 0 && reusesBase(x.Fun) {
				b := ast.Fn(x.Fun, 0, x.Args...)
				if v, _, ok, err := lp.sideStore(b, s, ri, ci); err != nil {
					return "", 0, err
				} else if ok {
					stored = v
				} else if _, _, err := f.sharedOperand(b); err != nil {
					return "", 0, err
				}
			}
			args := make([]string, len(x.Args))
			var d dep
			for k, a := range x.Args {
				v, da, err := lp.elem(a, ri, ci)
				if err != nil {
					return "", 0, err
				}
				args[k], d = v, d|da
			}
			base := func() (string, bool) {
				if stored != "" {
					return stored, true
				}
				b := ast.Fn(x.Fun, 0, x.Args...)
				if op, ok := f.cse[key(b, s)]; ok && x.Primes > 0 {
					v, _ := lp.access(op, ri, ci)
					return v, true
				}
				return "", false
			}
			v, err := f.applyFn(x, args, base, func(v string) string { return lp.bind(v, d) })
			if err != nil {
				return "", 0, err
			}
			return lp.hoist(v, d), d, nil
		}
		if x.Fun == op.Diag.Name() {
			if v, ok := f.diagArg(x); ok {
				if ri == ci {
					return lp.elem(v, ri, "0")
				}
				a, d, err := lp.elem(v, ri, "0")
				if err != nil {
					return "", 0, err
				}
				d |= lp.depOf(ci)
				return fmt.Sprintf("%s(%s == %s) * %s", f.g.use("boolToFloat"), ri, ci, paren(a)), d, nil
			}
			return lp.elem(x.Args[0], ri, ri) // the diagonal of a square matrix
		}
	}
	return lp.leaf(e, ri, ci)
}

func (lp *loopT) binary(op ast.Op, x ast.Expr, xr, xc string, y ast.Expr, yr, yc string) (string, dep, error) {
	a, da, err := lp.elem(x, xr, xc)
	if err != nil {
		return "", 0, err
	}
	b, db, err := lp.elem(y, yr, yc)
	if err != nil {
		return "", 0, err
	}
	d := da | db
	return lp.hoist(arith(op, a, b), d), d, nil
}

// arith returns a op b for the scalar operators. Brackets follow Go's
// precedence, and a right operand of the same precedence keeps its
// brackets, so that the floating-point operations happen in the tree's
// order (a·(b·c) is not (a·b)·c in float64).
func arith(op ast.Op, a, b string) string {
	g := goOps[op]
	switch {
	case (op == ast.Mul || op == ast.Hadamard) && a == "1":
		return b
	case (op == ast.Mul || op == ast.Hadamard) && b == "1":
		return a
	}
	p := 4 // + -
	if g == "*" || g == "/" {
		p = 5
	}
	if precOf(a) < p {
		a = "(" + a + ")"
	}
	if precOf(b) <= p {
		b = "(" + b + ")"
	}
	return a + " " + g + " " + b
}

// paren wraps x in brackets unless it is a primary expression (a name, a
// literal, a call, an index).
func paren(x string) string {
	if precOf(x) >= 7 {
		return x
	}
	return "(" + x + ")"
}

// precOf returns the precedence of the loosest operator of the Go
// expression x outside brackets: 3 for comparisons, 4 for + and -, 5 for *
// and /, 6 for a unary minus, 7 for a primary expression. Binary + and -
// are the ones with a space before them (the code here writes them so), so
// that 1e-05 stays a literal.
func precOf(x string) int {
	if _, err := strconv.ParseFloat(x, 64); err == nil {
		if strings.HasPrefix(x, "-") {
			return 6
		}
		return 7
	}
	prec := 7
	depth := 0
	for i := 0; i < len(x); i++ {
		c := x[i]
		switch c {
		case '(', '[':
			depth++
		case ')', ']':
			depth--
		}
		if depth != 0 {
			continue
		}
		switch {
		case c == '<' || c == '>' || c == '=' && i > 0 && (x[i-1] == '=' || x[i-1] == '!' || x[i-1] == '<' || x[i-1] == '>'):
			prec = min(prec, 3)
		case (c == '+' || c == '-') && i > 0 && x[i-1] == ' ':
			prec = min(prec, 4)
		case c == '*' || c == '/':
			prec = min(prec, 5)
		case c == '-' && i == 0:
			prec = min(prec, 6)
		}
	}
	return prec
}

func (lp *loopT) emitAssign(x string) {
	f := lp.f
	for _, s := range lp.pre {
		f.line("%s", s)
	}
	if lp.twoD {
		f.line("for %s := range %s {", f.i, lp.n)
		for _, s := range lp.row {
			f.line("%s", s)
		}
		f.line("for %s := range %s {", f.j, lp.out)
		for _, s := range lp.body {
			f.line("%s", s)
		}
		f.line("%s[%s] = %s", lp.out, f.j, x)
		f.line("}")
		f.line("}")
		return
	}
	f.line("for %s := range %s {", f.i, lp.out)
	for _, s := range lp.body {
		f.line("%s", s)
	}
	f.line("%s[%s] = %s", lp.out, f.i, x)
	f.line("}")
}

func (lp *loopT) emitReduce(acc, x string) {
	f := lp.f
	if len(lp.body) == 0 && len(lp.row) == 0 && !usesIdent(x, f.i) && !usesIdent(x, f.j) {
		// A constant term (sum(𝟙)): the loop would not use its index.
		for _, s := range lp.pre {
			f.line("%s", s)
		}
		n := lp.n
		if lp.twoD {
			n += " * " + lp.m
		}
		f.line("%s := %s * float64(%s)", acc, paren(x), n)
		return
	}
	f.line("%s := 0.0", acc)
	for _, s := range lp.pre {
		f.line("%s", s)
	}
	f.line("for %s := range %s {", f.i, lp.n)
	if lp.twoD {
		for _, s := range lp.row {
			f.line("%s", s)
		}
		f.line("for %s := range %s {", f.j, lp.m)
	}
	for _, s := range lp.body {
		f.line("%s", s)
	}
	f.line("%s += %s", acc, x)
	if lp.twoD {
		f.line("}")
	}
	f.line("}")
}

// template writes the elementwise expression e into dst in one loop.
func (f *fnGen) template(e ast.Expr, dst *operand) error {
	if b, ok := e.(*ast.Binary); ok && b.Op == ast.Mul && !dst.vec {
		if sx, sy := f.shape(b.X), f.shape(b.Y); sx.IsVector() && sy.IsRow() {
			return f.outer(b, dst)
		}
	}
	lp := f.newLoop(dst, ast.Shape{}, false)
	x, _, err := lp.elem(e, lp.ri, lp.ci)
	if err != nil {
		return err
	}
	f.line("// %s", oneLine(ast.String(e)))
	lp.emitAssign(x)
	return nil
}

// reduce computes a function to a scalar (sum, tr, norm, norm1) of e in
// one loop over its entries, or its diagonal, as the function's Reduction
// says.
func (f *fnGen) reduce(e ast.Expr, red op.Reduction) (string, error) {
	s := f.shape(e)
	lp := f.newLoop(nil, s, red.Diagonal)
	x, _, err := lp.elem(e, lp.ri, lp.ci)
	if err != nil {
		return "", err
	}
	acc := f.names.fresh(red.Acc)
	x = red.Term(&goWriter{f: f, bind: func(v string) string { return lp.bind(v, depI|depJ) }}, x)
	lp.emitReduce(acc, x)
	if red.Finish != nil {
		n := "float64(" + lp.n + ")"
		if lp.twoD {
			n = "float64(" + lp.n + "*" + lp.m + ")"
		}
		return red.Finish(acc, n), nil
	}
	return acc, nil
}

// dot returns the inner product of a row vector x and a column vector y.
func (f *fnGen) dot(x, y ast.Expr) (string, error) {
	for _, e := range []ast.Expr{unT(x), unT(y)} {
		if _, _, err := f.sharedOperand(e); err != nil {
			return "", err
		}
	}
	leafish := func(e ast.Expr) bool {
		_, id := unT(e).(*ast.Ident)
		_, done := f.cse[key(e, f.shape(e))]
		return id || done || !f.isTemplate(e)
	}
	if leafish(x) && leafish(y) {
		a, err := f.operandOf(x)
		if err != nil {
			return "", err
		}
		b, err := f.operandOf(y)
		if err != nil {
			return "", err
		}
		if a.vec && b.vec {
			return fmt.Sprintf("mat.Dot(%s, %s)", a.expr, b.expr), nil
		}
	}
	sy := f.shape(y)
	lp := f.newLoop(nil, sy, false)
	a, _, err := lp.elem(x, "0", f.i)
	if err != nil {
		return "", err
	}
	b, _, err := lp.elem(y, f.i, "0")
	if err != nil {
		return "", err
	}
	acc := f.names.fresh("dot")
	lp.emitReduce(acc, arith(ast.Mul, a, b))
	return acc, nil
}

// goFloat spells v as a Go floating-point constant.
func goFloat(v float64) string {
	switch {
	case math.IsInf(v, 1):
		return "math.Inf(1)"
	case math.IsInf(v, -1):
		return "math.Inf(-1)"
	case math.IsNaN(v):
		return "math.NaN()"
	}
	s := strconv.FormatFloat(v, 'g', -1, 64)
	if !strings.ContainsAny(s, ".eE") {
		s += ".0"
	}
	return s
}

// pow returns a^b, multiplying out small integer exponents.
func (f *fnGen) pow(a, b string, y ast.Expr, bind func(string) string) string {
	if n, ok := y.(*ast.Number); ok {
		switch n.Value {
		case 0:
			return "1.0"
		case 1:
			return a
		case 2:
			v := bind(a)
			return v + " * " + v
		case 3:
			v := bind(a)
			return v + " * " + v + " * " + v
		case 0.5:
			return "math.Sqrt(" + a + ")"
		}
	}
	if u, ok := y.(*ast.Unary); ok {
		if n, ok := u.X.(*ast.Number); ok && n.Value == 1 {
			return "1 / " + paren(a)
		}
	}
	return "math.Pow(" + a + ", " + b + ")"
}

// scalar returns a Go float64 expression for the scalar e.
func (f *fnGen) scalar(e ast.Expr) (string, error) {
	s := f.shape(e)
	if op, ok := f.cse[key(e, s)]; ok && op.scalar {
		return op.expr, nil
	}
	if op, ok, err := f.sharedOperand(e); err != nil {
		return "", err
	} else if ok {
		return op.expr, nil
	}
	switch x := e.(type) {
	case *ast.Number:
		return goFloat(x.Value), nil
	case *ast.Ident:
		op := f.vals[x.Name]
		if op == nil || !op.scalar {
			return "", fmt.Errorf("%s is not a scalar", x.Name)
		}
		return op.expr, nil
	case *ast.Identity, *ast.Ones:
		return "1.0", nil
	case *ast.Unary:
		a, err := f.scalar(x.X)
		if err != nil {
			return "", err
		}
		return "-" + paren(a), nil
	case *ast.Transpose:
		return f.scalar(x.X)
	case *ast.Indicator:
		a, err := f.scalar(x.X)
		if err != nil {
			return "", err
		}
		b, err := f.scalar(x.Y)
		if err != nil {
			return "", err
		}
		op := ">="
		if x.Op == ast.GT {
			op = ">"
		}
		return fmt.Sprintf("%s(%s %s %s)", f.g.use("boolToFloat"), a, op, b), nil
	case *ast.Binary:
		sx, sy := f.shape(x.X), f.shape(x.Y)
		if x.Op == ast.Mul && !(sx.IsScalar() && sy.IsScalar()) {
			return f.dot(x.X, x.Y)
		}
		a, err := f.scalar(x.X)
		if err != nil {
			return "", err
		}
		b, err := f.scalar(x.Y)
		if err != nil {
			return "", err
		}
		switch x.Op {
		case ast.Add, ast.Sub, ast.Mul, ast.Div, ast.Hadamard, ast.ElemDiv:
			return arith(x.Op, a, b), nil
		case ast.Pow, ast.ElemPow:
			return f.pow(a, b, x.Y, f.bindMain), nil
		}
	case *ast.Call:
		if x.IsElementwise() {
			if x.Primes > 0 && reusesBase(x.Fun) {
				if _, _, err := f.sharedOperand(ast.Fn(x.Fun, 0, x.Args...)); err != nil {
					return "", err
				}
			}
			args := make([]string, len(x.Args))
			for k, a := range x.Args {
				v, err := f.scalar(a)
				if err != nil {
					return "", err
				}
				args[k] = v
			}
			base := func() (string, bool) {
				if op, ok := f.cse[key(ast.Fn(x.Fun, 0, x.Args...), s)]; ok && x.Primes > 0 {
					return op.expr, true
				}
				return "", false
			}
			return f.applyFn(x, args, base, f.bindMain)
		}
		arg := x.Args[0]
		sa := f.shape(arg)
		w := &goWriter{f: f}
		o := op.Of(x)
		if g, ok := o.(op.GoScalar); ok && sa.IsScalar() {
			a, err := f.scalar(arg)
			if err != nil {
				return "", err
			}
			return g.GoScalar(w, a), nil
		}
		switch g := o.(type) {
		case op.GoReducer:
			return f.reduce(arg, g.GoReduce())
		case op.GoOfMatrix:
			a, err := f.operandOf(arg)
			if err != nil {
				return "", err
			}
			if a.vec {
				return "", fmt.Errorf("%s of %s: not a square matrix", x.Fun, ast.String(arg))
			}
			return g.GoOfMatrix(w, a.expr), nil
		case op.GoOfVector:
			a, err := f.operandOf(arg)
			if err != nil {
				return "", err
			}
			if !a.vec {
				return "", fmt.Errorf("%s of the matrix %s is not supported in Go output yet", x.Fun, ast.String(arg))
			}
			return g.GoOfVector(w, f.vecData(a)), nil
		}
	}
	return "", fmt.Errorf("cannot compute %s (%v) in Go yet", ast.String(e), s)
}

// applyFn returns the Go expression of an elementwise function applied to
// already computed arguments. base returns the value of the function
// itself when a definition holds it (so tanh′(z) is 1 − h² for h =
// tanh(z)); bind names a value used more than once.
func (f *fnGen) applyFn(c *ast.Call, args []string, base func() (string, bool), bind func(string) string) (string, error) {
	p := c.Primes
	bad := func() (string, error) {
		return "", fmt.Errorf("%s%s is not supported in Go output", c.Fun, strings.Repeat("′", p))
	}
	if b := ast.LookupFunc(c.Fun); b != nil && len(args) != b.Arity() || len(args) == 0 {
		return "", fmt.Errorf("%s takes %d argument(s)", c.Fun, len(args))
	}
	x := args[0]
	switch o := op.Of(c).(type) {
	case *op.Elementwise:
		if p < len(o.Go) && o.Go[p] != nil {
			return o.Go[p](&goWriter{f: f, bind: bind, base: base}, x), nil
		}
		return bad()
	case *op.Extremum:
		if p == 0 {
			return o.GoCall(x, args[1]), nil
		}
		return bad()
	case nil:
		if len(args) != 1 {
			return "", fmt.Errorf("the generic function %s takes one argument", c.Fun)
		}
		name, ok := f.g.stubFor[stubKey{c.Fun, p}]
		if !ok {
			return bad()
		}
		return name + "(" + x + ")", nil
	}
	return bad()
}

// A goWriter is what the Go code of a built-in (package op) writes
// through: bind names a value in the current loop or body, base gives the
// function's own value where the emitter holds it.
type goWriter struct {
	f    *fnGen
	bind func(string) string
	base func() (string, bool)
}

func (w *goWriter) Bind(expr string) string {
	if w.bind == nil {
		return w.f.bindMain(expr)
	}
	return w.bind(expr)
}

func (w *goWriter) Value(expr string) string {
	if w.base != nil {
		if v, ok := w.base(); ok {
			return v
		}
	}
	return w.Bind(expr)
}

func (w *goWriter) Bool(cond string) string         { return w.f.g.use("boolToFloat") + "(" + cond + ")" }
func (w *goWriter) Helper(h op.GoHelper) string     { return w.f.g.use(h.Name) }
func (w *goWriter) Line(format string, args ...any) { w.f.line(format, args...) }
func (w *goWriter) Fresh(want string) string        { return w.f.names.fresh(want) }
func (w *goWriter) Paren(x string) string           { return paren(x) }

// outer writes the outer product x yᵀ into dst in one pass: each row is
// xᵢ·y, written by floats.ScaleTo (SIMD in gonum's assembly) without
// zeroing dst first as Dense.Outer does.
func (f *fnGen) outer(b *ast.Binary, dst *operand) error {
	y, err := f.operandOf(b.Y)
	if err != nil {
		return err
	}
	lp := f.newLoop(dst, ast.Shape{}, false)
	lp.free = false
	x, _, err := lp.elem(b.X, f.i, "0")
	if err != nil {
		return err
	}
	yd := f.vecData(y)
	f.line("// %s", oneLine(ast.String(b)))
	for _, s := range lp.pre {
		f.line("%s", s)
	}
	f.line("for %s := range %s {", f.i, lp.n)
	for _, s := range lp.row {
		f.line("%s", s)
	}
	f.line("floats.ScaleTo(%s, %s, %s)", lp.out, x, yd)
	f.line("}")
	return nil
}

// sideStore handles a shared elementwise vector met first inside a 1D loop
// over its own entries: rather than a loop of its own, this loop computes
// it, stores it into its buffer for later uses, and uses the value. So
// tanh(z₂), δ₂ = u ∘ tanh′(z₂) and the like share one pass.
func (lp *loopT) sideStore(e ast.Expr, s ast.Shape, ri, ci string) (string, dep, bool, error) {
	f := lp.f
	k := key(e, s)
	if lp.twoD || ri != lp.ri || ci != lp.ci || !f.g.shared[k] || f.busy[k] || !f.isTemplate(e) {
		return "", 0, false, nil
	}
	if _, done := f.cse[k]; done || !(s.IsVector() || s.IsRow()) {
		return "", 0, false, nil
	}
	if _, isT := e.(*ast.Transpose); isT {
		return "", 0, false, nil
	}
	op := f.newBuf(hintFor(e), s, "", false)
	data := f.vecData(op)
	f.busy[k] = true
	v, d, err := lp.elem(e, ri, ci)
	f.busy[k] = false
	if err != nil {
		return "", 0, true, err
	}
	if d == 0 {
		// Constant over the loop (no index): fill the buffer in the body
		// all the same, every entry is written.
		d = depI
	}
	t := lp.f.names.fresh("t")
	lp.body = append(lp.body, t+" := "+v, data+"["+f.i+"] = "+t)
	f.cse[k] = op
	return t, d, true, nil
}

// usesIdent reports whether the Go code x mentions the identifier name.
func usesIdent(x, name string) bool {
	for i := strings.Index(x, name); i >= 0; {
		end := i + len(name)
		if (i == 0 || !isIdentByte(x[i-1])) && (end == len(x) || !isIdentByte(x[end])) {
			return true
		}
		j := strings.Index(x[end:], name)
		if j < 0 {
			return false
		}
		i = end + j
	}
	return false
}
