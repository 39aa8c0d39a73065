package eval

import (
	"math/rand/v2"
	"testing"

	"github.com/matcalc/matcalc/ast"
)

// benchEnv is a two-layer network's values with n = 20, m = 30.
func benchEnv() (*Env, ast.Expr) {
	vars := []ast.VarInfo{vi("W", dn, dm), vi("x", dm, one), vi("b", dn, one), vi("u", dn, one)}
	vals, sizes := Random(vars, map[string]int{"n": 20, "m": 30}, rand.New(rand.NewPCG(1, 1)), false)
	return &Env{Vars: vals, Sizes: sizes}, mul(tr(u), fn("tanh", add(mul(W, x), b)))
}

func BenchmarkEval(b *testing.B) {
	env, e := benchEnv()
	for b.Loop() {
		if _, err := Eval(e, env); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCentralDiff differentiates by the 20×30 matrix W: 1200 pairs of
// evaluations.
func BenchmarkCentralDiff(b *testing.B) {
	env, e := benchEnv()
	for b.Loop() {
		if _, err := CentralDiff(e, env, "W"); err != nil {
			b.Fatal(err)
		}
	}
}
