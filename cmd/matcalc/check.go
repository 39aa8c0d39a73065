package main

import (
	"fmt"

	"github.com/matcalc/matcalc/check"
	"github.com/spf13/cobra"
)

type checkOptions struct {
	common
	wrt    []string
	block  []string
	order  int
	file   string
	seed   uint64
	trials int
	tol    float64
}

func newCmdCheck() *cobra.Command {
	o := &checkOptions{}
	cmd := &cobra.Command{
		Use:   "check EXPR [--at VALUES | --seed N]",
		Short: "Compare every symbolic derivative with central finite differences",
		Long: `check derives the formula, evaluates every derivative at the given values or
at random points, and compares it with central finite differences of the
formula. It prints the largest relative error per variable and exits with
status 1 when one is above the tolerance. Generic functions (f, g, …) are
evaluated as built-ins: choose which with --fun, else f=tanh, g=sin, h=σ,
φ=softplus, ψ=exp.`,
		Example: `  matcalc check 'uᵀf(Wx+b)'
  matcalc check '‖Ax−b‖² + λ‖x‖²' --trials 10 --seed 7
  matcalc check 'xᵀAx' --order 2
  matcalc check 'logdet(X)' --at '{"X":[[2,1],[1,3]]}'`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.run(cmd, args)
		},
	}
	o.addLet(cmd)
	o.addAt(cmd, "check at these values instead of random points")
	o.addFun(cmd)
	o.addTimeout(cmd)
	fl := cmd.Flags()
	fl.StringSliceVar(&o.wrt, "wrt", nil, "variables to check (default: every variable)")
	fl.IntVar(&o.order, "order", 1, "1 for first derivatives, 2 for second derivatives")
	fl.StringSliceVar(&o.block, "block", nil, "check one mixed block of the second derivative: x,b for ∂²s/∂x∂b")
	fl.StringVarP(&o.file, "file", "f", "", "check the request of a formula file (.mc)")
	fl.Uint64Var(&o.seed, "seed", 1, "seed of the random points")
	fl.IntVar(&o.trials, "trials", 3, "number of random points")
	fl.Float64Var(&o.tol, "tol", 1e-6, "largest relative error accepted")
	return cmd
}

func (o *checkOptions) run(cmd *cobra.Command, args []string) error {
	if o.trials < 1 {
		return usagef("--trials must be at least 1")
	}
	if !(o.tol > 0) {
		return usagef("--tol must be positive, not %g", o.tol)
	}
	if o.order != 1 && o.order != 2 {
		return usagef("--order %d: use 1 or 2", o.order)
	}
	fs, err := o.loadRequests(cmd, args, o.file, o.wrt)
	if err != nil {
		return err
	}
	failed := false
	for i, f := range fs {
		order := o.order
		if f.order == 2 && !cmd.Flags().Changed("order") {
			order = 2
		}
		opts := check.Options{Wrt: f.wrt, Order: order, FuncName: f.funcName, Trials: o.trials, Seed: o.seed, Tol: o.tol, Funcs: f.funcs}
		if len(o.block) > 0 {
			if opts.Block, err = canonicalWrt(o.block); err != nil {
				return err
			}
			opts.Order = 2
		}
		if f.vals != nil {
			if opts.At, err = f.env(); err != nil {
				return err
			}
		}
		ctx, cancel := o.context(cmd)
		opts.Context = ctx
		rep, err := check.Run(f.expr, f.info, opts)
		cancel()
		if err != nil {
			err = o.timeoutErr(err)
			if len(fs) > 1 {
				return fmt.Errorf("%s:%d: check %s: %w", o.file, f.reqLine, f.funcName, err)
			}
			return err
		}
		if i > 0 {
			fmt.Fprintln(cmd.OutOrStdout())
		}
		fmt.Fprint(cmd.OutOrStdout(), rep.Text())
		failed = failed || rep.Failed()
	}
	if failed {
		return errCheckFailed
	}
	return nil
}
