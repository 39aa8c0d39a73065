// Package pycode emits a NumPy module that computes a formula's value and
// its derivatives from a derive.Result: one function that takes the inputs
// in order of first appearance (scalars as floats, vectors as 1-D arrays,
// matrices as 2-D arrays), checks their shapes, computes the shared pieces
// once and returns the value and then one derivative per --wrt variable.
// Each built-in's NumPy code comes from its registry entry (package op);
// values that could overflow are computed in their stable form (op.Stable).
package pycode

import (
	"bytes"
	"fmt"
	"strings"
	"unicode"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/derive"
	"github.com/matcalc/matcalc/op"
)

// Options of the emitted module.
type Options struct {
	Func string // the function's name; "f" when empty
	// Funcs gives generic functions a built-in meaning (--fun f=tanh);
	// the others become parameters of the function (f, f_prime, …).
	Funcs map[string]string
}

// Generate returns the module's source.
func Generate(r *derive.Result, o Options) ([]byte, error) {
	if o.Func == "" {
		o.Func = "f"
	}
	g := &gen{r: r, o: o, names: map[string]string{}, taken: map[string]bool{}, env: r.Env()}
	return g.module()
}

type gen struct {
	r      *derive.Result
	o      Options
	env    map[string]ast.Shape
	names  map[string]string // matcalc name → Python name
	taken  map[string]bool
	shapes map[ast.Expr]ast.Shape
	erf    bool // the module needs _erf
	stubs  []string
}

var keywords = map[string]bool{}

func init() {
	for _, k := range strings.Fields(`False None True and as assert async await break class continue def del elif else except
		finally for from global if import in is lambda nonlocal not or pass raise return try while with yield
		np math print len sum abs min max range float int`) {
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
	base := s
	for k := 2; g.taken[s]; k++ {
		s = fmt.Sprintf("%s_%d", base, k)
	}
	g.taken[s] = true
	g.names[name] = s
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
	return "", fmt.Errorf("python: the dimension %s is not the size of any input", d)
}

func (g *gen) module() ([]byte, error) {
	r := g.r
	var body bytes.Buffer
	// Inputs, their shapes checked, and the dimensions they bind.
	var params []string
	dims := map[string]string{}
	var checks []string
	for _, v := range r.Vars {
		p := g.ident(v.Name)
		params = append(params, p)
		s := v.Shape
		switch {
		case s.IsScalar():
			checks = append(checks, fmt.Sprintf("%s = float(%s)", p, p))
		case s.IsVector():
			checks = append(checks, fmt.Sprintf("%s = np.asarray(%s, dtype=float)", p, p),
				fmt.Sprintf("if %s.ndim != 1:\n        raise ValueError(\"%s must be a vector (1-D array), not %%d-D\" %% %s.ndim)", p, p, p))
			checks = append(checks, g.bindDim(s.Rows, p+".shape[0]", p, dims)...)
		default:
			checks = append(checks, fmt.Sprintf("%s = np.asarray(%s, dtype=float)", p, p),
				fmt.Sprintf("if %s.ndim != 2:\n        raise ValueError(\"%s must be a matrix (2-D array), not %%d-D\" %% %s.ndim)", p, p, p))
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
	// Shared pieces, the value, the derivatives.
	lines := []string{}
	for _, d := range r.Defs {
		x, err := g.expr(d.Expr, dims)
		if err != nil {
			return nil, err
		}
		lines = append(lines, fmt.Sprintf("%s = %s", g.ident(d.Name), x))
	}
	val, err := g.expr(r.Func, dims)
	if err != nil {
		return nil, err
	}
	results := []string{val}
	for _, d := range r.Derivs {
		x, err := g.expr(d.Expr, dims)
		if err != nil {
			return nil, err
		}
		if z, ok := d.Expr.(*ast.Number); ok && z.Value == 0 && !d.Shape.IsScalar() {
			shape, err := g.shapeTuple(d.Shape, dims)
			if err != nil {
				return nil, err
			}
			x = "np.zeros(" + shape + ")"
		} else if !d.Shape.IsScalar() {
			shape, err := g.shapeTuple(d.Shape, dims)
			if err != nil {
				return nil, err
			}
			x = "np.broadcast_to(" + x + ", " + shape + ").copy()"
		} else {
			x = "float(" + x + ")"
		}
		results = append(results, x)
	}
	if r.FuncShape.IsScalar() {
		results[0] = "float(" + results[0] + ")"
	}
	// A dimension bound by an input but used nowhere else is not bound.
	var code []string
	code = append(code, checks...)
	code = append(code, lines...)
	code = append(code, "return "+strings.Join(results, ", "))
	kept := code[:0]
	for i, l := range code {
		if name, _, ok := strings.Cut(l, " = "); ok && strings.HasPrefix(name, "dim_") && !usedElsewhere(code, i, name) {
			continue
		}
		kept = append(kept, l)
	}
	code = kept
	usesNumPy := false
	for _, l := range code {
		usesNumPy = usesNumPy || strings.Contains(l, "np.")
	}
	fmt.Fprintf(&body, "# Code generated by matcalc; DO NOT EDIT.\n")
	fmt.Fprintf(&body, "\"\"\"%s and its derivatives, by matcalc.\"\"\"\n\n", pyDocText(r.FuncName+" = "+ast.String(r.Func)))
	if g.erf {
		body.WriteString("import math\n\n")
	}
	if usesNumPy || g.erf {
		body.WriteString("import numpy as np\n\n")
	}
	if g.erf {
		body.WriteString("_erf = np.vectorize(math.erf, otypes=[float])\n\n")
	}
	allParams := append(append([]string(nil), params...), g.stubs...)
	fmt.Fprintf(&body, "\ndef %s(%s):\n", g.o.Func, strings.Join(allParams, ", "))
	body.WriteString("    \"\"\"" + pyDocText(g.doc()) + "\n    \"\"\"\n")
	for _, l := range code {
		body.WriteString("    " + l + "\n")
	}
	return body.Bytes(), nil
}

func (g *gen) bindDim(d ast.Dim, expr, param string, dims map[string]string) []string {
	if d.N > 0 {
		return []string{fmt.Sprintf("if %s != %d:\n        raise ValueError(\"%s has %%d entries along a dimension of size %d\" %% %s)", expr, d.N, param, d.N, expr)}
	}
	if v, ok := dims[d.Name]; ok {
		return []string{fmt.Sprintf("if %s != %s:\n        raise ValueError(\"%s: dimension %s is %%d here but %%d before\" %% (%s, %s))", expr, v, param, d.Name, expr, v)}
	}
	v := g.ident("dim " + d.Name)
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

// expr writes e in NumPy, every operation bracketed.
func (g *gen) expr(e ast.Expr, dims map[string]string) (string, error) {
	e = op.Stable(op.ExpandAll(e))
	shapes, err := ast.Check(e, g.env)
	if err != nil {
		return "", err
	}
	g.shapes = shapes
	return g.emit(e, dims)
}

func (g *gen) emit(e ast.Expr, dims map[string]string) (string, error) {
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
		return "np.eye(" + n + ")", nil
	case *ast.Ones:
		s := g.shapes[x]
		if s.IsScalar() {
			return "1.0", nil
		}
		t, err := g.shapeTuple(s, dims)
		if err != nil {
			return "", err
		}
		return "np.ones(" + t + ")", nil
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
		cmp := "np.greater_equal"
		if x.Op == ast.GT {
			cmp = "np.greater"
		}
		return cmp + "(" + a + ", " + b + ").astype(float)", nil
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
		return "np.linalg.matrix_power(" + a + ", int(" + b + "))", nil
	case ast.Mul:
		switch {
		case sx.IsScalar() || sy.IsScalar():
			return "(" + a + " * " + b + ")", nil
		case sx.IsVector() && sy.IsRow():
			return "np.outer(" + a + ", " + b + ")", nil
		case sx.IsVector() && sy.IsMatrix():
			// an n×1 times a 1×m matrix
			return "np.outer(" + a + ", " + b + ")", nil
		case sx.IsMatrix() && sy.IsRow():
			return "np.outer(" + a + ", " + b + ")", nil
		}
		return "(" + a + " @ " + b + ")", nil
	}
	return "", fmt.Errorf("python: cannot write %s", ast.String(x))
}

func (g *gen) call(c *ast.Call, dims map[string]string) (string, error) {
	args := make([]string, len(c.Args))
	for i, a := range c.Args {
		s, err := g.emit(a, dims)
		if err != nil {
			return "", err
		}
		args[i] = s
	}
	fun := c.Fun
	if c.IsGeneric() {
		b, bound := g.o.Funcs[fun]
		if !bound {
			name := fun + strings.Repeat("′", c.Primes)
			if c.Primes == 2 {
				name = fun + "″"
			}
			return g.ident(name) + "(" + args[0] + ")", nil
		}
		fun = b
	}
	switch o := op.Lookup(fun).(type) {
	case *op.Elementwise:
		if c.Primes >= len(o.Py) || o.Py[c.Primes] == "" {
			return "", fmt.Errorf("python: %s%s is not supported", c.Fun, strings.Repeat("′", c.Primes))
		}
		t := o.Py[c.Primes]
		if strings.Contains(t, "_erf(") {
			g.erf = true
		}
		return "(" + fmt.Sprintf(t, args[0]) + ")", nil
	case *op.Extremum:
		return o.PyCall(args[0], args[1]), nil
	case op.PyFunc:
		return "(" + o.PyCall(args[0], g.shapes[c.Args[0]]) + ")", nil
	}
	return "", fmt.Errorf("python: %s is not supported", c.Fun)
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
