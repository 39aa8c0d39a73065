package main

import (
	"bytes"
	"fmt"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/eval"

	"github.com/matcalc/matcalc/graph"
	"github.com/matcalc/matcalc/render"
	"github.com/spf13/cobra"
)

type backpropOptions struct {
	common
	format string
	output string
}

func newCmdBackprop() *cobra.Command {
	o := &backpropOptions{}
	cmd := &cobra.Command{
		Use:   "backprop EXPR --at VALUES",
		Short: "Show the computational graph with forward values and backward gradients",
		Long: `backprop builds the computational graph of the formula (one node per
operation; shared subexpressions are one node), runs the forward pass at the
given values, then the backward pass from the output's gradient 1: each gate
hands its inputs the upstream gradient times its local gradient, and a node
that feeds several others sums what comes back.`,
		Example: `  matcalc backprop '(x+y)*max(y,z)' --at 'x=1,y=2,z=0'
  matcalc backprop 'x^3' --at 'x=4'
  matcalc backprop 'uᵀσ(Wx+b)' --at vals.json --format json
  matcalc backprop '(x+y)*max(y,z)' --at 'x=1,y=2,z=0' --format svg -o graph.svg`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.run(cmd, args)
		},
	}
	o.addLet(cmd)
	o.addAt(cmd, "the values: inline JSON '{…}', 'x=1,y=2', a JSON file, or - for stdin (required)")
	o.addFun(cmd)
	cmd.Flags().StringVar(&o.format, "format", "table", "output format: table, json, dot or svg")
	cmd.Flags().StringVarP(&o.output, "output", "o", "", "write to this file (atomically) instead of stdout")
	return cmd
}

func (o *backpropOptions) run(cmd *cobra.Command, args []string) error {
	switch o.format {
	case "table", "json", "dot", "svg":
	default:
		return usagef("--format %q: use table, json, dot or svg", o.format)
	}
	if o.at == "" {
		return usagef("backprop needs --at VALUES")
	}
	f, err := o.loadArg(cmd, args)
	if err != nil {
		return err
	}
	env, err := f.env()
	if err != nil {
		return err
	}
	g, err := graph.Build(f.expr, f.info)
	if err != nil {
		return err
	}
	if err := g.Forward(env); err != nil {
		return err
	}
	if err := g.Backward(); err != nil {
		return err
	}
	// Values that are NaN or ±Inf are warned about as eval and derive do:
	// the formula's where it first appeared, each gradient's where the
	// backward pass first made it so.
	out := g.Nodes[g.Output]
	warnings := g.GradientWarnings()
	if w := eval.NonFiniteWarning(ast.String(f.expr), f.expr, out.Value, env, f.info.Shapes[f.expr]); w != "" {
		warnings = append([]string{w}, warnings...)
	}
	for _, w := range warnings {
		fmt.Fprintln(cmd.ErrOrStderr(), "matcalc: warning: "+w)
	}
	var text []byte
	switch o.format {
	case "table":
		var b bytes.Buffer
		if err := g.WriteTable(&b); err != nil {
			return err
		}
		text = b.Bytes()
	case "json":
		if text, err = g.JSON(); err != nil {
			return err
		}
		text = append(text, '\n')
	case "dot":
		text = []byte(render.DOT(g))
	case "svg":
		if text, err = render.SVG(g); err != nil {
			return err
		}
	}
	return writeOutput(cmd, o.output, text)
}
