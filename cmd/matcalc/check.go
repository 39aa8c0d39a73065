package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/derive"
	"github.com/matcalc/matcalc/eval"
	"github.com/spf13/cobra"
	"gonum.org/v1/gonum/mat"
)

type checkOptions struct {
	common
	wrt    []string
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
	fl := cmd.Flags()
	fl.StringSliceVar(&o.wrt, "wrt", nil, "variables to check (default: every variable)")
	fl.IntVar(&o.order, "order", 1, "1 for first derivatives, 2 for Hessians")
	fl.StringVarP(&o.file, "file", "f", "", "check the request of a formula file (.mc)")
	fl.Uint64Var(&o.seed, "seed", 1, "seed of the random points")
	fl.IntVar(&o.trials, "trials", 3, "number of random points")
	fl.Float64Var(&o.tol, "tol", 1e-6, "largest relative error accepted")
	return cmd
}

var defaultBindings = []string{"tanh", "sin", "σ", "softplus", "exp"}

func (o *checkOptions) run(cmd *cobra.Command, args []string) error {
	if o.trials < 1 {
		return usagef("--trials must be at least 1")
	}
	if o.order != 1 && o.order != 2 {
		return usagef("--order %d: use 1 or 2", o.order)
	}
	f, wrt, err := o.loadRequest(cmd, args, o.file, o.wrt)
	if err != nil {
		return err
	}
	if f.order == 2 && !cmd.Flags().Changed("order") {
		o.order = 2
	}
	res, err := derive.Derive(f.expr, f.info, derive.Options{Wrt: wrt, Order: o.order, NoShare: true, FuncName: f.funcName})
	if err != nil {
		return err
	}
	var bound []string
	for i, g := range genericFuncs(f.expr) {
		if _, ok := f.funcs[g]; !ok {
			f.funcs[g] = defaultBindings[i%len(defaultBindings)]
			bound = append(bound, g+"="+f.funcs[g])
		}
	}
	// The Hessian is compared with finite differences of the gradient,
	// itself checked against the formula at order 1.
	var grads map[string]ast.Expr
	if o.order == 2 {
		grads = map[string]ast.Expr{}
		var gw []string
		for _, d := range res.Derivs {
			gw = append(gw, d.Wrt)
		}
		g1, err := derive.Derive(f.expr, f.info, derive.Options{Wrt: gw, NoShare: true})
		if err != nil {
			return err
		}
		for _, d := range g1.Derivs {
			grads[d.Wrt] = d.Expr
		}
	}
	worst := make([]float64, len(res.Derivs))
	points := 0
	trials := o.trials
	if f.vals != nil {
		trials = 1
	}
	rng := rand.New(rand.NewPCG(o.seed, 0x6d6174))
	for t := 0; t < trials; t++ {
		var env *eval.Env
		if f.vals != nil {
			if env, err = f.env(); err != nil {
				return err
			}
		} else {
			env = o.randomPoint(f, rng, res)
			if env == nil {
				return fmt.Errorf("could not find a point where %s and its derivatives can be evaluated (a singular matrix at every point tried?)", ast.String(f.expr))
			}
		}
		points++
		for i, d := range res.Derivs {
			got, err := evalDeriv(res, d, env)
			if err != nil {
				return fmt.Errorf("∂%s/∂%s: %v", res.FuncName, d.Wrt, err)
			}
			var want *mat.Dense
			if d.Order == 2 {
				want, err = eval.CentralDiff(grads[d.Wrt], env, d.Wrt)
			} else {
				want, err = eval.CentralDiff(f.expr, env, d.Wrt)
			}
			if err != nil {
				return fmt.Errorf("finite differences by %s: %v", d.Wrt, err)
			}
			if v := f.info.Var(d.Wrt); v != nil && v.Symmetric && d.Order == 1 {
				// The gradient by a symmetric matrix is the symmetric
				// part of the unconstrained one (docs/conventions.md).
				want = eval.SymmetricPart(want)
			}
			e := eval.RelErr(got, want)
			if math.IsNaN(e) {
				e = math.Inf(1)
			}
			worst[i] = math.Max(worst[i], e)
		}
	}
	out := cmd.OutOrStdout()
	where := fmt.Sprintf("at %d random points (seed %d)", points, o.seed)
	if f.vals != nil {
		where = "at the given values"
	}
	fmt.Fprintf(out, "central finite differences %s, tolerance %g\n", where, o.tol)
	failed := false
	width := 0
	for _, d := range res.Derivs {
		width = max(width, len([]rune(partial(res.FuncName, d.Wrt, d.Order))))
	}
	for i, d := range res.Derivs {
		p := partial(res.FuncName, d.Wrt, d.Order)
		status := "ok"
		if worst[i] > o.tol {
			status, failed = "FAIL", true
		}
		fmt.Fprintf(out, "  %s%s  max rel. error %.1e  %s\n", p, strings.Repeat(" ", width-len([]rune(p))), worst[i], status)
	}
	if len(bound) > 0 {
		fmt.Fprintf(out, "generic functions evaluated as %s (choose with --fun)\n", strings.Join(bound, ", "))
	}
	if failed {
		return errCheckFailed
	}
	return nil
}

// randomPoint draws values at which the formula is finite and its
// derivatives can be evaluated: first entries in [−1.2, −0.2] ∪ [0.2, 1.2],
// then positive ones (for log, sqrt, …).
func (o *checkOptions) randomPoint(f *formula, rng *rand.Rand, res *derive.Result) *eval.Env {
	for attempt := 0; attempt < 20; attempt++ {
		vals, sizes := eval.Random(f.info.Vars, nil, rng, attempt%2 == 1)
		for _, x := range vals {
			// Entries at least 0.2 away from 0: central differences lose
			// their accuracy next to a pole (x ./ a, log|a|) or a kink
			// (relu, abs) at 0, and would report a correct derivative
			// as wrong.
			x.Apply(func(_, _ int, v float64) float64 { return math.Copysign(0.2+math.Abs(v), v) }, x)
		}
		env := &eval.Env{Vars: vals, Funcs: f.funcs, Sizes: sizes}
		v, err := eval.EvalAs(f.expr, env, f.info.Shapes[f.expr])
		if err != nil {
			continue
		}
		finite := true
		for _, x := range v.RawMatrix().Data {
			finite = finite && !math.IsNaN(x) && !math.IsInf(x, 0)
		}
		if !finite {
			continue
		}
		// The derivatives must be defined there too (no singular inverse).
		defined := true
		for _, d := range res.Derivs {
			if _, err := evalDeriv(res, d, env); err != nil {
				defined = false
				break
			}
		}
		if defined {
			return env
		}
	}
	return nil
}
