package parser

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2/lexer"
	"github.com/matcalc/matcalc/ast"
)

// CanonicalName returns the canonical spelling of a variable name, as ast
// nodes and JSON carry it: x1, x_1 and x₁ are "x₁"; theta is "θ" and
// theta_1 "θ₁"; W_L stays "W_L"; a multi-letter name (Wout) stays as it is.
// It is meant for --wrt and --at keys and for declarations.
func CanonicalName(s string) (string, error) {
	w := strings.TrimSpace(s)
	if w == "" {
		return "", ast.Errorf(0, "empty name")
	}
	lead := ast.Pos(strings.Index(s, w))
	i := 0
	for i < len(w) {
		r, size := utf8.DecodeRuneInString(w[i:])
		if !isLetter(r) {
			break
		}
		i += size
	}
	if i == 0 {
		return "", ast.Errorf(lead, "%q is not a name: a name starts with a letter", w)
	}
	letters := w[:i]
	if g, ok := ast.GreekLetter(letters); ok {
		letters = g
	}
	sub, n, msg := readSubscript(w[i:])
	if msg != "" {
		return "", ast.Errorf(lead+ast.Pos(i), "%s", msg)
	}
	if i+n != len(w) {
		return "", ast.Errorf(lead+ast.Pos(i+n), "%q is not a name: a name is letters with an optional subscript, as in x₁, x_1, θ or W_L", w)
	}
	return letters + sub, nil
}

// isLetter reports whether r is a letter of a name (modifier letters such as
// ᵀ are not).
func isLetter(r rune) bool { return unicode.In(r, unicode.Lu, unicode.Ll, unicode.Lt, unicode.Lo) }

// ParseDecls parses declarations as given to --let: `W: matrix(n,m)`,
// `x,y: scalar`, `x: vector(3)`, `S: symmetric(n)`, `k: function`, several
// separated by ";" or newlines. Names are returned in canonical spelling.
func ParseDecls(src string) ([]ast.Decl, error) {
	if err := checkSource(src); err != nil {
		return nil, err
	}
	var decls []ast.Decl
	var errs ast.ErrorList
	for _, st := range statements(src, false) {
		d, err := parseDecl(src, st.start, st.end)
		if err != nil {
			errs = append(errs, asError(err))
			continue
		}
		decls = append(decls, d)
	}
	if len(decls) == 0 && len(errs) == 0 {
		return nil, ast.Errorf(0, "empty declaration: expected a name and a kind, as in x: vector(n)")
	}
	errs.Sort()
	return decls, errs.Err()
}

// asError converts err to an *ast.Error.
func asError(err error) *ast.Error {
	if e, ok := err.(*ast.Error); ok {
		return e
	}
	return &ast.Error{Pos: ast.NoPos, Msg: err.Error()}
}

// span is a statement: the byte range src[start:end].
type span struct{ start, end int }

// statements splits src at newlines and ";" into trimmed, non-empty
// statements; with comments, "#" starts a comment that runs to the end of
// the line.
func statements(src string, comments bool) []span {
	var out []span
	lineStart := 0
	for lineStart <= len(src) {
		lineEnd := strings.IndexByte(src[lineStart:], '\n')
		if lineEnd < 0 {
			lineEnd = len(src)
		} else {
			lineEnd += lineStart
		}
		end := lineEnd
		if comments {
			if h := strings.IndexByte(src[lineStart:lineEnd], '#'); h >= 0 {
				end = lineStart + h
			}
		}
		start := lineStart
		for start <= end {
			semi := strings.IndexByte(src[start:end], ';')
			stop := end
			if semi >= 0 {
				stop = start + semi
			}
			if s, e := trim(src, start, stop); s < e {
				out = append(out, span{s, e})
			}
			start = stop + 1
		}
		lineStart = lineEnd + 1
	}
	return out
}

// trim narrows src[start:end] to its non-space part.
func trim(src string, start, end int) (int, int) {
	for start < end && isSpaceByte(src[start]) {
		start++
	}
	for end > start && isSpaceByte(src[end-1]) {
		end--
	}
	return start, end
}

func isSpaceByte(b byte) bool { return b == ' ' || b == '\t' || b == '\r' || b == '\n' }

// declParser reads the raw tokens of one declaration or request, where words
// are names taken whole.
type declParser struct {
	toks []rawToken
	i    int
}

func (d *declParser) peek() rawToken { return d.toks[d.i] }

func (d *declParser) next() rawToken {
	t := d.toks[d.i]
	if d.i < len(d.toks)-1 {
		d.i++
	}
	return t
}

func (d *declParser) isOp(text string) bool {
	t := d.peek()
	return t.typ == symOp && t.text == text
}

// unexpected is the error for the current token; want says what should be
// there.
func (d *declParser) unexpected(want string) error {
	t := d.peek()
	if t.typ == lexer.EOF {
		return ast.Errorf(t.pos, "unexpected end of input, expected %s", want)
	}
	return ast.Errorf(t.pos, "unexpected %q, expected %s", t.text, want)
}

// name reads a name and returns its canonical spelling.
func (d *declParser) name(what string) (string, ast.Pos, error) {
	t := d.peek()
	if t.typ != symWord {
		return "", t.pos, d.unexpected(what)
	}
	d.next()
	n, err := CanonicalName(t.text)
	if err != nil {
		e := asError(err)
		return "", t.pos + e.Pos, &ast.Error{Pos: t.pos + e.Pos, Msg: e.Msg}
	}
	return n, t.pos, nil
}

var declKinds = map[string]ast.DeclKind{
	"scalar":    ast.DeclScalar,
	"vector":    ast.DeclVector,
	"matrix":    ast.DeclMatrix,
	"symmetric": ast.DeclSymmetric,
	"function":  ast.DeclFunction,
}

// parseDecl parses one declaration in src[start:end]:
//
//	decl = name { "," name } ":" kind .
//	kind = "scalar" | "vector" [ "(" dim ")" ] | "matrix" [ "(" dim "," dim ")" ]
//	     | "symmetric" [ "(" dim ")" ] | "function" .
//	dim  = name | integer .
func parseDecl(src string, start, end int) (ast.Decl, error) {
	d := &declParser{toks: lexRaw(src, start, end)}
	decl := ast.Decl{DeclPos: d.peek().pos}
	for {
		n, pos, err := d.name("a name to declare")
		if err != nil {
			return decl, err
		}
		if b := ast.LookupFunc(n); b != nil {
			return decl, ast.Errorf(pos, "%s is a built-in function and cannot be declared", b.Name())
		}
		if n == "ones" {
			return decl, ast.Errorf(pos, "ones is the all-ones vector and cannot be declared")
		}
		decl.Names = append(decl.Names, n)
		if !d.isOp(",") {
			break
		}
		d.next()
	}
	if !d.isOp(":") {
		return decl, d.unexpected(`":" and a kind, as in x: vector(n)`)
	}
	d.next()
	kt := d.peek()
	kind, ok := declKinds[kt.text]
	if kt.typ != symWord || !ok {
		return decl, d.unexpected("a kind: scalar, vector(n), matrix(n, m), symmetric(n) or function")
	}
	d.next()
	decl.Kind = kind
	want := map[ast.DeclKind]int{ast.DeclScalar: 0, ast.DeclFunction: 0, ast.DeclVector: 1, ast.DeclSymmetric: 1, ast.DeclMatrix: 2}[kind]
	if d.isOp("(") {
		open := d.next()
		for !d.isOp(")") {
			if len(decl.Dims) > 0 {
				if !d.isOp(",") {
					return decl, d.unexpected(`"," or ")"`)
				}
				d.next()
			}
			dim, err := d.dim()
			if err != nil {
				return decl, err
			}
			decl.Dims = append(decl.Dims, dim)
		}
		d.next()
		if len(decl.Dims) != want {
			switch want {
			case 0:
				return decl, ast.Errorf(open.pos, "%s takes no dimensions", kt.text)
			case 1:
				return decl, ast.Errorf(open.pos, "%s takes one dimension, as in %s(n)", kt.text, kt.text)
			default:
				return decl, ast.Errorf(open.pos, "matrix takes two dimensions, as in matrix(n, m)")
			}
		}
	}
	if t := d.peek(); t.typ != lexer.EOF {
		return decl, d.unexpected(`";" or the end of the declaration`)
	}
	return decl, nil
}

// dim reads a dimension: a positive whole number or a name.
func (d *declParser) dim() (ast.Dim, error) {
	t := d.peek()
	switch t.typ {
	case symNumber:
		d.next()
		n, err := strconv.Atoi(t.text)
		if err != nil || n <= 0 {
			return ast.Dim{}, ast.Errorf(t.pos, "a dimension is a positive whole number or a name, not %s", t.text)
		}
		return ast.Size(n), nil
	case symWord:
		n, _, err := d.name("a dimension")
		if err != nil {
			return ast.Dim{}, err
		}
		return ast.Sym(n), nil
	}
	return ast.Dim{}, d.unexpected("a dimension (a number or a name)")
}
