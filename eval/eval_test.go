package eval

import (
	"math"
	"strings"
	"testing"

	"github.com/matcalc/matcalc/ast"
	"gonum.org/v1/gonum/mat"
)

// Helpers to build values and trees.

func vec(xs ...float64) *mat.Dense { return mat.NewDense(len(xs), 1, xs) }

func row(xs ...float64) *mat.Dense { return mat.NewDense(1, len(xs), xs) }

func mtx(r, c int, xs ...float64) *mat.Dense { return mat.NewDense(r, c, xs) }

func num(x float64) *mat.Dense { return scalar(x) }

var (
	x, y, z, u, b = ast.Var("x"), ast.Var("y"), ast.Var("z"), ast.Var("u"), ast.Var("b")
	A, B, W, X, S = ast.Var("A"), ast.Var("B"), ast.Var("W"), ast.Var("X"), ast.Var("S")
	alpha         = ast.Var("α")
)

func add(a, b ast.Expr) ast.Expr          { return ast.Bin(ast.Add, a, b) }
func sub(a, b ast.Expr) ast.Expr          { return ast.Bin(ast.Sub, a, b) }
func mul(a, b ast.Expr) ast.Expr          { return ast.Bin(ast.Mul, a, b) }
func had(a, b ast.Expr) ast.Expr          { return ast.Bin(ast.Hadamard, a, b) }
func div(a, b ast.Expr) ast.Expr          { return ast.Bin(ast.Div, a, b) }
func pow(a, b ast.Expr) ast.Expr          { return ast.Bin(ast.Pow, a, b) }
func fn(f string, a ...ast.Expr) ast.Expr { return ast.Fn(f, 0, a...) }
func n(v float64) ast.Expr                { return ast.Num(v) }
func tr(a ast.Expr) ast.Expr              { return ast.T(a) }

// testEnv holds small values whose closed-form results are easy by hand.
func testEnv() *Env {
	return &Env{Vars: map[string]*mat.Dense{
		"x": vec(1, 2, 3),
		"y": vec(3, 2, 1),
		"z": vec(-1, 0, 1),
		"u": vec(1, -1),
		"b": vec(0.5, -0.5),
		"A": mtx(2, 2, 1, 2, 3, 4),
		"B": mtx(2, 2, 0, 1, 1, 0),
		"W": mtx(2, 3, 1, 0, 2, -1, 3, 1),
		"X": mtx(3, 3, 4, 1, 0, 1, 3, 1, 0, 1, 2),
		"α": num(2),
		"s": num(-0.5),
	}}
}

func mustEval(t *testing.T, e ast.Expr, env *Env) *mat.Dense {
	t.Helper()
	v, err := Eval(e, env)
	if err != nil {
		t.Fatalf("Eval(%s): %v", ast.String(e), err)
	}
	return v
}

func near(got, want *mat.Dense, tol float64) bool {
	gr, gc := got.Dims()
	wr, wc := want.Dims()
	return gr == wr && gc == wc && mat.EqualApprox(got, want, tol)
}

func TestEvalNodes(t *testing.T) {
	env := testEnv()
	e3 := math.Exp(3)
	tests := []struct {
		name string
		e    ast.Expr
		want *mat.Dense
	}{
		{"number", n(2.5), num(2.5)},
		{"negative number", n(-2), num(-2)},
		{"variable", x, vec(1, 2, 3)},
		{"negation", ast.Negate(x), vec(-1, -2, -3)},
		{"transpose vector", tr(x), row(1, 2, 3)},
		{"transpose matrix", tr(W), mtx(3, 2, 1, -1, 0, 3, 2, 1)},
		{"sum", add(x, y), vec(4, 4, 4)},
		{"difference", sub(x, y), vec(-2, 0, 2)},
		{"scalar plus vector", add(n(1), x), vec(2, 3, 4)},
		{"vector minus scalar", sub(x, n(1)), vec(0, 1, 2)},
		{"scalar plus matrix", add(A, n(1)), mtx(2, 2, 2, 3, 4, 5)},
		{"dot product", mul(tr(x), y), num(10)},
		{"outer product", mul(u, tr(u)), mtx(2, 2, 1, -1, -1, 1)},
		{"matrix vector", mul(W, x), vec(7, 8)},
		{"matrix matrix", mul(A, B), mtx(2, 2, 2, 1, 4, 3)},
		{"row times matrix", mul(tr(u), A), row(-2, -2)},
		{"scalar times vector", mul(n(2), x), vec(2, 4, 6)},
		{"vector times scalar", mul(x, alpha), vec(2, 4, 6)},
		{"(xᵀy) z scales", mul(mul(tr(x), y), z), vec(-10, 0, 10)},
		{"hadamard", had(x, y), vec(3, 4, 3)},
		{"hadamard scalar", had(n(3), x), vec(3, 6, 9)},
		{"elementwise division", ast.Bin(ast.ElemDiv, x, y), vec(1.0/3, 1, 3)},
		{"divide by scalar", div(A, n(2)), mtx(2, 2, 0.5, 1, 1.5, 2)},
		{"scalar numerator broadcasts", div(n(1), x), vec(1, 0.5, 1.0/3)},
		{"divide vectors elementwise", div(x, y), vec(1.0/3, 1, 3)},
		{"scalar power", pow(alpha, n(10)), num(1024)},
		{"scalar power fractional", pow(n(9), n(0.5)), num(3)},
		{"elementwise power", ast.Bin(ast.ElemPow, x, n(2)), vec(1, 4, 9)},
		{"elementwise power vector exponent", ast.Bin(ast.ElemPow, n(2), x), vec(2, 4, 8)},
		{"matrix power 1", pow(A, n(1)), mtx(2, 2, 1, 2, 3, 4)},
		{"matrix power 0", pow(A, n(0)), mtx(2, 2, 1, 0, 0, 1)},
		{"matrix power -1", pow(A, n(-1)), mtx(2, 2, -2, 1, 1.5, -0.5)},
		{"indicator ≥ with tie", ast.Ind(ast.GE, x, y), vec(0, 1, 1)},
		{"indicator > with tie", ast.Ind(ast.GT, x, y), vec(0, 0, 1)},
		{"indicator broadcasts", ast.Ind(ast.GE, x, n(2)), vec(0, 1, 1)},
		{"max", fn("max", x, y), vec(3, 2, 3)},
		{"min", fn("min", x, y), vec(1, 2, 1)},
		{"max broadcasts", fn("max", z, n(0)), vec(0, 0, 1)},
		{"min broadcasts scalar first", fn("min", n(0), z), vec(-1, 0, 0)},
		{"sum of entries", fn("sum", W), num(6)},
		{"trace", fn("tr", A), num(5)},
		{"det 2×2", fn("det", A), num(-2)},
		{"det 3×3", fn("det", X), num(4*(6-1) - 1*(2-0))},
		{"logdet is log|det|", fn("logdet", A), num(math.Log(2))},
		{"inv", fn("inv", A), mtx(2, 2, -2, 1, 1.5, -0.5)},
		{"diag vector", fn("diag", u), mtx(2, 2, 1, 0, 0, -1)},
		{"diag matrix", fn("diag", A), vec(1, 4)},
		{"diag scalar", fn("diag", alpha), num(2)},
		{"softmax", fn("softmax", x), vec(math.E/(math.E+e3+math.Exp(2))*1, math.Exp(2)/(math.E+math.Exp(2)+e3), e3/(math.E+math.Exp(2)+e3))},
		{"logsumexp", fn("logsumexp", x), num(math.Log(math.E + math.Exp(2) + e3))},
		{"norm vector", fn("norm", x), num(math.Sqrt(14))},
		{"norm matrix is Frobenius", fn("norm", A), num(math.Sqrt(30))},
		{"norm1", fn("norm1", W), num(8)},
		{"norm squared", pow(fn("norm", x), n(2)), num(14)},
		{"exp", fn("exp", z), vec(1/math.E, 1, math.E)},
		{"log", fn("log", x), vec(0, math.Log(2), math.Log(3))},
		{"sin", fn("sin", z), vec(-math.Sin(1), 0, math.Sin(1))},
		{"cos", fn("cos", z), vec(math.Cos(1), 1, math.Cos(1))},
		{"tan", fn("tan", z), vec(-math.Tan(1), 0, math.Tan(1))},
		{"tanh", fn("tanh", z), vec(-math.Tanh(1), 0, math.Tanh(1))},
		{"sigmoid", fn("σ", z), vec(1/(1+math.E), 0.5, 1/(1+1/math.E))},
		{"sigmoid ASCII spelling", fn("sigmoid", z), vec(1/(1+math.E), 0.5, 1/(1+1/math.E))},
		{"relu", fn("relu", z), vec(0, 0, 1)},
		{"softplus", fn("softplus", z), vec(math.Log(1+1/math.E), math.Log(2), math.Log(1+math.E))},
		{"sqrt", fn("sqrt", x), vec(1, math.Sqrt2, math.Sqrt(3))},
		{"abs", fn("abs", z), vec(1, 0, 1)},
		{"sign", fn("sign", z), vec(-1, 0, 1)},
		{"trace alias", fn("trace", A), num(5)},
		{"inverse of product", mul(fn("inv", A), A), mtx(2, 2, 1, 0, 0, 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mustEval(t, tt.e, env)
			if !near(got, tt.want, 1e-12) {
				t.Errorf("%s = %s, want %s", ast.String(tt.e), Compact(got), Compact(tt.want))
			}
		})
	}
}

func TestMatrixPowerIsRepeatedProduct(t *testing.T) {
	env := testEnv()
	for _, p := range []int{2, 3, 5, -2, -3} {
		var base ast.Expr = X
		if p < 0 {
			base = fn("inv", X)
		}
		var prod ast.Expr = base
		for i := 1; i < abs(p); i++ {
			prod = mul(prod, base)
		}
		got := mustEval(t, pow(X, n(float64(p))), env)
		want := mustEval(t, prod, env)
		if !near(got, want, 1e-10) {
			t.Errorf("X^%d = %s, repeated product %s", p, Compact(got), Compact(want))
		}
	}
}

func abs(i int) int {
	if i < 0 {
		return -i
	}
	return i
}

func TestNumericalStability(t *testing.T) {
	big := &Env{Vars: map[string]*mat.Dense{
		"x": vec(1000, 1000, 999),
		"y": vec(-1000, -1000),
		"z": vec(1e200, 1e200),
		"s": num(800),
	}}
	lse := mustEval(t, fn("logsumexp", x), big)
	if want := 1000 + math.Log(2+1/math.E); math.Abs(lse.At(0, 0)-want) > 1e-12 {
		t.Errorf("logsumexp large = %v, want %v", lse.At(0, 0), want)
	}
	lse = mustEval(t, fn("logsumexp", y), big)
	if want := -1000 + math.Log(2); math.Abs(lse.At(0, 0)-want) > 1e-12 {
		t.Errorf("logsumexp very negative = %v, want %v", lse.At(0, 0), want)
	}
	sm := mustEval(t, fn("softmax", x), big)
	if s := mat.Sum(sm); math.Abs(s-1) > 1e-15 || sm.At(0, 0) != sm.At(1, 0) {
		t.Errorf("softmax of large inputs = %s, sum %v", Compact(sm), s)
	}
	if nrm := mustEval(t, fn("norm", z), big).At(0, 0); math.Abs(nrm/(math.Sqrt2*1e200)-1) > 1e-15 {
		t.Errorf("norm overflows: %v", nrm)
	}
	ss := ast.Var("s")
	for _, tt := range []struct {
		e    ast.Expr
		want float64
	}{
		{fn("σ", ss), 1},
		{fn("σ", ast.Negate(ss)), 0},
		{fn("softplus", ss), 800},
		{fn("softplus", ast.Negate(ss)), 0},
		{ast.Fn("σ", 1, ss), 0},
		{ast.Fn("tanh", 1, ss), 0},
	} {
		got := mustEval(t, tt.e, big).At(0, 0)
		if math.IsNaN(got) || math.Abs(got-tt.want) > 1e-300 {
			t.Errorf("%s at s=800 = %v, want %v", ast.String(tt.e), got, tt.want)
		}
	}
}

func TestSoftmaxSumsToOne(t *testing.T) {
	env := &Env{Vars: map[string]*mat.Dense{"x": vec(-3, 0.5, 2, 7, -1)}}
	s := mustEval(t, fn("softmax", x), env)
	if got := mat.Sum(s); math.Abs(got-1) > 1e-15 {
		t.Errorf("sum softmax = %v", got)
	}
	// softmax is exp(x − logsumexp(x)).
	want := mustEval(t, fn("exp", sub(x, fn("logsumexp", x))), env)
	if !near(s, want, 1e-15) {
		t.Errorf("softmax %s, exp(x − lse) %s", Compact(s), Compact(want))
	}
}

func TestIdentityAndOnesTakeSizeFromContext(t *testing.T) {
	env := testEnv()
	I := func() ast.Expr { return &ast.Identity{IPos: ast.NoPos} }
	one := func() ast.Expr { return &ast.Ones{OnesPos: ast.NoPos} }
	tests := []struct {
		name string
		e    ast.Expr
		want *mat.Dense
	}{
		{"I + A", add(I(), A), mtx(2, 2, 2, 2, 3, 5)},
		{"A + I", add(A, I()), mtx(2, 2, 2, 2, 3, 5)},
		{"A I", mul(A, I()), mtx(2, 2, 1, 2, 3, 4)},
		{"I A", mul(I(), A), mtx(2, 2, 1, 2, 3, 4)},
		{"I x", mul(I(), x), vec(1, 2, 3)},
		{"W I", mul(W, I()), mtx(2, 3, 1, 0, 2, -1, 3, 1)},
		{"I W", mul(I(), W), mtx(2, 3, 1, 0, 2, -1, 3, 1)},
		{"2I + A", add(mul(n(2), I()), A), mtx(2, 2, 3, 2, 3, 6)},
		{"A − αI", sub(A, mul(alpha, I())), mtx(2, 2, -1, 2, 3, 2)},
		// B swaps: (2I + B)⁻¹ = [[2,1],[1,2]]⁻¹ = [[2,−1],[−1,2]]/3.
		{"(2I + B)⁻¹", fn("inv", add(mul(n(2), I()), B)), mtx(2, 2, 2.0/3, -1.0/3, -1.0/3, 2.0/3)},
		{"x ∘ 𝟙", had(x, one()), vec(1, 2, 3)},
		{"𝟙 ∘ x", had(one(), x), vec(1, 2, 3)},
		{"𝟙ᵀx", mul(tr(one()), x), num(6)},
		{"xᵀ𝟙", mul(tr(x), one()), num(6)},
		{"W 𝟙", mul(W, one()), vec(3, 3)},
		{"𝟙ᵀW", mul(tr(one()), W), row(0, 3, 3)},
		{"A + 𝟙 (matrix)", add(A, one()), mtx(2, 2, 2, 3, 4, 5)},
		{"sized I", add(ast.Eye(ast.Size(2)), A), mtx(2, 2, 2, 2, 3, 5)},
		{"I Iᵀ x", mul(mul(I(), tr(I())), x), vec(1, 2, 3)},
		{"max(I, A)", fn("max", I(), A), mtx(2, 2, 1, 2, 3, 4)},
		{"[I ≥ B]", ast.Ind(ast.GE, I(), B), mtx(2, 2, 1, 0, 0, 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mustEval(t, tt.e, env)
			if !near(got, tt.want, 1e-12) {
				t.Errorf("%s = %s, want %s", ast.String(tt.e), Compact(got), Compact(tt.want))
			}
		})
	}
}

func TestSymbolicSizes(t *testing.T) {
	env := testEnv()
	env.Sizes = map[string]int{"n": 3}
	got := mustEval(t, ast.Eye(ast.Sym("n")), env)
	if !near(got, eye(3), 0) {
		t.Errorf("I(n) = %s", Compact(got))
	}
	got = mustEval(t, ast.OnesOf(ast.Vector(ast.Sym("n"))), env)
	if !near(got, vec(1, 1, 1), 0) {
		t.Errorf("𝟙(n) = %s", Compact(got))
	}
	got = mustEval(t, ast.OnesOf(ast.Matrix(ast.Sym("n"), ast.Size(2))), env)
	if !near(got, mtx(3, 2, 1, 1, 1, 1, 1, 1), 0) {
		t.Errorf("𝟙(n×2) = %s", Compact(got))
	}
	// EvalAs sizes a bare I from the expected shape.
	got, err := EvalAs(&ast.Identity{IPos: ast.NoPos}, env, ast.Matrix(ast.Sym("n"), ast.Sym("n")))
	if err != nil || !near(got, eye(3), 0) {
		t.Errorf("EvalAs(I, n×n) = %v, %v", got, err)
	}
	got, err = EvalAs(mul(n(2), &ast.Ones{OnesPos: ast.NoPos}), env, ast.Matrix(ast.Size(2), ast.Size(3)))
	if err != nil || !near(got, mtx(2, 3, 2, 2, 2, 2, 2, 2), 0) {
		t.Errorf("EvalAs(2𝟙, 2×3) = %v, %v", got, err)
	}
}

func TestEvalErrors(t *testing.T) {
	env := testEnv()
	env.Funcs = map[string]string{"g": "sum", "h": "nosuch"}
	I := &ast.Identity{IPos: ast.NoPos}
	tests := []struct {
		e    ast.Expr
		want string
	}{
		{ast.Var("q"), "no value for q"},
		{mul(W, b), "cannot multiply W (2×3) by b (2): inner dimensions 3 and 2 differ"},
		{mul(tr(x), W), "cannot multiply xᵀ (1×3) by W (2×3): inner dimensions 3 and 2 differ"},
		{add(x, u), "cannot combine x (3) and u (2) with +: shapes differ"},
		{sub(A, W), "cannot combine A (2×2) and W (2×3) with −: shapes differ"},
		{had(x, tr(x)), "cannot combine x (3) and xᵀ (1×3) with ∘: shapes differ"},
		{div(x, A), "cannot divide x (3) by A (2×2)"},
		{ast.Bin(ast.ElemPow, x, u), "cannot raise x (3) to u (2) elementwise"},
		{ast.Ind(ast.GE, x, u), "cannot compare x (3) with u (2)"},
		{fn("max", x, u), "max of x (3) and u (2): shapes differ"},
		{pow(x, n(2)), "x (3) is not square: use x.^…, x∘x or ‖x‖²"},
		{pow(A, x), "exponent x must be a scalar, not 3"},
		{pow(A, n(0.5)), "the matrix power A^0.5 needs an integer exponent, not 0.5"},
		{fn("inv", mtx2expr()), "cannot invert S: the matrix is singular"},
		{pow(ast.Var("S"), n(-1)), "cannot invert S: the matrix is singular"},
		{fn("inv", W), "cannot invert W (2×3): not square"},
		{fn("det", W), "det needs a square matrix, not W (2×3)"},
		{fn("tr", x), "tr needs a square matrix, not x (3)"},
		{fn("diag", W), "diag needs a vector or a square matrix, not W (2×3)"},
		{fn("softmax", A), "softmax needs a vector, not A (2×2)"},
		{ast.Fn("f", 0, x), "cannot evaluate generic function f: bind it to a built-in"},
		{ast.Fn("f", 1, x), "cannot evaluate generic function f: bind it to a built-in"},
		{ast.Fn("g", 0, x), "cannot evaluate generic function g: sum is not a one-argument elementwise built-in"},
		{ast.Fn("h", 0, x), "cannot evaluate generic function h: nosuch is not a one-argument elementwise built-in"},
		{ast.Fn("tanh", 3, x), "cannot evaluate tanh‴: only first and second derivatives are built in"},
		{ast.Fn("sum", 1, x), "sum′ is not defined: sum is not an elementwise function of one argument"},
		{ast.Fn("exp", 0, x, y), "exp takes 1 argument, not 2"},
		{I, "cannot tell the size of I: nothing it combines with has a size"},
		{ast.Eye(ast.Sym("k")), "cannot tell the size of I: no size given for k"},
		{add(I, tr(x)), "the identity I cannot be 1×3: it is square"},
		{add(n(1), fn("tr", I)), "cannot tell the size of I: nothing it combines with has a size"},
		{fn("sum", &ast.Ones{OnesPos: ast.NoPos}), "cannot tell the size of 𝟙: nothing it combines with has a size"},
	}
	env.Vars["S"] = mtx(2, 2, 1, 2, 2, 4)
	for _, tt := range tests {
		_, err := Eval(tt.e, env)
		if err == nil {
			t.Errorf("%s: no error, want %q", ast.String(tt.e), tt.want)
			continue
		}
		if err.Error() != tt.want {
			t.Errorf("%s:\n got  %q\n want %q", ast.String(tt.e), err, tt.want)
		}
		var pe *ast.Error
		if !asASTError(err, &pe) {
			t.Errorf("%s: error %T is not an *ast.Error", ast.String(tt.e), err)
		}
	}
}

func mtx2expr() ast.Expr { return ast.Var("S") }

func asASTError(err error, pe **ast.Error) bool {
	e, ok := err.(*ast.Error)
	*pe = e
	return ok
}

func TestErrorPositions(t *testing.T) {
	// W b with positions as the parser would set them: the error points at
	// the product.
	src := "u + W b"
	e := &ast.Binary{
		X:  &ast.Ident{NamePos: 0, Name: "u", NameEnd: 1},
		Op: ast.Add, OpPos: 2,
		Y: &ast.Binary{X: &ast.Ident{NamePos: 4, Name: "W", NameEnd: 5}, Op: ast.Mul, OpPos: 5,
			Y: &ast.Ident{NamePos: 6, Name: "b", NameEnd: 7}},
	}
	_, err := Eval(e, testEnv())
	want := "1:5: cannot multiply W (2×3) by b (2): inner dimensions 3 and 2 differ\n  u + W b\n      ^"
	if got := ast.FormatError(src, err); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestGenericFunctions(t *testing.T) {
	env := testEnv()
	env.Funcs = map[string]string{"f": "tanh", "g": "sigmoid", "φ": "relu"}
	for _, tt := range []struct{ generic, builtin string }{{"f", "tanh"}, {"g", "σ"}, {"φ", "relu"}} {
		for p := 0; p <= 2; p++ {
			got := mustEval(t, ast.Fn(tt.generic, p, z), env)
			want := mustEval(t, ast.Fn(tt.builtin, p, z), env)
			if !near(got, want, 0) {
				t.Errorf("%s%s(z) = %s, %s%s(z) = %s", tt.generic, primes(p), Compact(got), tt.builtin, primes(p), Compact(want))
			}
		}
	}
	// f′ of tanh at 0 is 1, f″ is 0.
	got := mustEval(t, ast.Fn("f", 1, n(0)), env)
	if got.At(0, 0) != 1 {
		t.Errorf("f′(0) = %v with f = tanh", got.At(0, 0))
	}
}

func TestKinks(t *testing.T) {
	env := &Env{Vars: map[string]*mat.Dense{"x": vec(0), "y": vec(0)}}
	for _, tt := range []struct {
		e    ast.Expr
		want float64
	}{
		{ast.Fn("relu", 1, x), 0},
		{ast.Fn("relu", 2, x), 0},
		{ast.Fn("abs", 1, x), 0},
		{ast.Fn("sign", 0, x), 0},
		{ast.Fn("sign", 1, x), 0},
		{ast.Ind(ast.GE, x, y), 1}, // max routes to its first argument on a tie
		{ast.Ind(ast.GT, x, y), 0},
	} {
		if got := mustEval(t, tt.e, env).At(0, 0); got != tt.want {
			t.Errorf("%s at 0 = %v, want %v", ast.String(tt.e), got, tt.want)
		}
	}
}

func TestEvalAll(t *testing.T) {
	env := testEnv()
	env.Funcs = map[string]string{"f": "tanh"}
	zz := add(mul(W, x), b) // shared node
	e := add(mul(tr(u), ast.Fn("f", 0, zz)), fn("sum", zz))
	all, err := EvalAll(e, env)
	if err != nil {
		t.Fatal(err)
	}
	distinct := map[ast.Expr]bool{}
	ast.Inspect(e, func(n ast.Expr) bool {
		distinct[n] = true
		if all[n] == nil {
			t.Errorf("no value for node %s", ast.String(n))
		}
		return true
	})
	if len(all) != len(distinct) || len(distinct) != 11 {
		t.Errorf("EvalAll has %d values for %d distinct nodes, want 11", len(all), len(distinct))
	}
	if got := all[zz]; !near(got, vec(7.5, 7.5), 1e-15) {
		t.Errorf("z = %s, want [7.5 7.5]", Compact(got))
	}
	top := mustEval(t, e, env).At(0, 0)
	if want := (math.Tanh(7.5) - math.Tanh(7.5)) + 15; math.Abs(top-want) > 1e-12 || all[e].At(0, 0) != top {
		t.Errorf("value %v, EvalAll %v, want %v", top, all[e].At(0, 0), want)
	}
}

func TestEvalDoesNotAliasEnv(t *testing.T) {
	env := testEnv()
	v := mustEval(t, x, env)
	v.Set(0, 0, 99)
	if env.Vars["x"].At(0, 0) != 1 {
		t.Error("modifying Eval's result changed the environment")
	}
}

func TestEvalAsChecksShape(t *testing.T) {
	env := testEnv()
	env.Sizes = map[string]int{"n": 3}
	_, err := EvalAs(fn("diag", x), env, ast.Vector(ast.Sym("n")))
	if want := "the value of diag(x) is 3×3, but its shape should be n (3)"; err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
	_, err = EvalAllAs(tr(x), env, ast.Vector(ast.Size(3)))
	if want := "the value of xᵀ is 1×3, but its shape should be 3"; err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
	// Unknown dimensions are not checked.
	if _, err := EvalAs(fn("diag", x), env, ast.Matrix(ast.Sym("q"), ast.Sym("p"))); err != nil {
		t.Errorf("unknown dimension: %v", err)
	}
}

func TestNonFinite(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	env := &Env{Vars: map[string]*mat.Dense{
		"x": vec(inf, 1, inf),
		"y": vec(math.Inf(-1), math.Inf(-1)),
		"z": vec(nan, 1),
		"u": vec(3, inf),
	}}
	check := func(e ast.Expr, want *mat.Dense) {
		t.Helper()
		got := mustEval(t, e, env)
		if !sameValue(got, want) {
			t.Errorf("%s = %s, want %s", ast.String(e), Compact(got), Compact(want))
		}
	}
	check(fn("softmax", x), vec(0.5, 0, 0.5))
	check(fn("logsumexp", x), num(inf))
	check(fn("logsumexp", y), num(math.Inf(-1)))
	check(fn("logsumexp", z), num(nan))
	check(fn("norm", u), num(inf))
	check(fn("norm", z), num(nan))
	check(fn("max", z, n(0)), vec(nan, 1))
	check(fn("min", n(0), z), vec(nan, 0)) // NaN propagates from either side
	for _, f := range []string{"relu", "abs", "sign"} {
		for p := 0; p <= 2; p++ {
			if v := mustEval(t, ast.Fn(f, p, z), env).At(0, 0); !math.IsNaN(v) {
				t.Errorf("%s%s(NaN) = %v, want NaN", f, primes(p), v)
			}
		}
	}
}

func TestNearlySingular(t *testing.T) {
	env := &Env{Vars: map[string]*mat.Dense{"S": mtx(2, 2, 1, 1, 1, 1+1e-17*4)}}
	env.Vars["T"] = mtx(3, 3, 1, 2, 3, 4, 5, 6, 7, 8, 9+1e-15)
	for _, name := range []string{"S", "T"} {
		_, err := Eval(fn("inv", ast.Var(name)), env)
		if err == nil || !strings.HasPrefix(err.Error(), "cannot invert "+name+": the matrix is") {
			t.Errorf("inv(%s): %v", name, err)
		}
	}
}

func TestElementwiseLookup(t *testing.T) {
	f, ok := Elementwise("sigmoid", 1)
	if !ok || f(0) != 0.25 {
		t.Errorf("Elementwise(sigmoid, 1): ok %v, σ′(0) wrong", ok)
	}
	if _, ok := Elementwise("tanh", 3); ok {
		t.Error("Elementwise(tanh, 3) exists")
	}
	if _, ok := Elementwise("sum", 0); ok {
		t.Error("Elementwise(sum, 0) exists")
	}
}

func TestNilEnv(t *testing.T) {
	v, err := Eval(add(n(1), n(2)), nil)
	if err != nil || v.At(0, 0) != 3 {
		t.Errorf("1 + 2 with a nil env = %v, %v", v, err)
	}
	if _, err := Eval(x, nil); err == nil || err.Error() != "no value for x" {
		t.Errorf("x with a nil env: %v", err)
	}
}

// A zero derivative prints as 0 and stands for the zero of its shape.
func TestEvalShapedZero(t *testing.T) {
	env := &Env{Sizes: map[string]int{"n": 3, "m": 2}}
	x, err := EvalShaped(ast.Num(0), env, ast.Matrix(ast.Sym("n"), ast.Sym("m")))
	if err != nil {
		t.Fatal(err)
	}
	if r, c := x.Dims(); r != 3 || c != 2 || mat.Norm(x, 1) != 0 {
		t.Fatalf("EvalShaped(0) = %v, want the 3×2 zero", mat.Formatted(x))
	}
	y, err := EvalShaped(ast.Bin(ast.Add, ast.Num(1), ast.Num(2)), env, ast.Scalar)
	if err != nil || y.At(0, 0) != 3 {
		t.Fatalf("EvalShaped(1 + 2) = %v, %v", y, err)
	}
}
