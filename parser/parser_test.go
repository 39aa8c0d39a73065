package parser

import (
	"testing"

	"github.com/matcalc/matcalc/ast"
)

// Tree-building shorthands for expected trees.
var (
	v   = func(n string) ast.Expr { return ast.Var(n) }
	num = func(x float64) ast.Expr { return ast.Num(x) }
	mul = func(x, y ast.Expr) ast.Expr { return ast.Bin(ast.Mul, x, y) }
	add = func(x, y ast.Expr) ast.Expr { return ast.Bin(ast.Add, x, y) }
	sub = func(x, y ast.Expr) ast.Expr { return ast.Bin(ast.Sub, x, y) }
	pow = func(x, y ast.Expr) ast.Expr { return ast.Bin(ast.Pow, x, y) }
	neg = func(x ast.Expr) ast.Expr { return ast.Negate(x) }
	tr  = func(x ast.Expr) ast.Expr { return ast.T(x) }
	fn  = func(f string, args ...ast.Expr) ast.Expr { return ast.Fn(f, 0, args...) }
)

// spellings lists formulas written in several ways. Every spelling of an
// entry must parse to the same tree, want if it is given; and the tree must
// come back from both of its printed forms.
var spellings = []struct {
	forms []string
	want  ast.Expr
}{
	// The examples of docs/shapes.md.
	{[]string{"uᵀf(Wx+b)", "u'*f(W*x+b)", "u^T f(W x + b)", "u.T*f(W*x+b)"},
		mul(tr(v("u")), fn("f", add(mul(v("W"), v("x")), v("b"))))},
	{[]string{"(x+y)*max(y,z)", "(x + y) max(y, z)", "[x+y]max(y,z)"},
		mul(add(v("x"), v("y")), fn("max", v("y"), v("z")))},
	{[]string{"xᵀAx", "x'*A*x", "x^T A x", "x.TAx", "x'Ax"}, mul(mul(tr(v("x")), v("A")), v("x"))},
	{[]string{"2x", "2*x", "2 x", "2·x"}, mul(num(2), v("x"))},
	{[]string{"λ‖w‖²", "lambda*norm(w)^2", "λ norm(w)²", "lambda ||w||^2"},
		mul(v("λ"), pow(fn("norm", v("w")), num(2)))},
	{[]string{"(xᵀy) z", "x'*y*z", "xᵀyz"}, mul(mul(tr(v("x")), v("y")), v("z"))},
	{[]string{"W(x+b)", "W*(x+b)", "W (x + b)"}, mul(v("W"), add(v("x"), v("b")))},
	{[]string{"f(x)", "f( x )"}, fn("f", v("x"))},
	{[]string{"-yᵀlog(softmax(U relu(Wx+b₁)+b₂))", "-y'*log(softmax(U*relu(W*x+b_1)+b_2))", "−yᵀ log(softmax(U relu(Wx + b1) + b2))"},
		mul(neg(tr(v("y"))), fn("log", fn("softmax", add(mul(v("U"), fn("relu", add(mul(v("W"), v("x")), v("b₁")))), v("b₂")))))},
	{[]string{"‖Ax−b‖² + λ‖x‖²", "norm(A*x-b)^2 + lambda*norm(x)^2", "||Ax - b||^2 + lambda ||x||^2"},
		add(pow(fn("norm", sub(mul(v("A"), v("x")), v("b"))), num(2)), mul(v("λ"), pow(fn("norm", v("x")), num(2))))},
	{[]string{"tr(AXB)", "trace(A*X*B)", "tr(A X B)"}, fn("tr", mul(mul(v("A"), v("X")), v("B")))},
	{[]string{"logdet(X)", "logdet( X )"}, fn("logdet", v("X"))},
	// A function of a function application needs no parentheses of its own.
	{[]string{"log det(X)", "log(det(X))", "log det( X )"}, fn("log", fn("det", v("X")))},
	{[]string{"log softmax(Wx)", "log(softmax(W*x))"}, fn("log", fn("softmax", mul(v("W"), v("x"))))},
	{[]string{"tanh f(x)", "tanh(f(x))"}, fn("tanh", fn("f", v("x")))},
	// 1ᵀ is the row of ones.
	{[]string{"1ᵀx", "1'*x", "𝟙ᵀx", "ones'*x", "1^T x"}, mul(tr(ast.OnesOf(ast.Shape{})), v("x"))},
	{[]string{"A⁻¹", "A^-1", "inv(A)", "A^−1"}, fn("inv", v("A"))},
	{[]string{"A⁻ᵀ", "inv(A)'", "inv(A)^T", "(A⁻¹)ᵀ", "A^-1'"}, tr(fn("inv", v("A")))},
	{[]string{"xᵀ", "x.T", "x^T", "x'"}, tr(v("x"))},
	{[]string{"Aᵀᵀ", "A''", "A.T.T", "A^T^T"}, tr(tr(v("A")))},
	// Subscripts and Greek names.
	{[]string{"x₁", "x1", "x_1"}, v("x₁")},
	{[]string{"W₁₂x", "W12*x", "W_12 x"}, mul(v("W₁₂"), v("x"))},
	{[]string{"W_Lx"}, v("W_Lx")},
	{[]string{"W_L x", "W_L*x"}, mul(v("W_L"), v("x"))},
	{[]string{"θ₁ + α", "theta1 + alpha", "theta_1+alpha"}, add(v("θ₁"), v("α"))},
	{[]string{"βx", "beta*x", "betax"}, mul(v("β"), v("x"))},
	{[]string{"ηδ", "eta delta", "etadelta", "eta*delta"}, mul(v("η"), v("δ"))},
	{[]string{"σ(z)", "sigmoid(z)", "sigma(z)"}, fn("σ", v("z"))},
	{[]string{"σz", "sigma*z", "sigma z"}, mul(v("σ"), v("z"))},
	{[]string{"σ (z + y)", "sigma*(z+y)"}, mul(v("σ"), add(v("z"), v("y")))},
	{[]string{"φ(x) + ψ(y)", "phi(x) + psi(y)"}, add(fn("φ", v("x")), fn("ψ", v("y")))},
	{[]string{"Ω + Γ", "Omega + Gamma"}, add(v("Ω"), v("Γ"))},
	// Primes.
	{[]string{"f′(z)", "f'(z)"}, ast.Fn("f", 1, v("z"))},
	{[]string{"f″(z)", "f′′(z)", "f''(z)"}, ast.Fn("f", 2, v("z"))},
	{[]string{"tanh′(z)", "tanh'(z)", "tanh′ (z)"}, ast.Fn("tanh", 1, v("z"))},
	{[]string{"relu′(z)", "relu'(z)"}, ast.Fn("relu", 1, v("z"))},
	{[]string{"σ′(z)", "sigmoid'(z)", "sigma'(z)"}, ast.Fn("σ", 1, v("z"))},
	{[]string{"uᵀf′(z)", "u'*f'(z)"}, mul(tr(v("u")), ast.Fn("f", 1, v("z")))},
	{[]string{"f'x", "fᵀx", "f^T x"}, mul(tr(v("f")), v("x"))},
	{[]string{"f (x)", "f*x", "f x"}, mul(v("f"), v("x"))},
	{[]string{"xf(y)", "x*f(y)"}, mul(v("x"), fn("f", v("y")))},
	// Hadamard and elementwise operators.
	{[]string{"a ∘ b", "a ⊙ b", "a .* b", "a.*b"}, ast.Bin(ast.Hadamard, v("a"), v("b"))},
	{[]string{"a ∘ Wx", "a .* (W*x)", "a.*W*x"}, ast.Bin(ast.Hadamard, v("a"), mul(v("W"), v("x")))},
	{[]string{"a ./ b", "a./b"}, ast.Bin(ast.ElemDiv, v("a"), v("b"))},
	{[]string{"x.^2", "x .^ 2"}, ast.Bin(ast.ElemPow, v("x"), num(2))},
	{[]string{"a ∘ b + c", "a.*b + c"}, add(ast.Bin(ast.Hadamard, v("a"), v("b")), v("c"))},
	{[]string{"u ∘ f′(z)", "u .* f'(z)"}, ast.Bin(ast.Hadamard, v("u"), ast.Fn("f", 1, v("z")))},
	// Indicators and grouping.
	{[]string{"[a ≥ b]", "[a >= b]", "[b ≤ a]", "[b <= a]"}, ast.Ind(ast.GE, v("a"), v("b"))},
	{[]string{"[a > b]", "[b < a]"}, ast.Ind(ast.GT, v("a"), v("b"))},
	{[]string{"u ∘ [x ≥ 0]", "u .* [x >= 0]"}, ast.Bin(ast.Hadamard, v("u"), ast.Ind(ast.GE, v("x"), num(0)))},
	{[]string{"[x]", "(x)", "((x))", "[(x)]"}, v("x")},
	// Identity, ones.
	{[]string{"𝟙", "ones"}, ast.OnesOf(ast.Shape{})},
	{[]string{"𝟙ᵀx", "ones'*x", "ones^T x"}, mul(tr(ast.OnesOf(ast.Shape{})), v("x"))},
	{[]string{"I + A", "I+A"}, add(ast.Eye(ast.Dim{}), v("A"))},
	{[]string{"Ix", "I*x", "I x"}, mul(ast.Eye(ast.Dim{}), v("x"))},
	// Numbers.
	{[]string{"0.5x", "0.5*x", ".5x"}, mul(num(0.5), v("x"))},
	{[]string{"1e-3x", "0.001*x", "1E-3 x"}, mul(num(0.001), v("x"))},
	{[]string{"2e", "2*e", "2 e"}, mul(num(2), v("e"))},
	{[]string{"2e3", "2000"}, num(2000)},
	{[]string{"2 3", "2*3"}, mul(num(2), num(3))},
	// Signs and precedence.
	{[]string{"-x²", "-x^2", "−x²", "-(x^2)"}, neg(pow(v("x"), num(2)))},
	{[]string{"-2x", "(-2)*x", "−2x"}, mul(neg(num(2)), v("x"))},
	{[]string{"W -x", "W - x", "W−x"}, sub(v("W"), v("x"))},
	{[]string{"x*-y", "x (−y)", "x*(-y)"}, mul(v("x"), neg(v("y")))},
	{[]string{"--x", "-(-x)", "−−x"}, neg(neg(v("x")))},
	{[]string{"a - b - c", "(a-b)-c"}, sub(sub(v("a"), v("b")), v("c"))},
	{[]string{"a - (b - c)", "a-(b-c)"}, sub(v("a"), sub(v("b"), v("c")))},
	{[]string{"x/yz", "x/y*z", "(x/y)z"}, mul(ast.Bin(ast.Div, v("x"), v("y")), v("z"))},
	{[]string{"x/(yz)", "x/(y*z)"}, ast.Bin(ast.Div, v("x"), mul(v("y"), v("z")))},
	{[]string{"xᵀ²", "(x')^2", "x^T^2"}, pow(tr(v("x")), num(2))},
	{[]string{"x²ᵀ", "x^2'", "(x^2)^T"}, tr(pow(v("x"), num(2)))},
	{[]string{"x⁻²", "x^-2", "x^(-2)"}, pow(v("x"), neg(num(2)))},
	{[]string{"x^(n+1)", "x^(n + 1)"}, pow(v("x"), add(v("n"), num(1)))},
	{[]string{"x^ny", "x^n*y", "x^n y"}, mul(pow(v("x"), v("n")), v("y"))},
	{[]string{"x^(T)", "x^(T)"}, pow(v("x"), v("T"))},
	{[]string{"2²", "2^2"}, pow(num(2), num(2))},
	{[]string{"x²³", "x^23"}, pow(v("x"), num(23))},
	{[]string{"(A+B)⁻¹", "inv(A+B)", "(A + B)^-1"}, fn("inv", add(v("A"), v("B")))},
	{[]string{"WA⁻¹x", "W*inv(A)*x"}, mul(mul(v("W"), fn("inv", v("A"))), v("x"))},
	// Norms.
	{[]string{"‖x‖‖y‖", "norm(x)*norm(y)", "||x|| ||y||"}, mul(fn("norm", v("x")), fn("norm", v("y")))},
	{[]string{"‖‖x‖y‖", "norm(norm(x)*y)"}, fn("norm", mul(fn("norm", v("x")), v("y")))},
	{[]string{"‖x(‖y‖)‖", "norm(x*norm(y))"}, fn("norm", mul(v("x"), fn("norm", v("y"))))},
	{[]string{"‖x + ‖y‖‖", "norm(x + norm(y))"}, fn("norm", add(v("x"), fn("norm", v("y"))))},
	{[]string{"norm1(x)", "norm1( x )", "‖x‖₁", "||x||_1"}, fn("norm1", v("x"))},
	{[]string{"‖x‖", "‖x‖₂", "||x||_2", "‖x‖_F", "norm(x)"}, nil},
	{[]string{"x⊤y", "x^⊤ y", "x^T ⋅ y"}, nil},
	// Letter runs.
	{[]string{"uᵀWx", "u'*W*x"}, mul(mul(tr(v("u")), v("W")), v("x"))},
	{[]string{"Wexp(x)", "W*exp(x)", "W exp(x)"}, mul(v("W"), fn("exp", v("x")))},
	{[]string{"ex p", "e*x*p"}, mul(mul(v("e"), v("x")), v("p"))},
	{[]string{"P i", "P*i"}, mul(v("P"), v("i"))},
	{[]string{"Pi", "Π"}, v("Π")},
	{[]string{"δxᵀ", "delta*x'"}, mul(v("δ"), tr(v("x")))},
	{[]string{"Wᵀδ", "W'*delta"}, mul(tr(v("W")), v("δ"))},
	{[]string{"xy (a + b)", "x*y*(a+b)"}, mul(mul(v("x"), v("y")), add(v("a"), v("b")))},
	{[]string{"Wx(a + b)", "W*x*(a+b)"}, mul(mul(v("W"), v("x")), add(v("a"), v("b")))},
	// Functions.
	{[]string{"sum(x)", "sum( x )"}, fn("sum", v("x"))},
	{[]string{"det(A) + logsumexp(x)", "det(A)+logsumexp(x)"}, add(fn("det", v("A")), fn("logsumexp", v("x")))},
	{[]string{"diag(x)W", "diag(x)*W"}, mul(fn("diag", v("x")), v("W"))},
	{[]string{"max(a, b) + min(a, b)", "max(a,b)+min(a,b)"}, add(fn("max", v("a"), v("b")), fn("min", v("a"), v("b")))},
	{[]string{"exp(x) + log(x) + sin(x) + cos(x) + tan(x)", "exp(x)+log(x)+sin(x)+cos(x)+tan(x)"}, nil},
	{[]string{"softplus(x) + sqrt(x) + abs(x) + sign(x)", "softplus(x)+sqrt(x)+abs(x)+sign(x)"}, nil},
	{[]string{"f(x)ᵀ", "f(x)'"}, tr(fn("f", v("x")))},
	{[]string{"g(h(x))", "g(h(x))"}, fn("g", fn("h", v("x")))},
	{[]string{"f₁(x)", "f_1(x)", "f1(x)"}, fn("f₁", v("x"))},
	// Bigger formulas.
	{[]string{"δ = u ∘ f′(z)", ""}, nil},
	{[]string{"(y − σ(wᵀx))²", "(y - sigmoid(w'*x))^2"}, nil},
	{[]string{"xᵀA⁻¹x + logdet(A)", "x'*inv(A)*x + logdet(A)"}, nil},
	{[]string{"1 + exp(v)", "1+exp(v)"}, add(num(1), fn("exp", v("v")))},
	{[]string{"x ∘ x ./ (𝟙 + x)", "x .* x ./ (ones + x)"}, nil},
	{[]string{"tr(XᵀAX) − 2tr(BX)", "trace(X'*A*X) - 2*trace(B*X)"}, nil},
	{[]string{"sum(log(1 + exp(-y ∘ Xw)))", "sum(log(1 + exp(-y .* (X*w))))"}, nil},
}

func TestSpellings(t *testing.T) {
	n := 0
	for _, tc := range spellings {
		var first ast.Expr
		for _, src := range tc.forms {
			if src == "" {
				continue
			}
			n++
			e, err := ParseExpr(src)
			if err != nil {
				if src == "δ = u ∘ f′(z)" {
					continue // a definition, not a formula: see TestParseFile
				}
				t.Errorf("ParseExpr(%q): %v", src, ast.FormatError(src, err))
				continue
			}
			if first == nil {
				first = e
				if tc.want != nil && !ast.Equal(e, tc.want) {
					t.Errorf("ParseExpr(%q) = %s, want %s", src, ast.String(e), ast.String(tc.want))
				}
			} else if !ast.Equal(e, first) {
				t.Errorf("ParseExpr(%q) = %s, differs from %q = %s", src, ast.String(e), tc.forms[0], ast.String(first))
			}
			checkPositions(t, src, e)
			checkRoundTrip(t, src, e)
		}
	}
	if n < 160 {
		t.Errorf("only %d spellings", n)
	}
}

// checkRoundTrip checks that both printed forms of e parse back to e.
func checkRoundTrip(t *testing.T, src string, e ast.Expr) {
	t.Helper()
	for _, printed := range []string{ast.String(e), ast.ASCII(e)} {
		back, err := ParseExpr(printed)
		if err != nil {
			t.Errorf("%q printed as %q does not parse: %v", src, printed, ast.FormatError(printed, err))
			continue
		}
		if !ast.Equal(back, e) {
			t.Errorf("%q printed as %q parses to %s", src, printed, ast.String(back))
		}
	}
}

// checkPositions checks that every node lies inside the source and inside
// its parent, and that each node's text is what its kind suggests.
func checkPositions(t *testing.T, src string, e ast.Expr) {
	t.Helper()
	var walk func(e ast.Expr, lo, hi ast.Pos)
	walk = func(e ast.Expr, lo, hi ast.Pos) {
		p, q := e.Pos(), e.End()
		if p < lo || q > hi || p >= q {
			t.Errorf("%q: %T %s at [%d,%d) outside its parent [%d,%d)", src, e, ast.String(e), p, q, lo, hi)
			return
		}
		switch e := e.(type) {
		case *ast.Ident:
			if s := src[p:q]; s != e.Name {
				if c, err := CanonicalName(s); (err != nil || c != e.Name) && greek(s) != e.Name {
					t.Errorf("%q: Ident %s spans %q", src, e.Name, s)
				}
			}
		case *ast.Number:
			if s := src[p:q]; s[0] != '.' && (s[0] < '0' || s[0] > '9') && !isSuperscript(s) && fractions[s] == 0 {
				t.Errorf("%q: Number spans %q", src, s)
			}
		case *ast.Identity:
			if src[p:q] != "I" {
				t.Errorf("%q: Identity spans %q", src, src[p:q])
			}
		case *ast.Ones:
			if s := src[p:q]; s != "𝟙" && s != "ones" && s != "1" { // the 1 of 1ᵀ
				t.Errorf("%q: Ones spans %q", src, s)
			}
		}
		for _, k := range ast.Children(e) {
			walk(k, p, q)
		}
	}
	walk(e, 0, ast.Pos(len(src)))
}

func isSuperscript(s string) bool {
	for _, r := range s {
		if _, ok := superValue[r]; !ok {
			return false
		}
	}
	return true
}

// TestPositions checks some positions exactly.
func TestPositions(t *testing.T) {
	src := "uᵀf(Wx+b) + ‖x‖²"
	e, err := ParseExpr(src)
	if err != nil {
		t.Fatal(err)
	}
	sum := e.(*ast.Binary)
	prod := sum.X.(*ast.Binary)
	call := prod.Y.(*ast.Call)
	if got := src[call.FunPos:call.End()]; got != "f(Wx+b)" {
		t.Errorf("call spans %q", got)
	}
	if got := src[prod.X.Pos():prod.X.End()]; got != "uᵀ" {
		t.Errorf("transpose spans %q", got)
	}
	if got := src[sum.OpPos : sum.OpPos+1]; got != "+" {
		t.Errorf("+ at %q", got)
	}
	p := sum.Y.(*ast.Binary)
	norm := p.X.(*ast.Call)
	if src[norm.FunPos:norm.FunPos+3] != "‖" || src[norm.Rparen:norm.Rparen+3] != "‖" {
		t.Errorf("norm bars at %d, %d", norm.FunPos, norm.Rparen)
	}
	if got := src[p.Y.Pos():p.Y.End()]; got != "²" {
		t.Errorf("exponent spans %q", got)
	}
	inv, _ := ParseExpr("(A+B)⁻¹")
	if c := inv.(*ast.Call); c.FunPos != 0 || c.End() != ast.Pos(len("(A+B)⁻¹")) {
		t.Errorf("inverse at [%d,%d)", c.FunPos, c.End())
	}
}

func TestConfig(t *testing.T) {
	decls, err := ParseDecls("Wout: matrix(n,m); loss: function; I: matrix(n, n); g: vector")
	if err != nil {
		t.Fatal(err)
	}
	c := &Config{Decls: decls}
	tests := []struct {
		src  string
		want ast.Expr
	}{
		{"Woutx", mul(v("Wout"), v("x"))},
		{"Wout₁x", mul(v("Wout₁"), v("x"))},
		{"loss(Wx)", fn("loss", mul(v("W"), v("x")))},
		{"loss′(z)", ast.Fn("loss", 1, v("z"))},
		{"Ix", mul(v("I"), v("x"))},
		{"g(x)", mul(v("g"), v("x"))},
		{"f(x)", fn("f", v("x"))},
	}
	for _, tc := range tests {
		e, err := c.ParseExpr(tc.src)
		if err != nil {
			t.Errorf("%q: %v", tc.src, err)
			continue
		}
		if !ast.Equal(e, tc.want) {
			t.Errorf("%q = %s, want %s", tc.src, ast.String(e), ast.String(tc.want))
		}
		checkPositions(t, tc.src, e)
	}
	if _, err := c.ParseExpr("loss x"); err == nil {
		t.Errorf("loss x: no error")
	}
	// Without declarations, I is the identity and Wout is W·o·u·t.
	e, _ := ParseExpr("Woutx")
	if !ast.Equal(e, mul(mul(mul(mul(v("W"), v("o")), v("u")), v("t")), v("x"))) {
		t.Errorf("Woutx = %s", ast.String(e))
	}
}

func TestCanonicalName(t *testing.T) {
	good := map[string]string{
		"x": "x", "x1": "x₁", "x_1": "x₁", "x₁": "x₁", "theta": "θ", "θ": "θ",
		"W_L": "W_L", "W_out": "W_out", "b_1": "b₁", "theta_12": "θ₁₂", "alpha1": "α₁",
		"Wout": "Wout", " x ": "x", "σ": "σ", "W_L₁": "W_L1", "Omega": "Ω",
	}
	for in, want := range good {
		got, err := CanonicalName(in)
		if err != nil || got != want {
			t.Errorf("CanonicalName(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "1x", "x y", "x_", "x+", "x1y", "xᵀ", "_x"} {
		if got, err := CanonicalName(in); err == nil {
			t.Errorf("CanonicalName(%q) = %q, want an error", in, got)
		}
	}
}

func BenchmarkParseExpr(b *testing.B) {
	src := "-yᵀlog(softmax(U relu(Wx+b₁)+b₂)) + λ‖W‖² + ‖Ax−b‖²"
	for b.Loop() {
		if _, err := ParseExpr(src); err != nil {
			b.Fatal(err)
		}
	}
}

func greek(name string) string {
	l, _ := ast.GreekLetter(name)
	return l
}
