package simplify_test

// Derivatives with scalar coefficients read like a textbook: gradients and
// Hessians of scalar functions (quotients, norms, logistic loss,
// log-sum-exp, Rayleigh quotients) printed shorter than before the scalar
// factors of products were gathered (gather.go), and still equal to
// central finite differences at random points.

import (
	"math"
	"math/rand/v2"
	"testing"
	"unicode/utf8"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/derive"
	"github.com/matcalc/matcalc/eval"
	"github.com/matcalc/matcalc/parser"
	"github.com/matcalc/matcalc/simplify"
	"gonum.org/v1/gonum/mat"
)

// readableCases: before and beforeShared are the lengths in runes of the
// derivative as printed by commit f3f0136, written out (NoShare) and with
// shared pieces named. same marks formulas gathering leaves as long as
// they were. want, when set, is the expected text with names, and
// wantDefs the definitions it uses.
var readableCases = []struct {
	src, wrt     string
	order        int
	before       int
	beforeShared int
	same         bool
	want         string
	positive     bool
}{
	// before: 1/sum(h)𝟙 ∘ h
	{src: "log(sum(exp(x)))", wrt: "x", order: 1, before: 23, beforeShared: 13, want: "h/sum(h)"},
	// before: diag(1/t𝟙 ∘ h) − diag(h)(𝟙(hᵀ/t²))
	{src: "log(sum(exp(x)))", wrt: "x", order: 2, before: 69, beforeShared: 34, want: "diag(h)/t − hhᵀ/t²"},
	// before: (t₂A + t₂Aᵀ)x − 2(xᵀAx/t₁²)x
	{src: "xᵀAx/(xᵀx)", wrt: "x", order: 1, before: 41, beforeShared: 28, want: "(A + Aᵀ)x/t − 2(xᵀAx)x/t²"},
	// before: t₂A + t₂Aᵀ + (−A − Aᵀ)x (2xᵀ/t₃) − (2x (xᵀ(A + Aᵀ)/t₃ − t₄ (4xᵀxxᵀ)/t₃²) + 2(t₄/t₃)I)
	{src: "xᵀAx/(xᵀx)", wrt: "x", order: 2, before: 117, beforeShared: 85,
		want: "T₁/t₂ − 2(T₁xxᵀ + xxᵀT₁ + t₃I)/t₂² + 8t₃xxᵀ/t₂³"},
	// before: 2(1/(2sqrt(xᵀx)))x
	{src: "sqrt(xᵀx)", wrt: "x", order: 1, before: 18, beforeShared: 18, want: "x/sqrt(xᵀx)", positive: true},
	// before: −2x (4txᵀ/(2h)²) + 2tI
	{src: "sqrt(xᵀx)", wrt: "x", order: 2, before: 60, beforeShared: 22, want: "I/h − xxᵀ/h³", positive: true},
	// before: I/‖x‖ − x (xᵀ/‖x‖)/‖x‖²
	{src: "norm(x)", wrt: "x", order: 2, before: 23, beforeShared: 23, want: "I/‖x‖ − xxᵀ/‖x‖³"},
	// before: 1/(1 + h)ha
	{src: "log(1+exp(aᵀx))", wrt: "x", order: 1, before: 25, beforeShared: 11, want: "σ(aᵀx)a"},
	// before: a (1/t₁ t₂ − h (t₂/t₁²))
	{src: "log(1+exp(aᵀx))", wrt: "x", order: 2, before: 71, beforeShared: 24, want: "σ′(aᵀx)aaᵀ"},
	// before: 4diag(3x.^2)
	{src: "sum(x.^4)", wrt: "x", order: 2, before: 12, beforeShared: 12, same: true, want: "12diag(x.^2)"},
	// before: −(sin(aᵀx)a)
	{src: "cos(aᵀx)", wrt: "x", order: 1, before: 12, beforeShared: 12, want: "−sin(aᵀx)a"},
	// before: −(cos(aᵀx)aaᵀ)
	{src: "cos(aᵀx)", wrt: "x", order: 2, before: 14, beforeShared: 14, want: "−cos(aᵀx)aaᵀ"},
	// before: −(X⁻ᵀAᵀX⁻ᵀ)
	{src: "tr(X⁻¹A)", wrt: "X", order: 1, before: 11, beforeShared: 11, want: "−X⁻ᵀAᵀX⁻ᵀ"},
	{src: "logsumexp(x)", wrt: "x", order: 2, before: 40, beforeShared: 13, same: true, want: "diag(p) − ppᵀ"},
	{src: "aᵀx/(bᵀx)", wrt: "x", order: 2, before: 57, beforeShared: 40, want: "2(aᵀx)bbᵀ/t³ − (abᵀ + baᵀ)/t²"},
	{src: "1/‖x‖", wrt: "x", order: 2, before: 61, beforeShared: 41, want: "3xxᵀ/‖x‖⁵ − I/‖x‖³"},
	{src: "1/(1 + xᵀx)", wrt: "x", order: 2, before: 54, beforeShared: 26, want: "8xxᵀ/z³ − 2I/z²"},
	{src: "log(1+exp(-aᵀx))", wrt: "x", order: 2, before: 89, beforeShared: 27, want: "σ′(−aᵀx)aaᵀ"},
	{src: "log(σ(aᵀx))", wrt: "x", order: 2, before: 13, beforeShared: 13, want: "−σ′(aᵀx)aaᵀ"},
	{src: "‖Ax − b‖", wrt: "x", order: 2, before: 58, beforeShared: 32},
	{src: "xᵀAx/(xᵀBx)", wrt: "x", order: 2, before: 216, beforeShared: 63},
	{src: "exp(-xᵀx/2)", wrt: "x", order: 2, before: 53, beforeShared: 30, want: "exp(−xᵀx/2)(xxᵀ − I)"},
	{src: "sum(log(x))", wrt: "x", order: 2, before: 16, beforeShared: 16, same: true, positive: true},
	{src: "(aᵀx)²/(xᵀx)", wrt: "x", order: 2, before: 109, beforeShared: 81},
	{src: "‖x‖³", wrt: "x", order: 2, before: 52, beforeShared: 36, want: "3xxᵀ/‖x‖ + 3‖x‖I"},
	{src: "log(xᵀx)", wrt: "x", order: 2, before: 30, beforeShared: 22, want: "2I/t − 4xxᵀ/t²"},
	{src: "sqrt(1 + ‖x‖²)", wrt: "x", order: 2, before: 87, beforeShared: 35, want: "I/h − xxᵀ/h³"},
	{src: "log(1+exp(-βaᵀx))", wrt: "x", order: 2, before: 101, beforeShared: 28},
	{src: "sum(log(1 + exp(Xw)))", wrt: "w", order: 2, before: 73, beforeShared: 31, same: true},
	{src: "xᵀAx/‖x‖²", wrt: "x", order: 2, before: 141, beforeShared: 83},
	{src: "‖x‖²/(aᵀx)", wrt: "x", order: 1, before: 26, beforeShared: 18, want: "2x/t − ‖x‖²a/t²", positive: true},
	{src: "λ‖w‖²/2 + log(1+exp(aᵀw))", wrt: "w", order: 2, before: 76, beforeShared: 29, want: "λI + σ′(aᵀw)aaᵀ"},
}

var readableFuncs = map[string]string{"f": "tanh", "g": "sin"}

func TestReadableDerivatives(t *testing.T) {
	for _, c := range readableCases {
		name := c.src + "/" + c.wrt
		if c.order == 2 {
			name += "/hessian"
		}
		t.Run(name, func(t *testing.T) {
			e, err := parser.ParseExpr(c.src)
			if err != nil {
				t.Fatal(err)
			}
			info, err := ast.Infer(e, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			opts := derive.Options{Wrt: []string{c.wrt}, Order: c.order}
			shared, err := derive.Derive(e, info, opts)
			if err != nil {
				t.Fatal(err)
			}
			opts.NoShare = true
			full, err := derive.Derive(e, info, opts)
			if err != nil {
				t.Fatal(err)
			}
			d, ds := full.Derivs[0], shared.Derivs[0]
			text, sharedText := ast.String(d.Expr), ast.String(ds.Expr)
			n, ns := utf8.RuneCountInString(text), utf8.RuneCountInString(sharedText)
			t.Logf("%s: %d → %d runes (%s); named: %d → %d (%s)", c.src, c.before, n, text, c.beforeShared, ns, sharedText)
			switch {
			case c.same && n > c.before:
				t.Errorf("%s is longer than before (%d > %d runes)", text, n, c.before)
			case !c.same && n >= c.before:
				t.Errorf("%s is not shorter than before (%d ≥ %d runes)", text, n, c.before)
			}
			if ns > c.beforeShared {
				t.Errorf("%s is longer than before (%d > %d runes)", sharedText, ns, c.beforeShared)
			}
			if c.want != "" && sharedText != c.want {
				t.Errorf("∂/∂%s = %s, want %s", c.wrt, sharedText, c.want)
			}
			for _, x := range []ast.Expr{d.Expr, ds.Expr} {
				roundTrip(t, x)
			}
			for seed := uint64(1); seed <= 4; seed++ {
				rng := rand.New(rand.NewPCG(seed, 99))
				vals, sizes := eval.Random(info.Vars, nil, rng, c.positive)
				env := &eval.Env{Vars: vals, Funcs: readableFuncs, Sizes: sizes}
				var want *mat.Dense
				tol := 1e-6
				if c.order == 2 {
					want, err = eval.CentralDiff2(e, env, c.wrt)
					tol = 1e-5
				} else {
					want, err = eval.CentralDiff(e, env, c.wrt)
				}
				if err != nil {
					t.Fatalf("finite differences: %v", err)
				}
				for _, got := range []ast.Expr{d.Expr, shared.Expand(ds.Expr)} {
					v, err := eval.EvalAs(got, env, d.Shape)
					if err != nil {
						t.Fatalf("evaluate %s: %v", ast.String(got), err)
					}
					if r := eval.RelErr(v, want); r > tol || math.IsNaN(r) {
						t.Errorf("seed %d: ∂/∂%s = %s differs from finite differences (rel. error %.2g)\n got %v\nwant %v",
							seed, c.wrt, ast.String(got), r, mat.Formatted(v, mat.Squeeze()), mat.Formatted(want, mat.Squeeze()))
					}
				}
			}
		})
	}
}

// roundTrip checks that x prints, in Unicode and in ASCII, as text that
// parses back to the same tree (docs/conventions.md): a sign gathered onto a first
// factor, −AB, must not read as −(AB).
func roundTrip(t *testing.T, x ast.Expr) {
	t.Helper()
	for _, text := range []string{ast.String(x), ast.ASCII(x)} {
		back, err := parser.ParseExpr(text)
		if err != nil {
			t.Errorf("%s does not parse: %v", text, err)
			continue
		}
		if !ast.Equal(back, x) {
			t.Errorf("%s parses back as %s", text, ast.String(back))
		}
	}
}

// TestGatherIdempotent: simplifying a simplified derivative again changes
// nothing (no rule undoes another).
func TestGatherIdempotent(t *testing.T) {
	for _, c := range readableCases {
		e, err := parser.ParseExpr(c.src)
		if err != nil {
			t.Fatal(err)
		}
		info, err := ast.Infer(e, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		r, err := derive.Derive(e, info, derive.Options{Wrt: []string{c.wrt}, Order: c.order, NoShare: true})
		if err != nil {
			t.Fatal(err)
		}
		once := r.Derivs[0].Expr
		if twice := simplify.Simplify(once, info.Env()); !ast.Equal(once, twice) {
			t.Errorf("%s: simplified again, %s becomes %s", c.src, ast.String(once), ast.String(twice))
		}
	}
}

// TestSharePowersNotNamed: a power of a shared piece is written as a
// power of its name (t² and t³ with t = xᵀx), not named itself.
func TestSharePowersNotNamed(t *testing.T) {
	xx := ast.Bin(ast.Mul, ast.T(ast.Var("x")), ast.Var("x"))
	sq := func() ast.Expr { return ast.Bin(ast.Pow, xx, ast.Num(2)) }
	e1 := ast.Bin(ast.Div, ast.Var("a"), sq())
	e2 := ast.Bin(ast.Div, ast.Var("b"), sq())
	defs, out := simplify.Share([]ast.Expr{e1, e2}, nil)
	if len(defs) != 1 || !ast.Equal(defs[0].Expr, xx) {
		var got []string
		for _, d := range defs {
			got = append(got, d.Name+" = "+ast.String(d.Expr))
		}
		t.Fatalf("definitions %v, want one for xᵀx", got)
	}
	if got, want := ast.String(out[0]), "a/t²"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}
