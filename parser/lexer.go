package parser

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2/lexer"
	"github.com/matcalc/matcalc/ast"
)

// lexDef is the lexer of the notation. Rules are tried in order and the first
// that matches wins, so numbers come before the ".T" and ".*" operators, and
// the catch-all Invalid rule comes last: every byte of any input becomes a
// token, and the parser turns a bad one into a positioned error.
//
// A Word is a maximal run of letters, digits, subscript digits and "_" that
// starts with a letter; the parser splits it into names (see splitWord).
// Modifier letters such as ᵀ are not letters here (\p{Lm} is left out).
var lexDef = lexer.MustSimple([]lexer.SimpleRule{
	{Name: "space", Pattern: `[ \t\r\n\x{00A0}\x{2009}\x{202F}]+`},
	{Name: "Ones", Pattern: `𝟙`},
	{Name: "Number", Pattern: `[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?`},
	{Name: "Fraction", Pattern: `[½⅓⅔¼¾⅕⅖⅗⅘⅙⅚⅐⅛⅜⅝⅞⅑⅒]`},
	{Name: "Word", Pattern: `[\p{Lu}\p{Ll}\p{Lt}\p{Lo}][\p{Lu}\p{Ll}\p{Lt}\p{Lo}0-9₀-₉_]*`},
	{Name: "InvT", Pattern: `⁻ᵀ`},
	{Name: "Super", Pattern: `⁻?[⁰¹²³⁴⁵⁶⁷⁸⁹]+`},
	{Name: "Transpose", Pattern: `ᵀ|⊤|\.T`},
	{Name: "Prime", Pattern: `[′″‴]`},
	{Name: "Quote", Pattern: `'`},
	{Name: "Op", Pattern: `\.\*|\./|\.\^|\|\||>=|<=|[-−+*/^∘⊙⊗·⋅()\[\],‖≥≤><:;=]`},
	{Name: "Sub", Pattern: `[₀-₉]+|_[0-9A-Za-z]+`},
	{Name: "Invalid", Pattern: `(?s:.)`},
})

var symbols = lexDef.Symbols()

var (
	symOnes      = symbols["Ones"]
	symNumber    = symbols["Number"]
	symFraction  = symbols["Fraction"]
	symWord      = symbols["Word"]
	symInvT      = symbols["InvT"]
	symSuper     = symbols["Super"]
	symTranspose = symbols["Transpose"]
	symPrime     = symbols["Prime"]
	symQuote     = symbols["Quote"]
	symOp        = symbols["Op"]
	symSub       = symbols["Sub"]
)

// tokKind classifies the parser's tokens (after words are split).
type tokKind int

const (
	tEOF       tokKind = iota
	tNumber            // 2, 0.5, 1e-3
	tName              // one variable (a piece of a word), or I
	tFunc              // a built-in function name other than σ
	tOnes              // 𝟙 or ones
	tInvT              // ⁻ᵀ
	tSuper             // ², ⁻¹, ⁻²³
	tTranspose         // ᵀ, .T
	tPrime             // ′ ″ ‴
	tQuote             // ' (transpose, or a prime after a function name)
	tOp                // operators and brackets
	tSub               // a subscript not after a letter: ‖x‖₂, ‖x‖_F
	tBad               // an invalid character or a malformed name: msg says why
)

// A token is one token of the source, with byte offsets into the whole source.
type token struct {
	kind     tokKind
	text     string  // as written
	pos, end ast.Pos // byte offsets
	name     string  // tName, tFunc: canonical name
	base     string  // tName: canonical name without its subscript
	msg      string  // tBad: the error message
	// Word pieces: the word they come from, and whether the word is a run
	// of plain lowercase letters such as "foo" (see the unknown-function rule).
	word      string
	wordPos   ast.Pos // where the word starts
	lastPiece bool
	plainWord bool
}

// rawToken is a token of the participle lexer, with its offset shifted into
// the whole source.
type rawToken struct {
	typ  lexer.TokenType
	text string
	pos  ast.Pos
}

// lexRaw returns the tokens of src[start:end] without whitespace, positions
// counted from the start of src, and a final EOF token at end.
func lexRaw(src string, start, end int) []rawToken {
	lx, err := lexDef.LexString("", src[start:end])
	if err != nil {
		// LexString only fails on readers; a string cannot.
		return []rawToken{{typ: lexer.EOF, pos: ast.Pos(end)}}
	}
	var toks []rawToken
	for {
		t, err := lx.Next()
		if err != nil {
			// The Invalid rule matches any byte, so this does not happen;
			// stop cleanly anyway.
			toks = append(toks, rawToken{typ: symbols["Invalid"], text: "?", pos: ast.Pos(start + t.Pos.Offset)})
			break
		}
		if t.EOF() {
			break
		}
		toks = append(toks, rawToken{typ: t.Type, text: t.Value, pos: ast.Pos(start + t.Pos.Offset)})
	}
	return append(toks, rawToken{typ: lexer.EOF, pos: ast.Pos(end)})
}

// isSubDigit reports whether r is a subscript digit ₀…₉.
func isSubDigit(r rune) bool { return r >= '₀' && r <= '₉' }

func isASCIIDigit(r rune) bool { return r >= '0' && r <= '9' }

func isASCIIAlnum(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || isASCIIDigit(r)
}

// subscriptStart reports whether s begins a subscript: a digit, a subscript
// digit or "_".
func subscriptStart(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return isASCIIDigit(r) || isSubDigit(r) || r == '_'
}

// readSubscript reads a subscript at the start of s: digits (x1, x₁), or
// "_" and digits (x_1), all canonically ₀…₉; or "_" and a run of ASCII
// letters and digits (W_L, W_out), kept as written with digits in ASCII.
// It returns the canonical subscript and the number of bytes read; msg is
// set when "_" is not followed by a subscript.
func readSubscript(s string) (sub string, n int, msg string) {
	var b strings.Builder
	digits := func(s string) int {
		n := 0
		for n < len(s) {
			r, size := utf8.DecodeRuneInString(s[n:])
			switch {
			case isASCIIDigit(r):
				b.WriteRune('₀' + (r - '0'))
			case isSubDigit(r):
				b.WriteRune(r)
			default:
				return n
			}
			n += size
		}
		return n
	}
	if !strings.HasPrefix(s, "_") {
		n = digits(s)
		return b.String(), n, ""
	}
	run := 1
	allDigits := true
	for run < len(s) {
		r, size := utf8.DecodeRuneInString(s[run:])
		if !isASCIIAlnum(r) && !isSubDigit(r) {
			break
		}
		if !isASCIIDigit(r) && !isSubDigit(r) {
			allDigits = false
		}
		run += size
	}
	if run == 1 {
		return "", 1, `expected a subscript after "_", as in x_1 or W_L`
	}
	if allDigits {
		digits(s[1:run])
		return b.String(), run, ""
	}
	b.WriteByte('_')
	for _, r := range s[1:run] {
		if isSubDigit(r) {
			r = '0' + (r - '₀')
		}
		b.WriteRune(r)
	}
	return b.String(), run, ""
}

// candidate is a name that a word may start with: a built-in function, the
// ASCII name of a Greek letter, "ones", or a declared name.
type candidate struct {
	spelling  string // as it may be written
	canonical string
	kind      candKind
}

type candKind int

const (
	candBuiltin candKind = iota + 1
	candGreek
	candOnes
	candDeclared
)

// baseCandidates are the candidates that do not depend on declarations.
var baseCandidates = func() []candidate {
	var cs []candidate
	for _, name := range ast.FuncSpellings() {
		if utf8.RuneCountInString(name) == 1 {
			continue // σ is a letter: a variable, or sigmoid before "("
		}
		cs = append(cs, candidate{name, ast.LookupFunc(name).Name(), candBuiltin})
	}
	for _, name := range ast.GreekNames() {
		letter, _ := ast.GreekLetter(name)
		cs = append(cs, candidate{name, letter, candGreek})
	}
	return append(cs, candidate{"ones", "ones", candOnes})
}()

// longest returns the longest candidate that s starts with. Built-in names
// take no subscript: "exp2" does not start with exp.
func longest(cands []candidate, s string) (candidate, bool) {
	var best candidate
	found := false
	for _, c := range cands {
		if len(c.spelling) <= len(best.spelling) || !strings.HasPrefix(s, c.spelling) {
			continue
		}
		if (c.kind == candBuiltin || c.kind == candOnes) && subscriptStart(s[len(c.spelling):]) {
			continue
		}
		best, found = c, true
	}
	return best, found
}

// splitWord splits the word w at byte offset pos into tokens: at each place
// the longest built-in function name, Greek letter name, "ones" or declared
// name, else a single letter, each name with its optional subscript.
func (c *config) splitWord(w string, pos ast.Pos) []token {
	if t, ok := homoglyph(w, pos); ok {
		return []token{t}
	}
	var out []token
	i := 0
	for i < len(w) {
		rest := w[i:]
		r, size := utf8.DecodeRuneInString(rest)
		if r == '_' {
			out = append(out, token{kind: tBad, text: "_", pos: pos + ast.Pos(i), end: pos + ast.Pos(i+1),
				msg: `unexpected "_": a name has one subscript, as in x_12 or W_L`})
			i++
			continue
		}
		t := token{pos: pos + ast.Pos(i), word: w, wordPos: pos}
		var base string
		n := size
		if cand, ok := longest(c.cands[rest[0]], rest); ok {
			n = len(cand.spelling)
			switch cand.kind {
			case candBuiltin:
				t.kind, t.name = tFunc, cand.canonical
			case candOnes:
				t.kind = tOnes
			default:
				base = cand.canonical
			}
		} else {
			base = string(r)
		}
		if t.kind == 0 || t.kind == tName {
			t.kind = tName
			sub, m, msg := readSubscript(w[i+n:])
			if msg != "" {
				out = append(out, token{kind: tBad, text: w[i : i+n+m], pos: pos + ast.Pos(i+n), end: pos + ast.Pos(i+n+m), msg: msg})
				i += n + m
				continue
			}
			n += m
			t.base, t.name = base, base+sub
		}
		t.text = w[i : i+n]
		t.end = pos + ast.Pos(i+n)
		out = append(out, t)
		i += n
	}
	// A plain word is a run of lowercase Latin letters, the last possibly
	// with a digit subscript (foo, relu6, log10): followed by "(" it is
	// taken for an unknown function rather than a product.
	plain := len(out) >= 2
	for k, t := range out {
		l := t.base
		if t.kind != tName || len(l) != 1 || l[0] < 'a' || l[0] > 'z' || c.vars[t.name] ||
			t.name != l && (k < len(out)-1 || strings.Contains(t.text, "_")) {
			plain = false
		}
	}
	if len(out) > 0 {
		out[len(out)-1].lastPiece = true
	}
	for i := range out {
		out[i].plainWord = plain
	}
	return out
}

// tokens lexes src[start:end] and splits its words.
func (c *config) tokens(src string, start, end int) []token {
	var out []token
	for _, rt := range lexRaw(src, start, end) {
		t := token{text: rt.text, pos: rt.pos, end: rt.pos + ast.Pos(len(rt.text))}
		switch rt.typ {
		case lexer.EOF:
			t.kind = tEOF
		case symOnes:
			t.kind = tOnes
		case symNumber, symFraction:
			t.kind = tNumber
		case symWord:
			out = append(out, c.splitWord(rt.text, rt.pos)...)
			continue
		case symInvT:
			t.kind = tInvT
		case symSuper:
			t.kind = tSuper
		case symTranspose:
			t.kind = tTranspose
		case symPrime:
			t.kind = tPrime
		case symQuote:
			t.kind = tQuote
		case symOp:
			t.kind = tOp
		case symSub:
			t.kind = tSub
		default:
			t.kind = tBad
			switch rt.text {
			case "|":
				t.msg = `unexpected "|": write abs(x) for an absolute value, ‖x‖ or ||x|| for a norm`
			case ".":
				t.msg = `unexpected ".": did you mean .*, ./, .^ or .T?`
			default:
				if r, _ := utf8.DecodeRuneInString(rt.text); r == utf8.RuneError {
					t.msg = fmt.Sprintf("invalid UTF-8 byte %q", rt.text)
				} else {
					t.msg = fmt.Sprintf("invalid character %q", rt.text)
				}
			}
		}
		out = append(out, t)
	}
	return out
}

// fractions are the values of the vulgar fractions: ½ is 1/2.
var fractions = map[string]float64{
	"½": 1.0 / 2, "⅓": 1.0 / 3, "⅔": 2.0 / 3, "¼": 1.0 / 4, "¾": 3.0 / 4,
	"⅕": 1.0 / 5, "⅖": 2.0 / 5, "⅗": 3.0 / 5, "⅘": 4.0 / 5, "⅙": 1.0 / 6,
	"⅚": 5.0 / 6, "⅐": 1.0 / 7, "⅛": 1.0 / 8, "⅜": 3.0 / 8, "⅝": 5.0 / 8,
	"⅞": 7.0 / 8, "⅑": 1.0 / 9, "⅒": 1.0 / 10,
}

// latinLookalikes maps the Cyrillic and Greek letters that look like Latin
// ones (а, е, о, р, с, х, у, …) to those: in a formula they are almost
// always a keyboard slip, and would silently be another variable.
var latinLookalikes = map[rune]rune{
	'а': 'a', 'е': 'e', 'о': 'o', 'р': 'p', 'с': 'c', 'х': 'x', 'у': 'y', 'і': 'i', 'ј': 'j', 'ѕ': 's',
	'А': 'A', 'В': 'B', 'Е': 'E', 'К': 'K', 'М': 'M', 'Н': 'H', 'О': 'O', 'Р': 'P', 'С': 'C', 'Т': 'T', 'Х': 'X', 'У': 'Y',
	'Α': 'A', 'Β': 'B', 'Ε': 'E', 'Ζ': 'Z', 'Η': 'H', 'Ι': 'I', 'Κ': 'K', 'Μ': 'M', 'Ν': 'N', 'Ο': 'O', 'Ρ': 'P', 'Τ': 'T', 'Υ': 'Y', 'Χ': 'X', 'ο': 'o',
}

// homoglyph returns an error token for the first letter of w that only
// looks like a Latin letter.
func homoglyph(w string, pos ast.Pos) (token, bool) {
	for i, r := range w {
		if l, ok := latinLookalikes[r]; ok {
			n := utf8.RuneLen(r)
			return token{kind: tBad, text: w[i : i+n], pos: pos + ast.Pos(i), end: pos + ast.Pos(i+n),
				msg: fmt.Sprintf("%c (U+%04X) only looks like the Latin %c: write %c", r, r, l, l)}, true
		}
	}
	return token{}, false
}
