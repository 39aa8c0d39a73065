package main

import (
	"fmt"
	"strings"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/check"
	"github.com/matcalc/matcalc/render"
	"github.com/matcalc/matcalc/report"
	"github.com/spf13/cobra"
)

type parseOptions struct {
	common
	format string
}

func newCmdParse() *cobra.Command {
	o := &parseOptions{}
	cmd := &cobra.Command{
		Use:   "parse EXPR",
		Short: "Show a formula's canonical form and the shape of every variable",
		Long: `parse reads a formula in Unicode or ASCII notation, prints its canonical
Unicode and ASCII forms, and infers the shape of every variable.`,
		Example: `  matcalc parse 'uᵀf(Wx+b)'
  matcalc parse "u'*f(W*x+b)" --format json
  matcalc parse 'xᵀAx' --let 'x: vector(3)'
  echo '‖Ax−b‖² + λ‖x‖²' | matcalc parse -`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.run(cmd, args)
		},
	}
	o.addLet(cmd)
	cmd.Flags().StringVar(&o.format, "format", "text", "output format: text or json")
	return cmd
}

// declText writes a variable's shape as the declaration that gives it.
func declText(v ast.VarInfo) string {
	s := v.Shape
	switch {
	case s.IsScalar():
		return v.Name + ": scalar"
	case v.Symmetric:
		return fmt.Sprintf("%s: symmetric(%v)", v.Name, s.Rows)
	case s.IsVector():
		return fmt.Sprintf("%s: vector(%v)", v.Name, s.Rows)
	}
	return fmt.Sprintf("%s: matrix(%v,%v)", v.Name, s.Rows, s.Cols)
}

func (o *parseOptions) run(cmd *cobra.Command, args []string) error {
	if o.format != "text" && o.format != "json" {
		return usagef("--format %q: use text or json", o.format)
	}
	f, err := o.loadArg(cmd, args)
	if err != nil {
		return err
	}
	shape := f.info.Shapes[f.expr]
	out := cmd.OutOrStdout()
	if o.format == "json" {
		doc := map[string]any{
			"input":     f.src,
			"variables": report.Vars(f.info),
			"function": map[string]any{
				"text":  ast.String(f.expr),
				"ascii": ast.ASCII(f.expr),
				"latex": render.LaTeX(f.expr, render.LaTeXOptions{Shapes: f.info.Env()}),
				"shape": report.Shape(shape),
			},
		}
		b, err := report.Marshal(doc)
		if err != nil {
			return err
		}
		_, err = out.Write(b)
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", ast.String(f.expr))
	fmt.Fprintf(&b, "ascii: %s\n", ast.ASCII(f.expr))
	fmt.Fprintf(&b, "shape: %v\n", shape)
	if len(f.info.Vars) > 0 {
		b.WriteString("variables:\n")
		for _, v := range f.info.Vars {
			fmt.Fprintf(&b, "  %s\n", declText(v))
		}
	}
	if fs := check.GenericFuncs(f.expr); len(fs) > 0 {
		fmt.Fprintf(&b, "functions: %s (generic, elementwise)\n", strings.Join(fs, ", "))
	}
	_, err = fmt.Fprint(out, b.String())
	return err
}
