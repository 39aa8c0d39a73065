package ast

import (
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// String returns the canonical Unicode form of e: juxtaposition for products,
// ᵀ, ∘, superscript powers, ‖x‖, primes as ′. It parses back to the same tree.
func String(e Expr) string {
	p := printer{ascii: false}
	p.expr(e)
	return p.b.String()
}

// ASCII returns the plain-ASCII form of e: * for products, ' for transposes,
// .* for Hadamard products, ^ for powers. It parses back to the same tree.
func ASCII(e Expr) string {
	p := printer{ascii: true}
	p.expr(e)
	return p.b.String()
}

type printer struct {
	ascii bool
	// inNorm is set between the bars of ‖…‖, where a juxtaposed operand
	// that starts with a bar must be bracketed: ‖a‖b‖‖ reads as ‖a‖·b‖…
	inNorm bool
	b      strings.Builder
}

var superDigits = []rune("⁰¹²³⁴⁵⁶⁷⁸⁹")

// FormatNumber returns the shortest spelling of v that parses back to v.
func FormatNumber(v float64) string {
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// IsSimpleName reports whether name is one letter with an optional subscript
// (x, W₁, W_L, θ), as opposed to a declared multi-letter name.
func IsSimpleName(name string) bool {
	r, size := utf8.DecodeRuneInString(name)
	if !unicode.IsLetter(r) {
		return false
	}
	rest := name[size:]
	if rest == "" || strings.HasPrefix(rest, "_") {
		return true
	}
	for _, r := range rest {
		if r < '₀' || r > '₉' {
			return false
		}
	}
	return true
}

func (p *printer) paren(e Expr, wrap bool) {
	if wrap {
		inNorm := p.inNorm
		p.inNorm = false
		p.b.WriteString("(")
		p.expr(e)
		p.b.WriteString(")")
		p.inNorm = inNorm
		return
	}
	p.expr(e)
}

func (p *printer) expr(e Expr) {
	switch e := e.(type) {
	case *Ident:
		p.b.WriteString(p.name(e.Name))
	case *Number:
		s := FormatNumber(e.Value)
		switch {
		case math.Abs(e.Value) == math.Pi && p.ascii:
			s = strings.Replace(s, "3.141592653589793", "pi", 1)
		case math.Abs(e.Value) == math.Pi:
			s = strings.Replace(s, "3.141592653589793", "π", 1)
		}
		if !p.ascii && e.Value < 0 {
			s = "−" + s[1:]
		}
		p.b.WriteString(s)
	case *Identity:
		p.b.WriteString("I")
	case *Ones:
		if p.ascii {
			p.b.WriteString("ones")
		} else {
			p.b.WriteString("𝟙")
		}
	case *Unary:
		if p.ascii {
			p.b.WriteString("-")
		} else {
			p.b.WriteString("−")
		}
		p.paren(e.X, Precedence(e.X) < PrecUnary || startsWithMinus(e.X))
	case *Binary:
		p.binary(e)
	case *Transpose:
		if c, ok := e.X.(*Call); ok && c.notation() == InverseNotation && !p.ascii {
			p.paren(c.Args[0], !p.isPostfixChainable(c.Args[0]))
			p.b.WriteString("⁻ᵀ")
			return
		}
		p.paren(e.X, Precedence(e.X) < PrecPostfix || isNegNumber(e.X) || isNumber(e.X))
		if p.ascii {
			p.b.WriteString("'")
		} else {
			p.b.WriteString("ᵀ")
		}
	case *Call:
		p.call(e)
	case *Indicator:
		inNorm := p.inNorm
		p.inNorm = false
		defer func() { p.inNorm = inNorm }()
		p.b.WriteString("[")
		p.expr(e.X)
		if p.ascii {
			p.b.WriteString(" " + e.Op.ASCII() + " ")
		} else {
			p.b.WriteString(" " + e.Op.String() + " ")
		}
		p.expr(e.Y)
		p.b.WriteString("]")
	default:
		panic("ast: print of unknown node")
	}
}

func (p *printer) name(n string) string {
	if !p.ascii {
		return n
	}
	return ASCIIName(n)
}

// ASCIIName returns the ASCII spelling of a canonical name: θ₁ is theta_1.
func ASCIIName(n string) string {
	var b strings.Builder
	sub := false
	for _, r := range n {
		if r >= '₀' && r <= '₉' {
			if !sub {
				b.WriteByte('_')
				sub = true
			}
			b.WriteRune('0' + (r - '₀'))
			continue
		}
		if g, ok := greekASCII[r]; ok {
			b.WriteString(g)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

var greekASCII = map[rune]string{}

func init() {
	for name, letter := range greekNames {
		r, _ := utf8.DecodeRuneInString(letter)
		greekASCII[r] = name
	}
}

func isNegNumber(e Expr) bool {
	n, ok := e.(*Number)
	return ok && n.Value < 0
}

// isOne reports whether e is the number 1, whose transpose prints as (1)ᵀ:
// 1ᵀ reads as the row of ones.
// isNumber reports whether e is a number: a transposed one is bracketed,
// (1)ᵀ, since 1ᵀ reads as the row of ones and 2ᵀ as an error.
func isNumber(e Expr) bool {
	_, ok := e.(*Number)
	return ok
}

// startsWithMinus reports whether the printed form of e begins with a minus.
func startsWithMinus(e Expr) bool {
	switch e := e.(type) {
	case *Unary:
		return true
	case *Number:
		return e.Value < 0
	case *Binary:
		if Precedence(e.X) >= Precedence(e) {
			return startsWithMinus(e.X)
		}
	case *Transpose:
		return startsWithMinus(e.X) && Precedence(e.X) >= PrecPostfix
	}
	return false
}

func (p *printer) binary(e *Binary) {
	prec := Precedence(e)
	if e.Op == Pow || e.Op == ElemPow {
		n, isNum := e.Y.(*Number)
		super := isNum && e.Op == Pow && !p.ascii && n.Value >= 0 && n.Value == float64(int(n.Value)) && n.Value < 1e6
		// e^x reads as exp(x): a variable e raised with ^ is written (e)^x.
		id, isID := e.X.(*Ident)
		euler := isID && id.Name == "e" && e.Op == Pow && !super
		p.paren(e.X, !p.isPostfixChainable(e.X) || euler)
		if super {
			for _, d := range strconv.Itoa(int(n.Value)) {
				p.b.WriteRune(superDigits[d-'0'])
			}
			return
		}
		p.b.WriteString(e.Op.ASCII())
		p.paren(e.Y, !p.isExponent(e.Y))
		return
	}
	p.paren(e.X, Precedence(e.X) < prec)
	if e.Op == Mul && !p.ascii {
		wrap := Precedence(e.Y) <= prec || startsWithMinus(e.Y) || p.inNorm && startsWithNorm(e.Y)
		right := printer{inNorm: p.inNorm && !wrap}
		right.expr(e.Y)
		r := right.b.String()
		if wrap {
			r = "(" + r + ")"
		}
		left := p.b.String()
		if needSpace(left, r, e.X, e.Y) {
			p.b.WriteString(" ")
		}
		p.b.WriteString(r)
		return
	}
	switch e.Op {
	case Mul, Div:
		if p.ascii {
			p.b.WriteString(e.Op.ASCII())
		} else {
			p.b.WriteString(e.Op.String())
		}
	default:
		if p.ascii {
			p.b.WriteString(" " + e.Op.ASCII() + " ")
		} else {
			p.b.WriteString(" " + e.Op.String() + " ")
		}
	}
	p.paren(e.Y, Precedence(e.Y) <= prec || startsWithMinus(e.Y))
}

// startsWithNorm reports whether the Unicode form of e begins with "‖".
func startsWithNorm(e Expr) bool {
	switch e := e.(type) {
	case *Call:
		switch {
		case e.notation() == NormNotation:
			return true
		case e.notation() == InverseNotation:
			p := printer{}
			return p.isPostfixChainable(e.Args[0]) && startsWithNorm(e.Args[0])
		case e.IsInfix():
			return startsWithNorm(e.Args[0])
		}
	case *Transpose:
		if c, ok := e.X.(*Call); ok && c.notation() == InverseNotation {
			return startsWithNorm(c)
		}
		return Precedence(e.X) >= PrecPostfix && startsWithNorm(e.X)
	case *Binary:
		if e.Op == Pow || e.Op == ElemPow {
			p := printer{}
			return p.isPostfixChainable(e.X) && startsWithNorm(e.X)
		}
		return Precedence(e.X) >= Precedence(e) && startsWithNorm(e.X)
	}
	return false
}

// isExponent reports whether e may follow "^" without brackets: the
// parser reads a primary there, and ^T is a transpose.
func (p *printer) isExponent(e Expr) bool {
	switch e := e.(type) {
	case *Ident:
		return e.Name != "T"
	case *Call:
		return p.ascii || e.notation() != InverseNotation && !e.IsInfix()
	}
	return Precedence(e) >= PrecPrimary
}

// isPostfixChainable reports whether a postfix operator may follow e without
// brackets: names, numbers, calls and transposes (xᵀ² is not allowed).
func (p *printer) isPostfixChainable(e Expr) bool {
	switch e := e.(type) {
	case *Call:
		return p.ascii || e.notation() != InverseNotation && !e.IsInfix()
	case *Ident, *Identity, *Ones, *Indicator:
		return true
	case *Number:
		return e.Value >= 0
	}
	return false
}

// needSpace decides whether juxtaposing left and right needs a space to
// read back as the same product.
func needSpace(left, right string, x, y Expr) bool {
	l, _ := utf8.DecodeLastRuneInString(left)
	r, _ := utf8.DecodeRuneInString(right)
	switch {
	case isDigit(l) && (isDigit(r) || r == '.'):
		return true
	case isWordRune(l) && isDigit(r):
		return true // x 2 must not read as x₂
	case (isWordRune(l) || isDigit(l) && strings.ContainsRune(trailingWord(left), '_')) && r == '(':
		// f (x + y) is a product; f(x + y) would be a call, and
		// xy(a + b) an unknown function.
		return true
	case isWordRune(l) && (isWordRune(r) || r == '_'):
		// W_L x: a subscript after "_" runs to the end of the word.
		// e x p: the letters would read as exp.
		return !endsWithSimpleName(x) || !startsWithSimpleName(y) ||
			strings.ContainsRune(trailingWord(left), '_') || joinsKeyword(left, right)
	case isDigit(l) && (r == 'e' || r == 'E'):
		return true
	case isDigit(l) && (isWordRune(r) || r == '_') && strings.ContainsRune(trailingWord(left), '_'):
		return true // a_A0 I: the subscript after "_" would run on
	}
	return false
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// isWordRune reports whether r can be part of a word of the parser: a
// letter (not a modifier letter such as ᵀ), a subscript digit or "_".
func isWordRune(r rune) bool {
	return unicode.In(r, unicode.Lu, unicode.Ll, unicode.Lt, unicode.Lo) || (r >= '₀' && r <= '₉') || r == '_'
}

// trailingWord returns the run of word runes and digits that s ends with.
func trailingWord(s string) string {
	i := len(s)
	for i > 0 {
		r, size := utf8.DecodeLastRuneInString(s[:i])
		if !isWordRune(r) && !isDigit(r) {
			break
		}
		i -= size
	}
	return s[i:]
}

func isASCIILetter(b byte) bool { return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' }

// joinsKeyword reports whether writing right just after left makes a
// built-in function name, a Greek letter name or "ones" across the junction,
// which the parser would read whole instead of as single letters.
func joinsKeyword(left, right string) bool {
	i := len(left)
	for i > 0 && isASCIILetter(left[i-1]) {
		i--
	}
	j := 0
	for j < len(right) && isASCIILetter(right[j]) {
		j++
	}
	l, r := left[i:], right[:j]
	if l == "" || r == "" {
		return false
	}
	s := l + r
	crosses := func(k string) bool {
		for from := 0; from < len(l); from++ {
			idx := strings.Index(s[from:], k)
			if idx < 0 {
				return false
			}
			idx += from
			if idx < len(l) && idx+len(k) > len(l) {
				return true
			}
			from = idx
		}
		return false
	}
	for k := range funcs {
		if crosses(k) {
			return true
		}
	}
	for k := range greekNames {
		if crosses(k) {
			return true
		}
	}
	return crosses("ones")
}

// endsWithSimpleName reports whether the printed e ends with a one-letter name.
func endsWithSimpleName(e Expr) bool {
	switch e := e.(type) {
	case *Ident:
		return IsSimpleName(e.Name)
	case *Identity:
		return true
	case *Binary:
		if e.Op == Mul && Precedence(e.Y) > PrecProduct && !startsWithMinus(e.Y) {
			return endsWithSimpleName(e.Y)
		}
	case *Unary:
		// −t₃ prints its operand bare when it binds tighter than a minus.
		if Precedence(e.X) >= PrecUnary && !startsWithMinus(e.X) {
			return endsWithSimpleName(e.X)
		}
	}
	return false
}

// startsWithSimpleName reports whether the printed e starts with a one-letter
// name (not a function name).
func startsWithSimpleName(e Expr) bool {
	switch e := e.(type) {
	case *Ident:
		return IsSimpleName(e.Name)
	case *Identity:
		return true
	case *Transpose:
		if Precedence(e.X) >= PrecPostfix {
			return startsWithSimpleName(e.X)
		}
	case *Binary:
		if Precedence(e.X) >= Precedence(e) {
			return startsWithSimpleName(e.X)
		}
	case *Call:
		if e.notation() == InverseNotation {
			return startsWithSimpleName(e.Args[0])
		}
	}
	return false
}

func (p *printer) call(c *Call) {
	switch {
	case c.notation() == NormNotation && !p.ascii:
		inNorm := p.inNorm
		p.inNorm = true
		p.b.WriteString("‖")
		p.expr(c.Args[0])
		p.b.WriteString("‖")
		p.inNorm = inNorm
		return
	case c.notation() == InverseNotation && !p.ascii:
		a := c.Args[0]
		p.paren(a, !p.isPostfixChainable(a))
		p.b.WriteString("⁻¹")
		return
	case c.notation() == InfixNotation && !p.ascii:
		x, y := c.Args[0], c.Args[1]
		p.paren(x, Precedence(x) < PrecHadamard)
		p.b.WriteString(" " + funcs[c.Fun].(Infix).Symbol() + " ")
		p.paren(y, Precedence(y) <= PrecHadamard || startsWithMinus(y))
		return
	}
	name := c.Fun
	if p.ascii {
		if f := funcs[name]; f != nil {
			name = f.ASCIIName()
		} else {
			name = ASCIIName(name)
		}
	}
	p.b.WriteString(name)
	if p.ascii {
		p.b.WriteString(strings.Repeat("'", c.Primes))
	} else {
		p.b.WriteString(PrimeMarks(c.Primes))
	}
	inNorm := p.inNorm
	p.inNorm = false
	defer func() { p.inNorm = inNorm }()
	p.b.WriteString("(")
	for i, a := range c.Args {
		if i > 0 {
			p.b.WriteString(", ")
		}
		p.expr(a)
	}
	p.b.WriteString(")")
}

// PrimeMarks writes k derivative marks as one character where there is one:
// ′, ″, ‴, then ′ repeated.
func PrimeMarks(k int) string {
	switch k {
	case 0:
		return ""
	case 1:
		return "′"
	case 2:
		return "″"
	case 3:
		return "‴"
	}
	return strings.Repeat("′", k)
}
