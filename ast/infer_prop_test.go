package ast_test

import (
	"errors"
	"testing"

	. "github.com/matcalc/matcalc/ast"
	"pgregory.net/rapid"
)

// genExpr draws a random tree over a few variables of every default kind.
func genExpr(t *rapid.T, depth int) Expr {
	leaf := func() Expr {
		switch rapid.IntRange(0, 9).Draw(t, "leaf") {
		case 0:
			return Num(float64(rapid.IntRange(0, 3).Draw(t, "num")))
		case 1:
			return &Identity{IPos: NoPos}
		case 2:
			return &Ones{OnesPos: NoPos}
		}
		return Var(rapid.SampledFrom([]string{"x", "y", "b", "A", "B", "W", "λ", "θ", "Σ"}).Draw(t, "var"))
	}
	if depth <= 0 {
		return leaf()
	}
	sub := func() Expr { return genExpr(t, depth-1) }
	switch rapid.IntRange(0, 6).Draw(t, "kind") {
	case 0:
		return leaf()
	case 1:
		ops := []Op{Add, Sub, Mul, Mul, Div, Hadamard, ElemDiv, Pow, ElemPow}
		op := rapid.SampledFrom(ops).Draw(t, "op")
		if op == Pow {
			return Bin(op, sub(), Num(float64(rapid.IntRange(0, 3).Draw(t, "exp"))))
		}
		return Bin(op, sub(), sub())
	case 2:
		return T(sub())
	case 3:
		return Negate(sub())
	case 4:
		fun := rapid.SampledFrom([]string{"exp", "f", "sum", "tr", "det", "logdet", "inv", "diag", "softmax", "logsumexp", "norm", "norm1"}).Draw(t, "fun")
		return Fn(fun, 0, sub())
	case 5:
		return Fn(rapid.SampledFrom([]string{"max", "min"}).Draw(t, "fun2"), 0, sub(), sub())
	}
	return Ind(GE, sub(), sub())
}

// TestInferAgreesWithCheck: whatever Infer accepts, Check accepts with the
// inferred variable shapes, and both give every node the same shape (where
// Check knows it: an identity takes its size from context only in Infer).
// Infer fails only with a positioned *Error, never a panic.
func TestInferAgreesWithCheck(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		e := genExpr(t, 4)
		var decls []Decl
		if rapid.Bool().Draw(t, "declare") {
			decls = append(decls,
				Decl{Names: []string{"x"}, Kind: DeclVector, Dims: []Dim{Sym("n")}},
				Decl{Names: []string{"W"}, Kind: DeclMatrix, Dims: []Dim{Sym("n"), Size(3)}})
		}
		in, err := Infer(e, decls, nil)
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("%s: error %v is not an *ast.Error", String(e), err)
			}
			return
		}
		// Check takes an identity's size from the node: give it the inferred one.
		sized := withSizedIdentities(e, in)
		shapes, err := Check(sized, in.Env())
		if err != nil {
			t.Fatalf("%s: Infer gave %v but Check fails: %v", String(e), in.Vars, err)
		}
		zip(e, sized, func(n, m Expr) {
			want, ok := in.Shapes[n]
			if !ok {
				t.Fatalf("%s: no inferred shape for %s", String(e), String(n))
			}
			got := shapes[m]
			if got != want {
				t.Fatalf("%s: node %s: Check %v, Infer %v", String(e), String(n), got, want)
			}
			if !want.Rows.Known() || !want.Cols.Known() {
				t.Fatalf("%s: node %s has an unnamed dimension: %v", String(e), String(n), want)
			}
		})
	})
}

// withSizedIdentities copies e with every identity's N set as inferred.
func withSizedIdentities(e Expr, in *Info) Expr {
	switch n := e.(type) {
	case *Identity:
		return &Identity{IPos: n.IPos, N: in.Shapes[n].Rows}
	case *Ones:
		return &Ones{OnesPos: n.OnesPos, Shape: in.Shapes[n]}
	}
	kids := Children(e)
	if len(kids) == 0 {
		return e
	}
	nk := make([]Expr, len(kids))
	for i, k := range kids {
		nk[i] = withSizedIdentities(k, in)
	}
	return WithChildren(e, nk)
}

// zip visits the nodes of two trees of the same form side by side.
func zip(a, b Expr, f func(a, b Expr)) {
	f(a, b)
	ka, kb := Children(a), Children(b)
	for i := range ka {
		zip(ka[i], kb[i], f)
	}
}
