package eval

import (
	"math"
	"strings"
	"testing"

	"github.com/matcalc/matcalc/ast"
	"gonum.org/v1/gonum/mat"
	"pgregory.net/rapid"
)

// propEnv has variables of every kind: scalar s, vectors x y (3) and u (2),
// matrices A (3×3) and W (2×3).
func propEnv() (*Env, map[string]ast.Shape) {
	env := &Env{Vars: map[string]*mat.Dense{
		"s": num(0.7),
		"x": vec(0.5, -1, 2),
		"y": vec(1, 0.25, -0.5),
		"u": vec(-1, 3),
		"A": mtx(3, 3, 4, 1, 0, 1, 3, 1, 0, 1, 2),
		"W": mtx(2, 3, 1, 0, 2, -1, 3, 1),
	}, Funcs: map[string]string{"f": "tanh"}}
	shapes := map[string]ast.Shape{}
	for name, v := range env.Vars {
		shapes[name] = shapeOf(v)
	}
	return env, shapes
}

func genExpr(t *rapid.T, depth int) ast.Expr {
	leaf := depth <= 0 || rapid.IntRange(0, 3).Draw(t, "leaf") == 0
	if leaf {
		switch rapid.IntRange(0, 5).Draw(t, "leafkind") {
		case 0:
			return ast.Num(float64(rapid.IntRange(-3, 3).Draw(t, "num")))
		case 1:
			return &ast.Identity{IPos: ast.NoPos}
		case 2:
			return &ast.Ones{OnesPos: ast.NoPos}
		}
		return ast.Var(rapid.SampledFrom([]string{"s", "x", "y", "u", "A", "W"}).Draw(t, "var"))
	}
	sub := func() ast.Expr { return genExpr(t, depth-1) }
	switch rapid.IntRange(0, 5).Draw(t, "kind") {
	case 0:
		return ast.Negate(sub())
	case 1:
		return ast.T(sub())
	case 2:
		ops := []ast.Op{ast.Add, ast.Sub, ast.Mul, ast.Div, ast.Hadamard, ast.ElemDiv, ast.Pow, ast.ElemPow}
		return ast.Bin(rapid.SampledFrom(ops).Draw(t, "op"), sub(), sub())
	case 3:
		return ast.Ind(rapid.SampledFrom([]ast.Op{ast.GE, ast.GT}).Draw(t, "cmp"), sub(), sub())
	}
	name := rapid.SampledFrom(append([]string{"f"}, ast.FuncNames()...)).Draw(t, "fun")
	arity := 1
	if b := ast.LookupFunc(name); b != nil {
		arity = b.Arity()
	}
	args := make([]ast.Expr, arity)
	for i := range args {
		args[i] = sub()
	}
	primes := 0
	if b := ast.LookupFunc(name); b == nil || b.Elementwise() && b.Arity() == 1 {
		primes = rapid.IntRange(0, 2).Draw(t, "primes")
	}
	return ast.Fn(name, primes, args...)
}

// Eval never panics, agrees with EvalAll, and gives values of the shape the
// shared checker computes wherever the checker knows it.
func TestEvalProperties(t *testing.T) {
	env, shapes := propEnv()
	rapid.Check(t, func(t *rapid.T) {
		e := genExpr(t, 4)
		v, err := Eval(e, env)
		if err != nil {
			if strings.Contains(err.Error(), "internal error") {
				t.Fatalf("%s: %v", ast.String(e), err)
			}
			return
		}
		all, err := EvalAll(e, env)
		if err != nil {
			t.Fatalf("%s: Eval succeeds, EvalAll fails: %v", ast.String(e), err)
		}
		if !sameValue(all[e], v) {
			t.Fatalf("%s: Eval %s, EvalAll %s", ast.String(e), Compact(v), Compact(all[e]))
		}
		s, err := ast.ShapeOf(e, shapes)
		if err != nil {
			return // the checker is stricter about I and 𝟙 than the evaluator
		}
		r, c := v.Dims()
		if s.Rows.N > 0 && s.Rows.N != r || s.Cols.N > 0 && s.Cols.N != c {
			t.Fatalf("%s: value is %d×%d, checker says %v", ast.String(e), r, c, s)
		}
	})
}

func sameValue(a, b *mat.Dense) bool {
	ar, ac := a.Dims()
	br, bc := b.Dims()
	if ar != br || ac != bc {
		return false
	}
	for i := 0; i < ar; i++ {
		for j := 0; j < ac; j++ {
			x, y := a.At(i, j), b.At(i, j)
			if x != y && !(math.IsNaN(x) && math.IsNaN(y)) {
				return false
			}
		}
	}
	return true
}
