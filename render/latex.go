// Package render prints matcalc expressions and results for people: LaTeX
// for notes and papers (this file), derivation steps, and the computational
// graph as DOT and SVG. Go code is package render/gocode.
package render

import (
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/op"
)

// LaTeXOptions say how LaTeX names variables.
type LaTeXOptions struct {
	// Shapes gives the shapes of variables: vectors and matrices are set in
	// bold (\mathbf{W}, \boldsymbol{\theta} for Greek), scalars in italics.
	// A variable missing from Shapes is italic.
	Shapes map[string]ast.Shape
	// Plain sets every variable in italics, whatever its shape.
	Plain bool
	// Dirs names the directions of differentials (dW → W): written
	// \mathrm{d}W.
	Dirs map[string]string
}

// bold reports whether the variable called name is set in bold.
func (o LaTeXOptions) bold(name string) bool {
	if o.Plain || o.Shapes == nil {
		return false
	}
	s, ok := o.Shapes[name]
	return ok && !s.IsScalar()
}

// LaTeX returns e as LaTeX math (no delimiters): products by juxtaposition,
// ^\top, \odot, \frac for divisions, \lVert x \rVert, \operatorname{diag},
// primes for derivatives of functions, and brackets where precedence
// (ast.Precedence) needs them. The output is ASCII, so that pdflatex
// accepts it as well as KaTeX and MathJax.
func LaTeX(e ast.Expr, o LaTeXOptions) string {
	w := latexWriter{o: o}
	return w.expr(e)
}

type latexWriter struct {
	o LaTeXOptions
	// inFrac is set inside the numerator or denominator of a \frac, where a
	// further division is written a / b rather than as a tower of fractions.
	inFrac bool
}

// Name returns the LaTeX for the variable called name (its canonical
// spelling): W₁ is W_{1}, W_L is W_{L}, θ is \theta, a declared multi-letter
// name is \mathit{loss}; bold as o says.
func Name(name string, o LaTeXOptions) string {
	return latexName(name, o.bold(name))
}

func latexName(name string, bold bool) string {
	base, sub := splitSubscript(name)
	var b strings.Builder
	b.WriteString(nameBase(base, bold))
	if sub != "" {
		b.WriteString("_{")
		b.WriteString(subscript(sub))
		b.WriteString("}")
	}
	return b.String()
}

// splitSubscript splits a canonical name into its letters and subscript:
// "W₁₂" is W and 12, "W_L" is W and L.
func splitSubscript(name string) (base, sub string) {
	if i := strings.IndexByte(name, '_'); i > 0 {
		return name[:i], name[i+1:]
	}
	i := len(name)
	for i > 0 {
		r, size := utf8.DecodeLastRuneInString(name[:i])
		if r < '₀' || r > '₉' {
			break
		}
		i -= size
	}
	if i == 0 {
		return name, ""
	}
	var digits strings.Builder
	for _, r := range name[i:] {
		digits.WriteRune('0' + (r - '₀'))
	}
	return name[:i], digits.String()
}

func nameBase(base string, bold bool) string {
	n := utf8.RuneCountInString(base)
	if n == 1 {
		r, _ := utf8.DecodeRuneInString(base)
		switch {
		case r < utf8.RuneSelf:
			if bold {
				return `\mathbf{` + base + `}`
			}
			return base
		case greekTeX[r] != "":
			if bold {
				return `\boldsymbol{` + greekTeX[r] + `}`
			}
			return greekTeX[r]
		}
		if s, ok := accented(r, bold); ok {
			return s
		}
	}
	// A declared multi-letter name, or a letter LaTeX has no command for.
	text, greek, ascii := letters(base)
	switch {
	case !ascii:
		if bold {
			return `\textbf{` + text + `}`
		}
		return `\text{` + text + `}`
	case greek && bold:
		return `\boldsymbol{\mathit{` + text + `}}`
	case bold:
		return `\mathbf{` + text + `}`
	case n == 1:
		return text
	}
	return `\mathit{` + text + `}`
}

// accentTeX maps combining marks to LaTeX accents.
var accentTeX = map[rune]string{
	'\u0300': `\grave`, '\u0301': `\acute`, '\u0302': `\hat`, '\u0303': `\tilde`,
	'\u0304': `\bar`, '\u0306': `\breve`, '\u0307': `\dot`, '\u0308': `\ddot`,
	'\u030C': `\check`,
}

// accented returns the LaTeX of a letter with accents, such as ŷ
// (\hat{y}) or x̄ written as one letter, if its canonical decomposition
// is a Latin or Greek letter and accents LaTeX has.
func accented(r rune, bold bool) (string, bool) {
	d := []rune(norm.NFD.String(string(r)))
	if len(d) < 2 {
		return "", false
	}
	base, ok := "", false
	switch {
	case isASCIILetter(d[0]):
		base, ok = string(d[0]), true
		if bold {
			base = `\mathbf{` + base + `}`
		}
	case greekTeX[d[0]] != "":
		base, ok = greekTeX[d[0]], true
		if bold {
			base = `\boldsymbol{` + base + `}`
		}
	}
	if !ok {
		return "", false
	}
	for _, mark := range d[1:] {
		acc, ok := accentTeX[mark]
		if !ok {
			return "", false
		}
		base = acc + "{" + base + "}"
	}
	return base, true
}

// letters spells s with Greek letters as commands. greek reports whether it
// has any; ascii whether the result is ASCII.
func letters(s string) (text string, greek, ascii bool) {
	var b strings.Builder
	ascii = true
	prevCmd := false
	for _, r := range s {
		if g := greekTeX[r]; g != "" {
			b.WriteString(g)
			greek, prevCmd = true, true
			continue
		}
		if prevCmd && isASCIILetter(r) {
			b.WriteByte(' ')
		}
		prevCmd = false
		switch {
		case r == '_' || r == '&' || r == '%' || r == '#' || r == '$':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r >= utf8.RuneSelf:
			ascii = false
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String(), greek, ascii
}

func isASCIILetter(r rune) bool { return r < utf8.RuneSelf && unicode.IsLetter(r) }

// subscript returns the LaTeX inside _{…}: digits and one letter as they
// are, Greek letters as commands, a word upright (W_out is W_{\mathrm{out}}).
func subscript(sub string) string {
	text, _, ascii := letters(sub)
	word := utf8.RuneCountInString(sub) > 1
	for _, r := range sub {
		if !isASCIILetter(r) {
			word = false
		}
	}
	switch {
	case !ascii:
		return `\text{` + text + `}`
	case word:
		return `\mathrm{` + text + `}`
	}
	return text
}

// greekTeX maps Greek letters to LaTeX commands. The lunate and curly forms
// follow unicode-math: ε (U+03B5) is \varepsilon, ϵ is \epsilon, φ (U+03C6)
// is \varphi, ϕ is \phi. Capitals that look Latin are Latin letters.
var greekTeX = map[rune]string{
	'α': `\alpha`, 'β': `\beta`, 'γ': `\gamma`, 'δ': `\delta`, 'ε': `\varepsilon`,
	'ϵ': `\epsilon`, 'ζ': `\zeta`, 'η': `\eta`, 'θ': `\theta`, 'ϑ': `\vartheta`,
	'ι': `\iota`, 'κ': `\kappa`, 'λ': `\lambda`, 'μ': `\mu`, 'ν': `\nu`,
	'ξ': `\xi`, 'ο': `o`, 'π': `\pi`, 'ϖ': `\varpi`, 'ρ': `\rho`, 'ϱ': `\varrho`,
	'σ': `\sigma`, 'ς': `\varsigma`, 'τ': `\tau`, 'υ': `\upsilon`, 'φ': `\varphi`,
	'ϕ': `\phi`, 'χ': `\chi`, 'ψ': `\psi`, 'ω': `\omega`,
	'Α': `A`, 'Β': `B`, 'Γ': `\Gamma`, 'Δ': `\Delta`, 'Ε': `E`, 'Ζ': `Z`,
	'Η': `H`, 'Θ': `\Theta`, 'Ι': `I`, 'Κ': `K`, 'Λ': `\Lambda`, 'Μ': `M`,
	'Ν': `N`, 'Ξ': `\Xi`, 'Ο': `O`, 'Π': `\Pi`, 'Ρ': `P`, 'Σ': `\Sigma`,
	'Τ': `T`, 'Υ': `\Upsilon`, 'Φ': `\Phi`, 'Χ': `X`, 'Ψ': `\Psi`, 'Ω': `\Omega`,
}

// Number returns the LaTeX for v: 0.5, 10^{-5}, 2.5 \times 10^{8}.
func Number(v float64) string {
	switch {
	case math.IsNaN(v):
		return `\mathrm{NaN}`
	case math.IsInf(v, 1):
		return `\infty`
	case math.IsInf(v, -1):
		return `-\infty`
	case v == math.Pi:
		return `\pi`
	case v == -math.Pi:
		return `-\pi`
	}
	s := ast.FormatNumber(v)
	mant, exp, ok := strings.Cut(s, "e")
	if !ok {
		return s
	}
	n, _ := strconv.Atoi(exp)
	pow := `10^{` + strconv.Itoa(n) + `}`
	switch mant {
	case "1":
		return pow
	case "-1":
		return "-" + pow
	}
	return mant + ` \times ` + pow
}

// prec is ast.Precedence as the LaTeX reads: a \frac is a closed block.
func (w *latexWriter) prec(e ast.Expr) int {
	switch e := e.(type) {
	case *ast.Binary:
		if w.isFrac(e) {
			return ast.PrecPrimary
		}
	case *ast.Number:
		if s := Number(e.Value); strings.Contains(s, `\times`) {
			return ast.PrecProduct
		}
	}
	return ast.Precedence(e)
}

func (w *latexWriter) isFrac(e *ast.Binary) bool { return e.Op == ast.Div && !w.inFrac }

// takesPostfix reports whether a superscript (^\top, ^{2}, ^{-1}) may follow
// the LaTeX of e without brackets: not when it ends in a superscript of its
// own, which would be a double superscript, nor after a \frac or a sum.
func (w *latexWriter) takesPostfix(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.Ident, *ast.Identity, *ast.Ones, *ast.Indicator:
		return true
	case *ast.Number:
		s := Number(e.Value)
		return !strings.ContainsAny(s, "-^")
	case *ast.Call:
		if e.Primes == 0 && len(e.Args) == 1 && (e.Fun == "inv" || e.Fun == "logdet") || e.IsInfix() {
			return false
		}
		return true
	}
	return false
}

// startsWithMinus reports whether the LaTeX of e begins with a minus sign.
func (w *latexWriter) startsWithMinus(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.Unary:
		return true
	case *ast.Number:
		return e.Value < 0 || math.IsInf(e.Value, -1)
	case *ast.Binary:
		if w.isFrac(e) || e.Op == ast.Pow || e.Op == ast.ElemPow {
			return false
		}
		return w.prec(e.X) >= w.prec(e) && w.startsWithMinus(e.X)
	}
	return false
}

// group brackets s, with \left( … \right) when s is tall (holds a fraction).
func group(s string) string {
	if isTall(s) {
		return `\left(` + s + `\right)`
	}
	return "(" + s + ")"
}

func isTall(s string) bool {
	return strings.Contains(s, `\frac`) || strings.Contains(s, `\left`) || strings.Contains(s, `\sqrt`)
}

func (w *latexWriter) child(e ast.Expr, wrap bool) string {
	s := w.expr(e)
	if wrap {
		return group(s)
	}
	return s
}

// base returns e as the base of a superscript.
func (w *latexWriter) base(e ast.Expr) string {
	return w.child(e, !w.takesPostfix(e))
}

// fresh renders e in a new context: inside braces or brackets of its own,
// where no outer fraction is open.
func (w *latexWriter) fresh(e ast.Expr) string {
	saved := w.inFrac
	w.inFrac = false
	s := w.expr(e)
	w.inFrac = saved
	return s
}

func (w *latexWriter) expr(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		if v, ok := w.o.Dirs[e.Name]; ok {
			return `\mathrm{d}` + Name(v, w.o)
		}
		return Name(e.Name, w.o)
	case *ast.Number:
		return Number(e.Value)
	case *ast.Identity:
		return "I"
	case *ast.Ones:
		return `\mathbf{1}`
	case *ast.Unary:
		// −(Wx) is (−W)x: a product needs no brackets after a minus.
		return "-" + w.child(e.X, w.prec(e.X) < ast.PrecProduct || w.startsWithMinus(e.X))
	case *ast.Transpose:
		if c, ok := e.X.(*ast.Call); ok && c.Fun == "inv" && c.Primes == 0 && len(c.Args) == 1 {
			return w.base(c.Args[0]) + `^{-\top}`
		}
		if _, ok := e.X.(*ast.Number); ok {
			return w.child(e.X, true) + `^\top` // 1^\top is the row of ones, 2^\top an error
		}
		return w.base(e.X) + `^\top`
	case *ast.Binary:
		return w.binary(e)
	case *ast.Call:
		return w.call(e)
	case *ast.Indicator:
		op := ` \geq `
		if e.Op == ast.GT {
			op = ` > `
		}
		s := w.fresh(e.X) + op + w.fresh(e.Y)
		if isTall(s) {
			return `\left[` + s + `\right]`
		}
		return "[" + s + "]"
	}
	panic("render: LaTeX of unknown node")
}

// sameFamily reports whether y may stand without brackets as the right
// operand of op because the operation is associative: a + (b − c) is
// a + b − c, A(BC) is ABC, a ∘ (b ∘ c) is a ∘ b ∘ c.
func sameFamily(op ast.Op, y ast.Expr) bool {
	b, ok := y.(*ast.Binary)
	if !ok {
		return false
	}
	switch op {
	case ast.Add:
		return b.Op == ast.Add || b.Op == ast.Sub
	case ast.Mul, ast.Hadamard:
		return b.Op == op
	}
	return false
}

func (w *latexWriter) binary(e *ast.Binary) string {
	switch e.Op {
	case ast.Pow:
		return w.base(e.X) + "^{" + w.fresh(e.Y) + "}"
	case ast.ElemPow:
		exp := w.fresh(e.Y)
		if w.prec(e.Y) < ast.PrecPrimary {
			exp = group(exp)
		}
		return w.base(e.X) + `^{\circ ` + exp + "}"
	case ast.Div:
		if w.isFrac(e) {
			saved := w.inFrac
			w.inFrac = true
			num, den := w.expr(e.X), w.expr(e.Y)
			w.inFrac = saved
			return `\frac{` + num + `}{` + den + `}`
		}
	}
	prec := w.prec(e)
	left := w.child(e.X, w.prec(e.X) < prec)
	py := w.prec(e.Y)
	wrapY := py < prec || py == prec && !sameFamily(e.Op, e.Y) || w.startsWithMinus(e.Y)
	right := w.child(e.Y, wrapY)
	switch e.Op {
	case ast.Mul:
		if endsWithFunctionLetter(e.X) && strings.HasPrefix(right, "(") || strings.HasPrefix(right, `\left(`) && endsWithFunctionLetter(e.X) {
			// h(x + y) would read as a call of the function h.
			return left + `\,` + right
		}
		return juxtapose(left, right)
	case ast.Div:
		return left + " / " + right
	case ast.Add:
		return left + " + " + right
	case ast.Sub:
		return left + " - " + right
	case ast.Hadamard:
		return left + ` \odot ` + right
	case ast.ElemDiv:
		return left + ` \oslash ` + right
	}
	panic("render: LaTeX of unknown operator " + e.Op.String())
}

// endsWithFunctionLetter reports whether the LaTeX of e ends with a
// variable named like a generic function (f g h φ ψ), which a bracket
// right after it would turn into a call.
func endsWithFunctionLetter(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.Ident:
		for _, f := range ast.GenericFuncLetters() {
			if e.Name == f {
				return true
			}
		}
	case *ast.Binary:
		if e.Op == ast.Mul {
			return endsWithFunctionLetter(e.Y)
		}
	}
	return false
}

// juxtapose writes the product of left and right: side by side, with a
// space where TeX would read a longer command name (\top W), and \cdot
// between two numbers (2 \cdot 3) or before a number (x \cdot 2).
func juxtapose(left, right string) string {
	r, _ := utf8.DecodeRuneInString(right)
	switch {
	case r >= '0' && r <= '9' || r == '.':
		return left + ` \cdot ` + right
	case isASCIILetter(r) && endsWithCommandWord(left):
		return left + " " + right
	}
	return left + right
}

// endsWithCommandWord reports whether s ends with a control word such as
// \top, which a following letter would lengthen.
func endsWithCommandWord(s string) bool {
	i := len(s)
	for i > 0 && isASCIILetter(rune(s[i-1])) {
		i--
	}
	return i < len(s) && i > 0 && s[i-1] == '\\'
}

// funcName returns the LaTeX name of a function: the operator of a
// built-in, the letter of a generic function (f, \varphi), or
// \operatorname{name} for a declared one.
func funcName(fun string) string {
	if f := op.Lookup(fun); f != nil {
		return f.LaTeX()
	}
	if ast.IsSimpleName(fun) {
		return latexName(fun, false)
	}
	text, _, _ := letters(fun)
	return `\operatorname{` + text + `}`
}

func (w *latexWriter) call(c *ast.Call) string {
	if c.Primes == 0 && len(c.Args) == 1 && op.Is(c, op.Inv) {
		return w.base(c.Args[0]) + "^{-1}"
	}
	if c.IsInfix() {
		x, y := c.Args[0], c.Args[1]
		left := w.child(x, w.prec(x) < ast.PrecHadamard)
		right := w.child(y, w.prec(y) <= ast.PrecHadamard || w.startsWithMinus(y))
		return left + ` ` + op.Of(c).LaTeX() + ` ` + right
	}
	// Each argument is rendered once: rendering it again for each case
	// would take time exponential in the depth of nested calls.
	args := make([]string, len(c.Args))
	for i, a := range c.Args {
		args[i] = w.fresh(a)
	}
	if f := op.Of(c); f != nil && c.Primes == 0 && len(c.Args) == 1 {
		if s := f.LaTeXCall(op.TeXArg{Arg: args[0], Grouped: group(args[0]), Tall: isTall(args[0])}); s != "" {
			return s
		}
	}
	return funcName(c.Fun) + strings.Repeat("'", c.Primes) + group(strings.Join(args, ", "))
}

// Frac returns the derivative of fn with respect to wrt, both LaTeX:
// Frac("s", `\mathbf{W}`) is \frac{\partial s}{\partial \mathbf{W}}.
func Frac(fn, wrt string) string {
	return `\frac{\partial ` + fn + `}{\partial ` + wrt + `}`
}

// Frac2 returns the Hessian of fn with respect to the vector wrt, both
// LaTeX: \frac{\partial^{2} s}{\partial \mathbf{x}\,\partial \mathbf{x}^\top}.
func Frac2(fn, wrt string) string {
	return `\frac{\partial^{2} ` + fn + `}{\partial ` + wrt + `\,\partial ` + wrt + `^\top}`
}

// Partial returns the label of a derivative of the function called fn with
// respect to the variable called wrt (canonical names, bold as o says): its
// Frac, or for order 2 its Frac2, or \partial x^{2} for a scalar x.
func Partial(fn, wrt string, order int, o LaTeXOptions) string {
	f, x := Name(fn, o), Name(wrt, o)
	if order < 2 {
		return Frac(f, x)
	}
	if s, ok := o.Shapes[wrt]; ok && s.IsScalar() {
		return `\frac{\partial^{2} ` + f + `}{\partial ` + x + `^{2}}`
	}
	return Frac2(f, x)
}

// ShapeLaTeX returns s as rows \times columns: n \times m, n \times 1.
func ShapeLaTeX(s ast.Shape) string {
	return dimLaTeX(s.Rows) + ` \times ` + dimLaTeX(s.Cols)
}

func dimLaTeX(d ast.Dim) string {
	switch {
	case d.N > 0:
		return strconv.Itoa(d.N)
	case d.Name != "":
		return latexName(d.Name, false)
	}
	return "?"
}
