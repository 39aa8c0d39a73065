package derive_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/derive"
	"github.com/matcalc/matcalc/parser"
)

// deepFormulas are the hostile shapes of issue 12 that stress simplify
// rather than the parser: deep nesting of one scalar function (the
// derivative repeats every inner level) and a long sum of distinct
// variables (one Jacobian per variable). Each returns the formula at size
// n and the derivative order; the nested ones are of a scalar x, the sum
// of vectors (their shapes inferred, as on the command line).
var deepFormulas = []struct {
	name    string
	formula func(n int) string
	order   int
	sizes   []int
}{
	{"tanh-order2", func(n int) string { return strings.Repeat("tanh(", n) + "x" + strings.Repeat(")", n) }, 2, []int{50, 100, 200, 400}},
	{"exp", func(n int) string { return strings.Repeat("exp(", n) + "x" + strings.Repeat(")", n) }, 1, []int{100, 200, 400, 800}},
	{"exp-order2", func(n int) string { return strings.Repeat("exp(", n) + "x" + strings.Repeat(")", n) }, 2, []int{50, 100, 200, 400}},
	{"sum-distinct", func(n int) string {
		t := make([]string, n)
		for i := range t {
			t[i] = fmt.Sprintf("a_%d", i)
		}
		return strings.Join(t, "+")
	}, 1, []int{250, 500, 1000, 2000}},
}

// BenchmarkDeriveDeep derives each of deepFormulas at growing sizes;
// parsing and inference are outside the timer. The times grow about as n²
// (README, "Hostile input", says why).
func BenchmarkDeriveDeep(b *testing.B) {
	for _, f := range deepFormulas {
		for _, n := range f.sizes {
			b.Run(fmt.Sprintf("%s/n=%d", f.name, n), func(b *testing.B) {
				e, err := parser.ParseExpr(f.formula(n))
				if err != nil {
					b.Fatal(err)
				}
				var decls []ast.Decl
				if !strings.HasPrefix(f.name, "sum") {
					decls = []ast.Decl{{Names: []string{"x"}, Kind: ast.DeclScalar}}
				}
				info, err := ast.Infer(e, decls, nil)
				if err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				for b.Loop() {
					if _, err := derive.Derive(e, info, derive.Options{Order: f.order}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
