// Package index reads back the index view that matcalc prints for a tensor
// derivative, such as
//
//	∂sᵢⱼ/∂Xₖₗ = AᵢₖBₗⱼ
//	∂sᵢⱼ/∂Xₖₗ = −(X⁻¹)ᵢₖ(X⁻¹)ₗⱼ
//	∂(∂s/∂U)ᵢⱼ/∂Uₖₗ = 2UᵢₗVₖⱼ − 2(T − UVᵀ)ᵢₖδₗⱼ
//
// and evaluates it entry by entry, so that the view can be checked against
// the tensor it stands for (docs/conventions.md).
//
// # Notation
//
// The left side names the function and the variable, each with its
// indices, the function's first: ∂F/∂X with F a name or a bracketed
// derivative (∂s/∂U). The right side is a sum:
//
//	sum    = [sign] term { sign term } .
//	term   = factor { factor } .
//	factor = scalar | entry | delta .
//	entry  = (name | "(" expr ")") index [ index ] .   (* no space before the indices *)
//	delta  = "δ" index index .
//	sign   = "+" | "−" | "-" .
//	index  = "ᵢ" | "ⱼ" | "ₖ" | "ₗ" | "ₘ" | "ₙ" | … .   (* a subscript letter *)
//
// A scalar is any matcalc formula without indices (2, α, xᵀy, sum(x)); a
// name, a bracket and the formula inside it are read by package parser
// with the given declarations, so that uᵀWx and dW read as they do in a
// formula. A scalar that is a sum must be bracketed. An entry of a vector
// takes one index, whether the vector is a column or a row (yᵀ)ⱼ.
//
// An index of the left side is free: a term gives, for each value of the
// free indices, one entry of the tensor, and every term carries every free
// index. Another index that a term repeats is summed over its range
// (Einstein's convention): ∂sᵢⱼ/∂Xₖₗ = AᵢₘBₘₖδₗⱼ is Σₘ AᵢₘBₘₖδₗⱼ. The
// ranges come from the factors: the variable's indices from its value,
// the others from the entries they index, and δ joins the ranges of its
// two indices. δ with two indices is the Kronecker delta; with one it is a
// vector named δ.
package index

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/parser"
)

// A Form is a parsed index view: ∂F/∂X = Σ terms.
type Form struct {
	Func    string   // the function as written: s, or ∂s/∂U for ∂(∂s/∂U)ᵢⱼ
	FuncIdx []string // the function's indices as plain letters: "i", "j"
	Var     string   // the variable, canonically spelled
	VarIdx  []string // the variable's indices: "k", "l"
	Terms   []Term
}

// A Term is a signed product of factors.
type Term struct {
	Pos     ast.Pos // where the term starts (its sign, if any)
	Neg     bool
	Factors []Factor
}

// A Factor is a scalar (Expr without indices), an entry of a matrix or
// vector (Expr with one or two indices), or a Kronecker delta (no Expr,
// two indices).
type Factor struct {
	Pos  ast.Pos // where the factor starts in the parsed text
	Expr ast.Expr
	Idx  []string
}

// IsDelta reports whether f is a Kronecker delta.
func (f Factor) IsDelta() bool { return f.Expr == nil }

// subLetter maps the subscript letters of Unicode to the letters they
// write; Letters holds the inverse.
var subLetter = map[rune]string{
	'ₐ': "a", 'ₑ': "e", 'ₒ': "o", 'ₓ': "x", 'ₕ': "h", 'ₖ': "k", 'ₗ': "l", 'ₘ': "m",
	'ₙ': "n", 'ₚ': "p", 'ₛ': "s", 'ₜ': "t", 'ᵢ': "i", 'ᵣ': "r", 'ᵤ': "u", 'ᵥ': "v", 'ⱼ': "j",
}

var letterSub = func() map[string]string {
	m := map[string]string{}
	for r, s := range subLetter {
		m[s] = string(r)
	}
	return m
}()

// Subscript writes index letters as subscripts, "i", "k" → "ᵢₖ"; a letter
// without a subscript form is written as "?".
func Subscript(idx ...string) string {
	var b strings.Builder
	for _, x := range idx {
		if s, ok := letterSub[x]; ok {
			b.WriteString(s)
		} else {
			b.WriteString("?")
		}
	}
	return b.String()
}

func isIndexRune(r rune) bool { _, ok := subLetter[r]; return ok }

// isWordRune reports whether r continues a name as the parser's lexer
// reads one: letters, digits, subscript digits and "_".
func isWordRune(r rune) bool {
	return unicode.In(r, unicode.Lu, unicode.Ll, unicode.Lt, unicode.Lo) ||
		r >= '0' && r <= '9' || r >= '₀' && r <= '₉' || r == '_'
}

// Parse reads an index view, "∂sᵢⱼ/∂Xₖₗ = AᵢₖBₗⱼ", with the declarations
// of the formula's names (nil for none). An error is an *ast.Error at a
// byte offset of src; ast.FormatError shows it with a caret.
func Parse(src string, decls []ast.Decl) (*Form, error) {
	if len(src) > parser.MaxSourceBytes {
		return nil, ast.Errorf(0, "input too large: %d bytes, the limit is %d", len(src), parser.MaxSourceBytes)
	}
	for i := 0; i < len(src); {
		r, size := utf8.DecodeRuneInString(src[i:])
		if r == utf8.RuneError && size == 1 {
			return nil, ast.Errorf(ast.Pos(i), "invalid UTF-8 byte %#02x", src[i])
		}
		i += size
	}
	p := &formParser{src: src, cfg: &parser.Config{Decls: decls}}
	return p.form()
}

type formParser struct {
	src string
	cfg *parser.Config
	i   int // byte offset of the next rune
}

func (p *formParser) peek() rune {
	if p.i >= len(p.src) {
		return -1
	}
	r, _ := utf8.DecodeRuneInString(p.src[p.i:])
	return r
}

func (p *formParser) skipSpace() {
	for p.i < len(p.src) {
		r, size := utf8.DecodeRuneInString(p.src[p.i:])
		if !unicode.IsSpace(r) {
			return
		}
		p.i += size
	}
}

// expect consumes r or fails with "expected what".
func (p *formParser) expect(r rune, what string) error {
	if p.peek() != r {
		return p.errorf("expected %s, found %s", what, p.found())
	}
	p.i += utf8.RuneLen(r)
	return nil
}

func (p *formParser) found() string {
	if p.i >= len(p.src) {
		return "the end"
	}
	r, _ := utf8.DecodeRuneInString(p.src[p.i:])
	return "\"" + string(r) + "\""
}

func (p *formParser) errorf(format string, args ...any) error {
	return ast.Errorf(ast.Pos(p.i), format, args...)
}

// indices reads a run of subscript letters.
func (p *formParser) indices() []string {
	var idx []string
	for p.i < len(p.src) {
		r, size := utf8.DecodeRuneInString(p.src[p.i:])
		if !isIndexRune(r) {
			break
		}
		idx = append(idx, subLetter[r])
		p.i += size
	}
	return idx
}

// word reads a name: a run of letters, digits, subscript digits and "_".
func (p *formParser) word() string {
	start := p.i
	for p.i < len(p.src) {
		r, size := utf8.DecodeRuneInString(p.src[p.i:])
		if !isWordRune(r) {
			break
		}
		p.i += size
	}
	return p.src[start:p.i]
}

// form = "∂" func indices "/" "∂" name indices "=" sum .
func (p *formParser) form() (*Form, error) {
	f := &Form{}
	p.skipSpace()
	if err := p.expect('∂', "∂ (an index view reads ∂sᵢⱼ/∂Xₖₗ = …)"); err != nil {
		return nil, err
	}
	if p.peek() == '(' {
		open := p.i
		depth := 0
		for p.i < len(p.src) {
			r, size := utf8.DecodeRuneInString(p.src[p.i:])
			p.i += size
			if r == '(' {
				depth++
			} else if r == ')' {
				depth--
				if depth == 0 {
					break
				}
			}
		}
		if depth != 0 {
			return nil, ast.Errorf(ast.Pos(open), "unclosed (")
		}
		f.Func = strings.TrimSpace(p.src[open+1 : p.i-1])
		if f.Func == "" {
			return nil, ast.Errorf(ast.Pos(open), "empty ( ) for the function")
		}
	} else if f.Func = p.word(); f.Func == "" {
		return nil, p.errorf("expected the function's name after ∂, found %s", p.found())
	}
	at := p.i
	f.FuncIdx = p.indices()
	if err := checkLHS(f.FuncIdx, at, "the function"); err != nil {
		return nil, err
	}
	if err := p.expect('/', "/ after the function's indices"); err != nil {
		return nil, err
	}
	if err := p.expect('∂', "∂ before the variable"); err != nil {
		return nil, err
	}
	at = p.i
	name := p.word()
	if name == "" {
		return nil, p.errorf("expected the variable's name after ∂, found %s", p.found())
	}
	v, err := parser.CanonicalName(name)
	if err != nil {
		return nil, ast.Errorf(ast.Pos(at), "%s", err.Error())
	}
	f.Var = v
	at = p.i
	f.VarIdx = p.indices()
	if err := checkLHS(f.VarIdx, at, "the variable"); err != nil {
		return nil, err
	}
	for _, x := range f.VarIdx {
		for _, y := range f.FuncIdx {
			if x == y {
				return nil, ast.Errorf(ast.Pos(at), "index %s names both a function and a variable index", Subscript(x))
			}
		}
	}
	p.skipSpace()
	if err := p.expect('=', "= after the left side"); err != nil {
		return nil, err
	}
	if f.Terms, err = p.sum(); err != nil {
		return nil, err
	}
	return f, nil
}

func checkLHS(idx []string, at int, what string) error {
	if len(idx) > 2 {
		return ast.Errorf(ast.Pos(at), "%s has %d indices: at most two (a matrix)", what, len(idx))
	}
	if len(idx) == 2 && idx[0] == idx[1] {
		return ast.Errorf(ast.Pos(at), "%s repeats the index %s", what, Subscript(idx[0]))
	}
	return nil
}

// An indexRun is a run of subscript letters at the top level of a term.
type indexRun struct {
	start, end int
	idx        []string
}

// A termSpan is the text of one term, without its sign.
type termSpan struct {
	pos        int // the sign, or the start
	neg        bool
	start, end int
	runs       []indexRun
}

// sum splits the right side into terms at the signs outside brackets and
// norms that follow a complete operand, then reads each term.
func (p *formParser) sum() ([]Term, error) {
	spans, err := p.split()
	if err != nil {
		return nil, err
	}
	terms := make([]Term, 0, len(spans))
	for _, s := range spans {
		t, err := p.term(s)
		if err != nil {
			return nil, err
		}
		terms = append(terms, t)
	}
	return terms, nil
}

func (p *formParser) split() ([]termSpan, error) {
	src := p.src
	var spans []termSpan
	cur := termSpan{pos: p.i, start: p.i}
	content, signed := false, false
	var opens []int
	norms := 0
	operand := false // the last token completes an operand
	closeTerm := func(end int) error {
		if !content {
			if signed {
				return ast.Errorf(ast.Pos(cur.pos), "a sign with no term after it")
			}
			return ast.Errorf(ast.Pos(end), "expected a term, found %s", describe(src, end))
		}
		cur.end = end
		spans = append(spans, cur)
		return nil
	}
	i := p.i
	for i < len(src) {
		r, size := utf8.DecodeRuneInString(src[i:])
		switch {
		case unicode.IsSpace(r):
			i += size
			continue
		case r == '(' || r == '[':
			opens = append(opens, i)
			operand = false
		case r == ')' || r == ']':
			if len(opens) == 0 {
				return nil, ast.Errorf(ast.Pos(i), "unmatched %c", r)
			}
			if o := src[opens[len(opens)-1]]; o == '(' && r != ')' || o == '[' && r != ']' {
				return nil, ast.Errorf(ast.Pos(i), "%c closes %c", r, o)
			}
			opens = opens[:len(opens)-1]
			operand = true
		case r == '‖' || strings.HasPrefix(src[i:], "||"):
			if r == '|' {
				size = 2
			}
			if operand && norms > 0 {
				norms--
			} else {
				norms++
				operand = false
			}
		case r >= '0' && r <= '9' || r == '.' && i+1 < len(src) && src[i+1] >= '0' && src[i+1] <= '9':
			size = numberLen(src[i:])
			operand = true
		case r == '+' || r == '−' || r == '-':
			if len(opens) > 0 || norms > 0 || content && !operand {
				operand = false // a unary minus, or inside brackets
				break
			}
			if !content {
				if signed {
					return nil, ast.Errorf(ast.Pos(i), "two signs in a row")
				}
				signed = true
				cur.pos, cur.neg = i, r != '+'
				i += size
				cur.start = i
				continue
			}
			if err := closeTerm(i); err != nil {
				return nil, err
			}
			cur = termSpan{pos: i, neg: r != '+', start: i + size}
			content, signed, operand = false, true, false
			i += size
			continue
		case isIndexRune(r):
			start := i
			var idx []string
			for i < len(src) {
				r, size := utf8.DecodeRuneInString(src[i:])
				if !isIndexRune(r) {
					break
				}
				idx = append(idx, subLetter[r])
				i += size
			}
			if len(opens) > 0 || norms > 0 {
				return nil, ast.Errorf(ast.Pos(start), "index %s inside brackets: the indices of a bracketed factor follow its closing bracket, (AB)ᵢⱼ", Subscript(idx...))
			}
			cur.runs = append(cur.runs, indexRun{start, i, idx})
			content, operand = true, true
			continue
		case strings.ContainsRune("*/·⋅∘⊙^,=<>≤≥:;", r):
			operand = false
		default:
			operand = true
		}
		content = true
		i += size
	}
	if len(opens) > 0 {
		return nil, ast.Errorf(ast.Pos(opens[len(opens)-1]), "unclosed %c", src[opens[len(opens)-1]])
	}
	if err := closeTerm(len(src)); err != nil {
		return nil, err
	}
	return spans, nil
}

func describe(src string, at int) string {
	if at >= len(src) {
		return "the end"
	}
	r, _ := utf8.DecodeRuneInString(src[at:])
	return "\"" + string(r) + "\""
}

// numberLen is the length of the number at the start of s, as the
// parser's lexer reads it: digits [. digits] [e [sign] digits].
func numberLen(s string) int {
	i := 0
	digits := func() {
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	}
	digits()
	if i+1 < len(s) && s[i] == '.' && s[i+1] >= '0' && s[i+1] <= '9' {
		i++
		digits()
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if j < len(s) && s[j] >= '0' && s[j] <= '9' {
			i = j
			digits()
		}
	}
	if i == 0 {
		i = 1
	}
	return i
}

// term reads the factors of one term: before each run of indices, the
// factor they belong to (δ, a bracket or a name) and the scalars before it.
func (p *formParser) term(s termSpan) (Term, error) {
	t := Term{Pos: ast.Pos(s.pos), Neg: s.neg}
	cur := s.start
	for _, run := range s.runs {
		fs, err := p.entry(cur, run)
		if err != nil {
			return t, err
		}
		t.Factors = append(t.Factors, fs...)
		cur = run.end
	}
	if strings.TrimSpace(p.src[cur:s.end]) != "" {
		e, at, err := p.parse(cur, s.end)
		if err != nil {
			return t, err
		}
		t.Factors = append(t.Factors, Factor{Pos: at, Expr: e})
	}
	return t, nil
}

// parse parses src[start:end] as a formula, positions counted from the
// start of the chunk; the error is moved to the whole text. at is where
// the formula starts.
func (p *formParser) parse(start, end int) (ast.Expr, ast.Pos, error) {
	chunk := p.src[start:end]
	lead := len(chunk) - len(strings.TrimLeftFunc(chunk, unicode.IsSpace))
	e, err := p.cfg.ParseExpr(chunk)
	if err != nil {
		return nil, 0, shift(err, start)
	}
	return e, ast.Pos(start + lead), nil
}

// shift moves a positioned error of a chunk starting at off into the
// whole text.
func shift(err error, off int) error {
	if e, ok := err.(*ast.Error); ok {
		if !e.Pos.IsValid() {
			return ast.Errorf(ast.Pos(off), "%s", e.Msg)
		}
		return ast.Errorf(e.Pos+ast.Pos(off), "%s", e.Msg)
	}
	return ast.Errorf(ast.Pos(off), "%v", err)
}

// entry reads src[start:run.start], which ends with the factor that the
// run's indices belong to, into the scalars before it and that factor.
func (p *formParser) entry(start int, run indexRun) ([]Factor, error) {
	src := p.src
	end := run.start
	last, size := utf8.DecodeLastRuneInString(src[start:end])
	if end == start || unicode.IsSpace(last) {
		return nil, ast.Errorf(ast.Pos(run.start), "indices %s follow no factor: write them right after a name, a bracket or δ", Subscript(run.idx...))
	}
	if len(run.idx) > 2 {
		return nil, ast.Errorf(ast.Pos(run.start), "%d indices %s: a factor takes one or two", len(run.idx), Subscript(run.idx...))
	}
	var out []Factor
	if last == 'δ' && len(run.idx) == 2 {
		if strings.TrimSpace(src[start:end-size]) != "" {
			e, at, err := p.parse(start, end-size)
			if err != nil {
				return nil, err
			}
			out = append(out, Factor{Pos: at, Expr: e})
		}
		return append(out, Factor{Pos: ast.Pos(end - size), Idx: run.idx}), nil
	}
	e, at, err := p.parse(start, end)
	if err != nil {
		return nil, err
	}
	var scalar, factor ast.Expr
	if last == ')' {
		open := matchingOpen(src[start:end])
		if open < 0 {
			return nil, ast.Errorf(ast.Pos(end-1), "unmatched )")
		}
		switch b, ok := e.(*ast.Binary); {
		case e.Pos() >= ast.Pos(open):
			factor = e
		case ok && b.Op == ast.Mul && b.Y.Pos() >= ast.Pos(open):
			scalar, factor = b.X, b.Y
		default:
			return nil, ast.Errorf(ast.Pos(start+open), "the indices %s belong to this bracket alone, which reads as part of %s: bracket the whole factor", Subscript(run.idx...), ast.String(e))
		}
	} else {
		switch b, ok := e.(*ast.Binary); {
		case isName(e):
			factor = e
		case ok && b.Op == ast.Mul && isName(b.Y) && b.Y.End() == ast.Pos(end-start):
			scalar, factor = b.X, b.Y
		default:
			msg := fmt.Sprintf("indices %s must follow a name, a bracket or δ", Subscript(run.idx...))
			switch e.(type) {
			case *ast.Transpose, *ast.Call:
				msg += fmt.Sprintf(": write (%s)%s", ast.String(e), Subscript(run.idx...))
			}
			return nil, ast.Errorf(ast.Pos(end-size), "%s", msg)
		}
	}
	if scalar != nil {
		out = append(out, Factor{Pos: at, Expr: scalar})
		at = ast.Pos(start) + factor.Pos()
	}
	if _, ok := factor.(*ast.Identity); ok && len(run.idx) == 2 {
		return append(out, Factor{Pos: at, Idx: run.idx}), nil // Iᵢₖ is δᵢₖ
	}
	return append(out, Factor{Pos: at, Expr: factor, Idx: run.idx}), nil
}

func isName(e ast.Expr) bool {
	switch e.(type) {
	case *ast.Ident, *ast.Identity:
		return true
	}
	return false
}

// matchingOpen returns the offset of the bracket that the ")" ending s
// closes, or -1.
func matchingOpen(s string) int {
	depth := 0
	for i := len(s) - 1; i >= 0; i-- {
		switch s[i] {
		case ')', ']':
			depth++
		case '(', '[':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}
