package render

import (
	"strings"
	"testing"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/derive"
)

// Hand-built results, in the form the derivation engine gives them, for the
// formulas of the examples. Each derivative is the textbook closed form.

// latexNetworkResult is s = uᵀf(Wx + b) with z = Wx + b and δ = u ∘ f′(z).
func latexNetworkResult() *derive.Result {
	vars := []ast.VarInfo{
		{Name: "u", Shape: lxVecN}, {Name: "W", Shape: ast.Matrix(lxN, lxM)},
		{Name: "x", Shape: ast.Vector(lxM)}, {Name: "b", Shape: lxVecN},
	}
	return &derive.Result{
		Input: "uᵀf(Wx+b)", FuncName: "s", FuncShape: ast.Scalar, Vars: vars,
		Func: lxMul(lxT(lxV("u")), lxFn("f", lxV("z"))),
		Defs: []derive.Def{
			{Name: "z", Expr: lxAdd(lxMul(lxV("W"), lxV("x")), lxV("b")), Shape: lxVecN},
			{Name: "δ", Expr: lxHad(lxV("u"), lxFn1("f", lxV("z"))), Shape: lxVecN},
		},
		Derivs: []derive.Deriv{
			{Wrt: "u", Kind: derive.Gradient, Order: 1, Expr: lxFn("f", lxV("z")), Shape: lxVecN},
			{Wrt: "W", Kind: derive.Gradient, Order: 1, Expr: lxMul(lxV("δ"), lxT(lxV("x"))), Shape: ast.Matrix(lxN, lxM)},
			{Wrt: "x", Kind: derive.Gradient, Order: 1, Expr: lxMul(lxT(lxV("W")), lxV("δ")), Shape: ast.Vector(lxM)},
			{Wrt: "b", Kind: derive.Gradient, Order: 1, Expr: lxV("δ"), Shape: lxVecN},
		},
	}
}

// latexRidgeResult is s = ‖Xθ − y‖² + λ‖θ‖², ∂s/∂θ = 2Xᵀr + 2λθ with r = Xθ − y.
func latexRidgeResult() *derive.Result {
	return &derive.Result{
		Input: "‖Xθ - y‖² + λ‖θ‖²", FuncName: "s", FuncShape: ast.Scalar,
		Vars: []ast.VarInfo{
			{Name: "X", Shape: ast.Matrix(lxM, lxN)}, {Name: "θ", Shape: lxVecN},
			{Name: "y", Shape: ast.Vector(lxM)}, {Name: "λ", Shape: ast.Scalar},
		},
		Defs: []derive.Def{{Name: "r", Expr: lxSub(lxMul(lxV("X"), lxV("θ")), lxV("y")), Shape: ast.Vector(lxM)}},
		Func: lxAdd(lxPow(lxFn("norm", lxV("r")), lxNum(2)), lxMul(lxV("λ"), lxPow(lxFn("norm", lxV("θ")), lxNum(2)))),
		Derivs: []derive.Deriv{
			{Wrt: "θ", Kind: derive.Gradient, Order: 1, Shape: lxVecN,
				Expr: lxAdd(lxMul(lxMul(lxNum(2), lxT(lxV("X"))), lxV("r")), lxMul(lxMul(lxNum(2), lxV("λ")), lxV("θ")))},
			{Wrt: "λ", Kind: derive.Gradient, Order: 1, Shape: ast.Scalar,
				Expr: lxPow(lxFn("norm", lxV("θ")), lxNum(2))},
		},
	}
}

// latexLogisticResult is s = −y log σ(θᵀx) − (1 − y) log(1 − σ(θᵀx)) with
// p = σ(θᵀx): ∂s/∂θ = (p − y)x.
func latexLogisticResult() *derive.Result {
	p := lxV("p")
	return &derive.Result{
		Input: "-y log(σ(θᵀx)) - (1-y) log(1-σ(θᵀx))", FuncName: "s", FuncShape: ast.Scalar,
		Vars: []ast.VarInfo{{Name: "y", Shape: ast.Scalar}, {Name: "θ", Shape: lxVecN}, {Name: "x", Shape: lxVecN}},
		Defs: []derive.Def{{Name: "p", Expr: lxFn("σ", lxMul(lxT(lxV("θ")), lxV("x"))), Shape: ast.Scalar}},
		Func: lxSub(lxNeg(lxMul(lxV("y"), lxFn("log", p))), lxMul(lxSub(lxNum(1), lxV("y")), lxFn("log", lxSub(lxNum(1), p)))),
		Derivs: []derive.Deriv{
			{Wrt: "θ", Kind: derive.Gradient, Order: 1, Shape: lxVecN, Expr: lxMul(lxSub(p, lxV("y")), lxV("x"))},
			{Wrt: "y", Kind: derive.Gradient, Order: 1, Shape: ast.Scalar,
				Expr: lxSub(lxFn("log", lxSub(lxNum(1), p)), lxFn("log", p))},
		},
	}
}

// latexSoftmaxResult is the cross-entropy of the CS224N notes,
// s = −yᵀ log softmax(θ), with ∂s/∂θ = softmax(θ) − y (for yᵀ𝟙 = 1; the
// general form is (𝟙ᵀy) softmax(θ) − y).
func latexSoftmaxResult() *derive.Result {
	return &derive.Result{
		Input: "-yᵀ log(softmax(θ))", FuncName: "J", FuncShape: ast.Scalar,
		Vars: []ast.VarInfo{{Name: "y", Shape: lxVecN}, {Name: "θ", Shape: lxVecN}},
		Defs: []derive.Def{{Name: "ŷ", Expr: lxFn("softmax", lxV("θ")), Shape: lxVecN}},
		Func: lxNeg(lxMul(lxT(lxV("y")), lxFn("log", lxV("ŷ")))),
		Derivs: []derive.Deriv{
			{Wrt: "θ", Kind: derive.Gradient, Order: 1, Shape: lxVecN,
				Expr: lxSub(lxMul(lxMul(lxT(ast.OnesOf(lxVecN)), lxV("y")), lxV("ŷ")), lxV("y"))},
			{Wrt: "y", Kind: derive.Gradient, Order: 1, Shape: lxVecN, Expr: lxNeg(lxFn("log", lxV("ŷ")))},
		},
	}
}

// latexCookbookResult holds Matrix Cookbook identities over one square X:
// s = lxT(AXB) + logdet(X) + det(X), ∂s/∂X = AᵀBᵀ + X⁻ᵀ + det(X)X⁻ᵀ.
func latexCookbookResult() *derive.Result {
	return &derive.Result{
		Input: "tr(AXB) + logdet(X) + det(X)", FuncName: "s", FuncShape: ast.Scalar,
		Vars: []ast.VarInfo{{Name: "A", Shape: lxMatN}, {Name: "X", Shape: lxMatN}, {Name: "B", Shape: lxMatN}},
		Func: lxAdd(lxAdd(lxFn("tr", lxMul(lxMul(lxV("A"), lxV("X")), lxV("B"))), lxFn("logdet", lxV("X"))), lxFn("det", lxV("X"))),
		Derivs: []derive.Deriv{
			{Wrt: "X", Kind: derive.Gradient, Order: 1, Shape: lxMatN,
				Expr: lxAdd(lxAdd(lxMul(lxT(lxV("A")), lxT(lxV("B"))), lxT(lxFn("inv", lxV("X")))), lxMul(lxFn("det", lxV("X")), lxT(lxFn("inv", lxV("X")))))},
			{Wrt: "A", Kind: derive.Gradient, Order: 1, Shape: lxMatN, Expr: lxT(lxMul(lxV("X"), lxV("B")))},
		},
	}
}

// latexHessianResult is s = xᵀAx + λ‖x‖² with the Hessian A + Aᵀ + 2λI and the
// second derivative in λ, 0.
func latexHessianResult() *derive.Result {
	return &derive.Result{
		Input: "xᵀAx", FuncName: "s", FuncShape: ast.Scalar,
		Vars: []ast.VarInfo{{Name: "x", Shape: lxVecN}, {Name: "A", Shape: lxMatN}, {Name: "λ", Shape: ast.Scalar}},
		Func: lxAdd(lxMul(lxMul(lxT(lxV("x")), lxV("A")), lxV("x")), lxMul(lxV("λ"), lxPow(lxFn("norm", lxV("x")), lxNum(2)))),
		Derivs: []derive.Deriv{
			{Wrt: "x", Kind: derive.Hessian, Order: 2, Shape: lxMatN,
				Expr: lxAdd(lxAdd(lxV("A"), lxT(lxV("A"))), lxMul(lxMul(lxNum(2), lxV("λ")), ast.Eye(lxN)))},
			{Wrt: "λ", Kind: derive.Hessian, Order: 2, Shape: ast.Scalar, Expr: lxNum(0)},
		},
	}
}

// latexJacobianResult is the vector function h = σ(Wx) with the Jacobian
// ∂h/∂x = diag(σ′(Wx))W.
func latexJacobianResult() *derive.Result {
	return &derive.Result{
		Input: "σ(Wx)", FuncName: "h", FuncShape: lxVecN,
		Vars: []ast.VarInfo{{Name: "W", Shape: ast.Matrix(lxN, lxM)}, {Name: "x", Shape: ast.Vector(lxM)}},
		Func: lxFn("σ", lxMul(lxV("W"), lxV("x"))),
		Derivs: []derive.Deriv{
			{Wrt: "x", Kind: derive.Jacobian, Order: 1, Shape: ast.Matrix(lxN, lxM),
				Expr: lxMul(lxFn("diag", lxFn1("σ", lxMul(lxV("W"), lxV("x")))), lxV("W"))},
		},
	}
}

var latexResultCases = []struct {
	name  string
	r     *derive.Result
	plain bool
}{
	{"result_network", latexNetworkResult(), false},
	{"result_network_plain", latexNetworkResult(), true},
	{"result_ridge", latexRidgeResult(), false},
	{"result_logistic", latexLogisticResult(), false},
	{"result_softmax", latexSoftmaxResult(), false},
	{"result_cookbook", latexCookbookResult(), false},
	{"result_hessian", latexHessianResult(), false},
	{"result_jacobian", latexJacobianResult(), false},
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
	if got := LaTeXResult(latexNetworkResult(), LaTeXOptions{}); got != want {
		t.Errorf("LaTeXResult:\n%s\nwant:\n%s", got, want)
	}
}

func TestLaTeXResultHessianAndJacobianLabels(t *testing.T) {
	got := LaTeXResult(latexHessianResult(), LaTeXOptions{})
	for _, want := range []string{
		`\frac{\partial^{2} s}{\partial \mathbf{x}\,\partial \mathbf{x}^\top} &= \mathbf{A} + \mathbf{A}^\top + 2\lambda I`,
		`\frac{\partial^{2} s}{\partial \lambda^{2}} &= 0`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("LaTeXResult(hessian) lacks %s:\n%s", want, got)
		}
	}
	got = LaTeXResult(latexJacobianResult(), LaTeXOptions{})
	want := `\frac{\partial \mathbf{h}}{\partial \mathbf{x}} &= \operatorname{diag}(\sigma'(\mathbf{W}\mathbf{x}))\mathbf{W}`
	if !strings.Contains(got, want) {
		t.Errorf("LaTeXResult(jacobian) lacks %s:\n%s", want, got)
	}
}

func TestLaTeXResultGolden(t *testing.T) {
	for _, c := range latexResultCases {
		t.Run(c.name, func(t *testing.T) {
			latexGolden(t, c.name+".tex", LaTeXResult(c.r, LaTeXOptions{Plain: c.plain}))
		})
	}
}

// TestStandaloneGolden writes the documents that pdflatex compiles in
// TestStandaloneCompilesWithPdflatex and scripts/pdflatex-check.sh.
func TestStandaloneGolden(t *testing.T) {
	latexGolden(t, "standalone/network.tex", Standalone(LaTeXResult(latexNetworkResult(), LaTeXOptions{})))
	var all []string
	for _, c := range latexResultCases {
		all = append(all, LaTeXResult(c.r, LaTeXOptions{Plain: c.plain}))
	}
	all = append(all, LaTeXSteps(latexStepsNetworkB(), LaTeXOptions{Shapes: latexShapes}))
	all = append(all, LaTeX(latexCases[0].e, LaTeXOptions{Shapes: latexShapes}))
	// Several aligned blocks in one body, as derive --steps writes them.
	all = append(all, all[0]+"\n"+all[2])
	latexGolden(t, "standalone/all_results.tex", Standalone(all...))
}

func TestStandaloneStacksAlignedBlocks(t *testing.T) {
	one := "\\begin{aligned}\na &= b\n\\end{aligned}"
	two := "\\begin{aligned}\nc &= d \\\\\ne &= f\n\\end{aligned}"
	doc := Standalone(one+"\n"+two, "x^{2}", "\\begin{aligned}\\end{aligned} y")
	for _, want := range []string{
		"\\begin{align*}\na &= b\n\\end{align*}\n\\begin{align*}\nc &= d \\\\\ne &= f\n\\end{align*}\n",
		"\\[\nx^{2}\n\\]\n",
		"\\[\n\\begin{aligned}\\end{aligned} y\n\\]\n",
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("Standalone lacks\n%s\nin\n%s", want, doc)
		}
	}
}

func TestFrac(t *testing.T) {
	if got, want := Frac("s", `\mathbf{W}`), `\frac{\partial s}{\partial \mathbf{W}}`; got != want {
		t.Errorf("Frac = %s, want %s", got, want)
	}
	if got, want := Frac2("s", `\mathbf{x}`), `\frac{\partial^{2} s}{\partial \mathbf{x}\,\partial \mathbf{x}^\top}`; got != want {
		t.Errorf("Frac2 = %s, want %s", got, want)
	}
	o := LaTeXOptions{Shapes: latexShapes}
	if got, want := Partial("s", "θ", 1, o), `\frac{\partial s}{\partial \boldsymbol{\theta}}`; got != want {
		t.Errorf("Partial = %s, want %s", got, want)
	}
}

// latexStepsNetworkB is the derivation of ∂s/∂b for s = uᵀf(Wx + b), as
// `derive --steps` shows it (issue 4).
func latexStepsNetworkB() []Step {
	o := LaTeXOptions{Shapes: latexShapes}
	d := func(f, x string) string { return Frac(Name(f, o), Name(x, o)) }
	row := ast.Matrix(ast.One, lxN)
	return []Step{
		{Label: d("s", "h"), Expr: lxT(lxV("u")), Shape: row, Rule: "s = uᵀh: ∂(uᵀh)/∂h = uᵀ"},
		{Label: d("h", "z"), Expr: lxFn("diag", lxFn1("f", lxV("z"))), Shape: lxMatN, Rule: "h = f(z) elementwise"},
		{Label: d("z", "b"), Expr: ast.Eye(lxN), Shape: lxMatN, Rule: "z = Wx + b"},
		{Label: d("s", "b"), Expr: lxMul(lxMul(lxT(lxV("u")), lxFn("diag", lxFn1("f", lxV("z")))), ast.Eye(lxN)), Shape: row, Rule: "chain rule: product of the Jacobians"},
		{Expr: lxT(lxHad(lxV("u"), lxFn1("f", lxV("z")))), Shape: row, Rule: "uᵀdiag(v) = (u ∘ v)ᵀ; I vanishes"},
		{Label: `\nabla_{\mathbf{b}} s`, Expr: lxHad(lxV("u"), lxFn1("f", lxAdd(lxMul(lxV("W"), lxV("x")), lxV("b")))), Shape: lxVecN, Rule: "shape convention: transpose, δ = u ∘ f′(z) & 100% reused"},
		{Label: `\boldsymbol{\delta}`, Expr: lxHad(lxV("u"), lxFn1("f", lxV("z")))},
	}
}

func TestLaTeXSteps(t *testing.T) {
	got := LaTeXSteps(latexStepsNetworkB(), LaTeXOptions{Shapes: latexShapes})
	for _, want := range []string{
		`\frac{\partial s}{\partial \mathbf{h}} &= \mathbf{u}^\top && (1 \times n) && \text{s = u$^\top$h: $\partial$(u$^\top$h)/$\partial$h = u$^\top$}`,
		` &= (\mathbf{u} \odot f'(\mathbf{z}))^\top && (1 \times n)`,
		`\text{shape convention: transpose, $\delta$ = u $\circ$ f$'$(z) \& 100\% reused}`,
		`\boldsymbol{\delta} &= \mathbf{u} \odot f'(\mathbf{z})` + "\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("LaTeXSteps lacks %s:\n%s", want, got)
		}
	}
	latexGolden(t, "steps_network_b.tex", got)
}
