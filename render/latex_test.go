package render

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/matcalc/matcalc/ast"
)

// -update rewrites the golden files under testdata/. The flag may be
// declared by another test file of this package as well; whoever comes
// first declares it.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite the golden files under testdata/")
	}
}

func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// Shorthands for building trees.
var (
	v   = ast.Var
	num = ast.Num
	neg = func(x ast.Expr) ast.Expr { return ast.Negate(x) }
	tr  = func(x ast.Expr) ast.Expr { return ast.T(x) }
	fn  = func(name string, args ...ast.Expr) ast.Expr { return ast.Fn(name, 0, args...) }
	fn1 = func(name string, args ...ast.Expr) ast.Expr { return ast.Fn(name, 1, args...) }
	bin = func(op ast.Op, x, y ast.Expr) ast.Expr { return ast.Bin(op, x, y) }
	mul = func(x, y ast.Expr) ast.Expr { return ast.Bin(ast.Mul, x, y) }
	add = func(x, y ast.Expr) ast.Expr { return ast.Bin(ast.Add, x, y) }
	sub = func(x, y ast.Expr) ast.Expr { return ast.Bin(ast.Sub, x, y) }
	div = func(x, y ast.Expr) ast.Expr { return ast.Bin(ast.Div, x, y) }
	had = func(x, y ast.Expr) ast.Expr { return ast.Bin(ast.Hadamard, x, y) }
	pow = func(x, y ast.Expr) ast.Expr { return ast.Bin(ast.Pow, x, y) }
)

var (
	n, m = ast.Sym("n"), ast.Sym("m")
	vecN = ast.Vector(n)
	matN = ast.Matrix(n, n)
)

// testShapes: uppercase Latin matrices, lowercase Latin vectors, and the
// scalars a, c, t, y, α, λ (as SPEC §2's defaults would give them).
var testShapes = map[string]ast.Shape{
	"W": ast.Matrix(n, m), "W₁": ast.Matrix(n, m), "W_L": ast.Matrix(n, n),
	"W_out": ast.Matrix(n, n), "A": matN, "B": matN, "X": matN, "Θ": matN,
	"x": ast.Vector(m), "b": vecN, "u": vecN, "v": vecN, "z": vecN, "h": vecN,
	"θ": vecN, "θ₁": vecN, "δ": vecN, "hidden": vecN,
	"a": ast.Scalar, "c": ast.Scalar, "t": ast.Scalar, "y": ast.Scalar,
	"α": ast.Scalar, "λ": ast.Scalar, "loss": ast.Scalar, "ŷ": vecN, "ȳ": ast.Scalar,
}

type latexCase struct {
	name  string
	e     ast.Expr
	plain bool
	// want is written by hand from the notation, not copied from output.
	want string
}

var latexCases = []latexCase{
	// Variables: bold for vectors and matrices, subscripts, Greek.
	{"ident_vector", v("x"), false, `\mathbf{x}`},
	{"ident_matrix_subscript", v("W₁"), false, `\mathbf{W}_{1}`},
	{"ident_letter_subscript", v("W_L"), false, `\mathbf{W}_{L}`},
	{"ident_word_subscript", v("W_out"), false, `\mathbf{W}_{\mathrm{out}}`},
	{"ident_greek_vector", v("θ"), false, `\boldsymbol{\theta}`},
	{"ident_greek_vector_subscript", v("θ₁"), false, `\boldsymbol{\theta}_{1}`},
	{"ident_greek_matrix", v("Θ"), false, `\boldsymbol{\Theta}`},
	{"ident_greek_scalar", v("α"), false, `\alpha`},
	{"ident_scalar", v("a"), false, `a`},
	{"ident_unknown_is_italic", v("q"), false, `q`},
	{"ident_word_scalar", v("loss"), false, `\mathit{loss}`},
	{"ident_word_vector", v("hidden"), false, `\mathbf{hidden}`},
	{"ident_plain", v("W₁"), true, `W_{1}`},
	{"ident_plain_greek", v("θ"), true, `\theta`},
	{"ident_varepsilon", v("ε"), false, `\varepsilon`},
	{"ident_hat_vector", v("ŷ"), false, `\hat{\mathbf{y}}`},
	{"ident_bar_scalar", v("ȳ"), false, `\bar{y}`},
	{"ident_other_script", v("ж"), false, `\text{ж}`},

	// Constants.
	{"number", num(0.5), false, `0.5`},
	{"number_small", num(1e-5), false, `10^{-5}`},
	{"number_large", num(2.5e8), false, `2.5 \times 10^{8}`},
	{"number_negative", num(-3), false, `-3`},
	{"identity", ast.Eye(n), false, `I`},
	{"ones", ast.OnesOf(vecN), false, `\mathbf{1}`},
	{"ones_transposed", tr(ast.OnesOf(vecN)), false, `\mathbf{1}^\top`},

	// Sums and negation.
	{"affine", add(mul(v("W"), v("x")), v("b")), false, `\mathbf{W}\mathbf{x} + \mathbf{b}`},
	{"sub", sub(v("a"), v("c")), false, `a - c`},
	{"sub_of_sub", sub(v("a"), sub(v("c"), v("t"))), false, `a - (c - t)`},
	{"sub_of_sum_left", sub(add(v("a"), v("c")), v("t")), false, `a + c - t`},
	{"add_of_add_right", add(v("a"), add(v("c"), v("t"))), false, `a + c + t`},
	{"add_of_sub_right", add(v("a"), sub(v("c"), v("t"))), false, `a + c - t`},
	{"add_negative", add(v("a"), neg(v("c"))), false, `a + (-c)`},
	{"sub_negative_number", sub(v("a"), num(-2)), false, `a - (-2)`},
	{"neg", neg(v("x")), false, `-\mathbf{x}`},
	{"neg_sum", neg(add(v("a"), v("c"))), false, `-(a + c)`},
	{"neg_neg", neg(neg(v("a"))), false, `-(-a)`},
	{"neg_product", neg(mul(v("W"), v("x"))), false, `-\mathbf{W}\mathbf{x}`},
	{"neg_hadamard", neg(had(v("u"), v("v"))), false, `-(\mathbf{u} \odot \mathbf{v})`},
	{"neg_frac_product", neg(mul(div(v("a"), v("c")), v("x"))), false, `-\frac{a}{c}\mathbf{x}`},
	{"neg_power", neg(pow(v("a"), num(2))), false, `-a^{2}`},
	{"power_of_neg", pow(neg(v("a")), num(2)), false, `(-a)^{2}`},

	// Products.
	{"matvec", mul(v("W"), v("x")), false, `\mathbf{W}\mathbf{x}`},
	{"scalar_times_vector", mul(num(2), v("x")), false, `2\mathbf{x}`},
	{"vector_times_number", mul(v("x"), num(2)), false, `\mathbf{x} \cdot 2`},
	{"number_times_number", mul(num(2), num(3)), false, `2 \cdot 3`},
	{"scalars", mul(v("a"), v("c")), false, `ac`},
	{"product_right_assoc", mul(v("A"), mul(v("B"), v("X"))), false, `\mathbf{A}\mathbf{B}\mathbf{X}`},
	{"sum_times_vector", mul(add(v("A"), v("B")), v("x")), false, `(\mathbf{A} + \mathbf{B})\mathbf{x}`},
	{"vector_times_sum", mul(v("W"), add(v("x"), v("x"))), false, `\mathbf{W}(\mathbf{x} + \mathbf{x})`},
	{"times_negative", mul(v("a"), neg(v("c"))), false, `a(-c)`},
	{"negative_times", mul(neg(v("a")), v("x")), false, `-a\mathbf{x}`},
	{"transpose_then_letter", mul(tr(v("x")), v("a")), false, `\mathbf{x}^\top a`},
	{"transpose_then_bold", mul(tr(v("u")), v("h")), false, `\mathbf{u}^\top\mathbf{h}`},
	{"quadratic_form", mul(mul(tr(v("x")), v("A")), v("x")), false, `\mathbf{x}^\top\mathbf{A}\mathbf{x}`},
	{"outer", mul(v("δ"), tr(v("x"))), false, `\boldsymbol{\delta}\mathbf{x}^\top`},
	{"times_number_in_brackets", mul(v("x"), num(2.5e8)), false, `\mathbf{x}(2.5 \times 10^{8})`},

	// Hadamard and elementwise division, power.
	{"hadamard", had(v("u"), fn1("f", v("z"))), false, `\mathbf{u} \odot f'(\mathbf{z})`},
	{"hadamard_of_product", had(v("u"), mul(v("W"), v("x"))), false, `\mathbf{u} \odot \mathbf{W}\mathbf{x}`},
	{"product_of_hadamard", mul(v("W"), had(v("u"), v("v"))), false, `\mathbf{W}(\mathbf{u} \odot \mathbf{v})`},
	{"hadamard_of_sum", had(add(v("u"), v("v")), v("z")), false, `(\mathbf{u} + \mathbf{v}) \odot \mathbf{z}`},
	{"hadamard_chain", had(v("u"), had(v("v"), v("z"))), false, `\mathbf{u} \odot \mathbf{v} \odot \mathbf{z}`},
	{"elemdiv", bin(ast.ElemDiv, v("u"), v("v")), false, `\mathbf{u} \oslash \mathbf{v}`},
	{"elemdiv_of_hadamard", bin(ast.ElemDiv, v("u"), had(v("v"), v("z"))), false, `\mathbf{u} \oslash (\mathbf{v} \odot \mathbf{z})`},
	{"elempow", bin(ast.ElemPow, v("x"), num(2)), false, `\mathbf{x}^{\circ 2}`},
	{"elempow_sum_exponent", bin(ast.ElemPow, v("x"), add(v("a"), v("c"))), false, `\mathbf{x}^{\circ (a + c)}`},
	{"matrix_power", pow(v("A"), num(3)), false, `\mathbf{A}^{3}`},
	{"power_sum_exponent", pow(v("a"), add(v("c"), v("t"))), false, `a^{c + t}`},
	{"power_of_transpose", pow(tr(v("a")), num(2)), false, `(a^\top)^{2}`},
	{"power_of_power", pow(pow(v("a"), num(2)), num(3)), false, `(a^{2})^{3}`},

	// Transposes and inverses.
	{"transpose", tr(v("W")), false, `\mathbf{W}^\top`},
	{"transpose_subscript", tr(v("W₁")), false, `\mathbf{W}_{1}^\top`},
	{"transpose_product", tr(mul(v("W"), v("x"))), false, `(\mathbf{W}\mathbf{x})^\top`},
	{"transpose_transpose", tr(tr(v("W"))), false, `(\mathbf{W}^\top)^\top`},
	{"transpose_call", tr(fn("f", v("z"))), false, `f(\mathbf{z})^\top`},
	{"transpose_hadamard", tr(had(v("u"), fn1("f", v("z")))), false, `(\mathbf{u} \odot f'(\mathbf{z}))^\top`},
	{"inverse", fn("inv", v("X")), false, `\mathbf{X}^{-1}`},
	{"inverse_transpose", tr(fn("inv", v("X"))), false, `\mathbf{X}^{-\top}`},
	{"inverse_of_sum", fn("inv", add(v("A"), v("B"))), false, `(\mathbf{A} + \mathbf{B})^{-1}`},
	{"inverse_of_transpose", fn("inv", tr(v("X"))), false, `(\mathbf{X}^\top)^{-1}`},
	{"transpose_of_inverse_squared", pow(fn("inv", v("X")), num(2)), false, `(\mathbf{X}^{-1})^{2}`},

	// Functions.
	{"generic", mul(tr(v("u")), fn("f", add(mul(v("W"), v("x")), v("b")))), false, `\mathbf{u}^\top f(\mathbf{W}\mathbf{x} + \mathbf{b})`},
	{"generic_prime", fn1("f", v("z")), false, `f'(\mathbf{z})`},
	{"generic_double_prime", ast.Fn("g", 2, v("z")), false, `g''(\mathbf{z})`},
	{"generic_greek", fn("φ", v("z")), false, `\varphi(\mathbf{z})`},
	{"generic_declared", fn("act", v("z")), false, `\operatorname{act}(\mathbf{z})`},
	{"sigmoid", fn("σ", v("z")), false, `\sigma(\mathbf{z})`},
	{"sigmoid_prime", fn1("σ", v("z")), false, `\sigma'(\mathbf{z})`},
	{"tanh_prime", fn1("tanh", v("z")), false, `\tanh'(\mathbf{z})`},
	{"relu_prime", fn1("relu", v("z")), false, `\operatorname{relu}'(\mathbf{z})`},
	{"exp_log", fn("exp", fn("log", v("a"))), false, `\exp(\log(a))`},
	{"exp_of_fraction", fn("exp", div(v("a"), v("c"))), false, `\exp\left(\frac{a}{c}\right)`},
	{"softmax", fn("softmax", v("z")), false, `\operatorname{softmax}(\mathbf{z})`},
	{"logsumexp", fn("logsumexp", v("z")), false, `\operatorname{logsumexp}(\mathbf{z})`},
	{"softplus", fn("softplus", v("z")), false, `\operatorname{softplus}(\mathbf{z})`},
	{"sum", fn("sum", v("x")), false, `\operatorname{sum}(\mathbf{x})`},
	{"max", fn("max", v("a"), v("c")), false, `\max(a, c)`},
	{"min", fn("min", v("a"), v("c")), false, `\min(a, c)`},
	{"sqrt", fn("sqrt", v("a")), false, `\sqrt{a}`},
	{"abs", fn("abs", v("a")), false, `\lvert a \rvert`},
	{"abs_prime", fn1("abs", v("a")), false, `\operatorname{abs}'(a)`},
	{"diag", fn("diag", fn1("f", v("z"))), false, `\operatorname{diag}(f'(\mathbf{z}))`},
	{"trace", fn("tr", mul(v("A"), v("B"))), false, `\operatorname{tr}(\mathbf{A}\mathbf{B})`},
	{"det", fn("det", v("X")), false, `\det(\mathbf{X})`},
	{"logdet", fn("logdet", v("X")), false, `\log\lvert\det (\mathbf{X})\rvert`},
	{"logdet_squared", pow(fn("logdet", v("X")), num(2)), false, `(\log\lvert\det (\mathbf{X})\rvert)^{2}`},
	{"norm", fn("norm", v("x")), false, `\lVert \mathbf{x} \rVert`},
	{"norm_squared", pow(fn("norm", v("x")), num(2)), false, `\lVert \mathbf{x} \rVert^{2}`},
	{"norm_scaled", mul(v("λ"), pow(fn("norm", v("θ")), num(2))), false, `\lambda\lVert \boldsymbol{\theta} \rVert^{2}`},
	{"norm1", fn("norm1", v("x")), false, `\lVert \mathbf{x} \rVert_{1}`},
	{"norm_of_fraction", fn("norm", div(v("x"), v("a"))), false, `\left\lVert \frac{\mathbf{x}}{a} \right\rVert`},

	// Indicators.
	{"indicator_ge", ast.Ind(ast.GE, v("a"), v("c")), false, `[a \geq c]`},
	{"indicator_gt", ast.Ind(ast.GT, v("z"), num(0)), false, `[\mathbf{z} > 0]`},
	{"indicator_times", mul(ast.Ind(ast.GE, v("a"), v("c")), v("t")), false, `[a \geq c]t`},

	// Divisions.
	{"frac", div(v("a"), v("c")), false, `\frac{a}{c}`},
	{"frac_vector", div(v("x"), fn("norm", v("x"))), false, `\frac{\mathbf{x}}{\lVert \mathbf{x} \rVert}`},
	{"frac_nested", div(div(v("a"), v("c")), v("t")), false, `\frac{a / c}{t}`},
	{"frac_nested_denominator", div(v("a"), div(v("c"), v("t"))), false, `\frac{a}{c / t}`},
	{"frac_nested_sum", div(v("a"), add(v("c"), div(v("t"), v("y")))), false, `\frac{a}{c + t / y}`},
	{"frac_in_product", mul(num(2), div(v("a"), v("c"))), false, `2\frac{a}{c}`},
	{"frac_in_product_left", mul(div(v("a"), v("c")), v("x")), false, `\frac{a}{c}\mathbf{x}`},
	{"frac_squared", pow(div(v("a"), v("c")), num(2)), false, `\left(\frac{a}{c}\right)^{2}`},
	{"frac_transposed", tr(div(v("x"), v("a"))), false, `\left(\frac{\mathbf{x}}{a}\right)^\top`},
	{"frac_negated", neg(div(v("a"), v("c"))), false, `-\frac{a}{c}`},
	{"frac_of_negative", div(neg(v("a")), v("c")), false, `\frac{-a}{c}`},
	{"frac_minus_frac", sub(div(v("a"), v("c")), div(v("t"), v("y"))), false, `\frac{a}{c} - \frac{t}{y}`},
	{"inline_div_product", div(div(mul(v("a"), v("c")), mul(v("t"), v("y"))), v("a")), false, `\frac{ac / (ty)}{a}`},

	// Whole formulas in the style of the examples.
	{"ridge", add(pow(fn("norm", sub(mul(v("X"), v("θ")), v("u"))), num(2)), mul(v("λ"), pow(fn("norm", v("θ")), num(2)))), false,
		`\lVert \mathbf{X}\boldsymbol{\theta} - \mathbf{u} \rVert^{2} + \lambda\lVert \boldsymbol{\theta} \rVert^{2}`},
	{"ridge_gradient", add(mul(mul(num(2), tr(v("X"))), sub(mul(v("X"), v("θ")), v("u"))), mul(mul(num(2), v("λ")), v("θ"))), false,
		`2\mathbf{X}^\top(\mathbf{X}\boldsymbol{\theta} - \mathbf{u}) + 2\lambda\boldsymbol{\theta}`},
	{"logistic", sub(neg(mul(v("y"), fn("log", fn("σ", mul(tr(v("θ")), v("x")))))), mul(sub(num(1), v("y")), fn("log", sub(num(1), fn("σ", mul(tr(v("θ")), v("x"))))))), false,
		`-y\log(\sigma(\boldsymbol{\theta}^\top\mathbf{x})) - (1 - y)\log(1 - \sigma(\boldsymbol{\theta}^\top\mathbf{x}))`},
	{"plain_network", mul(tr(v("u")), fn("f", add(mul(v("W"), v("x")), v("b")))), true, `u^\top f(Wx + b)`},
}

func TestLaTeX(t *testing.T) {
	for _, c := range latexCases {
		t.Run(c.name, func(t *testing.T) {
			got := LaTeX(c.e, LaTeXOptions{Shapes: testShapes, Plain: c.plain})
			if got != c.want {
				t.Errorf("LaTeX(%s)\n got: %s\nwant: %s", ast.String(c.e), got, c.want)
			}
			golden(t, c.name+".tex", got)
		})
	}
}

// golden compares got with testdata/latex/name, or writes it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "latex", name)
	if updating() {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./render/ -update to create it)", err)
	}
	if got+"\n" != string(want) {
		t.Errorf("%s differs from the golden file (go test ./render/ -update rewrites it)\n got: %s\nwant: %s", path, got, strings.TrimSuffix(string(want), "\n"))
	}
}
