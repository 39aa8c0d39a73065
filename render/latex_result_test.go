package render

import (
	"testing"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/derive"
)

// Hand-built results, in the form the derivation engine gives them, for the
// formulas of the examples. Each derivative is the textbook closed form.

// networkResult is s = uᵀf(Wx + b) with z = Wx + b and δ = u ∘ f′(z).
func networkResult() *derive.Result {
	vars := []ast.VarInfo{
		{Name: "u", Shape: vecN}, {Name: "W", Shape: ast.Matrix(n, m)},
		{Name: "x", Shape: ast.Vector(m)}, {Name: "b", Shape: vecN},
	}
	return &derive.Result{
		Input: "uᵀf(Wx+b)", FuncName: "s", FuncShape: ast.Scalar, Vars: vars,
		Func: mul(tr(v("u")), fn("f", v("z"))),
		Defs: []derive.Def{
			{Name: "z", Expr: add(mul(v("W"), v("x")), v("b")), Shape: vecN},
			{Name: "δ", Expr: had(v("u"), fn1("f", v("z"))), Shape: vecN},
		},
		Derivs: []derive.Deriv{
			{Wrt: "u", Kind: derive.Gradient, Order: 1, Expr: fn("f", v("z")), Shape: vecN},
			{Wrt: "W", Kind: derive.Gradient, Order: 1, Expr: mul(v("δ"), tr(v("x"))), Shape: ast.Matrix(n, m)},
			{Wrt: "x", Kind: derive.Gradient, Order: 1, Expr: mul(tr(v("W")), v("δ")), Shape: ast.Vector(m)},
			{Wrt: "b", Kind: derive.Gradient, Order: 1, Expr: v("δ"), Shape: vecN},
		},
	}
}

// ridgeResult is s = ‖Xθ − y‖² + λ‖θ‖², ∂s/∂θ = 2Xᵀr + 2λθ with r = Xθ − y.
func ridgeResult() *derive.Result {
	return &derive.Result{
		Input: "‖Xθ - y‖² + λ‖θ‖²", FuncName: "s", FuncShape: ast.Scalar,
		Vars: []ast.VarInfo{
			{Name: "X", Shape: ast.Matrix(m, n)}, {Name: "θ", Shape: vecN},
			{Name: "y", Shape: ast.Vector(m)}, {Name: "λ", Shape: ast.Scalar},
		},
		Defs: []derive.Def{{Name: "r", Expr: sub(mul(v("X"), v("θ")), v("y")), Shape: ast.Vector(m)}},
		Func: add(pow(fn("norm", v("r")), num(2)), mul(v("λ"), pow(fn("norm", v("θ")), num(2)))),
		Derivs: []derive.Deriv{
			{Wrt: "θ", Kind: derive.Gradient, Order: 1, Shape: vecN,
				Expr: add(mul(mul(num(2), tr(v("X"))), v("r")), mul(mul(num(2), v("λ")), v("θ")))},
			{Wrt: "λ", Kind: derive.Gradient, Order: 1, Shape: ast.Scalar,
				Expr: pow(fn("norm", v("θ")), num(2))},
		},
	}
}

// logisticResult is s = −y log σ(θᵀx) − (1 − y) log(1 − σ(θᵀx)) with
// p = σ(θᵀx): ∂s/∂θ = (p − y)x.
func logisticResult() *derive.Result {
	p := v("p")
	return &derive.Result{
		Input: "-y log(σ(θᵀx)) - (1-y) log(1-σ(θᵀx))", FuncName: "s", FuncShape: ast.Scalar,
		Vars: []ast.VarInfo{{Name: "y", Shape: ast.Scalar}, {Name: "θ", Shape: vecN}, {Name: "x", Shape: vecN}},
		Defs: []derive.Def{{Name: "p", Expr: fn("σ", mul(tr(v("θ")), v("x"))), Shape: ast.Scalar}},
		Func: sub(neg(mul(v("y"), fn("log", p))), mul(sub(num(1), v("y")), fn("log", sub(num(1), p)))),
		Derivs: []derive.Deriv{
			{Wrt: "θ", Kind: derive.Gradient, Order: 1, Shape: vecN, Expr: mul(sub(p, v("y")), v("x"))},
			{Wrt: "y", Kind: derive.Gradient, Order: 1, Shape: ast.Scalar,
				Expr: sub(fn("log", sub(num(1), p)), fn("log", p))},
		},
	}
}

// softmaxResult is the cross-entropy of the CS224N notes,
// s = −yᵀ log softmax(θ), with ∂s/∂θ = softmax(θ) − y (for yᵀ𝟙 = 1; the
// general form is (𝟙ᵀy) softmax(θ) − y).
func softmaxResult() *derive.Result {
	return &derive.Result{
		Input: "-yᵀ log(softmax(θ))", FuncName: "J", FuncShape: ast.Scalar,
		Vars: []ast.VarInfo{{Name: "y", Shape: vecN}, {Name: "θ", Shape: vecN}},
		Defs: []derive.Def{{Name: "ŷ", Expr: fn("softmax", v("θ")), Shape: vecN}},
		Func: neg(mul(tr(v("y")), fn("log", v("ŷ")))),
		Derivs: []derive.Deriv{
			{Wrt: "θ", Kind: derive.Gradient, Order: 1, Shape: vecN,
				Expr: sub(mul(mul(tr(ast.OnesOf(vecN)), v("y")), v("ŷ")), v("y"))},
			{Wrt: "y", Kind: derive.Gradient, Order: 1, Shape: vecN, Expr: neg(fn("log", v("ŷ")))},
		},
	}
}

// cookbookResult holds Matrix Cookbook identities over one square X:
// s = tr(AXB) + logdet(X) + det(X), ∂s/∂X = AᵀBᵀ + X⁻ᵀ + det(X)X⁻ᵀ.
func cookbookResult() *derive.Result {
	return &derive.Result{
		Input: "tr(AXB) + logdet(X) + det(X)", FuncName: "s", FuncShape: ast.Scalar,
		Vars: []ast.VarInfo{{Name: "A", Shape: matN}, {Name: "X", Shape: matN}, {Name: "B", Shape: matN}},
		Func: add(add(fn("tr", mul(mul(v("A"), v("X")), v("B"))), fn("logdet", v("X"))), fn("det", v("X"))),
		Derivs: []derive.Deriv{
			{Wrt: "X", Kind: derive.Gradient, Order: 1, Shape: matN,
				Expr: add(add(mul(tr(v("A")), tr(v("B"))), tr(fn("inv", v("X")))), mul(fn("det", v("X")), tr(fn("inv", v("X")))))},
			{Wrt: "A", Kind: derive.Gradient, Order: 1, Shape: matN, Expr: tr(mul(v("X"), v("B")))},
		},
	}
}

// hessianResult is s = xᵀAx + λ‖x‖² with the Hessian A + Aᵀ + 2λI and the
// second derivative in λ, 0.
func hessianResult() *derive.Result {
	return &derive.Result{
		Input: "xᵀAx", FuncName: "s", FuncShape: ast.Scalar,
		Vars: []ast.VarInfo{{Name: "x", Shape: vecN}, {Name: "A", Shape: matN}, {Name: "λ", Shape: ast.Scalar}},
		Func: add(mul(mul(tr(v("x")), v("A")), v("x")), mul(v("λ"), pow(fn("norm", v("x")), num(2)))),
		Derivs: []derive.Deriv{
			{Wrt: "x", Kind: derive.Hessian, Order: 2, Shape: matN,
				Expr: add(add(v("A"), tr(v("A"))), mul(mul(num(2), v("λ")), ast.Eye(n)))},
			{Wrt: "λ", Kind: derive.Hessian, Order: 2, Shape: ast.Scalar, Expr: num(0)},
		},
	}
}

// jacobianResult is the vector function h = σ(Wx) with the Jacobian
// ∂h/∂x = diag(σ′(Wx))W.
func jacobianResult() *derive.Result {
	return &derive.Result{
		Input: "σ(Wx)", FuncName: "h", FuncShape: vecN,
		Vars: []ast.VarInfo{{Name: "W", Shape: ast.Matrix(n, m)}, {Name: "x", Shape: ast.Vector(m)}},
		Func: fn("σ", mul(v("W"), v("x"))),
		Derivs: []derive.Deriv{
			{Wrt: "x", Kind: derive.Jacobian, Order: 1, Shape: ast.Matrix(n, m),
				Expr: mul(fn("diag", fn1("σ", mul(v("W"), v("x")))), v("W"))},
		},
	}
}

var resultCases = []struct {
	name  string
	r     *derive.Result
	plain bool
}{
	{"result_network", networkResult(), false},
	{"result_network_plain", networkResult(), true},
	{"result_ridge", ridgeResult(), false},
	{"result_logistic", logisticResult(), false},
	{"result_softmax", softmaxResult(), false},
	{"result_cookbook", cookbookResult(), false},
	{"result_hessian", hessianResult(), false},
	{"result_jacobian", jacobianResult(), false},
}

func TestLaTeXResultNetwork(t *testing.T) {
	// Written by hand from the lecture notes.
	want := `\begin{aligned}
\mathbf{z} &= \mathbf{W}\mathbf{x} + \mathbf{b} \\
s &= \mathbf{u}^\top f(\mathbf{z}) \\
\boldsymbol{\delta} &= \mathbf{u} \odot f'(\mathbf{z}) \\
\frac{\partial s}{\partial \mathbf{u}} &= f(\mathbf{z}) \\
\frac{\partial s}{\partial \mathbf{W}} &= \boldsymbol{\delta}\mathbf{x}^\top \\
\frac{\partial s}{\partial \mathbf{x}} &= \mathbf{W}^\top\boldsymbol{\delta} \\
\frac{\partial s}{\partial \mathbf{b}} &= \boldsymbol{\delta}
\end{aligned}`
	if got := LaTeXResult(networkResult(), LaTeXOptions{}); got != want {
		t.Errorf("LaTeXResult:\n%s\nwant:\n%s", got, want)
	}
}

func TestLaTeXResultHessianAndJacobianLabels(t *testing.T) {
	got := LaTeXResult(hessianResult(), LaTeXOptions{})
	for _, want := range []string{
		`\frac{\partial^{2} s}{\partial \mathbf{x}\,\partial \mathbf{x}^\top} &= \mathbf{A} + \mathbf{A}^\top + 2\lambda I`,
		`\frac{\partial^{2} s}{\partial \lambda^{2}} &= 0`,
	} {
		if !contains(got, want) {
			t.Errorf("LaTeXResult(hessian) lacks %s:\n%s", want, got)
		}
	}
	got = LaTeXResult(jacobianResult(), LaTeXOptions{})
	want := `\frac{\partial \mathbf{h}}{\partial \mathbf{x}} &= \operatorname{diag}(\sigma'(\mathbf{W}\mathbf{x}))\mathbf{W}`
	if !contains(got, want) {
		t.Errorf("LaTeXResult(jacobian) lacks %s:\n%s", want, got)
	}
}

func TestLaTeXResultGolden(t *testing.T) {
	for _, c := range resultCases {
		t.Run(c.name, func(t *testing.T) {
			golden(t, c.name+".tex", LaTeXResult(c.r, LaTeXOptions{Plain: c.plain}))
		})
	}
}

func TestStandaloneGolden(t *testing.T) {
	golden(t, "standalone/network.tex", Standalone(LaTeXResult(networkResult(), LaTeXOptions{})))
}

func TestFrac(t *testing.T) {
	if got, want := Frac("s", `\mathbf{W}`), `\frac{\partial s}{\partial \mathbf{W}}`; got != want {
		t.Errorf("Frac = %s, want %s", got, want)
	}
	if got, want := Frac2("s", `\mathbf{x}`), `\frac{\partial^{2} s}{\partial \mathbf{x}\,\partial \mathbf{x}^\top}`; got != want {
		t.Errorf("Frac2 = %s, want %s", got, want)
	}
	o := LaTeXOptions{Shapes: testShapes}
	if got, want := Partial("s", "θ", 1, o), `\frac{\partial s}{\partial \boldsymbol{\theta}}`; got != want {
		t.Errorf("Partial = %s, want %s", got, want)
	}
}

// stepsNetworkB is the derivation of ∂s/∂b for s = uᵀf(Wx + b), as
// `derive --steps` shows it (issue 4).
func stepsNetworkB() []Step {
	o := LaTeXOptions{Shapes: testShapes}
	d := func(f, x string) string { return Frac(Name(f, o), Name(x, o)) }
	row := ast.Matrix(ast.One, n)
	return []Step{
		{Label: d("s", "h"), Expr: tr(v("u")), Shape: row, Rule: "s = uᵀh: ∂(uᵀh)/∂h = uᵀ"},
		{Label: d("h", "z"), Expr: fn("diag", fn1("f", v("z"))), Shape: matN, Rule: "h = f(z) elementwise"},
		{Label: d("z", "b"), Expr: ast.Eye(n), Shape: matN, Rule: "z = Wx + b"},
		{Label: d("s", "b"), Expr: mul(mul(tr(v("u")), fn("diag", fn1("f", v("z")))), ast.Eye(n)), Shape: row, Rule: "chain rule: product of the Jacobians"},
		{Expr: tr(had(v("u"), fn1("f", v("z")))), Shape: row, Rule: "uᵀdiag(v) = (u ∘ v)ᵀ; I vanishes"},
		{Label: `\nabla_{\mathbf{b}} s`, Expr: had(v("u"), fn1("f", add(mul(v("W"), v("x")), v("b")))), Shape: vecN, Rule: "shape convention: transpose, δ = u ∘ f′(z) & 100% reused"},
		{Label: `\boldsymbol{\delta}`, Expr: had(v("u"), fn1("f", v("z")))},
	}
}

func TestLaTeXSteps(t *testing.T) {
	got := LaTeXSteps(stepsNetworkB(), LaTeXOptions{Shapes: testShapes})
	for _, want := range []string{
		`\frac{\partial s}{\partial \mathbf{h}} &= \mathbf{u}^\top && (1 \times n) && \text{s = u$^\top$h: $\partial$(u$^\top$h)/$\partial$h = u$^\top$}`,
		` &= (\mathbf{u} \odot f'(\mathbf{z}))^\top && (1 \times n)`,
		`\text{shape convention: transpose, $\delta$ = u $\circ$ f$'$(z) \& 100\% reused}`,
		`\boldsymbol{\delta} &= \mathbf{u} \odot f'(\mathbf{z})` + "\n",
	} {
		if !contains(got, want) {
			t.Errorf("LaTeXSteps lacks %s:\n%s", want, got)
		}
	}
	golden(t, "steps_network_b.tex", got)
}

func contains(s, sub string) bool { return len(sub) > 0 && indexOf(s, sub) >= 0 }

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}
