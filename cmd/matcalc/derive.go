package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/derive"
	"github.com/matcalc/matcalc/parser"
	"github.com/matcalc/matcalc/render"
	"github.com/matcalc/matcalc/render/gocode"
	"github.com/matcalc/matcalc/render/pycode"
	"github.com/matcalc/matcalc/report"
	"github.com/spf13/cobra"
)

type deriveOptions struct {
	common
	wrt        []string
	block      []string
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
layout; --order 2 gives the Hessian of a scalar by a vector, and second
derivatives that are tensors by their differentials (d(∂s/∂X), d²s = d(ds)).`,
		Example: `  matcalc derive 'uᵀf(Wx+b)'
  matcalc derive 'uᵀf(Wx+b)' --wrt b --steps
  matcalc derive 'xᵀAx' --wrt x --order 2
  matcalc derive '‖Ax−b‖² + λ‖x‖²' --wrt x --at '{"A":[[1,2],[3,4]],"b":[1,0],"x":[0.5,-1],"λ":0.1}'
  matcalc derive 'uᵀσ(Wx+b)' --format latex --standalone > grad.tex
  matcalc derive -f model.mc --format go -o grad.go
  matcalc derive -f model.mc --format torch -o grad.py
  matcalc derive -- '-yᵀlog(softmax(θ))' --wrt θ`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.run(cmd, args)
		},
	}
	o.addLet(cmd)
	o.addAt(cmd, "evaluate at these values: inline JSON '{…}', 'x=1,y=2', a JSON file, or - for stdin")
	o.addFun(cmd)
	o.addTimeout(cmd)
	fl := cmd.Flags()
	fl.StringSliceVar(&o.wrt, "wrt", nil, "variables to differentiate by, in order (default: every variable)")
	fl.IntVar(&o.order, "order", 0, "1 for first derivatives, 2 for second derivatives (default 1)")
	fl.StringSliceVar(&o.block, "block", nil, "one mixed block of the second derivative: x,b for ∂²s/∂x∂b")
	fl.BoolVar(&o.steps, "steps", false, "show the derivation: each Jacobian of the chain, their product, the rewrites")
	fl.StringVar(&o.format, "format", "text", "output format: text, latex, go, numpy, torch or json")
	fl.StringVarP(&o.output, "output", "o", "", "write to this file (atomically) instead of stdout")
	fl.StringVarP(&o.file, "file", "f", "", "read declarations, definitions and derive requests from a formula file (.mc)")
	fl.StringVar(&o.pkg, "package", "grad", "Go package name (--format go)")
	fl.StringVar(&o.fn, "func", "", "function name (--format go: default F, or the formula file's function name; numpy, torch: default f)")
	fl.BoolVar(&o.workspace, "workspace", false, "also emit a workspace type whose method allocates nothing after the first call (--format go)")
	fl.BoolVar(&o.standalone, "standalone", false, "wrap the LaTeX in a complete document for pdflatex (--format latex)")
	fl.StringVar(&o.style, "style", "bold", "LaTeX style: bold (vectors and matrices in bold) or plain")
	return cmd
}

func (o *deriveOptions) run(cmd *cobra.Command, args []string) error {
	switch o.format {
	case "text", "latex", "go", "json", "numpy", "torch":
	default:
		return usagef("--format %q: use text, latex, go, numpy, torch or json", o.format)
	}
	if o.style != "bold" && o.style != "plain" {
		return usagef("--style %q: use bold or plain", o.style)
	}
	if o.order != 0 && o.order != 1 && o.order != 2 {
		return usagef("--order %d: use 1 or 2", o.order)
	}
	if err := o.flagsForFormat(cmd); err != nil {
		return err
	}
	fs, err := o.loadRequests(cmd, args, o.file, o.wrt)
	if err != nil {
		return err
	}
	if len(fs) > 1 && (o.format == "go" || o.format == "numpy" || o.format == "torch") {
		var lines []string
		for _, f := range fs {
			lines = append(lines, fmt.Sprint(f.reqLine))
		}
		return usagef("%s has %d derive requests (lines %s) and --format %s writes one function: keep one request in the file, or use --format text, latex or json", o.file, len(fs), strings.Join(lines, ", "), o.format)
	}
	var out []byte
	var docs []json.RawMessage
	var blocks []string
	for i, f := range fs {
		b, err := o.deriveOne(cmd, f)
		if err != nil {
			if len(fs) > 1 {
				return fmt.Errorf("%s:%d: derive %s: %w", o.file, f.reqLine, f.funcName, err)
			}
			return err
		}
		switch {
		case o.format == "json":
			docs = append(docs, b)
		case o.format == "latex" && o.standalone:
			blocks = append(blocks, string(b))
		case i > 0:
			out = append(append(out, '\n'), b...)
		default:
			out = b
		}
	}
	switch {
	case o.format == "json" && len(docs) == 1:
		out = docs[0]
	case o.format == "json":
		if out, err = report.Marshal(docs); err != nil {
			return err
		}
	case o.format == "latex" && o.standalone:
		out = []byte(render.Standalone(blocks...))
	}
	return writeOutput(cmd, o.output, out)
}

// deriveOne derives one formula in the chosen format; with --standalone,
// LaTeX comes as bare displays separated by blank lines, for the caller
// to wrap once.
func (o *deriveOptions) deriveOne(cmd *cobra.Command, f *formula) ([]byte, error) {
	order := o.order
	if order == 0 {
		order = f.order
	}
	ctx, cancel := o.context(cmd)
	defer cancel()
	opts := derive.Options{Wrt: f.wrt, Order: order, FuncName: f.funcName, Names: f.names}
	if len(o.block) > 0 {
		block, err := canonicalWrt(o.block)
		if err != nil {
			return nil, err
		}
		opts.Block = block
	}
	code := o.format == "go" || o.format == "numpy" || o.format == "torch"
	if code && order == 2 && len(f.wrt) != 1 {
		// Code output writes the Hessian's diagonal blocks only.
		opts.NoMixed = true
		fmt.Fprintf(cmd.ErrOrStderr(), "matcalc: --format %s writes the second derivative by each variable, not the mixed blocks ∂²%s/∂x∂y (text, latex and json give them)\n", o.format, f.funcName)
	}
	res, err := derive.DeriveContext(ctx, f.expr, f.info, opts)
	if err != nil {
		return nil, o.timeoutErr(err)
	}
	if code && len(f.wrt) == 0 && len(opts.Block) == 0 {
		// Code output leaves out the tensor derivatives, with a word,
		// unless they were asked for by name: a tensor's matrix may be
		// large (Go writes it), or not written yet (Python).
		opts.Context = ctx
		kept, left, err := derive.WithoutTensors(f.expr, f.info, res, opts)
		if err != nil {
			return nil, o.timeoutErr(err)
		}
		for _, d := range left {
			hint := "text, latex and json give its differential"
			if o.format == "go" && d.Kind == derive.Differential {
				hint = fmt.Sprintf("with --wrt %s, Go output writes it in vec layout, and a function of its directional derivative along %s", d.Wrt, d.Dir)
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "matcalc: %s is a tensor (%v): --format %s leaves it out (%s)\n", d.Label(res.FuncName), d.Tensor, o.format, hint)
		}
		if kept == nil {
			return nil, fmt.Errorf("every derivative of %s is a tensor, which --format %s does not write yet: text, latex and json give their differentials", f.funcName, o.format)
		}
		res = kept
	}
	res.Input = f.src
	ro := report.Options{Expr: f.expr, Info: f.info, Input: f.src, Steps: o.steps, Plain: o.style == "plain"}
	if f.vals != nil {
		if ro.At, err = f.env(); err != nil {
			return nil, err
		}
	}
	switch o.format {
	case "text":
		s, err := report.Text(res, ro)
		return []byte(s), err
	case "json":
		return report.JSON(res, ro)
	case "latex":
		if o.standalone {
			bodies, err := report.LaTeXBlocks(res, ro)
			return []byte(strings.Join(bodies, "\n\n")), err
		}
		s, err := report.LaTeX(res, ro)
		return []byte(s), err
	case "numpy", "torch":
		funcs, err := o.bindings()
		if err != nil {
			return nil, err
		}
		dialect := pycode.NumPy
		if o.format == "torch" {
			dialect = pycode.Torch
		}
		return pycode.Generate(res, pycode.Options{Func: o.fn, Funcs: funcs, Dialect: dialect})
	}
	name := o.fn
	if name == "" {
		name = "F"
		if o.file != "" && f.funcName != "" {
			name = goExported(f.funcName)
		}
	}
	funcs, err := o.bindings()
	if err != nil {
		return nil, err
	}
	return gocode.Generate(res, gocode.Options{Package: o.pkg, Func: name, Workspace: o.workspace, Funcs: funcs})
}

// flagsForFormat refuses a flag that does nothing with the chosen format,
// rather than ignore it: --steps shows in text and LaTeX, --at in text and
// JSON, --workspace and --package are Go's, --standalone and --style LaTeX's.
func (o *deriveOptions) flagsForFormat(cmd *cobra.Command) error {
	uses := map[string][]string{
		"steps":      {"text", "latex"},
		"at":         {"text", "json"},
		"workspace":  {"go"},
		"package":    {"go"},
		"standalone": {"latex"},
		"style":      {"latex", "json"},
	}
	for _, name := range []string{"steps", "at", "workspace", "package", "standalone", "style"} {
		formats := uses[name]
		if cmd.Flags().Changed(name) && !slices.Contains(formats, o.format) {
			return usagef("--%s does nothing with --format %s: it is for --format %s", name, o.format, strings.Join(formats, " or "))
		}
	}
	return nil
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
