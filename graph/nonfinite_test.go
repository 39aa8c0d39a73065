package graph

import (
	"math"
	"strings"
	"testing"

	"github.com/matcalc/matcalc/ast"
)

// TestGradientWarnings checks the warnings of the backward pass against
// the closed forms: ∂(√x + y)/∂x = 1/(2√x) is +Inf at x = 0 and comes from
// the square root's gate, while ∂/∂y = 1 is finite; ∂(log(x) y)/∂y =
// log(x) is NaN at x = −1 and comes from the product's gate; and a graph
// whose gradients are finite has no warning.
func TestGradientWarnings(t *testing.T) {
	for _, c := range []struct {
		e     ast.Expr
		at    []any
		grads map[string]float64 // the closed forms
		want  []string           // one warning per gradient not finite, in pieces
	}{
		{ast.Bin(ast.Add, ast.Fn("sqrt", 0, x), y), []any{"x", 0, "y", 1},
			map[string]float64{"x": math.Inf(1), "y": 1},
			[]string{"∂f/∂x is +Inf, first where a = sqrt(x) hands x +Inf (local gradient sqrt′(x) = +Inf)"}},
		{ast.Bin(ast.Mul, ast.Fn("log", 0, x), y), []any{"x", -1, "y", 2},
			map[string]float64{"x": -2, "y": math.NaN()},
			[]string{"∂f/∂y is NaN, first where f = log(x)y hands y NaN"}},
		{lecture, []any{"x", 1, "y", 2, "z", 0}, map[string]float64{"x": 2, "y": 5, "z": 0}, nil},
	} {
		g := run(t, c.e, scalars(c.at...))
		for _, vg := range g.Gradients() {
			got, want := scalarOf(t, vg.Grad), c.grads[vg.Name]
			if got != want && !(math.IsNaN(got) && math.IsNaN(want)) {
				t.Errorf("%s: ∂f/∂%s = %g, want %g", ast.String(c.e), vg.Name, got, want)
			}
		}
		ws := g.GradientWarnings()
		if len(ws) != len(c.want) {
			t.Errorf("%s: warnings %q, want %d", ast.String(c.e), ws, len(c.want))
			continue
		}
		for i, w := range ws {
			if !strings.HasPrefix(w, c.want[i]) {
				t.Errorf("%s: warning %q, want %q", ast.String(c.e), w, c.want[i])
			}
		}
	}
}
