package main

import (
	"fmt"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/eval"
	"github.com/matcalc/matcalc/report"
	"github.com/spf13/cobra"
)

type evalOptions struct {
	common
	format string
}

func newCmdEval() *cobra.Command {
	o := &evalOptions{}
	cmd := &cobra.Command{
		Use:   "eval EXPR --at VALUES",
		Short: "Evaluate a formula at given values",
		Example: `  matcalc eval '(x+y)*max(y,z)' --at 'x=1,y=2,z=0'
  matcalc eval 'xᵀAx' --at '{"x":[1,2],"A":[[1,0],[0,2]]}'
  matcalc eval 'uᵀf(Wx+b)' --fun f=tanh --at vals.json --format json`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.run(cmd, args)
		},
	}
	o.addLet(cmd)
	o.addAt(cmd, "the values: inline JSON '{…}', 'x=1,y=2', a JSON file, or - for stdin (required)")
	o.addFun(cmd)
	cmd.Flags().StringVar(&o.format, "format", "text", "output format: text or json")
	return cmd
}

func (o *evalOptions) run(cmd *cobra.Command, args []string) error {
	if o.format != "text" && o.format != "json" {
		return usagef("--format %q: use text or json", o.format)
	}
	if o.at == "" {
		return usagef("eval needs --at VALUES")
	}
	f, err := o.loadArg(cmd, args)
	if err != nil {
		return err
	}
	env, err := f.env()
	if err != nil {
		return err
	}
	shape := f.info.Shapes[f.expr]
	v, err := eval.EvalAs(f.expr, env, shape)
	if err != nil {
		return err
	}
	warning := eval.NonFiniteWarning(ast.String(f.expr), f.expr, v, env, shape)
	if o.format == "text" {
		if warning != "" {
			fmt.Fprintln(cmd.ErrOrStderr(), "matcalc: warning: "+warning)
		}
		_, err = fmt.Fprintln(cmd.OutOrStdout(), eval.Compact(v))
		return err
	}
	val := eval.EncodeJSON(v)
	r, c := v.Dims()
	doc := map[string]any{
		"input":     f.src,
		"variables": report.Vars(f.info),
		"function": map[string]any{
			"text":  ast.String(f.expr),
			"ascii": ast.ASCII(f.expr),
			"shape": report.Shape(ast.Shape{Rows: ast.Size(r), Cols: ast.Size(c)}),
			"value": val,
		},
	}
	if warning != "" {
		doc["warning"] = warning
	}
	b, err := report.Marshal(doc)
	if err != nil {
		return err
	}
	_, err = cmd.OutOrStdout().Write(b)
	return err
}
