package render

import (
	"strings"
	"unicode/utf8"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/derive"
)

// resultOptions returns o with the shapes of r's variables, definitions and
// function added (those in o.Shapes win).
func resultOptions(r *derive.Result, o LaTeXOptions) LaTeXOptions {
	shapes := r.Env()
	shapes[funcName0(r)] = r.FuncShape
	for k, v := range o.Shapes {
		shapes[k] = v
	}
	o.Shapes = shapes
	return o
}

func funcName0(r *derive.Result) string {
	if r.FuncName == "" {
		return "s"
	}
	return r.FuncName
}

// LaTeXResult returns r as one aligned block: the definitions the function
// uses, the function, the other definitions (such as δ), then each
// derivative, one per line:
//
//	\begin{aligned}
//	\mathbf{z} &= \mathbf{W}\mathbf{x} + \mathbf{b} \\
//	s &= \mathbf{u}^\top f(\mathbf{z}) \\
//	\boldsymbol{\delta} &= \mathbf{u} \odot f'(\mathbf{z}) \\
//	\frac{\partial s}{\partial \mathbf{W}} &= \boldsymbol{\delta}\mathbf{x}^\top
//	\end{aligned}
//
// Variables are bold by the shapes in r unless o.Plain.
func LaTeXResult(r *derive.Result, o LaTeXOptions) string {
	o = resultOptions(r, o)
	fn := funcName0(r)
	var lines []string
	def := func(d derive.Def) {
		lines = append(lines, Name(d.Name, o)+" &= "+LaTeX(d.Expr, o))
	}
	before, after := splitDefs(r)
	for _, d := range before {
		def(d)
	}
	if r.Func != nil {
		lines = append(lines, Name(fn, o)+" &= "+LaTeX(r.Func, o))
	}
	for _, d := range after {
		def(d)
	}
	if o.Dirs == nil {
		o.Dirs = map[string]string{}
		for _, d := range r.Derivs {
			for _, dv := range d.Directions() {
				o.Dirs[dv[0]] = dv[1]
			}
		}
	}
	env := r.Env()
	for _, d := range r.Derivs {
		line := DerivLabel(fn, d, o) + " &= " + LaTeX(d.Expr, o)
		if d.Kind == derive.SecondDifferential {
			// d²s alone does not say which block: ∂²s/∂X² or ∂²s/∂X∂Y.
			by := `\partial ` + Name(d.Wrt, o) + `^{2}`
			if d.Wrt2 != "" {
				by = `\partial ` + Name(d.Wrt, o) + `\,\partial ` + Name(d.Wrt2, o)
			}
			line += ` && \left(\frac{\partial^{2} ` + Name(fn, o) + `}{` + by + `}\right)`
		}
		lines = append(lines, line)
		if terms, ok := derive.Kronecker(d, env); ok {
			lines = append(lines, kroneckerLaTeX(fn, d, terms, env, o)...)
		} else if terms, ok := derive.IndexTerms(d, r.Defs, env); ok {
			lines = append(lines, indexLHS(fn, d, env, o)+derive.WriteIndex(terms, latexKron{o}))
		}
	}
	return aligned(lines)
}

// kroneckerLaTeX writes the vec/Kronecker and index views of a tensor
// derivative (derive.Kronecker) as two lines of the aligned block.
func kroneckerLaTeX(fn string, d derive.Deriv, terms []derive.KronTerm, env map[string]ast.Shape, o LaTeXOptions) []string {
	of := Name(fn, o)
	if d.Order == 2 {
		of = Partial(fn, d.Wrt, 1, o)
	}
	x := Name(d.By(), o)
	w := latexKron{o}
	return []string{
		`\frac{\partial \operatorname{vec}(` + of + `)}{\partial \operatorname{vec}(` + x + `)^\top} &= ` + LaTeX(derive.KroneckerExpr(terms, d.Shape, env[d.By()], d.By(), env), o),
		indexLHS(fn, d, env, o) + derive.IndexWith(terms, d.Shape, env[d.By()], env, w),
	}
}

// indexLHS writes the left side of the index view, ∂sᵢⱼ/∂Xₖₗ =.
func indexLHS(fn string, d derive.Deriv, env map[string]ast.Shape, o LaTeXOptions) string {
	of := Name(fn, o)
	if d.Order == 2 {
		of = Partial(fn, d.Wrt, 1, o)
	}
	fi, fj, xk, xl := derive.TensorIndices(d.Shape, env[d.By()])
	return `\frac{\partial (` + of + `)_{` + fi + fj + `}}{\partial {` + Name(d.By(), o) + `}_{` + xk + xl + `}} &= `
}

// latexKron spells the Kronecker and index views in LaTeX.
type latexKron struct{ o LaTeXOptions }

func (latexKron) Sign(first, neg bool) string {
	switch {
	case first && neg:
		return "-"
	case neg:
		return " - "
	case !first:
		return " + "
	}
	return ""
}

// Factor writes names and transposed names bare, anything else bracketed.
func (w latexKron) Factor(e ast.Expr) string {
	if t, ok := e.(*ast.Transpose); ok {
		if _, ok := t.X.(*ast.Ident); ok {
			return LaTeX(t, w.o)
		}
	}
	if _, ok := e.(*ast.Ident); ok {
		return LaTeX(e, w.o)
	}
	return `\left(` + LaTeX(e, w.o) + `\right)`
}

func (w latexKron) Sub(e ast.Expr, a, b string) string {
	return "{" + w.Factor(e) + "}_{" + a + b + "}"
}

func (latexKron) Delta(a, b string) string { return `\delta_{` + a + b + `}` }

func aligned(lines []string) string {
	return "\\begin{aligned}\n" + strings.Join(lines, " \\\\\n") + "\n\\end{aligned}"
}

// splitDefs parts r.Defs into those the function refers to, directly or
// through other definitions, and the rest, keeping dependency order.
func splitDefs(r *derive.Result) (before, after []derive.Def) {
	if r.Func == nil {
		return nil, r.Defs
	}
	byName := map[string]derive.Def{}
	for _, d := range r.Defs {
		byName[d.Name] = d
	}
	used := map[string]bool{}
	var mark func(e ast.Expr)
	mark = func(e ast.Expr) {
		for _, v := range ast.Vars(e) {
			if d, ok := byName[v]; ok && !used[v] {
				used[v] = true
				mark(d.Expr)
			}
		}
	}
	mark(r.Func)
	for _, d := range r.Defs {
		if used[d.Name] {
			before = append(before, d)
		} else {
			after = append(after, d)
		}
	}
	return before, after
}

// Standalone returns a complete LaTeX document that shows each body (LaTeX
// math, such as LaTeX's or LaTeXResult's) as display math. Each aligned
// block becomes an align* environment, which may break across pages, so a
// body of several aligned blocks (one per variable of --steps) shows them
// one below the other.
// pdflatex compiles the document with the packages of Debian's
// texlive-latex-base: amsmath, amssymb, bm, geometry.
func Standalone(bodies ...string) string {
	var b strings.Builder
	b.WriteString(`\documentclass{article}
\usepackage{amsmath}
\usepackage{amssymb}
\usepackage{bm}
\usepackage[margin=2cm]{geometry}
\allowdisplaybreaks
\pagestyle{empty}
\begin{document}
`)
	for _, body := range bodies {
		if blocks, ok := alignedRows(body); ok {
			for _, rows := range blocks {
				b.WriteString("\\begin{align*}\n" + rows + "\n\\end{align*}\n")
			}
			continue
		}
		b.WriteString("\\[\n" + body + "\n\\]\n")
	}
	b.WriteString("\\end{document}\n")
	return b.String()
}

// alignedRows returns the rows of each aligned block of a body that is
// only aligned blocks, one after another (as --steps writes them).
func alignedRows(body string) ([]string, bool) {
	const begin, end = "\\begin{aligned}\n", "\n\\end{aligned}"
	var blocks []string
	rest := strings.TrimSpace(body)
	for rest != "" {
		if !strings.HasPrefix(rest, begin) {
			return nil, false
		}
		rows, after, ok := strings.Cut(rest[len(begin):], end)
		if !ok || strings.Contains(rows, "{aligned}") {
			return nil, false
		}
		blocks = append(blocks, rows)
		rest = strings.TrimSpace(after)
	}
	return blocks, len(blocks) > 0
}

// A Step is one line of a derivation shown step by step (`derive --steps`).
type Step struct {
	// Label is the left-hand side in LaTeX, such as
	// Frac("s", `\mathbf{h}`); empty continues the line above ("= …").
	Label string
	// Expr is the right-hand side.
	Expr ast.Expr
	// Shape is the shape of Expr, shown as (n \times m) when known.
	Shape ast.Shape
	// Rule names the rule applied, in plain text (Unicode allowed).
	Rule string
}

// LaTeXSteps returns steps as one aligned block, one step a line:
//
//	\frac{\partial s}{\partial \mathbf{h}} &= \mathbf{u}^\top && (1 \times n) && \text{product rule}
func LaTeXSteps(steps []Step, o LaTeXOptions) string {
	lines := make([]string, len(steps))
	for i, s := range steps {
		line := s.Label + " &= " + LaTeX(s.Expr, o)
		if s.Shape.Rows.Known() && s.Shape.Cols.Known() {
			line += " && (" + ShapeLaTeX(s.Shape) + ")"
		} else if s.Rule != "" {
			line += " &&"
		}
		if s.Rule != "" {
			line += " && " + Text(s.Rule)
		}
		lines[i] = line
	}
	return aligned(lines)
}

// Text returns s as LaTeX text inside math: \text{…}, with LaTeX's special
// characters escaped and the mathematical symbols matcalc's rules use
// (ᵀ ∘ ′ ∂ → Greek letters …) set as inline math, so that the result is
// ASCII and compiles with pdflatex.
func Text(s string) string {
	var b strings.Builder
	b.WriteString(`\text{`)
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		s = s[size:]
		if m, ok := textMath(r); ok {
			b.WriteString("$" + m + "$")
			continue
		}
		switch r {
		case '\\':
			b.WriteString(`\textbackslash{}`)
		case '{', '}', '_', '&', '%', '#', '$':
			b.WriteString(`\` + string(r))
		case '^':
			b.WriteString(`\textasciicircum{}`)
		case '~':
			b.WriteString(`\textasciitilde{}`)
		default:
			if r >= utf8.RuneSelf {
				b.WriteString("?")
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteString("}")
	return b.String()
}

func textMath(r rune) (string, bool) {
	if g, ok := greekTeX[r]; ok {
		return g, true
	}
	if r >= '₀' && r <= '₉' {
		return "_{" + string('0'+(r-'₀')) + "}", true
	}
	m, ok := symbolTeX[r]
	return m, ok
}

var symbolTeX = map[rune]string{
	'ᵀ': `^\top`, '∘': `\circ`, '⊙': `\odot`, '′': `'`, '″': `''`, '∂': `\partial`,
	'→': `\to`, '←': `\leftarrow`, '⇒': `\Rightarrow`, '×': `\times`, '·': `\cdot`,
	'≥': `\geq`, '≤': `\leq`, '≠': `\neq`, '−': `-`, '‖': `\|`, '𝟙': `\mathbf{1}`,
	'⁻': `^{-}`, '¹': `^{1}`, '²': `^{2}`, '³': `^{3}`, '∑': `\sum`, '∇': `\nabla`,
	'…': `\ldots`,
}

// DerivLabel writes the left side of a derivative in LaTeX: ∂s/∂x,
// ∂²s/∂x², ∂²s/∂x∂b, and for a tensor given by its differential ds,
// d(∂s/∂X) or d²s.
func DerivLabel(fn string, d derive.Deriv, o LaTeXOptions) string {
	switch {
	case d.Kind == derive.SecondDifferential:
		return `\mathrm{d}^{2}` + Name(fn, o)
	case d.Kind == derive.Differential && d.Order == 2:
		return `\mathrm{d}\left(` + Partial(fn, d.Wrt, 1, o) + `\right)`
	case d.Kind == derive.Differential:
		return `\mathrm{d}` + Name(fn, o)
	case d.Wrt2 != "":
		return `\frac{\partial^{2} ` + Name(fn, o) + `}{\partial ` + Name(d.Wrt, o) + `\,\partial ` + Name(d.Wrt2, o) + `}`
	}
	return Partial(fn, d.Wrt, d.Order, o)
}
