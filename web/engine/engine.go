// Package engine is the playground's glue to matcalc's library: one function
// per tab of the page (Derive, Steps, LaTeX, Go, Graph, Check), each taking
// the page's fields (formula, declarations, wrt, order, values) and
// returning what the tab shows, or an *Error that says which field is wrong
// and where. It has no dependency on the browser: the wasm entry (web/wasm)
// calls Handle with JSON, and the tests call the functions directly.
//
// It calls parser, ast, derive, simplify (through derive), render, eval and
// graph the way cmd/matcalc does today; check is a thin copy of the CLI's
// finite-difference comparison (cmd/matcalc/check.go), to be replaced by the
// library function when there is one.
package engine

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"regexp"
	"sort"
	"strings"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/check"
	"github.com/matcalc/matcalc/derive"
	"github.com/matcalc/matcalc/eval"
	"github.com/matcalc/matcalc/graph"
	"github.com/matcalc/matcalc/op"
	"github.com/matcalc/matcalc/parser"
	"github.com/matcalc/matcalc/render"
	"github.com/matcalc/matcalc/render/gocode"
	"gonum.org/v1/gonum/mat"
)

// Limits on the input, so that a pasted book cannot keep the engine busy.
// The page also stops a derivation that runs longer than its time limit.
const (
	MaxFormula = 2000      // bytes of the formula
	MaxDecls   = 4000      // bytes of the declarations
	MaxValues  = 100_000   // bytes of the values
	MaxEntries = 10_000    // numbers in all the values together
	MaxOutput  = 2_000_000 // bytes of any one rendered output
	maxSize    = 1 << 16   // largest dimension a value may give
	declBase   = ast.Pos(1) << 24
)

// A Request holds the fields of the page.
type Request struct {
	Formula string `json:"f"`     // "uᵀf(Wx+b)", or "J = …" to name the function
	Decls   string `json:"let"`   // declarations as for --let, separated by ";" or newlines
	Wrt     string `json:"wrt"`   // variables, separated by commas or spaces; empty for all
	Order   int    `json:"order"` // 1 or 2 (0 is 1)
	Values  string `json:"at"`    // as for --at: JSON or x=1,y=2; empty for random values
	Funcs   string `json:"fun"`   // generic function bindings, "f=tanh, g=sin"
	Seed    uint64 `json:"seed"`  // of the random values (0 is 1)
}

// An Error is a mistake in one field of the request. Offset is the byte
// offset in that field and Col the 1-based column in runes on line Line, or
// both are -1 and 0 when the error has no place.
type Error struct {
	Field  string `json:"field"` // "f", "let", "wrt", "at", "fun", or "" for the derivation itself
	Msg    string `json:"msg"`
	Offset int    `json:"offset"`
	Line   int    `json:"line"`
	Col    int    `json:"col"`
	Text   string `json:"text"` // the message with the source line and a caret, as the CLI prints it
}

func (e *Error) Error() string { return e.Text }

func fieldErr(field, format string, args ...any) *Error {
	msg := fmt.Sprintf(format, args...)
	return &Error{Field: field, Msg: msg, Offset: -1, Text: msg}
}

// posErr positions err (an *ast.Error or ast.ErrorList, else unpositioned)
// in src, the text of field.
func posErr(field, src string, err error) *Error {
	var list ast.ErrorList
	var one *ast.Error
	switch {
	case errors.As(err, &list) && len(list) > 0:
		one = list[0]
	case errors.As(err, &one):
	default:
		return fieldErr(field, "%s", err.Error())
	}
	e := &Error{Field: field, Msg: one.Msg, Offset: -1, Text: ast.FormatError(src, err)}
	if one.Pos.IsValid() && int(one.Pos) <= len(src) {
		e.Offset = int(one.Pos)
		e.Line, e.Col = ast.Position(src, one.Pos)
	}
	return e
}

// formula is a parsed, shape-checked request.
type formula struct {
	src      string // the whole formula field
	body     int    // byte offset of the expression in src (after "J =")
	name     string
	expr     ast.Expr
	info     *ast.Info
	vals     map[string]*mat.Dense
	funcs    map[string]string
	wrt      []string
	order    int
	declsSrc string
}

var namePrefix = regexp.MustCompile(`^\s*([\pL][\pL\pN_₀-₉′']*)\s*=[^=]`)

// load parses and checks the request.
func load(r Request) (*formula, error) {
	if len(r.Formula) > MaxFormula {
		return nil, fieldErr("f", "the formula is %d bytes long; the playground takes at most %d", len(r.Formula), MaxFormula)
	}
	if len(r.Decls) > MaxDecls {
		return nil, fieldErr("let", "the declarations are %d bytes long; the playground takes at most %d", len(r.Decls), MaxDecls)
	}
	if len(r.Values) > MaxValues {
		return nil, fieldErr("at", "the values are %d bytes long; the playground takes at most %d", len(r.Values), MaxValues)
	}
	f := &formula{src: r.Formula, name: "s", order: r.Order, declsSrc: r.Decls}
	if f.order == 0 {
		f.order = 1
	}
	if f.order != 1 && f.order != 2 {
		return nil, fieldErr("order", "order %d: use 1 or 2", r.Order)
	}
	if strings.TrimSpace(r.Formula) == "" {
		return nil, fieldErr("f", "type a formula, for example uᵀf(Wx+b)")
	}
	// "J = expr" names the function, as a formula file does.
	if m := namePrefix.FindStringSubmatchIndex(r.Formula); m != nil {
		name, err := parser.CanonicalName(r.Formula[m[2]:m[3]])
		if err == nil {
			f.name = name
			f.body = m[1] - 1
		}
	}
	var decls []ast.Decl
	if strings.TrimSpace(r.Decls) != "" {
		d, err := parser.ParseDecls(r.Decls)
		if err != nil {
			return nil, posErr("let", r.Decls, err)
		}
		// Declaration positions are moved past the formula, so that an
		// error the shape inference finds there points into the
		// declarations (as the CLI does for --let).
		for i := range d {
			d[i].DeclPos += declBase
		}
		decls = d
	}
	body := r.Formula[f.body:]
	e, err := (&parser.Config{Decls: decls}).ParseExpr(body)
	if err != nil {
		return nil, f.exprErr(err)
	}
	f.expr = e
	var fixed map[string]ast.Shape
	if strings.TrimSpace(r.Values) != "" {
		if f.vals, fixed, err = values(r.Values, e); err != nil {
			return nil, err
		}
	}
	if f.info, err = ast.Infer(e, decls, fixed); err != nil {
		return nil, f.exprErr(err)
	}
	if f.vals != nil {
		for _, v := range f.info.Vars {
			if _, ok := f.vals[v.Name]; !ok {
				return nil, fieldErr("at", "no value for %s (%v)", v.Name, v.Shape)
			}
		}
	}
	if f.funcs, err = bindings(r.Funcs); err != nil {
		return nil, err
	}
	for _, w := range strings.FieldsFunc(r.Wrt, func(c rune) bool { return c == ',' || c == ' ' || c == ';' }) {
		n, err := parser.CanonicalName(w)
		if err != nil {
			return nil, fieldErr("wrt", "%q: %v", w, err)
		}
		if f.info.Var(n) == nil {
			var names []string
			for _, v := range f.info.Vars {
				names = append(names, v.Name)
			}
			return nil, fieldErr("wrt", "%s is not a variable of the formula: its variables are %s", n, strings.Join(names, ", "))
		}
		f.wrt = append(f.wrt, n)
	}
	return f, nil
}

// exprErr places an error of the expression in the formula field, or in
// the declarations when it points there.
func (f *formula) exprErr(err error) error {
	var list ast.ErrorList
	var one *ast.Error
	switch {
	case errors.As(err, &list) && len(list) > 0:
		one = list[0]
	case errors.As(err, &one):
	default:
		return fieldErr("f", "%s", err.Error())
	}
	if one.Pos >= declBase {
		return posErr("let", f.declsSrc, ast.Errorf(one.Pos-declBase, "%s", one.Msg))
	}
	pos := one.Pos
	if pos.IsValid() {
		pos += ast.Pos(f.body)
	}
	return posErr("f", f.src, ast.Errorf(pos, "%s", one.Msg))
}

// values parses the values field and the shapes it fixes (a copy of what
// the CLI's --at does, with the playground's size limits).
func values(spec string, e ast.Expr) (map[string]*mat.Dense, map[string]ast.Shape, error) {
	raw, err := eval.ParseValues(spec, strings.NewReader(""))
	if err != nil {
		return nil, nil, fieldErr("at", "%v", err)
	}
	names := ast.Vars(e)
	known := map[string]bool{}
	for _, n := range names {
		known[n] = true
	}
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	vals := map[string]*mat.Dense{}
	fixed := map[string]ast.Shape{}
	entries := 0
	for _, k := range keys {
		name, err := parser.CanonicalName(k)
		if err != nil {
			return nil, nil, fieldErr("at", "%q is not a variable name: %v", k, err)
		}
		if !known[name] {
			return nil, nil, fieldErr("at", "%s is not a variable of the formula (its variables are %s)", name, strings.Join(names, ", "))
		}
		if _, dup := vals[name]; dup {
			return nil, nil, fieldErr("at", "%s is given twice", name)
		}
		v := raw[k]
		r, c := v.Dims()
		entries += r * c
		if entries > MaxEntries || r > maxSize || c > maxSize {
			return nil, nil, fieldErr("at", "the values hold more than %d numbers; the playground takes at most that", MaxEntries)
		}
		vals[name] = v
		switch {
		case r == 1 && c == 1:
			fixed[name] = ast.Scalar
		case c == 1:
			fixed[name] = ast.Vector(ast.Size(r))
		default:
			fixed[name] = ast.Matrix(ast.Size(r), ast.Size(c))
		}
	}
	return vals, fixed, nil
}

// bindings parses "f=tanh, g=sin" (the CLI's --fun).
func bindings(spec string) (map[string]string, error) {
	out := map[string]string{}
	for _, part := range strings.FieldsFunc(spec, func(c rune) bool { return c == ',' || c == ';' }) {
		name, fn, ok := strings.Cut(part, "=")
		name, fn = strings.TrimSpace(name), strings.TrimSpace(fn)
		if name == "" && fn == "" && !ok {
			continue
		}
		if !ok || name == "" || fn == "" {
			return nil, fieldErr("fun", "%q: write NAME=BUILTIN, for example f=tanh", strings.TrimSpace(part))
		}
		bi, ok := op.Lookup(fn).(*op.Elementwise)
		if !ok {
			return nil, fieldErr("fun", "%s=%s: %s is not a built-in elementwise function of one argument (exp log sin cos tan tanh sigmoid relu softplus sqrt abs)", name, fn, fn)
		}
		if cn, err := parser.CanonicalName(name); err == nil {
			name = cn
		}
		if ast.LookupFunc(name) != nil {
			return nil, fieldErr("fun", "%s is a built-in function already; bind generic ones (f, g, h, φ, ψ or declared)", name)
		}
		out[name] = bi.Name()
	}
	return out, nil
}

// derivation derives the request as the CLI's derive does.
func derivation(r Request, noShare bool) (*formula, *derive.Result, error) {
	f, err := load(r)
	if err != nil {
		return nil, nil, err
	}
	res, err := derive.Derive(f.expr, f.info, derive.Options{Wrt: f.wrt, Order: f.order, FuncName: f.name, NoShare: noShare})
	if err != nil {
		return nil, nil, f.exprErr(err)
	}
	res.Input = f.src
	return f, res, nil
}

// An Item is one line of a result: a definition or a derivative.
type Item struct {
	Name  string `json:"name"` // "z", "∂s/∂W"
	Wrt   string `json:"wrt,omitempty"`
	Kind  string `json:"kind,omitempty"` // gradient, jacobian, hessian
	Text  string `json:"text"`
	LaTeX string `json:"latex"` // the whole line: name = expression
	Shape string `json:"shape"`
}

// A Var is an input variable with its inferred shape.
type Var struct {
	Name  string `json:"name"`
	Shape string `json:"shape"`
}

// Derivation is what the result tab shows.
type Derivation struct {
	Canonical string `json:"canonical"` // the formula in canonical Unicode
	ASCII     string `json:"ascii"`
	Vars      []Var  `json:"vars"`
	Defs      []Item `json:"defs"`
	Func      Item   `json:"func"`
	Derivs    []Item `json:"derivs"`
	Text      string `json:"text"` // as `matcalc derive` prints it
}

func shapeText(s ast.Shape) string { return s.String() }

// Derive returns the derivatives, simplified, with shared pieces named.
func Derive(r Request) (*Derivation, error) {
	f, res, err := derivation(r, false)
	if err != nil {
		return nil, err
	}
	lo := render.LaTeXOptions{Shapes: res.Env()}
	// Empty lists, not null, in JSON.
	d := &Derivation{Canonical: ast.String(f.expr), ASCII: ast.ASCII(f.expr), Vars: []Var{}, Defs: []Item{}, Derivs: []Item{}}
	for _, v := range f.info.Vars {
		d.Vars = append(d.Vars, Var{v.Name, shapeText(v.Shape)})
	}
	var text strings.Builder
	for _, def := range res.Defs {
		d.Defs = append(d.Defs, Item{Name: def.Name, Text: ast.String(def.Expr), Shape: shapeText(def.Shape),
			LaTeX: render.Name(def.Name, lo) + " = " + render.LaTeX(def.Expr, lo)})
		fmt.Fprintf(&text, "%s = %s\n", def.Name, ast.String(def.Expr))
	}
	d.Func = Item{Name: res.FuncName, Text: ast.String(res.Func), Shape: shapeText(res.FuncShape),
		LaTeX: render.Name(res.FuncName, lo) + " = " + render.LaTeX(res.Func, lo)}
	fmt.Fprintf(&text, "%s = %s\n", res.FuncName, ast.String(res.Func))
	if len(res.Derivs) > 0 {
		text.WriteString("\n")
	}
	for _, dv := range res.Derivs {
		name := dv.Label(res.FuncName)
		d.Derivs = append(d.Derivs, Item{Name: name, Wrt: dv.Wrt, Kind: string(dv.Kind), Text: ast.String(dv.Expr),
			Shape: shapeText(dv.Shape), LaTeX: render.DerivLabel(res.FuncName, dv, lo) + " = " + render.LaTeX(dv.Expr, lo)})
		fmt.Fprintf(&text, "%s = %s\n", name, ast.String(dv.Expr))
	}
	d.Text = text.String()
	if len(d.Text) > MaxOutput {
		return nil, fieldErr("", "the result is %d bytes long; the playground shows at most %d", len(d.Text), MaxOutput)
	}
	return d, nil
}

// StepsResult is the step-by-step derivation as text and as LaTeX blocks.
type StepsResult struct {
	Text  string   `json:"text"`
	LaTeX []string `json:"latex"`
}

// Steps returns each Jacobian of the chain, their product and the rewrites.
func Steps(r Request) (*StepsResult, error) {
	f, res, err := derivation(r, false)
	if err != nil {
		return nil, err
	}
	ds, err := derive.Steps(f.expr, f.info, res)
	if err != nil {
		return nil, f.exprErr(err)
	}
	s := &StepsResult{Text: render.StepsText(ds, res), LaTeX: render.StepsLaTeXBlocks(ds, res, render.LaTeXOptions{Shapes: res.Env()})}
	if s.LaTeX == nil {
		s.LaTeX = []string{}
	}
	if len(s.Text) > MaxOutput {
		return nil, fieldErr("", "the derivation is %d bytes long; the playground shows at most %d", len(s.Text), MaxOutput)
	}
	return s, nil
}

// LaTeX returns the result as `matcalc derive --format latex` writes it.
func LaTeX(r Request) (string, error) {
	_, res, err := derivation(r, false)
	if err != nil {
		return "", err
	}
	return render.LaTeXResult(res, render.LaTeXOptions{Shapes: res.Env()}) + "\n", nil
}

// Go returns the Go (gonum) code of `matcalc derive --format go`, in
// package grad with function F.
func Go(r Request) (string, error) {
	f, res, err := derivation(r, false)
	if err != nil {
		return "", err
	}
	// As the CLI: without wrt, Go output leaves out the tensor derivatives
	// (their vec-layout matrices may be large); by several variables at
	// order 2 it writes the second derivative by each, not the mixed blocks.
	switch {
	case len(f.wrt) == 0:
		if kept, _, err := derive.WithoutTensors(f.expr, f.info, res, derive.Options{Order: f.order, FuncName: f.name}); err == nil && kept != nil {
			res = kept
		}
	case f.order == 2 && len(f.wrt) > 1:
		if diag, err := derive.Derive(f.expr, f.info, derive.Options{Wrt: f.wrt, Order: 2, FuncName: f.name, NoMixed: true}); err == nil {
			diag.Input = res.Input
			res = diag
		}
	}
	b, err := gocode.Generate(res, gocode.Options{Package: "grad", Func: "F"})
	if err != nil {
		return "", fieldErr("", "%v", err)
	}
	return string(b), nil
}

// GraphResult is the computational graph drawn at the values.
type GraphResult struct {
	SVG    string   `json:"svg"`
	Table  string   `json:"table"`
	Values string   `json:"values"` // the values used, as JSON for the values field
	Random bool     `json:"random"` // drawn at random (no values given)
	Bound  []string `json:"bound"`  // generic functions bound for evaluation, "f=tanh"
}

// Graph builds the computational graph, runs it forward and backward at the
// values given (or at random values of the seed), and draws it as matcalc's
// SVG.
func Graph(r Request) (*GraphResult, error) {
	f, err := load(r)
	if err != nil {
		return nil, err
	}
	bound := f.bindGeneric()
	env, random, err := f.point(r.Seed)
	if err != nil {
		return nil, err
	}
	g, err := graph.Build(f.expr, f.info)
	if err != nil {
		return nil, f.exprErr(err)
	}
	if err := g.Forward(env); err != nil {
		return nil, fieldErr("at", "%v", err)
	}
	if err := g.Backward(); err != nil {
		return nil, fieldErr("at", "%v", err)
	}
	svg, err := render.SVG(g)
	if err != nil {
		return nil, fieldErr("", "%v", err)
	}
	var table strings.Builder
	if err := g.WriteTable(&table); err != nil {
		return nil, fieldErr("", "%v", err)
	}
	return &GraphResult{SVG: string(svg), Table: table.String(), Values: valuesJSON(f, env), Random: random, Bound: bound}, nil
}

// point returns the evaluation environment of the values given, or of
// random values where the formula is finite.
func (f *formula) point(seed uint64) (*eval.Env, bool, error) {
	if f.vals != nil {
		sizes, err := eval.BindSizes(f.info.Vars, f.vals)
		if err != nil {
			return nil, false, fieldErr("at", "%v", err)
		}
		return &eval.Env{Vars: f.vals, Funcs: f.funcs, Sizes: sizes}, false, nil
	}
	if seed == 0 {
		seed = 1
	}
	rng := rand.New(rand.NewPCG(seed, 0x6d6174))
	env := randomPoint(f, rng, nil)
	if env == nil {
		return nil, true, fieldErr("at", "could not find random values where %s is finite; give values", ast.String(f.expr))
	}
	return env, true, nil
}

// bindGeneric gives every unbound generic function a built-in meaning, as
// matcalc check does, and returns what it bound ("f=tanh").
func (f *formula) bindGeneric() []string {
	var bound []string
	seen := map[string]bool{}
	i := 0
	ast.Inspect(f.expr, func(n ast.Expr) bool {
		if c, ok := n.(*ast.Call); ok && c.IsGeneric() && !seen[c.Fun] {
			seen[c.Fun] = true
			if _, ok := f.funcs[c.Fun]; !ok {
				f.funcs[c.Fun] = check.DefaultBindings()[i%len(check.DefaultBindings())]
				bound = append(bound, c.Fun+"="+f.funcs[c.Fun])
			}
			i++
		}
		return true
	})
	return bound
}

// valuesJSON writes the values of env's variables as a JSON object in the
// formula's order.
func valuesJSON(f *formula, env *eval.Env) string {
	var parts []string
	for _, v := range f.info.Vars {
		x, ok := env.Vars[v.Name]
		if !ok {
			continue
		}
		var b strings.Builder
		fmt.Fprintf(&b, "%q:", v.Name)
		enc := eval.Encode(x)
		b.WriteString(encodeJSON(enc))
		parts = append(parts, b.String())
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

func encodeJSON(v any) string {
	switch x := v.(type) {
	case float64:
		return fmt.Sprintf("%.4g", x)
	case []float64:
		s := make([]string, len(x))
		for i, e := range x {
			s[i] = fmt.Sprintf("%.4g", e)
		}
		return "[" + strings.Join(s, ",") + "]"
	case [][]float64:
		s := make([]string, len(x))
		for i, row := range x {
			s[i] = encodeJSON(row)
		}
		return "[" + strings.Join(s, ",") + "]"
	}
	return fmt.Sprint(v)
}

// A CheckRow is the comparison of one derivative with finite differences.
type CheckRow struct {
	Name   string  `json:"name"`
	MaxRel float64 `json:"maxRel"` // largest relative error over the points
	OK     bool    `json:"ok"`
}

// CheckResult is the finite-difference check of every derivative.
type CheckResult struct {
	Where string     `json:"where"`
	Tol   float64    `json:"tol"`
	Rows  []CheckRow `json:"rows"`
	Bound []string   `json:"bound"` // generic functions bound for evaluation, "f=tanh"
	Text  string     `json:"text"`  // as `matcalc check` prints it
}

// Check compares every derivative with central finite differences at the
// values given, or at three random points, with package check (as `matcalc
// check` does), at the tolerance 1e-6 and the seed of the request.
func Check(r Request) (*CheckResult, error) {
	f, err := load(r)
	if err != nil {
		return nil, err
	}
	seed := r.Seed
	if seed == 0 {
		seed = 1
	}
	opts := check.Options{Wrt: f.wrt, Order: f.order, FuncName: f.name, Seed: seed, Funcs: f.funcs}
	if f.vals != nil {
		if opts.At, _, err = f.point(seed); err != nil {
			return nil, err
		}
	}
	rep, err := check.Run(f.expr, f.info, opts)
	if err != nil {
		return nil, f.exprErr(err)
	}
	bound := rep.Bound
	if bound == nil {
		bound = []string{} // JSON [] rather than null
	}
	c := &CheckResult{Tol: rep.Tol, Bound: bound, Rows: []CheckRow{}, Text: rep.Text(), Where: fmt.Sprintf("at %d random points (seed %d)", rep.Points, seed)}
	if rep.AtValues {
		c.Where = "at the given values"
	}
	for _, en := range rep.Entries {
		row := CheckRow{Name: en.Label(rep.FuncName), MaxRel: en.MaxErr, OK: en.OK(rep.Tol)}
		if math.IsInf(row.MaxRel, 0) {
			row.MaxRel = -1 // JSON has no infinity
		}
		c.Rows = append(c.Rows, row)
	}
	return c, nil
}

// randomPoint draws values at which the formula is finite and (with res)
// its derivatives can be evaluated, as `matcalc check` does.
func randomPoint(f *formula, rng *rand.Rand, res *derive.Result) *eval.Env {
	return check.RandomPoint(f.expr, f.info, res, f.funcs, rng)
}
