package main

import (
	"fmt"
	"strings"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/derive"
	"github.com/matcalc/matcalc/eval"
	"github.com/matcalc/matcalc/parser"
	"github.com/matcalc/matcalc/render"
	"github.com/spf13/cobra"
	"gonum.org/v1/gonum/mat"
)

type deriveOptions struct {
	common
	wrt        []string
	order      int
	steps      bool
	format     string
	output     string
	file       string
	pkg        string
	fn         string
	workspace  bool
	standalone bool
	style      string
}

func newCmdDerive() *cobra.Command {
	o := &deriveOptions{}
	cmd := &cobra.Command{
		Use:   "derive EXPR | -f FILE",
		Short: "Derive gradients, Jacobians and Hessians, simplified, with shared pieces named",
		Long: `derive differentiates a formula by the chain rule on Jacobians and simplifies
the result: diagonal products become Hadamard products, identities and zeros
vanish, and pieces used more than once are named once (z = Wx + b, δ = u ∘ f′(z)).
Gradients of scalars have the shape of the variable; Jacobians are in numerator
layout; --order 2 gives the Hessian of a scalar by a vector.`,
		Example: `  matcalc derive 'uᵀf(Wx+b)'
  matcalc derive 'uᵀf(Wx+b)' --wrt b --steps
  matcalc derive 'xᵀAx' --wrt x --order 2
  matcalc derive '‖Ax−b‖² + λ‖x‖²' --wrt x --at '{"A":[[1,2],[3,4]],"b":[1,0],"x":[0.5,-1],"λ":0.1}'
  matcalc derive 'uᵀσ(Wx+b)' --format latex --standalone > grad.tex
  matcalc derive -f model.mc --format go -o grad.go
  matcalc derive -- '-yᵀlog(softmax(θ))' --wrt θ`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.run(cmd, args)
		},
	}
	o.addLet(cmd)
	o.addAt(cmd, "evaluate at these values: inline JSON '{…}', 'x=1,y=2', a JSON file, or - for stdin")
	o.addFun(cmd)
	fl := cmd.Flags()
	fl.StringSliceVar(&o.wrt, "wrt", nil, "variables to differentiate by, in order (default: every variable)")
	fl.IntVar(&o.order, "order", 0, "1 for first derivatives, 2 for the Hessian (default 1)")
	fl.BoolVar(&o.steps, "steps", false, "show the derivation: each Jacobian of the chain, their product, the rewrites")
	fl.StringVar(&o.format, "format", "text", "output format: text, latex, go or json")
	fl.StringVarP(&o.output, "output", "o", "", "write to this file (atomically) instead of stdout")
	fl.StringVarP(&o.file, "file", "f", "", "read declarations, definitions and derive requests from a formula file (.mc)")
	fl.StringVar(&o.pkg, "package", "grad", "Go package name (--format go)")
	fl.StringVar(&o.fn, "func", "", "Go function name (--format go; default F, or the formula file's function name)")
	fl.BoolVar(&o.workspace, "workspace", false, "also emit a workspace type whose method allocates nothing after the first call (--format go)")
	fl.BoolVar(&o.standalone, "standalone", false, "wrap the LaTeX in a complete document for pdflatex (--format latex)")
	fl.StringVar(&o.style, "style", "bold", "LaTeX style: bold (vectors and matrices in bold) or plain")
	return cmd
}

func (o *deriveOptions) run(cmd *cobra.Command, args []string) error {
	switch o.format {
	case "text", "latex", "go", "json":
	default:
		return usagef("--format %q: use text, latex, go or json", o.format)
	}
	if o.style != "bold" && o.style != "plain" {
		return usagef("--style %q: use bold or plain", o.style)
	}
	if o.order != 0 && o.order != 1 && o.order != 2 {
		return usagef("--order %d: use 1 or 2", o.order)
	}
	f, wrt, err := o.loadRequest(cmd, args, o.file, o.wrt)
	if err != nil {
		return err
	}
	order := o.order
	if order == 0 {
		order = f.order
	}
	for _, w := range wrt {
		if f.info.Var(w) == nil {
			return fmt.Errorf("unknown variable %s in --wrt: the formula's variables are %s", w, varNames(f.info))
		}
	}
	res, err := derive.Derive(f.expr, f.info, derive.Options{Wrt: wrt, Order: order, FuncName: f.funcName})
	if err != nil {
		return err
	}
	res.Input = f.src
	var out []byte
	switch o.format {
	case "text":
		out, err = o.text(f, res, order)
	case "json":
		out, err = o.json(f, res)
	case "latex":
		out, err = o.latex(f, res, order)
	case "go":
		name := o.fn
		if name == "" {
			name = "F"
			if o.file != "" && f.funcName != "" {
				name = goExported(f.funcName)
			}
		}
		out, err = render.Go(res, render.GoOptions{Package: o.pkg, Func: name, Workspace: o.workspace})
	}
	if err != nil {
		return err
	}
	return writeOutput(cmd, o.output, out)
}

func varNames(info *ast.Info) string {
	var names []string
	for _, v := range info.Vars {
		names = append(names, v.Name)
	}
	return strings.Join(names, ", ")
}

// goExported makes a formula-file function name into an exported Go name.
func goExported(name string) string {
	n := ast.ASCIIName(name)
	if n == "" {
		return "F"
	}
	return strings.ToUpper(n[:1]) + n[1:]
}

func readAll(cmd *cobra.Command) ([]byte, error) {
	return readLimited(cmd.InOrStdin(), "stdin", parser.MaxSourceBytes)
}

// partial writes ∂s/∂x, or ∂²s/∂x² for a second derivative.
func partial(fn, wrt string, order int) string {
	if order == 2 {
		return fmt.Sprintf("∂²%s/∂%s²", fn, wrt)
	}
	return fmt.Sprintf("∂%s/∂%s", fn, wrt)
}

// values evaluates the function and every derivative at the --at point.
type values struct {
	fn     *mat.Dense
	derivs []*mat.Dense
	// warnings say where a value that is NaN or ±Inf first appeared.
	warnings []string
}

func evaluate(f *formula, res *derive.Result) (*values, error) {
	env, err := f.env()
	if err != nil {
		return nil, err
	}
	var v values
	if v.fn, err = eval.EvalAs(f.expr, env, res.FuncShape); err != nil {
		return nil, fmt.Errorf("evaluating %s: %v", ast.String(f.expr), err)
	}
	if w := eval.NonFiniteWarning(res.FuncName, f.expr, v.fn, env, res.FuncShape); w != "" {
		v.warnings = append(v.warnings, w)
	}
	for _, d := range res.Derivs {
		x, err := evalDeriv(res, d, env)
		if err != nil {
			return nil, fmt.Errorf("evaluating ∂%s/∂%s: %v", res.FuncName, d.Wrt, err)
		}
		v.derivs = append(v.derivs, x)
		if w := eval.NonFiniteWarning(partial(res.FuncName, d.Wrt, d.Order), res.Expand(d.Expr), x, env, d.Shape); w != "" {
			v.warnings = append(v.warnings, w)
		}
	}
	return &v, nil
}

// evalDeriv evaluates a derivative in its shape; the number 0 stands for a
// zero of that shape.
func evalDeriv(res *derive.Result, d derive.Deriv, env *eval.Env) (*mat.Dense, error) {
	return eval.EvalShaped(res.Expand(d.Expr), env, d.Shape)
}

func (o *deriveOptions) text(f *formula, res *derive.Result, order int) ([]byte, error) {
	var b strings.Builder
	if o.steps {
		st, err := stepsText(f, res)
		if err != nil {
			return nil, err
		}
		b.WriteString(st)
	}
	for _, d := range res.Defs {
		fmt.Fprintf(&b, "%s = %s\n", d.Name, ast.String(d.Expr))
	}
	fmt.Fprintf(&b, "%s = %s\n", res.FuncName, ast.String(res.Func))
	if len(res.Derivs) > 0 {
		b.WriteString("\n")
	}
	for _, d := range res.Derivs {
		fmt.Fprintf(&b, "%s = %s\n", partial(res.FuncName, d.Wrt, d.Order), ast.String(d.Expr))
	}
	if f.vals != nil {
		v, err := evaluate(f, res)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(&b, "\nat the given values:\n%s = %s\n", res.FuncName, eval.Compact(v.fn))
		for i, d := range res.Derivs {
			fmt.Fprintf(&b, "%s = %s\n", partial(res.FuncName, d.Wrt, d.Order), eval.Compact(v.derivs[i]))
		}
		for _, w := range v.warnings {
			fmt.Fprintf(&b, "warning: %s\n", w)
		}
	}
	return []byte(b.String()), nil
}

func (o *deriveOptions) latexOptions(res *derive.Result) render.LaTeXOptions {
	return render.LaTeXOptions{Shapes: res.Env(), Plain: o.style == "plain"}
}

// latex writes the result as an aligned block (after the steps' blocks,
// with --steps), each block its own display: blocks are separated by a
// blank line, or stacked in a document with --standalone.
func (o *deriveOptions) latex(f *formula, res *derive.Result, order int) ([]byte, error) {
	var bodies []string
	if o.steps {
		st, err := stepsLaTeX(f, res, o.latexOptions(res))
		if err != nil {
			return nil, err
		}
		bodies = append(bodies, st...)
	}
	bodies = append(bodies, render.LaTeXResult(res, o.latexOptions(res)))
	if o.standalone {
		return []byte(render.Standalone(bodies...)), nil
	}
	return []byte(strings.Join(bodies, "\n\n") + "\n"), nil
}

type defJSON struct {
	Name  string `json:"name"`
	Text  string `json:"text"`
	LaTeX string `json:"latex"`
	Shape []any  `json:"shape"`
}

type derivJSON struct {
	Wrt   string `json:"wrt"`
	Kind  string `json:"kind"`
	Order int    `json:"order"`
	Text  string `json:"text"`
	LaTeX string `json:"latex"`
	Shape []any  `json:"shape"`
	Value any    `json:"value,omitempty"`
}

func (o *deriveOptions) json(f *formula, res *derive.Result) ([]byte, error) {
	lo := o.latexOptions(res)
	fn := map[string]any{
		"text":  ast.String(res.Func),
		"ascii": ast.ASCII(res.Func),
		"latex": render.LaTeX(res.Func, lo),
		"shape": shapeJSON(res.FuncShape),
	}
	defs := []defJSON{}
	for _, d := range res.Defs {
		defs = append(defs, defJSON{Name: d.Name, Text: ast.String(d.Expr), LaTeX: render.LaTeX(d.Expr, lo), Shape: shapeJSON(d.Shape)})
	}
	derivs := []derivJSON{}
	var v *values
	if f.vals != nil {
		var err error
		if v, err = evaluate(f, res); err != nil {
			return nil, err
		}
		fn["value"] = eval.EncodeJSON(v.fn)
		if len(v.warnings) > 0 {
			fn["warnings"] = v.warnings
		}
	}
	for i, d := range res.Derivs {
		dj := derivJSON{Wrt: d.Wrt, Kind: string(d.Kind), Order: d.Order, Text: ast.String(d.Expr), LaTeX: render.LaTeX(d.Expr, lo), Shape: shapeJSON(d.Shape)}
		if v != nil {
			dj.Value = eval.EncodeJSON(v.derivs[i])
		}
		derivs = append(derivs, dj)
	}
	doc := struct {
		Input       string      `json:"input"`
		Variables   []varJSON   `json:"variables"`
		Definitions []defJSON   `json:"definitions"`
		Function    any         `json:"function"`
		Derivatives []derivJSON `json:"derivatives"`
	}{f.src, varsJSON(f.info), defs, fn, derivs}
	return marshalJSON(doc)
}
