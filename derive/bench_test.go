package derive_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/derive"
	"github.com/matcalc/matcalc/eval"
	"github.com/matcalc/matcalc/parser"
)

// network returns the formula of an L-layer network,
// uᵀtanh(W_L tanh(… tanh(W_1 x + b_1) …) + b_L).
func network(layers int) string {
	inner := "W_1 x + b_1"
	for i := 2; i <= layers; i++ {
		inner = fmt.Sprintf("W_%d tanh(%s) + b_%d", i, inner, i)
	}
	return "uᵀtanh(" + inner + ")"
}

// parseNetwork parses and infers the L-layer network.
func parseNetwork(tb testing.TB, layers int) (ast.Expr, *ast.Info) {
	tb.Helper()
	src := network(layers)
	e, err := parser.ParseExpr(src)
	if err != nil {
		tb.Fatalf("parse %s: %v", src, err)
	}
	info, err := ast.Infer(e, nil, nil)
	if err != nil {
		tb.Fatalf("infer %s: %v", src, err)
	}
	return e, info
}

// printedSize is the number of characters of the printed result: every
// definition "name = expr" and every derivative.
func printedSize(r *derive.Result) int {
	n := 0
	for _, d := range r.Defs {
		n += utf8.RuneCountInString(d.Name) + 3 + utf8.RuneCountInString(ast.String(d.Expr))
	}
	for _, d := range r.Derivs {
		n += utf8.RuneCountInString(ast.String(d.Expr))
	}
	return n
}

// BenchmarkDeriveNetwork derives every gradient of the L-layer network
// (2L + 2 variables) for L = 1, 2, 4, … 512. Parsing and shape inference
// are outside the timer. bench/derive_fit.sh fits the growth in L.
func BenchmarkDeriveNetwork(b *testing.B) {
	for layers := 1; layers <= 512; layers *= 2 {
		b.Run(fmt.Sprintf("L=%d", layers), func(b *testing.B) {
			e, info := parseNetwork(b, layers)
			b.ReportAllocs()
			var r *derive.Result
			for b.Loop() {
				var err error
				if r, err = derive.Derive(e, info, derive.Options{}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(printedSize(r)), "chars")
			b.ReportMetric(float64(len(r.Defs)), "defs")
		})
	}
}

// BenchmarkDeriveNetworkNoShare is BenchmarkDeriveNetwork without naming
// shared pieces (Options.NoShare), to separate the cost of sharing from
// that of differentiation and simplification.
func BenchmarkDeriveNetworkNoShare(b *testing.B) {
	for layers := 1; layers <= 512; layers *= 4 {
		b.Run(fmt.Sprintf("L=%d", layers), func(b *testing.B) {
			e, info := parseNetwork(b, layers)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := derive.Derive(e, info, derive.Options{NoShare: true}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestDeriveNetwork checks the gradients the benchmark computes against
// central differences for small L, and that the printed size grows
// linearly: the size per layer at L = 64 is at most twice that at L = 8.
func TestDeriveNetwork(t *testing.T) {
	for _, layers := range []int{1, 2, 3, 5} {
		e, info := parseNetwork(t, layers)
		r, err := derive.Derive(e, info, derive.Options{})
		if err != nil {
			t.Fatalf("L=%d: %v", layers, err)
		}
		if len(r.Derivs) != 2*layers+2 {
			t.Fatalf("L=%d: %d derivatives, want %d", layers, len(r.Derivs), 2*layers+2)
		}
		rng := rand.New(rand.NewPCG(uint64(layers), 3))
		vals, sizes := eval.Random(info.Vars, nil, rng, false)
		env := &eval.Env{Vars: vals, Sizes: sizes}
		for _, d := range r.Derivs {
			got, err := eval.EvalAs(r.Expand(d.Expr), env, d.Shape)
			if err != nil {
				t.Fatalf("L=%d ∂/∂%s = %s: %v", layers, d.Wrt, ast.String(d.Expr), err)
			}
			num, err := eval.CentralDiff(e, env, d.Wrt)
			if err != nil {
				t.Fatal(err)
			}
			if rel := eval.RelErr(got, num); rel > 1e-6 {
				t.Errorf("L=%d ∂/∂%s = %s%s: relative error %.3g", layers, d.Wrt, ast.String(d.Expr), defsText(r), rel)
			}
		}
	}
	per := func(layers int) float64 {
		e, info := parseNetwork(t, layers)
		r, err := derive.Derive(e, info, derive.Options{})
		if err != nil {
			t.Fatalf("L=%d: %v", layers, err)
		}
		return float64(printedSize(r)) / float64(layers)
	}
	if p8, p64 := per(8), per(64); p64 > 2*p8 {
		t.Errorf("printed size per layer grows: %.0f characters at L=8, %.0f at L=64", p8, p64)
	}
}

func TestNetworkFormula(t *testing.T) {
	want := "uᵀtanh(W_3 tanh(W_2 tanh(W_1 x + b_1) + b_2) + b_3)"
	if got := network(3); got != want {
		t.Errorf("network(3) = %s, want %s", got, want)
	}
	if !strings.HasPrefix(network(1), "uᵀtanh(W_1 x + b_1)") {
		t.Errorf("network(1) = %s", network(1))
	}
}

// BenchmarkFourMatrixHessians derives and prints every second derivative
// of a four-matrix formula (issue 13: milliseconds): the four Hessians by
// a matrix and the six mixed blocks of ‖AXBY‖², each a differential.
func BenchmarkFourMatrixHessians(b *testing.B) {
	e, err := parser.ParseExpr("‖AXBY‖²")
	if err != nil {
		b.Fatal(err)
	}
	info, err := ast.Infer(e, nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		res, err := derive.Derive(e, info, derive.Options{Order: 2})
		if err != nil || len(res.Derivs) != 10 {
			b.Fatalf("%v, %d derivatives", err, len(res.Derivs))
		}
		for _, d := range res.Derivs {
			_ = ast.String(d.Expr)
		}
	}
}
