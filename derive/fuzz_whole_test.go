package derive_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/check"
	"github.com/matcalc/matcalc/derive"
	"github.com/matcalc/matcalc/eval"
	"github.com/matcalc/matcalc/index"
	"github.com/matcalc/matcalc/parser"
	"github.com/matcalc/matcalc/render"
	"github.com/matcalc/matcalc/render/gocode"
	"github.com/matcalc/matcalc/report"
	"gonum.org/v1/gonum/mat"
)

// FuzzWhole runs the whole pipeline on any input: parse → shapes → derive
// with and without shared names → render (text, ASCII, LaTeX, Go) → eval
// at a random point, and checks that the two derivations agree there and
// that every first derivative of a smooth formula agrees with central
// finite differences; then the same at --order 2 (secondOrder). Nothing may panic. Seeded like FuzzPipeline.
func FuzzWhole(f *testing.F) {
	for _, s := range []string{"uᵀf(Wx+b)", "(x+y)*max(y,z)", "xᵀAx", "‖Ax−b‖² + λ‖x‖²",
		"-yᵀlog(softmax(U tanh(Wx+b₁)+b₂))", "tr(AXB) + logdet(X)", "sum(exp(x) ./ y)", "x^3", "softmax(θ)",
		"(A ∘ (xxᵀ)B)y", "‖tanh(A diag(x))b‖²", "sum(A ./ (xxᵀ + 2))", "exp(exp(x))", "x/x", "log(x) + sqrt(y)",
		"vec(X)ᵀ(A ⊗ B)vec(X)", "uᵀ(x ⊗ y)", "comm(X)vec(X)", "sum(vec(xyᵀ))"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 120 {
			return // keep each case fast
		}
		e, err := parser.ParseExpr(src)
		if err != nil {
			return
		}
		info, err := ast.Infer(e, nil, nil)
		if err != nil {
			return
		}
		shared, err := derive.Derive(e, info, derive.Options{})
		if err != nil {
			return
		}
		plain, err := derive.Derive(e, info, derive.Options{NoShare: true})
		if err != nil {
			t.Fatalf("%s: derives with shared names but not without: %v", src, err)
		}
		if len(shared.Derivs) != len(plain.Derivs) {
			t.Fatalf("%s: %d derivatives shared, %d not", src, len(shared.Derivs), len(plain.Derivs))
		}
		for _, r := range []*derive.Result{shared, plain} {
			_ = render.LaTeXResult(r, render.LaTeXOptions{Shapes: r.Env()})
			_, _ = gocode.Generate(r, gocode.Options{})
			for _, d := range r.Derivs {
				_ = ast.String(d.Expr) + ast.ASCII(d.Expr)
			}
		}
		rng := rand.New(rand.NewPCG(uint64(len(src)), 7))
		vals, sizes := eval.Random(info.Vars, nil, rng, true)
		for _, v := range vals {
			// Away from 0, where log, sqrt, x/x and kinks misbehave.
			v.Apply(func(_, _ int, x float64) float64 { return 0.3 + math.Abs(x) }, v)
		}
		funcs := map[string]string{}
		for _, g := range ast.GenericFuncLetters() {
			funcs[g] = "tanh"
		}
		env := &eval.Env{Vars: vals, Funcs: funcs, Sizes: sizes}
		fv, err := eval.EvalAs(e, env, info.Shapes[e])
		if err != nil || !eval.IsFinite(fv) || math.Abs(mat.Max(fv))+math.Abs(mat.Min(fv)) > 1e6 {
			return
		}
		smooth := !strings.ContainsAny(src, "[<>≥≤|") && !containsAny(src, "max", "min", "relu", "abs", "sign", "norm1", "softplus")
		// A large constant factor (tan(107000 A)) makes the formula vary
		// faster than the step of central differences (about 1e-5 of the
		// variable) can follow: they would report a correct derivative as
		// wrong.
		ast.Inspect(e, func(n ast.Expr) bool {
			if c, ok := n.(*ast.Number); ok && math.Abs(c.Value) > 100 {
				smooth = false
			}
			return smooth
		})
		for i := range shared.Derivs {
			ds, dp := shared.Derivs[i], plain.Derivs[i]
			gs, err1 := check.Symbolic(shared, ds, env)
			gp, err2 := check.Symbolic(plain, dp, env)
			if err1 != nil || err2 != nil {
				if (err1 == nil) != (err2 == nil) {
					t.Fatalf("%s: ∂/∂%s evaluates with one derivation only: %v / %v", src, ds.Wrt, err1, err2)
				}
				continue
			}
			if !eval.IsFinite(gs) || !eval.IsFinite(gp) {
				continue
			}
			if e := eval.RelErr(gs, gp); e > 1e-8 {
				t.Fatalf("%s: ∂/∂%s shared and not differ by %.2g", src, ds.Wrt, e)
			}
			checkIndexView(t, src, shared, ds, env, gs)
			checkIndexView(t, src, plain, dp, env, gp)
			if !smooth || ds.Order != 1 {
				continue
			}
			want, err := eval.CentralDiff(e, env, ds.Wrt)
			if err != nil || !eval.IsFinite(want) || !differencesAgree(e, env, ds.Wrt, info.Shapes[e]) {
				continue
			}
			if v := info.Var(ds.Wrt); v != nil && v.Symmetric {
				want = eval.SymmetricPart(want)
			}
			if re := eval.RelErr(gs, want); re > 1e-4 {
				t.Fatalf("%s: ∂/∂%s differs from central differences by %.2g", src, ds.Wrt, re)
			}
		}
		secondOrder(t, src, e, info, env)
	})
}

// secondOrder derives e at --order 2 with and without shared names, renders
// it and its steps, and checks that both derivations evaluate alike at env
// (tensors entry by entry).
func secondOrder(t *testing.T, src string, e ast.Expr, info *ast.Info, env *eval.Env) {
	shared, err := derive.Derive(e, info, derive.Options{Order: 2})
	if err != nil {
		return
	}
	plain, err := derive.Derive(e, info, derive.Options{Order: 2, NoShare: true})
	if err != nil {
		t.Fatalf("%s: derives at order 2 with shared names but not without: %v", src, err)
	}
	if len(shared.Derivs) != len(plain.Derivs) {
		t.Fatalf("%s: %d second derivatives shared, %d not", src, len(shared.Derivs), len(plain.Derivs))
	}
	_ = render.LaTeXResult(shared, render.LaTeXOptions{Shapes: shared.Env()})
	if ds, err := derive.Steps(e, info, shared); err == nil {
		_ = render.StepsText(ds, shared)
	}
	for i, ds := range shared.Derivs {
		gs, err1 := check.Symbolic(shared, ds, env)
		gp, err2 := check.Symbolic(plain, plain.Derivs[i], env)
		if err1 != nil || err2 != nil {
			if (err1 == nil) != (err2 == nil) {
				t.Fatalf("%s: %s evaluates with one derivation only: %v / %v", src, ds.Label("s"), err1, err2)
			}
			continue
		}
		if !eval.IsFinite(gs) || !eval.IsFinite(gp) {
			continue
		}
		if re := eval.RelErr(gs, gp); re > 1e-8 {
			t.Fatalf("%s: %s shared and not differ by %.2g", src, ds.Label("s"), re)
		}
		checkIndexView(t, src, shared, ds, env, gs)
	}
}

// checkIndexView reads back the index view that derive.IndexTerms gives a
// differential without a Kronecker form, as matcalc prints it, and
// compares it entry by entry with the tensor (check.Symbolic).
func checkIndexView(t *testing.T, src string, r *derive.Result, d derive.Deriv, env *eval.Env, tensor *mat.Dense) {
	t.Helper()
	renv := r.Env()
	if _, ok := derive.Kronecker(d, renv); ok {
		return
	}
	terms, ok := derive.IndexTerms(d, r.Defs, renv)
	if !ok {
		return
	}
	line := report.IndexLabel("s", d, renv) + " = " + derive.IndexTermsString(terms)
	// Only d's direction is declared: a variable d and x with dx that of
	// another block would read as that direction.
	decls := slices.DeleteFunc(r.DirDecls(), func(dl ast.Decl) bool { return !slices.Contains(dl.Names, d.Dir) })
	form, err := index.Parse(line, decls)
	if err != nil {
		t.Fatalf("%s: the index view of %s does not parse back:\n%s", src, d.Label("s"), ast.FormatError(line, err))
	}
	got, err := form.Expand(r.Expand).Eval(env)
	if err != nil {
		t.Fatalf("%s: the index view %s: %s", src, line, ast.FormatError(line, err))
	}
	gr, gc := got.Dims()
	wr, wc := tensor.Dims()
	if d.Shape.IsScalar() && gr == 1 && gr*gc == wr*wc {
		got = mat.NewDense(wr, wc, got.RawRowView(0)) // a gradient's shape
	}
	if re := eval.RelErr(got, tensor); !(re <= 1e-8) {
		t.Fatalf("%s: the index view %s differs from the tensor by %.2g", src, line, re)
	}
}

// differencesAgree reports whether central differences of e by wrt at
// env, with steps 1e-5 and 4e-5 of each entry, agree to 1e-5 of their
// size: near a pole (tan(70A) close to π/2) the error of the differences
// grows as the step squared times a huge third derivative, and they cannot
// judge a derivative there.
func differencesAgree(e ast.Expr, env *eval.Env, wrt string, want ast.Shape) bool {
	x0 := env.Vars[wrt]
	r, c := x0.Dims()
	at := func(i, j int, h float64) *mat.Dense {
		x := mat.DenseCopyOf(x0)
		x.Set(i, j, x0.At(i, j)+h)
		vars := map[string]*mat.Dense{}
		for k, v := range env.Vars {
			vars[k] = v
		}
		vars[wrt] = x
		v, err := eval.EvalAs(e, &eval.Env{Vars: vars, Funcs: env.Funcs, Sizes: env.Sizes}, want)
		if err != nil {
			return nil
		}
		return v
	}
	diff := func(i, j int, h float64) *mat.Dense {
		p, m := at(i, j, h), at(i, j, -h)
		if p == nil || m == nil {
			return nil
		}
		var d mat.Dense
		d.Sub(p, m)
		d.Scale(1/(2*h), &d)
		return &d
	}
	spread, size := 0.0, 0.0
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			h := 1e-5 * math.Max(1, math.Abs(x0.At(i, j)))
			d1, d4 := diff(i, j, h), diff(i, j, 4*h)
			if d1 == nil || d4 == nil {
				return false
			}
			var dd mat.Dense
			dd.Sub(d1, d4)
			spread = math.Max(spread, mat.Norm(&dd, math.Inf(1)))
			size = math.Max(size, mat.Norm(d1, math.Inf(1)))
		}
	}
	return spread <= 1e-5*math.Max(1, size)
}

func containsAny(s string, words ...string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}
