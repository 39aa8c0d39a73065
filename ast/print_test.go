package ast_test

import (
	"testing"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/parser"
	"pgregory.net/rapid"
)

var (
	v   = func(n string) ast.Expr { return ast.Var(n) }
	mul = func(x, y ast.Expr) ast.Expr { return ast.Bin(ast.Mul, x, y) }
	add = func(x, y ast.Expr) ast.Expr { return ast.Bin(ast.Add, x, y) }
	pow = func(x, y ast.Expr) ast.Expr { return ast.Bin(ast.Pow, x, y) }
	fn  = func(f string, args ...ast.Expr) ast.Expr { return ast.Fn(f, 0, args...) }
)

// TestPrintStyle pins the printed forms of trees built by the program: the
// house style (juxtaposition between one-letter names, spaces around + − ∘)
// and the places where the printer adds a space or brackets so that the
// text reads back as the same tree.
func TestPrintStyle(t *testing.T) {
	tests := []struct {
		e           ast.Expr
		text, ascii string
	}{
		{add(mul(v("W"), v("x")), v("b")), "Wx + b", "W*x + b"},
		{mul(v("δ"), ast.T(v("x"))), "δxᵀ", "delta*x'"},
		{mul(ast.T(v("W")), v("δ")), "Wᵀδ", "W'*delta"},
		{mul(ast.T(v("u")), fn("f", add(mul(v("W"), v("x")), v("b")))), "uᵀf(Wx + b)", "u'*f(W*x + b)"},
		{mul(mul(ast.T(v("x")), v("A")), v("x")), "xᵀAx", "x'*A*x"},
		{ast.Bin(ast.Hadamard, v("u"), ast.Fn("f", 1, v("z"))), "u ∘ f′(z)", "u .* f'(z)"},
		{ast.Bin(ast.Sub, v("a"), ast.Num(-2)), "a − (−2)", "a - (-2)"},
		{mul(v("λ"), pow(fn("norm", v("w")), ast.Num(2))), "λ‖w‖²", "lambda*norm(w)^2"},
		{ast.T(fn("inv", v("A"))), "A⁻ᵀ", "inv(A)'"},
		{pow(fn("inv", v("A")), ast.Num(2)), "(A⁻¹)²", "inv(A)^2"},
		{ast.Fn("σ", 1, v("z")), "σ′(z)", "sigmoid'(z)"},
		{ast.Ind(ast.GE, v("a"), v("b")), "[a ≥ b]", "[a >= b]"},
		{mul(ast.T(ast.OnesOf(ast.Shape{})), v("x")), "𝟙ᵀx", "ones'*x"},
		{mul(v("x₁"), v("θ₂")), "x₁θ₂", "x_1*theta_2"},
		// A space where letters would join into one name or a keyword.
		{mul(v("W_L"), v("x")), "W_L x", "W_L*x"},
		{mul(mul(v("e"), v("x")), v("p")), "ex p", "e*x*p"},
		{mul(v("P"), v("i")), "P i", "P*i"},
		{mul(mul(v("b"), v("e")), mul(v("t"), v("a"))), "be (ta)", "b*e*(t*a)"},
		{mul(ast.Num(2), v("e")), "2 e", "2*e"},
		{mul(v("x"), ast.Num(2)), "x 2", "x*2"},
		{mul(v("f"), add(v("x"), v("y"))), "f (x + y)", "f*(x + y)"},
		// One spacing rule: factors are written together, but a name is
		// followed by a space before a call or a bracket (docs/conventions.md).
		{mul(v("X"), add(v("t"), ast.T(v("t")))), "X (t + tᵀ)", "X*(t + t')"},
		{mul(v("W₂"), ast.Fn("σ", 0, v("z"))), "W₂ σ(z)", "W_2*sigmoid(z)"},
		{mul(v("λ"), ast.Fn("diag", 0, v("x"))), "λ diag(x)", "lambda*diag(x)"},
		{mul(ast.Num(2), ast.Fn("diag", 0, v("x"))), "2diag(x)", "2*diag(x)"},
		{mul(ast.Num(2), add(v("x"), v("y"))), "2(x + y)", "2*(x + y)"},
		{mul(ast.T(v("u")), ast.Fn("σ", 0, v("z"))), "uᵀσ(z)", "u'*sigmoid(z)"},
		// Brackets where the parser would read something else.
		{pow(v("x"), v("T")), "x^(T)", "x^(T)"},
		{pow(v("x"), fn("inv", v("A"))), "x^(A⁻¹)", "x^inv(A)"},
		{fn("norm", mul(v("a"), fn("norm", v("b")))), "‖a (‖b‖)‖", "norm(a*norm(b))"},
		{fn("norm", mul(fn("norm", v("a")), v("b"))), "‖‖a‖b‖", "norm(norm(a)*b)"},
		{mul(fn("norm", v("a")), fn("norm", v("b"))), "‖a‖‖b‖", "norm(a)*norm(b)"},
	}
	for _, tc := range tests {
		if got := ast.String(tc.e); got != tc.text {
			t.Errorf("String = %q, want %q", got, tc.text)
		}
		if got := ast.ASCII(tc.e); got != tc.ascii {
			t.Errorf("ASCII = %q, want %q", got, tc.ascii)
		}
		for _, s := range []string{tc.text, tc.ascii} {
			back, err := parser.ParseExpr(s)
			if err != nil {
				t.Errorf("%q: %v", s, err)
			} else if !ast.Equal(back, tc.e) {
				t.Errorf("%q parses to %s", s, ast.String(back))
			}
		}
	}
}

// names mixes letters that tend to join into keywords (e x p, t a n h, P i),
// subscripts, Greek letters, the generic function letters used as
// variables, σ, and T.
var names = []string{"x", "y", "W", "e", "p", "t", "a", "n", "h", "s", "u", "m", "i", "P", "o",
	"f", "g", "σ", "θ", "δ", "x₁", "W_L", "T", "A", "b", "r", "l"}

// genPrintable draws a random tree of the kind the parser builds: no negative
// numbers (−2 is a negation), names that are not I or ones.
func genPrintable(t *rapid.T, depth int) ast.Expr {
	leaf := func() ast.Expr {
		switch rapid.IntRange(0, 9).Draw(t, "leaf") {
		case 0:
			return ast.Num(float64(rapid.IntRange(0, 12).Draw(t, "int")))
		case 1:
			return ast.Num(rapid.SampledFrom([]float64{0.5, 1e-3, 2.25, 1e21, 123456789}).Draw(t, "float"))
		case 2:
			return ast.Eye(ast.Dim{})
		case 3:
			return ast.OnesOf(ast.Shape{})
		}
		return v(rapid.SampledFrom(names).Draw(t, "name"))
	}
	if depth <= 0 {
		return leaf()
	}
	sub := func() ast.Expr { return genPrintable(t, depth-1) }
	switch rapid.IntRange(0, 12).Draw(t, "node") {
	case 0, 1:
		return leaf()
	case 2:
		return ast.Negate(sub())
	case 3, 4:
		op := rapid.SampledFrom([]ast.Op{ast.Add, ast.Sub, ast.Mul, ast.Div, ast.Hadamard, ast.ElemDiv, ast.Pow, ast.ElemPow}).Draw(t, "op")
		return ast.Bin(op, sub(), sub())
	case 5:
		return ast.Bin(ast.Mul, sub(), sub())
	case 6:
		return ast.T(sub())
	case 7:
		f := rapid.SampledFrom([]string{"exp", "tanh", "σ", "relu", "f", "g", "φ", "h"}).Draw(t, "f")
		return ast.Fn(f, rapid.IntRange(0, 2).Draw(t, "primes"), sub())
	case 8:
		f := rapid.SampledFrom([]string{"inv", "norm", "tr", "sum", "diag", "softmax", "logdet"}).Draw(t, "g")
		return fn(f, sub())
	case 9:
		return fn(rapid.SampledFrom([]string{"max", "min"}).Draw(t, "m"), sub(), sub())
	case 10:
		return ast.Ind(rapid.SampledFrom([]ast.Op{ast.GE, ast.GT}).Draw(t, "cmp"), sub(), sub())
	case 11:
		return pow(sub(), ast.Num(float64(rapid.IntRange(-3, 3).Draw(t, "exp"))))
	}
	return ast.T(fn("inv", sub()))
}

// TestPrintParseProperty: for random trees, String and ASCII parse back to
// the same tree.
func TestPrintParseProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		e := genPrintable(t, 5)
		for _, s := range []string{ast.String(e), ast.ASCII(e)} {
			back, err := parser.ParseExpr(s)
			if err != nil {
				t.Fatalf("%q: %v", s, ast.FormatError(s, err))
			}
			if !ast.Equal(back, e) {
				t.Fatalf("%q parses to %s (ASCII %s)", s, ast.String(back), ast.ASCII(back))
			}
		}
	})
}
