// Package report assembles what matcalc prints for a derivation: the text
// (shared pieces, the function, its derivatives, the derivation steps, the
// values at given numbers), the JSON document and the LaTeX blocks. The
// command line only parses flags and writes what these functions return.
package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/check"
	"github.com/matcalc/matcalc/derive"
	"github.com/matcalc/matcalc/eval"
	"github.com/matcalc/matcalc/render"
	"gonum.org/v1/gonum/mat"
)

// Options says what a report holds besides the derivatives.
type Options struct {
	// Expr and Info are the formula as parsed and its shapes: the steps
	// and the values are computed from them.
	Expr ast.Expr
	Info *ast.Info
	// Input is the formula as the user gave it (JSON's "input").
	Input string
	// Steps adds the derivation, step by step.
	Steps bool
	// At, when set, evaluates the function and every derivative there.
	At *eval.Env
	// Plain writes LaTeX without bold vectors and matrices; Standalone
	// wraps it in a document for pdflatex.
	Plain, Standalone bool
}

// VecLabel names the vec/Kronecker form of a tensor derivative:
// ∂vec(s)/∂vec(X)ᵀ, or ∂vec(∂s/∂X)/∂vec(X)ᵀ for the Hessian by a matrix.
func VecLabel(fn string, d derive.Deriv) string {
	of := fn
	if d.Order == 2 {
		of = Partial(fn, d.Wrt, 1)
	}
	return "∂vec(" + of + ")/∂vec(" + d.By() + ")ᵀ"
}

// IndexLabel names the index view of a tensor derivative: ∂sᵢⱼ/∂Xₖₗ,
// with the indices that the shapes have.
func IndexLabel(fn string, d derive.Deriv, env map[string]ast.Shape) string {
	of := fn
	if d.Order == 2 {
		of = "(" + Partial(fn, d.Wrt, 1) + ")"
	}
	i, j, k, l := derive.TensorIndices(d.Shape, env[d.By()])
	return "∂" + of + derive.Subscripts(i, j) + "/∂" + d.By() + derive.Subscripts(k, l)
}

// SecondNote explains how a second differential gives its tensor.
func SecondNote(fn string) string {
	return fmt.Sprintf("a second derivative of a vector or matrix function is given by its second differential: d²%[1]s = d(d%[1]s) with the directions held constant, quadratic in dX, or bilinear in dX and dY for a mixed block ∂²%[1]s/∂X∂Y; entry (…, k, l, m, n) of the tensor is the bilinear form at dX = the unit array at (k, l) and dY = that at (m, n), recovered from d²%[1]s by polarization, ½(d²%[1]s[E + E′] − d²%[1]s[E] − d²%[1]s[E′]), when both directions are dX", fn)
}

// Partial writes ∂s/∂x, or ∂²s/∂x² for a second derivative.
func Partial(fn, wrt string, order int) string {
	if order == 2 {
		return fmt.Sprintf("∂²%s/∂%s²", fn, wrt)
	}
	return fmt.Sprintf("∂%s/∂%s", fn, wrt)
}

// Values are the function and its derivatives evaluated at a point.
type Values struct {
	Func   *mat.Dense
	Derivs []*mat.Dense
	// Tensors holds, for a derivative of rank 3 or 4, its nested arrays
	// (the function's indices first), and nil for the others.
	Tensors []any
	// Warnings say where a value that is NaN or ±Inf first appeared, and
	// why (eval.NonFiniteWarning).
	Warnings []string
}

// Evaluate evaluates the function (from its parsed form expr) and every
// derivative of res at env; a derivative 0 is the zero of its shape.
func Evaluate(expr ast.Expr, res *derive.Result, env *eval.Env) (*Values, error) {
	var v Values
	var err error
	if v.Func, err = eval.EvalAs(expr, env, res.FuncShape); err != nil {
		return nil, fmt.Errorf("evaluating %s: %v", ast.String(expr), err)
	}
	if w := eval.NonFiniteWarning(res.FuncName, expr, v.Func, env, res.FuncShape); w != "" {
		v.Warnings = append(v.Warnings, w)
	}
	for _, d := range res.Derivs {
		x, err := check.Symbolic(res, d, env)
		if err != nil {
			return nil, fmt.Errorf("evaluating %s: %v", d.Label(res.FuncName), err)
		}
		v.Derivs = append(v.Derivs, x)
		if d.IsTensor() {
			v.Tensors = append(v.Tensors, eval.Reshape(x, tensorDims(res, d, x, env)))
			continue
		}
		v.Tensors = append(v.Tensors, nil)
		if w := eval.NonFiniteWarning(d.Label(res.FuncName), res.Expand(d.Expr), x, env, d.Shape); w != "" {
			v.Warnings = append(v.Warnings, w)
		}
	}
	return &v, nil
}

// Text is the result as `matcalc derive` prints it.
func Text(res *derive.Result, o Options) (string, error) {
	var b strings.Builder
	if o.Steps {
		ds, err := derive.Steps(o.Expr, o.Info, res)
		if err != nil {
			return "", err
		}
		b.WriteString(render.StepsText(ds, res))
	}
	// When the whole function is a shared piece (p = softmax(θ)), it is
	// written once: s = p = softmax(θ).
	whole := false
	for _, d := range res.Defs {
		if !whole && ast.Equal(d.Expr, res.Func) {
			whole = true
			fmt.Fprintf(&b, "%s = %s = %s\n", res.FuncName, d.Name, ast.String(d.Expr))
			continue
		}
		fmt.Fprintf(&b, "%s = %s\n", d.Name, ast.String(d.Expr))
	}
	if !whole {
		fmt.Fprintf(&b, "%s = %s\n", res.FuncName, ast.String(res.Func))
	}
	if len(res.Derivs) > 0 {
		b.WriteString("\n")
	}
	tensors, seconds := false, false
	for _, d := range res.Derivs {
		if d.Kind == derive.SecondDifferential {
			fmt.Fprintf(&b, "%s = %s   (%s, %v)\n", d.DiffLabel(res.FuncName), ast.String(d.Expr), d.Label(res.FuncName), d.Tensor)
			seconds = true
			continue
		}
		if d.Kind == derive.Differential {
			fmt.Fprintf(&b, "%s = %s   (%s, %v)\n", d.DiffLabel(res.FuncName), ast.String(d.Expr), d.Label(res.FuncName), d.Tensor)
			if k, ok := derive.Kronecker(d, res.Env()); ok {
				env := res.Env()
				fmt.Fprintf(&b, "  %s = %s\n", VecLabel(res.FuncName, d), derive.KroneckerString(d, k, env))
				fmt.Fprintf(&b, "  %s = %s\n", IndexLabel(res.FuncName, d, env), derive.IndexString(k, d.Shape, env[d.By()], env))
			} else if t, ok := derive.IndexTerms(d, res.Defs, res.Env()); ok {
				fmt.Fprintf(&b, "  %s = %s\n", IndexLabel(res.FuncName, d, res.Env()), derive.IndexTermsString(t))
			}
			tensors = true
			continue
		}
		fmt.Fprintf(&b, "%s = %s\n", d.Label(res.FuncName), ast.String(d.Expr))
	}
	if tensors {
		fmt.Fprintf(&b, "(a tensor derivative is given by its differential: d%s is the change of %s, d(∂%s/∂X) that of the gradient, when X changes by dX; entry (i, j, k, l) of the tensor is entry (i, j) of the differential at dX = the unit array at (k, l))\n", res.FuncName, res.FuncName, res.FuncName)
	}
	if seconds {
		fmt.Fprintf(&b, "(%s)\n", SecondNote(res.FuncName))
	}
	for _, n := range res.Notes {
		fmt.Fprintf(&b, "(note: %s)\n", n)
	}
	if o.At != nil {
		v, err := Evaluate(o.Expr, res, o.At)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "\nat the given values:\n%s = %s\n", res.FuncName, eval.Compact(v.Func))
		for i, d := range res.Derivs {
			if v.Tensors[i] != nil {
				j, _ := json.Marshal(v.Tensors[i])
				fmt.Fprintf(&b, "%s = %s\n", d.Label(res.FuncName), j)
				continue
			}
			fmt.Fprintf(&b, "%s = %s\n", d.Label(res.FuncName), eval.Compact(v.Derivs[i]))
		}
		for _, w := range v.Warnings {
			fmt.Fprintf(&b, "warning: %s\n", w)
		}
	}
	return b.String(), nil
}

// LaTeXOptions are the LaTeX options of a result: its shapes, and the style.
func LaTeXOptions(res *derive.Result, o Options) render.LaTeXOptions {
	dirs := map[string]string{}
	for _, d := range res.Derivs {
		for _, dv := range d.Directions() {
			dirs[dv[0]] = dv[1]
		}
	}
	return render.LaTeXOptions{Shapes: res.Env(), Plain: o.Plain, Dirs: dirs}
}

// LaTeX writes the result as an aligned block (after the steps' blocks,
// with Steps), each block its own display: blocks are separated by a blank
// line, or stacked in a document with Standalone.
func LaTeX(res *derive.Result, o Options) (string, error) {
	bodies, err := LaTeXBlocks(res, o)
	if err != nil {
		return "", err
	}
	if o.Standalone {
		return render.Standalone(bodies...), nil
	}
	return strings.Join(bodies, "\n\n") + "\n", nil
}

// LaTeXBlocks returns LaTeX's displays: the steps' (with Steps), then the
// result's.
func LaTeXBlocks(res *derive.Result, o Options) ([]string, error) {
	lo := LaTeXOptions(res, o)
	var bodies []string
	if o.Steps {
		ds, err := derive.Steps(o.Expr, o.Info, res)
		if err != nil {
			return nil, err
		}
		bodies = append(bodies, render.StepsLaTeXBlocks(ds, res, lo)...)
	}
	return append(bodies, render.LaTeXResult(res, lo)), nil
}

// Shape lists the dimensions of a shape for JSON: names as strings, sizes
// as numbers, [] for a scalar.
func Shape(s ast.Shape) []any {
	out := []any{}
	for _, d := range s.Dims() {
		if d.N > 0 {
			out = append(out, d.N)
		} else {
			out = append(out, d.String())
		}
	}
	return out
}

// A Var is a variable in JSON.
type Var struct {
	Name  string `json:"name"`
	Shape []any  `json:"shape"`
}

// Vars lists the variables of info for JSON.
func Vars(info *ast.Info) []Var {
	out := []Var{}
	for _, v := range info.Vars {
		out = append(out, Var{Name: v.Name, Shape: Shape(v.Shape)})
	}
	return out
}

// Marshal indents v and keeps <, > and & as they are (formulas hold them),
// ending with a newline.
func Marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

type defJSON struct {
	Name  string `json:"name"`
	Text  string `json:"text"`
	LaTeX string `json:"latex"`
	Shape []any  `json:"shape"`
}

type derivJSON struct {
	Wrt   string `json:"wrt"`
	Wrt2  string `json:"wrt2,omitempty"` // the second variable of a mixed block
	Kind  string `json:"kind"`
	Order int    `json:"order"`
	Text  string `json:"text"`
	LaTeX string `json:"latex"`
	Shape []any  `json:"shape"`
	Value any    `json:"value,omitempty"`
	// A differential's direction (dW) and the tensor's dimensions.
	Direction string `json:"direction,omitempty"`
	// A mixed block's second direction (dY), for a second differential.
	Direction2 string `json:"direction2,omitempty"`
	Kronecker  string `json:"kronecker,omitempty"` // ∂vec(F)/∂vec(X)ᵀ, where one exists
	Index      string `json:"index,omitempty"`     // ∂Fᵢⱼ/∂Xₖₗ in index notation, likewise
	Tensor     []any  `json:"tensor,omitempty"`
}

// JSON is the result as one JSON document (docs/cli.md).
func JSON(res *derive.Result, o Options) ([]byte, error) {
	lo := LaTeXOptions(res, o)
	fn := map[string]any{
		"text":  ast.String(res.Func),
		"ascii": ast.ASCII(res.Func),
		"latex": render.LaTeX(res.Func, lo),
		"shape": Shape(res.FuncShape),
	}
	defs := []defJSON{}
	for _, d := range res.Defs {
		defs = append(defs, defJSON{Name: d.Name, Text: ast.String(d.Expr), LaTeX: render.LaTeX(d.Expr, lo), Shape: Shape(d.Shape)})
	}
	derivs := []derivJSON{}
	var v *Values
	if o.At != nil {
		var err error
		if v, err = Evaluate(o.Expr, res, o.At); err != nil {
			return nil, err
		}
		fn["value"] = eval.EncodeJSON(v.Func)
		if len(v.Warnings) > 0 {
			fn["warnings"] = v.Warnings
		}
	}
	for i, d := range res.Derivs {
		dj := derivJSON{Wrt: d.Wrt, Wrt2: d.Wrt2, Kind: string(d.Kind), Order: d.Order, Text: ast.String(d.Expr), LaTeX: render.LaTeX(d.Expr, lo), Shape: Shape(d.Shape)}
		if v != nil {
			dj.Value = eval.EncodeJSON(v.Derivs[i])
			if v.Tensors[i] != nil {
				dj.Value = v.Tensors[i]
			}
		}
		if d.Kind == derive.SecondDifferential {
			dj.Direction, dj.Direction2 = d.Dir, d.Dir2
			dj.Tensor = tensorJSON(d.Tensor)
		}
		if d.Kind == derive.Differential {
			dj.Direction = d.Dir
			if k, ok := derive.Kronecker(d, res.Env()); ok {
				dj.Kronecker = derive.KroneckerString(d, k, res.Env())
				dj.Index = derive.IndexString(k, d.Shape, res.Env()[d.By()], res.Env())
			} else if t, ok := derive.IndexTerms(d, res.Defs, res.Env()); ok {
				dj.Index = derive.IndexTermsString(t)
			}
			dj.Tensor = tensorJSON(d.Tensor)
		}
		derivs = append(derivs, dj)
	}
	doc := struct {
		Input       string      `json:"input"`
		Variables   []Var       `json:"variables"`
		Definitions []defJSON   `json:"definitions"`
		Function    any         `json:"function"`
		Derivatives []derivJSON `json:"derivatives"`
		Notes       []string    `json:"notes,omitempty"`
	}{o.Input, Vars(o.Info), defs, fn, derivs, res.Notes}
	return Marshal(doc)
}

// tensorDims returns the dimensions of a tensor derivative's nested
// arrays, d.Tensor at the sizes of env: the function's indices, then the
// variables' (a vector has one, a scalar none). Where a size is unknown,
// the layout t's rows and columns.
func tensorDims(res *derive.Result, d derive.Deriv, t *mat.Dense, env *eval.Env) []int {
	sizes, _ := eval.BindSizes(res.Vars, env.Vars)
	r, c := t.Dims()
	dims, n := []int{}, 1
	for _, dm := range d.Tensor {
		k := dm.N
		if k == 0 {
			k = sizes[dm.Name]
		}
		if k == 0 {
			k = env.Sizes[dm.Name]
		}
		dims, n = append(dims, k), n*k
	}
	if n != r*c || n == 0 {
		return []int{r, c}
	}
	return dims
}

// tensorJSON lists a tensor's dimensions for JSON, as Shape does.
func tensorJSON(t ast.Tensor) []any {
	out := []any{}
	for _, d := range t {
		if d.N > 0 {
			out = append(out, d.N)
		} else {
			out = append(out, d.String())
		}
	}
	return out
}
