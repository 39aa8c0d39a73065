// Package pycode emits a Python module that computes a formula's value and
// its derivatives from a derive.Result, for NumPy arrays or PyTorch tensors
// (Options.Dialect): one function that takes the inputs in order of first
// appearance (scalars, vectors as 1-D and matrices as 2-D arrays or
// tensors), checks their shapes, computes the shared pieces once and
// returns the value and then one derivative per --wrt variable. A
// subexpression needed twice (W₂h + b₂ in the value and in δ₂, tanh(z) in
// tanh′(z) = 1 − tanh(z)²) is computed once, into a temporary.
// Each built-in's code in both dialects comes from its registry entry
// (package op); values that could overflow are computed in their stable
// form (op.Stable).
package pycode

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"unicode"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/derive"
	"github.com/matcalc/matcalc/op"
)

// A Dialect is the array library the module is written for.
type Dialect int

const (
	// NumPy: inputs are converted with np.asarray(…, dtype=float); scalars
	// are returned as floats.
	NumPy Dialect = iota
	// Torch: PyTorch tensors, no autograd. The inputs keep the dtype and
	// device of the first floating-point tensor among them (float64 on the
	// default device when there is none: Python floats and lists); scalars
	// may be floats or 0-d tensors and are returned as 0-d tensors.
	Torch
)

// Options of the emitted module.
type Options struct {
	Func string // the function's name; "f" when empty
	// Funcs gives generic functions a built-in meaning (--fun f=tanh);
	// the others become parameters of the function (f, f_prime, …).
	Funcs   map[string]string
	Dialect Dialect
}

// Generate returns the module's source.
func Generate(r *derive.Result, o Options) ([]byte, error) {
	for _, d := range r.Derivs {
		if err := derive.TensorError(r, d, "Python"); err != nil {
			return nil, err
		}
	}
	if o.Func == "" {
		o.Func = "f"
	}
	g := &gen{r: r, o: o, torch: o.Dialect == Torch, names: map[string]string{}, taken: map[string]bool{}, env: r.Env(),
		uses: map[string]int{}, known: map[string]string{}}
	return g.module()
}

type gen struct {
	r      *derive.Result
	o      Options
	torch  bool
	env    map[string]ast.Shape
	names  map[string]string // matcalc name → Python name
	taken  map[string]bool
	shapes map[ast.Expr]ast.Shape
	erf    bool // the module needs _erf
	stubs  []string
	inputs map[string]bool // the Python names of the inputs
	// Common subexpressions: how often each (by key) is needed, and the
	// name of those already computed.
	uses  map[string]int
	known map[string]string
	lines []string // the function's computations, in order
}

var keywords = map[string]bool{}

func init() {
	for _, k := range strings.Fields(`False None True and as assert async await break class continue def del elif else except
		finally for from global if import in is lambda nonlocal not or pass raise return try while with yield
		np torch math print len sum abs min max range float int`) {
		keywords[k] = true
	}
}

// ident returns a valid Python identifier for a matcalc name, unique in the
// module: W₁ is W1, θ is theta, λ is lambda_.
func (g *gen) ident(name string) string {
	if n, ok := g.names[name]; ok {
		return n
	}
	var b strings.Builder
	for _, r := range ast.ASCIIName(name) {
		switch {
		case r == '′':
			b.WriteString("_prime")
		case r == '″':
			b.WriteString("_prime2")
		case r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_'):
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	s := b.String()
	if s == "" || unicode.IsDigit(rune(s[0])) {
		s = "v" + s
	}
	if keywords[s] {
		s += "_"
	}
	s = g.fresh(s)
	g.names[name] = s
	return s
}

// fresh returns base, or base_2, base_3, … if taken, and takes it.
func (g *gen) fresh(base string) string {
	s := base
	for k := 2; g.taken[s]; k++ {
		s = fmt.Sprintf("%s_%d", base, k)
	}
	g.taken[s] = true
	return s
}

// dim names a dimension in the function: a size, or the variable bound
// from an input's shape.
func (g *gen) dim(d ast.Dim, dims map[string]string) (string, error) {
	if d.N > 0 {
		return fmt.Sprint(d.N), nil
	}
	if v, ok := dims[d.Name]; ok {
		return v, nil
	}
	if v, ok := product(d, dims); ok {
		return v, nil
	}
	return "", fmt.Errorf("python: the dimension %s is not the size of any input", d)
}

// product writes a product dimension (vec(X) has n·m entries) whose factors
// are bound: (dim_n * dim_m).
func product(d ast.Dim, dims map[string]string) (string, bool) {
	return d.SpellProduct(func(name string) (string, bool) { v, ok := dims[name]; return v, ok }, " * ")
}

// lib is the module's name for the array library: np or torch.
func (g *gen) lib() string {
	if g.torch {
		return "torch"
	}
	return "np"
}

// like is the keyword arguments that put a new tensor on the inputs'
// dtype and device ("" for NumPy).
func (g *gen) like() string {
	if g.torch {
		return ", dtype=_dtype, device=_device"
	}
	return ""
}

// scalar converts a scalar result: a float in NumPy, a 0-d tensor of the
// inputs' dtype and device in PyTorch.
func (g *gen) scalar(x string) string {
	if g.torch {
		return "torch.as_tensor(" + x + g.like() + ")"
	}
	return "float(" + x + ")"
}

func (g *gen) module() ([]byte, error) {
	r := g.r
	var body bytes.Buffer
	// Inputs, their shapes checked, and the dimensions they bind.
	var params []string
	dims := map[string]string{}
	var checks []string
	array, convert := "array", "np.asarray(%s, dtype=float)"
	if g.torch {
		array, convert = "tensor", "torch.as_tensor(%s, dtype=_dtype, device=_device)"
	}
	g.inputs = map[string]bool{}
	for _, v := range r.Vars {
		p := g.ident(v.Name)
		params = append(params, p)
		g.inputs[p] = true
	}
	if g.torch {
		checks = append(checks, fmt.Sprintf("_dtype, _device = _dtype_device(%s)", strings.Join(params, ", ")))
	}
	for i, v := range r.Vars {
		p := params[i]
		s := v.Shape
		switch {
		case s.IsScalar() && !g.torch:
			checks = append(checks, fmt.Sprintf("%s = float(%s)", p, p))
		case s.IsScalar():
			checks = append(checks, fmt.Sprintf("%s = "+convert, p, p),
				fmt.Sprintf("if %s.ndim != 0:\n        raise ValueError(\"%s must be a scalar (a float or a 0-d tensor), not %%d-D\" %% %s.ndim)", p, p, p))
		case s.IsVector():
			checks = append(checks, fmt.Sprintf("%s = "+convert, p, p),
				fmt.Sprintf("if %s.ndim != 1:\n        raise ValueError(\"%s must be a vector (1-D %s), not %%d-D\" %% %s.ndim)", p, p, array, p))
			checks = append(checks, g.bindDim(s.Rows, p+".shape[0]", p, dims)...)
		default:
			checks = append(checks, fmt.Sprintf("%s = "+convert, p, p),
				fmt.Sprintf("if %s.ndim != 2:\n        raise ValueError(\"%s must be a matrix (2-D %s), not %%d-D\" %% %s.ndim)", p, p, array, p))
			checks = append(checks, g.bindDim(s.Rows, p+".shape[0]", p, dims)...)
			checks = append(checks, g.bindDim(s.Cols, p+".shape[1]", p, dims)...)
		}
	}
	// Generic functions: bound to a built-in, or parameters.
	exprs := []ast.Expr{r.Func}
	for _, d := range r.Defs {
		exprs = append(exprs, d.Expr)
	}
	for _, d := range r.Derivs {
		exprs = append(exprs, d.Expr)
	}
	generic := map[string]int{}
	var order []string
	for _, e := range exprs {
		ast.Inspect(e, func(n ast.Expr) bool {
			if c, ok := n.(*ast.Call); ok && c.IsGeneric() {
				if _, seen := generic[c.Fun]; !seen {
					order = append(order, c.Fun)
				}
				generic[c.Fun] = max(generic[c.Fun], c.Primes)
			}
			return true
		})
	}
	for _, f := range order {
		if _, bound := g.o.Funcs[f]; bound {
			continue
		}
		for p := 0; p <= generic[f]; p++ {
			name := f + strings.Repeat("′", p)
			if p == 2 {
				name = f + "″"
			}
			id := g.ident(name)
			g.stubs = append(g.stubs, id)
		}
	}
	// Count the subexpressions, in the form emitted, to compute those
	// needed twice once.
	forms := make([]ast.Expr, len(exprs))
	for i, e := range exprs {
		forms[i] = op.Stable(op.ExpandAll(e))
	}
	for _, e := range forms[1 : 1+len(r.Defs)] {
		g.count(e)
	}
	g.count(forms[0])
	for _, e := range forms[1+len(r.Defs):] {
		g.count(e)
	}
	// Shared pieces, the value, the derivatives.
	for i, d := range r.Defs {
		x, _, err := g.expr(forms[1+i], dims, true)
		if err != nil {
			return nil, err
		}
		name := g.ident(d.Name)
		g.lines = append(g.lines, fmt.Sprintf("%s = %s", name, x))
		g.known[key(forms[1+i], g.shapes[forms[1+i]])] = name
	}
	val, _, err := g.expr(forms[0], dims, false)
	if err != nil {
		return nil, err
	}
	results := []string{val}
	if r.FuncShape.IsScalar() {
		results[0] = g.scalar(val)
	}
	for i, d := range r.Derivs {
		e := forms[1+len(r.Defs)+i]
		x, xs, err := g.expr(e, dims, false)
		if err != nil {
			return nil, err
		}
		if z, ok := d.Expr.(*ast.Number); ok && z.Value == 0 && !d.Shape.IsScalar() {
			shape, err := g.shapeTuple(d.Shape, dims)
			if err != nil {
				return nil, err
			}
			x = g.lib() + ".zeros(" + shape + g.like() + ")"
		} else if !d.Shape.IsScalar() {
			x, err = g.result(x, e, xs, d.Shape, dims)
			if err != nil {
				return nil, err
			}
		} else {
			x = g.scalar(x)
		}
		results = append(results, x)
	}
	// A dimension bound by an input but used nowhere else is not bound.
	var code []string
	code = append(code, checks...)
	code = append(code, g.lines...)
	code = append(code, "return "+strings.Join(results, ", "))
	kept := code[:0]
	for i, l := range code {
		if name, _, ok := strings.Cut(l, " = "); ok && strings.HasPrefix(name, "dim_") && !usedElsewhere(code, i, name) {
			continue
		}
		kept = append(kept, l)
	}
	code = kept
	usesLib, usesMath := false, false
	for _, l := range code {
		usesLib = usesLib || strings.Contains(l, g.lib()+".")
		usesMath = usesMath || mathRef.MatchString(l)
	}
	fmt.Fprintf(&body, "# Code generated by matcalc; DO NOT EDIT.\n")
	fmt.Fprintf(&body, "\"\"\"%s and its derivatives, by matcalc.\"\"\"\n\n", pyDocText(r.FuncName+" = "+ast.String(r.Func)))
	if g.erf || usesMath {
		body.WriteString("import math\n\n")
	}
	switch {
	case g.torch:
		body.WriteString("import torch\n\n")
	case usesLib || g.erf:
		body.WriteString("import numpy as np\n\n")
	}
	if g.erf {
		body.WriteString("_erf = np.vectorize(math.erf, otypes=[float])\n\n")
	}
	if g.torch {
		body.WriteString(dtypeDevice)
	}
	allParams := append(append([]string(nil), params...), g.stubs...)
	fmt.Fprintf(&body, "\ndef %s(%s):\n", g.o.Func, strings.Join(allParams, ", "))
	body.WriteString("    \"\"\"" + pyDocText(g.doc()) + "\n    \"\"\"\n")
	for _, l := range code {
		body.WriteString("    " + l + "\n")
	}
	return body.Bytes(), nil
}

var mathRef = regexp.MustCompile(`\bmath\.`)

// dtypeDevice is the helper of PyTorch modules that finds the inputs'
// dtype and device.
const dtypeDevice = `
def _dtype_device(*inputs):
    """The dtype and device of the first floating-point tensor among the
    inputs: float64 on the default device if there is none."""
    for a in inputs:
        if torch.is_tensor(a) and a.is_floating_point():
            return a.dtype, a.device
    return torch.float64, None

`

// result converts a derivative x, the emitted form of e (of shape xs), to
// the result's shape s: as it is where it has that shape and is computed
// here, a copy where it is an input or a view of one, else broadcast.
func (g *gen) result(x string, e ast.Expr, xs, s ast.Shape, dims map[string]string) (string, error) {
	if (xs.IsVector() && s.IsVector() || xs.IsMatrix() && s.IsMatrix()) && xs.Rows == s.Rows && xs.Cols == s.Cols {
		switch {
		case !g.aliasesInput(e):
			return x, nil
		case g.torch:
			return x + ".clone()", nil
		}
		return "np.copy(" + x + ")", nil
	}
	shape, err := g.shapeTuple(s, dims)
	if err != nil {
		return "", err
	}
	if g.torch {
		return "torch.as_tensor(" + x + g.like() + ").expand(" + shape + ").clone()", nil
	}
	return "np.broadcast_to(" + x + ", " + shape + ").copy()", nil
}

// aliasesInput reports whether e is emitted as an input or a view of one
// (a transpose, a NumPy diagonal), which a result must not be.
func (g *gen) aliasesInput(e ast.Expr) bool {
	switch x := e.(type) {
	case *ast.Ident:
		return g.inputs[g.names[x.Name]]
	case *ast.Transpose:
		return g.aliasesInput(x.X)
	case *ast.Call:
		return !g.torch && op.Is(x, op.Lookup("diag")) && g.aliasesInput(x.Args[0])
	}
	return false
}

func (g *gen) bindDim(d ast.Dim, expr, param string, dims map[string]string) []string {
	if d.N > 0 {
		return []string{fmt.Sprintf("if %s != %d:\n        raise ValueError(\"%s has %%d entries along a dimension of size %d\" %% %s)", expr, d.N, param, d.N, expr)}
	}
	v, ok := dims[d.Name]
	if !ok {
		v, ok = product(d, dims)
	}
	if ok {
		return []string{fmt.Sprintf("if %s != %s:\n        raise ValueError(\"%s: dimension %s is %%d here but %%d before\" %% (%s, %s))", expr, v, param, d.Name, expr, v)}
	}
	v = g.ident("dim " + d.Name)
	g.names["dim "+d.Name] = v
	dims[d.Name] = v
	return []string{fmt.Sprintf("%s = %s", v, expr)}
}

func (g *gen) shapeTuple(s ast.Shape, dims map[string]string) (string, error) {
	var parts []string
	for _, d := range s.Dims() {
		x, err := g.dim(d, dims)
		if err != nil {
			return "", err
		}
		parts = append(parts, x)
	}
	if len(parts) == 1 {
		return "(" + parts[0] + ",)", nil
	}
	return "(" + strings.Join(parts, ", ") + ")", nil
}

// doc lists inputs and results in matcalc's notation.
func (g *gen) doc() string {
	r := g.r
	var b strings.Builder
	fmt.Fprintf(&b, "%s = %s\n\n    Inputs:\n", r.FuncName, ast.String(r.Func))
	for _, v := range r.Vars {
		fmt.Fprintf(&b, "        %s: %s (%s)\n", g.ident(v.Name), v.Name, v.Shape)
	}
	for _, s := range g.stubs {
		fmt.Fprintf(&b, "        %s: a generic function, applied entry by entry\n", s)
	}
	b.WriteString("\n    Returns:\n")
	fmt.Fprintf(&b, "        %s (%s)\n", r.FuncName, r.FuncShape)
	for _, d := range r.Derivs {
		fmt.Fprintf(&b, "        ∂%s/∂%s = %s, %s (%s)\n", r.FuncName, d.Wrt, ast.String(d.Expr), d.Kind, d.Shape)
	}
	if g.torch {
		b.WriteString("\n    Tensors keep the dtype and device of the first floating-point tensor\n" +
			"    input (float64 if none); scalars are returned as 0-d tensors.\n")
	}
	var defs []string
	for _, d := range r.Defs {
		defs = append(defs, fmt.Sprintf("        %s = %s", d.Name, ast.String(d.Expr)))
	}
	if len(defs) > 0 {
		b.WriteString("\n    Shared pieces:\n" + strings.Join(defs, "\n") + "\n")
	}
	return b.String()
}

func pyDocText(s string) string { return strings.ReplaceAll(s, `\`, `\\`) }

// key identifies a subexpression by its formula and shape.
func key(e ast.Expr, s ast.Shape) string {
	return ast.String(e) + "|" + s.Rows.String() + "×" + s.Cols.String()
}

// count records how often each subexpression of e, in the form emitted, is
// needed: a subexpression seen before is not entered again, since it will
// be computed once; f′(z) whose code uses f(z) needs f(z).
func (g *gen) count(e ast.Expr) {
	shapes, err := ast.Check(e, g.env)
	if err != nil {
		return // expr reports it
	}
	var visit func(n ast.Expr)
	visit = func(n ast.Expr) {
		if !hoistable(n) {
			for _, c := range children(n) {
				visit(c)
			}
			return
		}
		k := key(n, shapes[n])
		g.uses[k]++
		if g.uses[k] > 1 {
			return
		}
		if c, ok := n.(*ast.Call); ok {
			if t, f := g.usesValue(c); f != nil {
				fz := ast.Fn(f.Name(), 0, c.Args[0])
				shapes[fz] = shapes[n]
				visit(fz)
				if !strings.Contains(t, "%[1]s") {
					return
				}
			}
		}
		for _, c := range children(n) {
			visit(c)
		}
	}
	visit(e)
}

// usesValue returns the template of the derivative of an elementwise
// built-in f that uses f's value, and f; or nil.
func (g *gen) usesValue(c *ast.Call) (string, *op.Elementwise) {
	if c.Primes == 0 || len(c.Args) != 1 {
		return "", nil
	}
	fun := c.Fun
	if c.IsGeneric() {
		b, ok := g.o.Funcs[fun]
		if !ok {
			return "", nil
		}
		fun = b
	}
	e, ok := op.Lookup(fun).(*op.Elementwise)
	if !ok {
		return "", nil
	}
	t := g.template(e, c.Primes)
	if !strings.Contains(t, "%[2]s") {
		return "", nil
	}
	return t, e
}

func (g *gen) template(e *op.Elementwise, primes int) string {
	ts := e.Py
	if g.torch {
		ts = e.Torch
	}
	if primes >= len(ts) {
		return ""
	}
	return ts[primes]
}

// hoistable reports whether n is worth computing once: an operation, not
// a name, a number or a transpose.
func hoistable(n ast.Expr) bool {
	switch n.(type) {
	case *ast.Binary, *ast.Call, *ast.Indicator:
		return true
	}
	return false
}

func children(n ast.Expr) []ast.Expr {
	var out []ast.Expr
	ast.Inspect(n, func(c ast.Expr) bool {
		if c == n {
			return true
		}
		out = append(out, c)
		return false
	})
	return out
}

// expr writes e (already in its stable form) in the dialect, every
// operation bracketed; subexpressions needed elsewhere too become
// temporaries, except e itself when it is a shared piece (def).
func (g *gen) expr(e ast.Expr, dims map[string]string, def bool) (string, ast.Shape, error) {
	shapes, err := ast.Check(e, g.env)
	if err != nil {
		return "", ast.Shape{}, err
	}
	g.shapes = shapes
	var s string
	if def {
		s, err = g.compute(e, dims)
	} else {
		s, err = g.emit(e, dims)
	}
	return s, shapes[e], err
}

// emit writes e, or the name it was computed under; a subexpression
// needed more than once is computed into a temporary the first time.
func (g *gen) emit(e ast.Expr, dims map[string]string) (string, error) {
	if !hoistable(e) {
		return g.compute(e, dims)
	}
	k := key(e, g.shapes[e])
	if name, ok := g.known[k]; ok {
		return name, nil
	}
	s, err := g.compute(e, dims)
	if err != nil || g.uses[k] < 2 {
		return s, err
	}
	name := g.fresh("t")
	g.lines = append(g.lines, name+" = "+s)
	g.known[k] = name
	return name, nil
}

func (g *gen) compute(e ast.Expr, dims map[string]string) (string, error) {
	switch x := e.(type) {
	case *ast.Ident:
		if _, ok := g.env[x.Name]; !ok {
			return "", fmt.Errorf("python: unknown name %s", x.Name)
		}
		return g.ident(x.Name), nil
	case *ast.Number:
		return fmt.Sprintf("%v", x.Value), nil
	case *ast.Identity:
		n, err := g.dim(g.shapes[x].Rows, dims)
		if err != nil {
			return "", err
		}
		return g.lib() + ".eye(" + n + g.like() + ")", nil
	case *ast.Ones:
		s := g.shapes[x]
		if s.IsScalar() {
			return "1.0", nil
		}
		t, err := g.shapeTuple(s, dims)
		if err != nil {
			return "", err
		}
		return g.lib() + ".ones(" + t + g.like() + ")", nil
	case *ast.Unary:
		a, err := g.emit(x.X, dims)
		return "(-" + a + ")", err
	case *ast.Transpose:
		a, err := g.emit(x.X, dims)
		if err != nil {
			return "", err
		}
		if s := g.shapes[x.X]; s.IsMatrix() {
			return "(" + a + ").T", nil
		}
		return a, nil // a vector is a 1-D array either way
	case *ast.Indicator:
		a, err := g.emit(x.X, dims)
		if err != nil {
			return "", err
		}
		b, err := g.emit(x.Y, dims)
		if err != nil {
			return "", err
		}
		cmp := ">="
		if x.Op == ast.GT {
			cmp = ">"
		}
		if g.torch {
			return "(" + a + " " + cmp + " " + b + ").to(_dtype)", nil
		}
		f := map[string]string{">=": "np.greater_equal", ">": "np.greater"}[cmp]
		return f + "(" + a + ", " + b + ").astype(float)", nil
	case *ast.Binary:
		return g.binary(x, dims)
	case *ast.Call:
		return g.call(x, dims)
	}
	return "", fmt.Errorf("python: cannot write %s", ast.String(e))
}

func (g *gen) binary(x *ast.Binary, dims map[string]string) (string, error) {
	a, err := g.emit(x.X, dims)
	if err != nil {
		return "", err
	}
	b, err := g.emit(x.Y, dims)
	if err != nil {
		return "", err
	}
	sx, sy := g.shapes[x.X], g.shapes[x.Y]
	switch x.Op {
	case ast.Add:
		return "(" + a + " + " + b + ")", nil
	case ast.Sub:
		return "(" + a + " - " + b + ")", nil
	case ast.Hadamard:
		return "(" + a + " * " + b + ")", nil
	case ast.Div, ast.ElemDiv:
		return "(" + a + " / " + b + ")", nil
	case ast.ElemPow:
		return "(" + a + " ** " + b + ")", nil
	case ast.Pow:
		if sx.IsScalar() {
			return "(" + a + " ** " + b + ")", nil
		}
		return g.lib() + ".linalg.matrix_power(" + a + ", int(" + b + "))", nil
	case ast.Mul:
		switch {
		case sx.IsScalar() || sy.IsScalar():
			return "(" + a + " * " + b + ")", nil
		case sx.IsVector() && sy.IsRow():
			return g.outer(a, false, b, false), nil
		case sx.IsVector() && sy.IsMatrix():
			// an n×1 times a 1×m matrix
			return g.outer(a, false, b, true), nil
		case sx.IsMatrix() && sy.IsRow():
			return g.outer(a, true, b, false), nil
		}
		return "(" + a + " @ " + b + ")", nil
	}
	return "", fmt.Errorf("python: cannot write %s", ast.String(x))
}

// outer writes the outer product of a and b; np.outer flattens a 2-D
// argument, torch.outer takes 1-D ones only.
func (g *gen) outer(a string, a2 bool, b string, b2 bool) string {
	if !g.torch {
		return "np.outer(" + a + ", " + b + ")"
	}
	if a2 {
		a = a + ".reshape(-1)"
	}
	if b2 {
		b = b + ".reshape(-1)"
	}
	return "torch.outer(" + a + ", " + b + ")"
}

func (g *gen) call(c *ast.Call, dims map[string]string) (string, error) {
	fun := c.Fun
	if c.IsGeneric() {
		if b, bound := g.o.Funcs[fun]; bound {
			fun = b
		}
	}
	o := op.Lookup(fun)
	// f′(z) in a form of f(z): f(z) computed once, z only if needed too.
	if _, ok := o.(*op.Elementwise); ok {
		if t, f := g.usesValue(c); f != nil {
			fz := ast.Fn(f.Name(), 0, c.Args[0])
			g.shapes[fz] = g.shapes[c]
			v, err := g.emit(fz, dims)
			if err != nil {
				return "", err
			}
			arg := ""
			if strings.Contains(t, "%[1]s") {
				if arg, err = g.arg(c.Args[0], dims); err != nil {
					return "", err
				}
			}
			return "(" + fmt.Sprintf(t, arg, v) + ")", nil
		}
	}
	args := make([]string, len(c.Args))
	for i, a := range c.Args {
		s, err := g.arg(a, dims)
		if err != nil {
			return "", err
		}
		args[i] = s
	}
	if c.IsGeneric() && o == nil {
		name := fun + strings.Repeat("′", c.Primes)
		if c.Primes == 2 {
			name = fun + "″"
		}
		return g.ident(name) + "(" + args[0] + ")", nil
	}
	switch o := o.(type) {
	case *op.Elementwise:
		t := g.template(o, c.Primes)
		if t == "" {
			return "", fmt.Errorf("python: %s%s is not supported", c.Fun, strings.Repeat("′", c.Primes))
		}
		if strings.Contains(t, "_erf(") {
			g.erf = true
		}
		return "(" + fmt.Sprintf(t, args[0]) + ")", nil
	case *op.Extremum:
		if g.torch {
			return o.TorchCall(args[0], args[1]), nil
		}
		return o.PyCall(args[0], args[1]), nil
	case op.PyPair:
		return "(" + o.PyCall2(args[0], args[1], g.shapes[c.Args[0]], g.shapes[c.Args[1]], g.torch) + ")", nil
	case op.PyFunc:
		if g.torch {
			return "(" + o.TorchCall(args[0], g.shapes[c.Args[0]]) + ")", nil
		}
		return "(" + o.PyCall(args[0], g.shapes[c.Args[0]]) + ")", nil
	}
	return "", fmt.Errorf("python: %s is not supported", c.Fun)
}

// arg writes a function's argument; PyTorch functions take tensors, so a
// number becomes a 0-d tensor there.
func (g *gen) arg(a ast.Expr, dims map[string]string) (string, error) {
	if n, ok := a.(*ast.Number); ok && g.torch {
		return fmt.Sprintf("torch.tensor(%v%s)", n.Value, g.like()), nil
	}
	x, err := g.emit(a, dims)
	if err == nil && g.torch && isConstant(a) {
		// A constant such as 2π is a Python float, which torch's
		// functions do not take.
		x = fmt.Sprintf("torch.as_tensor(%s%s)", x, g.like())
	}
	return x, err
}

// isConstant reports whether e is built of numbers only: in Python, a float.
func isConstant(e ast.Expr) bool {
	c := true
	ast.Inspect(e, func(n ast.Expr) bool {
		switch n.(type) {
		case *ast.Ident, *ast.Identity, *ast.Ones, *ast.Call, *ast.Indicator:
			c = false
		}
		return c
	})
	return c
}

// usedElsewhere reports whether a line of code other than the i-th
// mentions the identifier name.
func usedElsewhere(code []string, i int, name string) bool {
	for j, l := range code {
		if j == i {
			continue
		}
		for k := strings.Index(l, name); k >= 0; {
			end := k + len(name)
			before := k == 0 || !isIdentByte(l[k-1])
			after := end == len(l) || !isIdentByte(l[end])
			if before && after {
				return true
			}
			next := strings.Index(l[end:], name)
			if next < 0 {
				break
			}
			k = end + next
		}
	}
	return false
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}
