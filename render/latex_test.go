package render

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/matcalc/matcalc/ast"
)

// -update rewrites the latexGolden files under testdata/. The flag may be
// declared by another test file of this package as well; whoever comes
// first declares it.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite the latexGolden files under testdata/")
	}
}

func latexUpdating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// Shorthands for building trees.
var (
	lxV   = ast.Var
	lxNum = ast.Num
	lxNeg = func(x ast.Expr) ast.Expr { return ast.Negate(x) }
	lxT   = func(x ast.Expr) ast.Expr { return ast.T(x) }
	lxFn  = func(name string, args ...ast.Expr) ast.Expr { return ast.Fn(name, 0, args...) }
	lxFn1 = func(name string, args ...ast.Expr) ast.Expr { return ast.Fn(name, 1, args...) }
	lxBin = func(op ast.Op, x, y ast.Expr) ast.Expr { return ast.Bin(op, x, y) }
	lxMul = func(x, y ast.Expr) ast.Expr { return ast.Bin(ast.Mul, x, y) }
	lxAdd = func(x, y ast.Expr) ast.Expr { return ast.Bin(ast.Add, x, y) }
	lxSub = func(x, y ast.Expr) ast.Expr { return ast.Bin(ast.Sub, x, y) }
	lxDiv = func(x, y ast.Expr) ast.Expr { return ast.Bin(ast.Div, x, y) }
	lxHad = func(x, y ast.Expr) ast.Expr { return ast.Bin(ast.Hadamard, x, y) }
	lxPow = func(x, y ast.Expr) ast.Expr { return ast.Bin(ast.Pow, x, y) }
)

var (
	lxN, lxM = ast.Sym("n"), ast.Sym("m")
	lxVecN   = ast.Vector(lxN)
	lxMatN   = ast.Matrix(lxN, lxN)
)

// latexShapes: uppercase Latin matrices, lowercase Latin vectors, and the
// scalars a, c, t, y, α, λ (as docs/shapes.md's defaults would give them).
var latexShapes = map[string]ast.Shape{
	"W": ast.Matrix(lxN, lxM), "W₁": ast.Matrix(lxN, lxM), "W_L": ast.Matrix(lxN, lxN),
	"W_out": ast.Matrix(lxN, lxN), "A": lxMatN, "B": lxMatN, "X": lxMatN, "Θ": lxMatN,
	"x": ast.Vector(lxM), "b": lxVecN, "u": lxVecN, "v": lxVecN, "z": lxVecN, "h": lxVecN,
	"θ": lxVecN, "θ₁": lxVecN, "δ": lxVecN, "hidden": lxVecN,
	"a": ast.Scalar, "c": ast.Scalar, "t": ast.Scalar, "y": ast.Scalar,
	"α": ast.Scalar, "λ": ast.Scalar, "loss": ast.Scalar, "ŷ": lxVecN, "ȳ": ast.Scalar,
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
	{"ident_vector", lxV("x"), false, `\mathbf{x}`},
	{"ident_matrix_subscript", lxV("W₁"), false, `\mathbf{W}_{1}`},
	{"ident_letter_subscript", lxV("W_L"), false, `\mathbf{W}_{L}`},
	{"ident_word_subscript", lxV("W_out"), false, `\mathbf{W}_{\mathrm{out}}`},
	{"ident_greek_vector", lxV("θ"), false, `\boldsymbol{\theta}`},
	{"ident_greek_vector_subscript", lxV("θ₁"), false, `\boldsymbol{\theta}_{1}`},
	{"ident_greek_matrix", lxV("Θ"), false, `\boldsymbol{\Theta}`},
	{"ident_greek_scalar", lxV("α"), false, `\alpha`},
	{"ident_scalar", lxV("a"), false, `a`},
	{"ident_unknown_is_italic", lxV("q"), false, `q`},
	{"ident_word_scalar", lxV("loss"), false, `\mathit{loss}`},
	{"ident_word_vector", lxV("hidden"), false, `\mathbf{hidden}`},
	{"ident_plain", lxV("W₁"), true, `W_{1}`},
	{"ident_plain_greek", lxV("θ"), true, `\theta`},
	{"ident_varepsilon", lxV("ε"), false, `\varepsilon`},
	{"ident_hat_vector", lxV("ŷ"), false, `\hat{\mathbf{y}}`},
	{"ident_bar_scalar", lxV("ȳ"), false, `\bar{y}`},
	{"ident_other_script", lxV("ж"), false, `\text{ж}`},

	// Constants.
	{"number", lxNum(0.5), false, `0.5`},
	{"number_small", lxNum(1e-5), false, `10^{-5}`},
	{"number_large", lxNum(2.5e8), false, `2.5 \times 10^{8}`},
	{"number_negative", lxNum(-3), false, `-3`},
	{"identity", ast.Eye(lxN), false, `I`},
	{"ones", ast.OnesOf(lxVecN), false, `\mathbf{1}`},
	{"ones_transposed", lxT(ast.OnesOf(lxVecN)), false, `\mathbf{1}^\top`},

	// Sums and negation.
	{"affine", lxAdd(lxMul(lxV("W"), lxV("x")), lxV("b")), false, `\mathbf{W}\mathbf{x} + \mathbf{b}`},
	{"sub", lxSub(lxV("a"), lxV("c")), false, `a - c`},
	{"sub_of_sub", lxSub(lxV("a"), lxSub(lxV("c"), lxV("t"))), false, `a - (c - t)`},
	{"sub_of_sum_left", lxSub(lxAdd(lxV("a"), lxV("c")), lxV("t")), false, `a + c - t`},
	{"add_of_add_right", lxAdd(lxV("a"), lxAdd(lxV("c"), lxV("t"))), false, `a + c + t`},
	{"add_of_sub_right", lxAdd(lxV("a"), lxSub(lxV("c"), lxV("t"))), false, `a + c - t`},
	{"add_negative", lxAdd(lxV("a"), lxNeg(lxV("c"))), false, `a + (-c)`},
	{"sub_negative_number", lxSub(lxV("a"), lxNum(-2)), false, `a - (-2)`},
	{"neg", lxNeg(lxV("x")), false, `-\mathbf{x}`},
	{"neg_sum", lxNeg(lxAdd(lxV("a"), lxV("c"))), false, `-(a + c)`},
	{"neg_neg", lxNeg(lxNeg(lxV("a"))), false, `-(-a)`},
	{"neg_product", lxNeg(lxMul(lxV("W"), lxV("x"))), false, `-\mathbf{W}\mathbf{x}`},
	{"neg_hadamard", lxNeg(lxHad(lxV("u"), lxV("v"))), false, `-(\mathbf{u} \odot \mathbf{v})`},
	{"neg_frac_product", lxNeg(lxMul(lxDiv(lxV("a"), lxV("c")), lxV("x"))), false, `-\frac{a}{c}\mathbf{x}`},
	{"neg_power", lxNeg(lxPow(lxV("a"), lxNum(2))), false, `-a^{2}`},
	{"power_of_neg", lxPow(lxNeg(lxV("a")), lxNum(2)), false, `(-a)^{2}`},

	// Products.
	{"matvec", lxMul(lxV("W"), lxV("x")), false, `\mathbf{W}\mathbf{x}`},
	{"scalar_times_vector", lxMul(lxNum(2), lxV("x")), false, `2\mathbf{x}`},
	{"vector_times_number", lxMul(lxV("x"), lxNum(2)), false, `\mathbf{x} \cdot 2`},
	{"number_times_number", lxMul(lxNum(2), lxNum(3)), false, `2 \cdot 3`},
	{"scalars", lxMul(lxV("a"), lxV("c")), false, `ac`},
	{"product_right_assoc", lxMul(lxV("A"), lxMul(lxV("B"), lxV("X"))), false, `\mathbf{A}\mathbf{B}\mathbf{X}`},
	{"sum_times_vector", lxMul(lxAdd(lxV("A"), lxV("B")), lxV("x")), false, `(\mathbf{A} + \mathbf{B})\mathbf{x}`},
	{"vector_times_sum", lxMul(lxV("W"), lxAdd(lxV("x"), lxV("x"))), false, `\mathbf{W}(\mathbf{x} + \mathbf{x})`},
	{"function_letter_times_bracket", lxMul(lxV("h"), lxAdd(lxV("x"), lxV("x"))), false, `\mathbf{h}\,(\mathbf{x} + \mathbf{x})`},
	{"function_letter_times_bracket_plain", lxMul(lxMul(lxV("a"), lxV("φ")), lxAdd(lxV("a"), lxV("c"))), true, `a\varphi\,(a + c)`},
	{"times_negative", lxMul(lxV("a"), lxNeg(lxV("c"))), false, `a(-c)`},
	{"negative_times", lxMul(lxNeg(lxV("a")), lxV("x")), false, `-a\mathbf{x}`},
	{"transpose_then_letter", lxMul(lxT(lxV("x")), lxV("a")), false, `\mathbf{x}^\top a`},
	{"transpose_then_bold", lxMul(lxT(lxV("u")), lxV("h")), false, `\mathbf{u}^\top\mathbf{h}`},
	{"quadratic_form", lxMul(lxMul(lxT(lxV("x")), lxV("A")), lxV("x")), false, `\mathbf{x}^\top\mathbf{A}\mathbf{x}`},
	{"outer", lxMul(lxV("δ"), lxT(lxV("x"))), false, `\boldsymbol{\delta}\mathbf{x}^\top`},
	{"times_number_in_brackets", lxMul(lxV("x"), lxNum(2.5e8)), false, `\mathbf{x}(2.5 \times 10^{8})`},

	// Hadamard and elementwise division, power.
	{"hadamard", lxHad(lxV("u"), lxFn1("f", lxV("z"))), false, `\mathbf{u} \odot f'(\mathbf{z})`},
	{"hadamard_of_product", lxHad(lxV("u"), lxMul(lxV("W"), lxV("x"))), false, `\mathbf{u} \odot \mathbf{W}\mathbf{x}`},
	{"product_of_hadamard", lxMul(lxV("W"), lxHad(lxV("u"), lxV("v"))), false, `\mathbf{W}(\mathbf{u} \odot \mathbf{v})`},
	{"hadamard_of_sum", lxHad(lxAdd(lxV("u"), lxV("v")), lxV("z")), false, `(\mathbf{u} + \mathbf{v}) \odot \mathbf{z}`},
	{"hadamard_chain", lxHad(lxV("u"), lxHad(lxV("v"), lxV("z"))), false, `\mathbf{u} \odot \mathbf{v} \odot \mathbf{z}`},
	{"elemdiv", lxBin(ast.ElemDiv, lxV("u"), lxV("v")), false, `\mathbf{u} \oslash \mathbf{v}`},
	{"elemdiv_of_hadamard", lxBin(ast.ElemDiv, lxV("u"), lxHad(lxV("v"), lxV("z"))), false, `\mathbf{u} \oslash (\mathbf{v} \odot \mathbf{z})`},
	{"elempow", lxBin(ast.ElemPow, lxV("x"), lxNum(2)), false, `\mathbf{x}^{\circ 2}`},
	{"elempow_sum_exponent", lxBin(ast.ElemPow, lxV("x"), lxAdd(lxV("a"), lxV("c"))), false, `\mathbf{x}^{\circ (a + c)}`},
	{"matrix_power", lxPow(lxV("A"), lxNum(3)), false, `\mathbf{A}^{3}`},
	{"power_sum_exponent", lxPow(lxV("a"), lxAdd(lxV("c"), lxV("t"))), false, `a^{c + t}`},
	{"power_of_transpose", lxPow(lxT(lxV("a")), lxNum(2)), false, `(a^\top)^{2}`},
	{"power_of_power", lxPow(lxPow(lxV("a"), lxNum(2)), lxNum(3)), false, `(a^{2})^{3}`},

	// Transposes and inverses.
	{"transpose", lxT(lxV("W")), false, `\mathbf{W}^\top`},
	{"transpose_subscript", lxT(lxV("W₁")), false, `\mathbf{W}_{1}^\top`},
	{"transpose_product", lxT(lxMul(lxV("W"), lxV("x"))), false, `(\mathbf{W}\mathbf{x})^\top`},
	{"transpose_transpose", lxT(lxT(lxV("W"))), false, `(\mathbf{W}^\top)^\top`},
	{"transpose_call", lxT(lxFn("f", lxV("z"))), false, `f(\mathbf{z})^\top`},
	{"transpose_hadamard", lxT(lxHad(lxV("u"), lxFn1("f", lxV("z")))), false, `(\mathbf{u} \odot f'(\mathbf{z}))^\top`},
	{"inverse", lxFn("inv", lxV("X")), false, `\mathbf{X}^{-1}`},
	{"inverse_transpose", lxT(lxFn("inv", lxV("X"))), false, `\mathbf{X}^{-\top}`},
	{"inverse_of_sum", lxFn("inv", lxAdd(lxV("A"), lxV("B"))), false, `(\mathbf{A} + \mathbf{B})^{-1}`},
	{"inverse_of_transpose", lxFn("inv", lxT(lxV("X"))), false, `(\mathbf{X}^\top)^{-1}`},
	{"transpose_of_inverse_squared", lxPow(lxFn("inv", lxV("X")), lxNum(2)), false, `(\mathbf{X}^{-1})^{2}`},

	// Functions.
	{"generic", lxMul(lxT(lxV("u")), lxFn("f", lxAdd(lxMul(lxV("W"), lxV("x")), lxV("b")))), false, `\mathbf{u}^\top f(\mathbf{W}\mathbf{x} + \mathbf{b})`},
	{"generic_prime", lxFn1("f", lxV("z")), false, `f'(\mathbf{z})`},
	{"generic_double_prime", ast.Fn("g", 2, lxV("z")), false, `g''(\mathbf{z})`},
	{"generic_greek", lxFn("φ", lxV("z")), false, `\varphi(\mathbf{z})`},
	{"generic_declared", lxFn("act", lxV("z")), false, `\operatorname{act}(\mathbf{z})`},
	{"sigmoid", lxFn("σ", lxV("z")), false, `\sigma(\mathbf{z})`},
	{"sigmoid_prime", lxFn1("σ", lxV("z")), false, `\sigma'(\mathbf{z})`},
	{"tanh_prime", lxFn1("tanh", lxV("z")), false, `\tanh'(\mathbf{z})`},
	{"relu_prime", lxFn1("relu", lxV("z")), false, `\operatorname{relu}'(\mathbf{z})`},
	{"exp_log", lxFn("exp", lxFn("log", lxV("a"))), false, `\exp(\log(a))`},
	{"exp_of_fraction", lxFn("exp", lxDiv(lxV("a"), lxV("c"))), false, `\exp\left(\frac{a}{c}\right)`},
	{"softmax", lxFn("softmax", lxV("z")), false, `\operatorname{softmax}(\mathbf{z})`},
	{"logsumexp", lxFn("logsumexp", lxV("z")), false, `\operatorname{logsumexp}(\mathbf{z})`},
	{"softplus", lxFn("softplus", lxV("z")), false, `\operatorname{softplus}(\mathbf{z})`},
	{"sum", lxFn("sum", lxV("x")), false, `\operatorname{sum}(\mathbf{x})`},
	{"max", lxFn("max", lxV("a"), lxV("c")), false, `\max(a, c)`},
	{"min", lxFn("min", lxV("a"), lxV("c")), false, `\min(a, c)`},
	{"sqrt", lxFn("sqrt", lxV("a")), false, `\sqrt{a}`},
	{"abs", lxFn("abs", lxV("a")), false, `\lvert a \rvert`},
	{"abs_prime", lxFn1("abs", lxV("a")), false, `\operatorname{abs}'(a)`},
	{"diag", lxFn("diag", lxFn1("f", lxV("z"))), false, `\operatorname{diag}(f'(\mathbf{z}))`},
	{"trace", lxFn("tr", lxMul(lxV("A"), lxV("B"))), false, `\operatorname{tr}(\mathbf{A}\mathbf{B})`},
	{"det", lxFn("det", lxV("X")), false, `\det(\mathbf{X})`},
	{"logdet", lxFn("logdet", lxV("X")), false, `\log\lvert\det(\mathbf{X})\rvert`},
	{"logdet_squared", lxPow(lxFn("logdet", lxV("X")), lxNum(2)), false, `(\log\lvert\det(\mathbf{X})\rvert)^{2}`},
	{"norm", lxFn("norm", lxV("x")), false, `\lVert \mathbf{x} \rVert`},
	{"norm_squared", lxPow(lxFn("norm", lxV("x")), lxNum(2)), false, `\lVert \mathbf{x} \rVert^{2}`},
	{"norm_scaled", lxMul(lxV("λ"), lxPow(lxFn("norm", lxV("θ")), lxNum(2))), false, `\lambda\lVert \boldsymbol{\theta} \rVert^{2}`},
	{"norm1", lxFn("norm1", lxV("x")), false, `\lVert \mathbf{x} \rVert_{1}`},
	{"norm_of_fraction", lxFn("norm", lxDiv(lxV("x"), lxV("a"))), false, `\left\lVert \frac{\mathbf{x}}{a} \right\rVert`},

	// Indicators.
	{"indicator_ge", ast.Ind(ast.GE, lxV("a"), lxV("c")), false, `[a \geq c]`},
	{"indicator_gt", ast.Ind(ast.GT, lxV("z"), lxNum(0)), false, `[\mathbf{z} > 0]`},
	{"indicator_times", lxMul(ast.Ind(ast.GE, lxV("a"), lxV("c")), lxV("t")), false, `[a \geq c]t`},

	// Divisions.
	{"frac", lxDiv(lxV("a"), lxV("c")), false, `\frac{a}{c}`},
	{"frac_vector", lxDiv(lxV("x"), lxFn("norm", lxV("x"))), false, `\frac{\mathbf{x}}{\lVert \mathbf{x} \rVert}`},
	{"frac_nested", lxDiv(lxDiv(lxV("a"), lxV("c")), lxV("t")), false, `\frac{a / c}{t}`},
	{"frac_nested_denominator", lxDiv(lxV("a"), lxDiv(lxV("c"), lxV("t"))), false, `\frac{a}{c / t}`},
	{"frac_nested_sum", lxDiv(lxV("a"), lxAdd(lxV("c"), lxDiv(lxV("t"), lxV("y")))), false, `\frac{a}{c + t / y}`},
	{"frac_in_product", lxMul(lxNum(2), lxDiv(lxV("a"), lxV("c"))), false, `2\frac{a}{c}`},
	{"frac_in_product_left", lxMul(lxDiv(lxV("a"), lxV("c")), lxV("x")), false, `\frac{a}{c}\mathbf{x}`},
	{"frac_squared", lxPow(lxDiv(lxV("a"), lxV("c")), lxNum(2)), false, `\left(\frac{a}{c}\right)^{2}`},
	{"frac_transposed", lxT(lxDiv(lxV("x"), lxV("a"))), false, `\left(\frac{\mathbf{x}}{a}\right)^\top`},
	{"frac_negated", lxNeg(lxDiv(lxV("a"), lxV("c"))), false, `-\frac{a}{c}`},
	{"frac_of_negative", lxDiv(lxNeg(lxV("a")), lxV("c")), false, `\frac{-a}{c}`},
	{"frac_minus_frac", lxSub(lxDiv(lxV("a"), lxV("c")), lxDiv(lxV("t"), lxV("y"))), false, `\frac{a}{c} - \frac{t}{y}`},
	{"inline_div_product", lxDiv(lxDiv(lxMul(lxV("a"), lxV("c")), lxMul(lxV("t"), lxV("y"))), lxV("a")), false, `\frac{ac / (ty)}{a}`},

	// Whole formulas in the style of the examples.
	{"ridge", lxAdd(lxPow(lxFn("norm", lxSub(lxMul(lxV("X"), lxV("θ")), lxV("u"))), lxNum(2)), lxMul(lxV("λ"), lxPow(lxFn("norm", lxV("θ")), lxNum(2)))), false,
		`\lVert \mathbf{X}\boldsymbol{\theta} - \mathbf{u} \rVert^{2} + \lambda\lVert \boldsymbol{\theta} \rVert^{2}`},
	{"ridge_gradient", lxAdd(lxMul(lxMul(lxNum(2), lxT(lxV("X"))), lxSub(lxMul(lxV("X"), lxV("θ")), lxV("u"))), lxMul(lxMul(lxNum(2), lxV("λ")), lxV("θ"))), false,
		`2\mathbf{X}^\top(\mathbf{X}\boldsymbol{\theta} - \mathbf{u}) + 2\lambda\boldsymbol{\theta}`},
	{"logistic", lxSub(lxNeg(lxMul(lxV("y"), lxFn("log", lxFn("σ", lxMul(lxT(lxV("θ")), lxV("x")))))), lxMul(lxSub(lxNum(1), lxV("y")), lxFn("log", lxSub(lxNum(1), lxFn("σ", lxMul(lxT(lxV("θ")), lxV("x"))))))), false,
		`-y\log(\sigma(\boldsymbol{\theta}^\top\mathbf{x})) - (1 - y)\log(1 - \sigma(\boldsymbol{\theta}^\top\mathbf{x}))`},
	{"plain_network", lxMul(lxT(lxV("u")), lxFn("f", lxAdd(lxMul(lxV("W"), lxV("x")), lxV("b")))), true, `u^\top f(Wx + b)`},
}

func TestLaTeX(t *testing.T) {
	for _, c := range latexCases {
		t.Run(c.name, func(t *testing.T) {
			got := LaTeX(c.e, LaTeXOptions{Shapes: latexShapes, Plain: c.plain})
			if got != c.want {
				t.Errorf("LaTeX(%s)\n got: %s\nwant: %s", ast.String(c.e), got, c.want)
			}
			latexGolden(t, c.name+".tex", got)
		})
	}
}

// latexGolden compares got with testdata/latex/name, or writes it with -update.
func latexGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "latex", name)
	if latexUpdating() {
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
		t.Errorf("%s differs from the latexGolden file (go test ./render/ -update rewrites it)\n got: %s\nwant: %s", path, got, strings.TrimSuffix(string(want), "\n"))
	}
}
