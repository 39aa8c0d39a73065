package parser

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/op"
)

// Config holds what the parser needs to know beyond the notation itself:
// the declarations of the formula's names.
//
// A declared multi-letter variable (Wout) is read whole instead of as a
// product of letters; a name declared `function` is a generic elementwise
// function when it is immediately followed by "("; a declared I is a
// variable, not the identity; a declared f, g, h, φ or ψ that is not a
// function is a variable.
type Config struct {
	Decls []ast.Decl
}

// ParseExpr parses a formula with no declarations.
func ParseExpr(src string) (ast.Expr, error) {
	var c Config
	return c.ParseExpr(src)
}

// ParseExpr parses a formula using the declarations of c. The error, if any,
// is an *ast.Error at the offending token; ast.FormatError shows it with a
// caret.
func (c *Config) ParseExpr(src string) (ast.Expr, error) {
	var decls []ast.Decl
	if c != nil {
		decls = c.Decls
	}
	if err := checkSource(src); err != nil {
		return nil, err
	}
	cfg := newConfig(decls, nil)
	return cfg.parseExpr(src, 0, len(src))
}

// ParseNamed parses a formula, or a named one, "s = uᵀx", as a formula
// file's definition: name is "" for a bare formula. A named formula that
// reads its own name (s = sx) is an error.
func (c *Config) ParseNamed(src string) (name string, e ast.Expr, err error) {
	e, err = c.ParseExpr(src)
	if err == nil {
		return "", e, nil
	}
	toks := lexRaw(src, 0, len(src))
	if len(toks) < 2 || toks[0].typ != symWord || toks[1].typ != symOp || toks[1].text != "=" {
		return "", nil, err
	}
	var decls []ast.Decl
	if c != nil {
		decls = c.Decls
	}
	def, derr := parseDef(src, span{0, len(src)}, newConfig(decls, nil))
	if derr != nil {
		return "", nil, derr
	}
	if derr := checkDefName(src, def, nil, nil, nil); derr != nil {
		return "", nil, derr
	}
	return def.Name, def.Expr, nil
}

// config is the parser's view of the declarations.
type config struct {
	vars  map[string]bool // declared variables (canonical names)
	funcs map[string]bool // declared generic functions
	// cands are the prefixes to look for when splitting words, by first
	// byte, each bucket in the order added (see longest).
	cands map[byte][]candidate
}

func newConfig(decls []ast.Decl, extraVars []string) *config {
	c := &config{vars: map[string]bool{}, funcs: map[string]bool{}, cands: map[byte][]candidate{}}
	for _, cand := range baseCandidates {
		c.addCand(cand)
	}
	for _, d := range decls {
		for _, n := range d.Names {
			c.add(n, d.Kind == ast.DeclFunction)
		}
	}
	for _, n := range extraVars {
		c.add(n, false)
	}
	return c
}

// add declares name a variable, or a generic function with fn. A formula
// file adds each definition's name as it goes, so that the configuration
// is built once, not once per line.
func (c *config) add(name string, fn bool) {
	if fn {
		c.funcs[name] = true
		delete(c.vars, name)
	} else {
		c.vars[name] = true
		delete(c.funcs, name)
	}
	base := stripSubscript(name)
	c.addCand(candidate{base, base, candDeclared})
	if a := ast.ASCIIName(base); a != base {
		c.addCand(candidate{a, base, candDeclared})
	}
}

func (c *config) addCand(cand candidate) {
	if cand.spelling == "" {
		return
	}
	k := cand.spelling[0]
	c.cands[k] = append(c.cands[k], cand)
}

// stripSubscript returns name without its subscript (₁₂ or _L).
func stripSubscript(name string) string {
	if i := strings.IndexByte(name, '_'); i > 0 {
		return name[:i]
	}
	return strings.TrimRightFunc(name, isSubDigit)
}

// maxDepth bounds the nesting of brackets and signs, so that no input can
// exhaust the stack.
const maxDepth = 1000

type parser struct {
	src   string
	toks  []token
	i     int
	cfg   *config
	ctx   []string // open brackets, innermost last: ( [ ‖ ||
	depth int
}

func (c *config) parseExpr(src string, start, end int) (ast.Expr, error) {
	p := &parser{src: src, cfg: c, toks: c.tokens(src, start, end)}
	if p.peek().kind == tEOF {
		return nil, ast.Errorf(ast.Pos(start), "empty input")
	}
	for i := 1; i < len(p.toks); i++ {
		if a, b := p.toks[i-1], p.toks[i]; a.kind == tNumber && b.kind == tNumber && a.end == b.pos {
			// 1.2.3 lexes as 1.2 and .3: a mistyped number, not a product.
			return nil, ast.Errorf(a.pos, "malformed number %s", src[a.pos:b.end])
		}
	}
	x, err := p.sum()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, p.unexpected(t, "")
	}
	if err := CheckTree(x); err != nil {
		return nil, err
	}
	return x, nil
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) peekAt(k int) token {
	if p.i+k >= len(p.toks) {
		return p.toks[len(p.toks)-1]
	}
	return p.toks[p.i+k]
}

func (p *parser) next() token {
	t := p.toks[p.i]
	if p.i < len(p.toks)-1 {
		p.i++
	}
	return t
}

func (p *parser) isOp(t token, ops ...string) bool {
	if t.kind != tOp {
		return false
	}
	for _, op := range ops {
		if t.text == op {
			return true
		}
	}
	return false
}

func (p *parser) top() string {
	if len(p.ctx) == 0 {
		return ""
	}
	return p.ctx[len(p.ctx)-1]
}

func isComparison(t token) bool {
	if t.kind != tOp {
		return false
	}
	switch t.text {
	case "≥", ">=", ">", "≤", "<=", "<":
		return true
	}
	return false
}

// unexpected is the error for a token that cannot come next. want, if not
// empty, says what was expected instead.
func (p *parser) unexpected(t token, want string) error {
	switch {
	case t.kind == tBad:
		return ast.Errorf(t.pos, "%s", t.msg)
	case t.kind == tEOF && want != "":
		return ast.Errorf(t.pos, "unexpected end of input, expected %s", want)
	case t.kind == tEOF:
		return ast.Errorf(t.pos, "unexpected end of input")
	case isComparison(t) && p.top() != "[":
		return ast.Errorf(t.pos, "a comparison %q is allowed only inside an indicator, as in [a ≥ b]", t.text)
	case t.kind == tSub:
		return ast.Errorf(t.pos, "unexpected subscript %q: a subscript follows a letter (x₁) or a norm (‖x‖₁, ‖x‖₂, ‖x‖_F)", t.text)
	case t.kind == tPrime:
		return ast.Errorf(t.pos, "a prime %q marks the derivative of a function, as in f′(z); write ᵀ or ' for a transpose", t.text)
	case want != "":
		return ast.Errorf(t.pos, "unexpected %q, expected %s", t.text, want)
	}
	return ast.Errorf(t.pos, "unexpected %q", t.text)
}

// operandError is the error for a missing operand.
func (p *parser) operandError(what string) error {
	if p.i > 0 && p.toks[p.i-1].text == "*" && p.peek().text == "*" {
		// x**2, as Python writes a power.
		return ast.Errorf(p.toks[p.i-1].pos, `** is not an operator: write x^2 for a power (x.^2 entry by entry)`)
	}
	want := what
	if p.i > 0 {
		want += fmt.Sprintf(" after %q", p.toks[p.i-1].text)
	}
	return p.unexpected(p.peek(), want)
}

func (p *parser) enter() error {
	p.depth++
	if p.depth > maxDepth {
		return ast.Errorf(p.peek().pos, "expression nested too deeply: more than %d brackets, signs or calls inside one another, the limit", maxDepth)
	}
	return nil
}

func (p *parser) leave() { p.depth-- }

// sum = hadamard { ("+" | "-" | "−") hadamard } .
func (p *parser) sum() (ast.Expr, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	x, err := p.hadamard()
	if err != nil {
		return nil, err
	}
	for {
		t := p.peek()
		var op ast.Op
		switch {
		case p.isOp(t, "+"):
			op = ast.Add
		case p.isOp(t, "-", "−"):
			op = ast.Sub
		default:
			return x, nil
		}
		p.next()
		y, err := p.hadamard()
		if err != nil {
			return nil, err
		}
		x = &ast.Binary{X: x, OpPos: t.pos, Op: op, Y: y}
	}
}

// hadamard = product { ("∘" | "⊙" | ".*" | "./" | "⊗") product } .
//
// An infix built-in (⊗) binds as ∘ does and builds its call: A ⊗ B is
// kron(A, B).
func (p *parser) hadamard() (ast.Expr, error) {
	x, err := p.product()
	if err != nil {
		return nil, err
	}
	for {
		t := p.peek()
		var op ast.Op
		var infix ast.Func
		switch {
		case p.isOp(t, "∘", "⊙", ".*"):
			op = ast.Hadamard
		case p.isOp(t, "./"):
			op = ast.ElemDiv
		case t.kind == tOp && ast.LookupInfix(t.text) != nil:
			infix = ast.LookupInfix(t.text)
		default:
			return x, nil
		}
		p.next()
		y, err := p.product()
		if err != nil {
			return nil, err
		}
		if infix != nil {
			x = &ast.Call{FunPos: t.pos, Fun: infix.Name(), Args: []ast.Expr{x, y}, Rparen: ast.NoPos}
			continue
		}
		x = &ast.Binary{X: x, OpPos: t.pos, Op: op, Y: y}
	}
}

// product = unary { ("*" | "·" | "/") unary | postfix } .
//
// The second alternative is juxtaposition; it never starts with a minus, so
// that "W -x" is a difference.
func (p *parser) product() (ast.Expr, error) {
	x, err := p.unary()
	if err != nil {
		return nil, err
	}
	for {
		t := p.peek()
		switch {
		case p.isOp(t, "·", "⋅"):
			// The right side of · is the juxtaposition that follows:
			// x·Ay is x·(Ay).
			p.next()
			y, err := p.unary()
			if err != nil {
				return nil, err
			}
			for p.startsOperand(p.peek()) {
				u := p.peek()
				z, err := p.postfix()
				if err != nil {
					return nil, err
				}
				y = &ast.Binary{X: y, OpPos: u.pos, Op: ast.Mul, Y: onesAfterTranspose(y, z)}
			}
			x = dotProduct(x, y, t)
		case p.isOp(t, "*", "/"):
			p.next()
			op := ast.Mul
			if t.text == "/" {
				op = ast.Div
			}
			y, err := p.unary()
			if err != nil {
				return nil, err
			}
			x = &ast.Binary{X: x, OpPos: t.pos, Op: op, Y: y}
		case p.startsOperand(t):
			if err := p.indexing(x, t); err != nil {
				return nil, err
			}
			y, err := p.postfix()
			if err != nil {
				return nil, err
			}
			// A juxtaposition has no operator: OpPos is where the right
			// operand starts.
			x = &ast.Binary{X: x, OpPos: t.pos, Op: ast.Mul, Y: onesAfterTranspose(x, y)}
		default:
			return x, nil
		}
	}
}

// indexing refuses x[1], x[i] and softmax(z)[k]: a "[" right after an
// operand, around one number or name, reads as indexing, which matcalc does
// not do, and would otherwise be the product x·1.
func (p *parser) indexing(x ast.Expr, t token) error {
	if !p.isOp(t, "[") || p.i == 0 || p.toks[p.i-1].end != t.pos {
		return nil
	}
	in, closing := p.peekAt(1), p.peekAt(2)
	if in.kind != tNumber && in.kind != tName || !p.isOp(closing, "]") {
		return nil
	}
	return ast.Errorf(t.pos, "%s[%s] reads as indexing, which matcalc does not do: for an entry write eᵀ%s with a vector e (e = [0, 1, 0, …] in --at), for a product write %s (%s)",
		parenthesized(x), in.text, parenthesized(x), parenthesized(x), in.text)
}

func parenthesized(x ast.Expr) string {
	switch x.(type) {
	case *ast.Ident, *ast.Call:
		return ast.String(x)
	}
	return "(" + ast.String(x) + ")"
}

// dotProduct is x·y as lecture notes mean it: the dot product dot(x, y) of
// two vectors, or the product where a side is a scalar or matrix by its
// look: a number (2·x), a factor that is transposed (xᵀx·yᵀy, xᵀ·y) or a
// matrix's name (A·B).
func dotProduct(x, y ast.Expr, t token) ast.Expr {
	if scalarOrMatrix(x) || scalarOrMatrix(y) {
		return &ast.Binary{X: x, OpPos: t.pos, Op: ast.Mul, Y: y}
	}
	return &ast.Call{FunPos: x.Pos(), Fun: op.Dot.Name(), Args: []ast.Expr{x, y}, Rparen: y.End() - 1}
}

// scalarOrMatrix reports whether a factor of the product e is a number or
// a transpose, or e is an uppercase name or a product of them (AB).
func scalarOrMatrix(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.Unary:
		return scalarOrMatrix(e.X)
	case *ast.Number, *ast.Transpose, *ast.Identity:
		return true
	case *ast.Ident:
		r, _ := utf8.DecodeRuneInString(e.Name)
		return unicode.IsUpper(r)
	case *ast.Binary:
		return scalarFactor(e) || e.Op == ast.Mul && scalarOrMatrix(e.X) && scalarOrMatrix(e.Y)
	}
	return false
}

// scalarFactor reports whether a factor of the product e is a number or a
// transpose.
func scalarFactor(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.Number, *ast.Transpose:
		return true
	case *ast.Binary:
		return e.Op == ast.Mul && (scalarFactor(e.X) || scalarFactor(e.Y))
	}
	return false
}

// startsOperand reports whether t can start the right operand of a
// juxtaposition. A norm bar closes the innermost open norm of its kind
// rather than opening a new one.
func (p *parser) startsOperand(t token) bool {
	switch t.kind {
	case tNumber, tName, tFunc, tOnes:
		return true
	case tOp:
		switch t.text {
		case "(", "[":
			return true
		case "‖", "||":
			return p.top() != t.text
		}
	}
	return false
}

// unary = ("-" | "−") unary | postfix .
func (p *parser) unary() (ast.Expr, error) {
	t := p.peek()
	if !p.isOp(t, "-", "−") {
		return p.postfix()
	}
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	p.next()
	x, err := p.unary()
	if err != nil {
		return nil, err
	}
	return &ast.Unary{OpPos: t.pos, Op: ast.Neg, X: x}, nil
}

// postfix = primary { "ᵀ" | "'" | ".T" | "^T" | "⁻ᵀ" | superscript
//
//	| ("^" | ".^") exponent } .
func (p *parser) postfix() (ast.Expr, error) {
	start := p.peek().pos
	x, err := p.primary()
	if err != nil {
		return nil, err
	}
	powered := false // x is a power: a second one is ambiguous
	for {
		t := p.peek()
		switch {
		case t.kind == tTranspose || t.kind == tQuote:
			p.next()
			if x, err = onesIfOne(x, t); err != nil {
				return nil, err
			}
			x = &ast.Transpose{X: x, OpEnd: t.end}
			powered = false
		case t.kind == tInvT:
			p.next()
			inv := &ast.Call{FunPos: start, Fun: "inv", Args: []ast.Expr{x}, Rparen: t.end - 1}
			x = &ast.Transpose{X: inv, OpEnd: t.end}
			powered = false
		case t.kind == tSuper:
			if powered {
				return nil, p.ambiguousPower(t)
			}
			p.next()
			x = p.superscript(x, start, t)
			powered = true
		case p.isOp(t, "^") && (p.peekAt(1).kind == tName && p.peekAt(1).name == "T" && !p.cfg.vars["T"] || p.peekAt(1).kind == tTranspose):
			p.next()
			u := p.next()
			if x, err = onesIfOne(x, t); err != nil {
				return nil, err
			}
			x = &ast.Transpose{X: x, OpEnd: u.end}
			powered = false
		case p.isOp(t, "^", ".^"):
			if powered {
				return nil, p.ambiguousPower(t)
			}
			bracketed := p.i > 0 && p.toks[p.i-1].text == ")" // (e)^x is a power of e
			p.next()
			y, inverse, err := p.exponent()
			if err != nil {
				return nil, err
			}
			switch {
			case inverse && t.text == "^":
				x = &ast.Call{FunPos: start, Fun: "inv", Args: []ast.Expr{x}, Rparen: y.End() - 1}
			case t.text == "^" && isEuler(x) && !p.cfg.vars["e"] && !bracketed:
				// e^x is exp(x), unless e is declared a variable.
				x = &ast.Call{FunPos: start, Fun: op.Exp.Name(), Args: []ast.Expr{y}, Rparen: y.End() - 1}
			case t.text == "^":
				x = &ast.Binary{X: x, OpPos: t.pos, Op: ast.Pow, Y: y}
			default:
				x = &ast.Binary{X: x, OpPos: t.pos, Op: ast.ElemPow, Y: y}
			}
			powered = true
		default:
			return x, nil
		}
	}
}

// isEuler reports whether x is the bare name e.
func isEuler(x ast.Expr) bool {
	id, ok := x.(*ast.Ident)
	return ok && id.Name == "e"
}

// onesIfOne returns the vector of ones for the number 1 written right before
// the transpose t, and x otherwise: 1ᵀ is the row of ones, as in 1ᵀx, since
// transposing the number 1 would be pointless. (1)ᵀ stays the number.
// Another number written so (2ᵀ) is an error: transposing it means nothing.
func onesIfOne(x ast.Expr, t token) (ast.Expr, error) {
	n, ok := x.(*ast.Number)
	switch {
	case ok && n.Value == 1 && n.ValueEnd == t.pos:
		return &ast.Ones{OnesPos: n.ValuePos, OnesEnd: n.ValueEnd}, nil
	case ok && n.ValueEnd == t.pos:
		return nil, ast.Errorf(t.pos, "a number has no transpose: write %s𝟙ᵀ for a row of %ss, or %s alone for the scalar", ast.String(n), ast.String(n), ast.String(n))
	}
	return x, nil
}

// onesAfterTranspose returns the vector of ones for the number 1 that
// multiplies a transpose from the right (xᵀ1, as 1ᵀx: the sum of x; a row
// times the number 1 would be pointless), and y otherwise. (1) stays the
// number.
func onesAfterTranspose(x, y ast.Expr) ast.Expr {
	n, ok := y.(*ast.Number)
	if !ok || n.Value != 1 || !endsWithTranspose(x) {
		return y
	}
	return &ast.Ones{OnesPos: n.ValuePos, OnesEnd: n.ValueEnd}
}

// endsWithTranspose reports whether the last factor of the product x is a
// transpose.
func endsWithTranspose(x ast.Expr) bool {
	switch x := x.(type) {
	case *ast.Transpose:
		return true
	case *ast.Binary:
		return x.Op == ast.Mul && endsWithTranspose(x.Y)
	}
	return false
}

func (p *parser) ambiguousPower(t token) error {
	return ast.Errorf(t.pos, "a power of a power is ambiguous: write (a^b)^c or a^(b^c)")
}

var superValue = map[rune]int{'⁰': 0, '¹': 1, '²': 2, '³': 3, '⁴': 4, '⁵': 5, '⁶': 6, '⁷': 7, '⁸': 8, '⁹': 9}

// superscript applies the superscript t (², ⁻¹, ⁻²) to x.
func (p *parser) superscript(x ast.Expr, start ast.Pos, t token) ast.Expr {
	if t.text == "⁻¹" {
		return &ast.Call{FunPos: start, Fun: "inv", Args: []ast.Expr{x}, Rparen: t.end - 1}
	}
	digits := strings.TrimPrefix(t.text, "⁻")
	v := 0.0
	for _, r := range digits {
		v = v*10 + float64(superValue[r])
	}
	numPos := t.pos + ast.Pos(len(t.text)-len(digits))
	var y ast.Expr = &ast.Number{ValuePos: numPos, Value: v, ValueEnd: t.end}
	if numPos != t.pos {
		y = &ast.Unary{OpPos: t.pos, Op: ast.Neg, X: y}
	}
	return &ast.Binary{X: x, OpPos: t.pos, Op: ast.Pow, Y: y}
}

// exponent = [ "-" | "−" ] primary .
//
// inverse reports the exponent -1 written as such (A^-1).
func (p *parser) exponent() (y ast.Expr, inverse bool, err error) {
	t := p.peek()
	if !p.isOp(t, "-", "−") {
		if !p.startsPrimary(t) {
			return nil, false, p.operandError("an exponent")
		}
		y, err = p.primary()
		return y, false, err
	}
	p.next()
	if !p.startsPrimary(p.peek()) {
		return nil, false, p.operandError("an exponent")
	}
	n := p.peek()
	x, err := p.primary()
	if err != nil {
		return nil, false, err
	}
	return &ast.Unary{OpPos: t.pos, Op: ast.Neg, X: x}, n.kind == tNumber && n.text == "1", nil
}

func (p *parser) startsPrimary(t token) bool {
	switch t.kind {
	case tNumber, tName, tFunc, tOnes:
		return true
	case tOp:
		switch t.text {
		case "(", "[", "‖", "||":
			return true
		}
	}
	return false
}

// primary = number | "𝟙" | "ones" | name | call | "(" sum ")"
//
//	| "[" sum [ comparison sum ] "]" | "‖" sum "‖" | "||" sum "||" .
func (p *parser) primary() (ast.Expr, error) {
	t := p.peek()
	switch t.kind {
	case tNumber:
		p.next()
		v, err := strconv.ParseFloat(t.text, 64)
		if f, ok := fractions[t.text]; ok {
			v, err = f, nil
		}
		if err != nil || math.IsInf(v, 0) {
			return nil, ast.Errorf(t.pos, "number %s is too large", t.text)
		}
		return &ast.Number{ValuePos: t.pos, Value: v, ValueEnd: t.end}, nil
	case tOnes:
		p.next()
		return &ast.Ones{OnesPos: t.pos, OnesEnd: t.end}, nil
	case tFunc:
		return p.call(ast.LookupFunc(t.name))
	case tName:
		return p.name()
	case tOp:
		switch t.text {
		case "(":
			return p.group(")")
		case "[":
			return p.bracket()
		case "‖", "||":
			return p.norm()
		}
	}
	return nil, p.operandError("an operand")
}

// name parses a name: a variable, I, or the name of a generic function
// immediately followed by "(".
func (p *parser) name() (ast.Expr, error) {
	t := p.peek()
	cfg := p.cfg
	isVar := cfg.vars[t.name]
	switch {
	case t.name == "I" && !isVar:
		p.next()
		return &ast.Identity{IPos: t.pos}, nil
	case cfg.funcs[t.name]:
		if !p.gluedCall() {
			return nil, ast.Errorf(t.pos, "%s is declared a function: write %s(…)", t.name, t.name)
		}
		return p.call(nil)
	case !isVar && ast.LookupFunc(t.name) != nil && p.gluedCall(): // σ(…)
		return p.call(ast.LookupFunc(t.name))
	case !isVar && isGenericLetter(t.base) && p.gluedCall():
		return p.call(nil)
	case t.lastPiece && t.plainWord && p.isOp(p.peekAt(1), "(") && t.end == p.peekAt(1).pos:
		hint := ""
		if near := nearFuncs(t.word); strings.HasPrefix(near, ":") {
			hint = "; " + strings.TrimPrefix(near, ": ")
		}
		return nil, ast.Errorf(t.pos-ast.Pos(len(t.word)-len(t.text)), "unknown function %s: declare it (%s: function), or put a space before \"(\" for a product%s", t.word, t.word, hint)
	}
	p.next()
	if t.name == "π" && !isVar {
		// π is the constant, unless declared a variable (π: vector).
		return &ast.Number{ValuePos: t.pos, Value: math.Pi, ValueEnd: t.end}, nil
	}
	return &ast.Ident{NamePos: t.pos, Name: t.name, NameEnd: t.end}, nil
}

func isGenericLetter(base string) bool {
	for _, l := range ast.GenericFuncLetters() {
		if base == l {
			return true
		}
	}
	return false
}

// gluedCall reports whether the name at the current token is immediately
// followed by "(", or by primes and then "(", without spaces.
func (p *parser) gluedCall() bool {
	k := 0
	for {
		cur, nxt := p.peekAt(k), p.peekAt(k+1)
		if cur.end != nxt.pos {
			return false
		}
		switch {
		case nxt.kind == tPrime || nxt.kind == tQuote:
			k++
		case p.isOp(nxt, "("):
			return true
		default:
			return false
		}
	}
}

// startsCall reports whether the current token starts a function
// application: a built-in function name, or a generic or declared function
// name immediately followed by "(".
func (p *parser) startsCall() bool {
	t := p.peek()
	switch t.kind {
	case tFunc:
		return true
	case tName:
		if p.cfg.vars[t.name] {
			return false
		}
		return (p.cfg.funcs[t.name] || t.name == "σ" || isGenericLetter(t.base)) && p.gluedCall()
	}
	return false
}

// primeCount returns how many primes t writes.
func primeCount(t token) int {
	switch t.text {
	case "″":
		return 2
	case "‴":
		return 3
	}
	return 1
}

// call parses a function application; b is nil for a generic function.
func (p *parser) call(b ast.Func) (ast.Expr, error) {
	nameTok := p.next()
	fun := nameTok.name
	arity := 1
	if b != nil {
		fun, arity = b.Name(), b.Arity()
	}
	primes := 0
	for t := p.peek(); t.kind == tPrime || t.kind == tQuote; t = p.peek() {
		primes += primeCount(t)
		p.next()
	}
	written := nameTok.text + strings.Repeat("′", primes)
	if t := p.peek(); t.kind == tSuper || t.kind == tInvT {
		return nil, ast.Errorf(t.pos, "a superscript goes after the argument: write %s(x)%s", written, t.text)
	}
	if !p.isOp(p.peek(), "(") {
		if arity == 1 && primes == 0 && p.startsCall() {
			// log det(X), log softmax(z): a function applied to a
			// function application, as lecture notes write it.
			arg, err := p.primary()
			if err != nil {
				return nil, err
			}
			return &ast.Call{FunPos: nameTok.pos, Fun: fun, Args: []ast.Expr{arg}, Rparen: arg.End() - 1}, nil
		}
		if nameTok.word != "" && nameTok.word != nameTok.text && !isSingleLetter(nameTok.text) {
			// crossentropy(y, p) is not c·r·o·s·s·e·n·tr…: a word that
			// only splits into letters around a built-in's name is an
			// unknown function.
			return nil, ast.Errorf(nameTok.wordPos, "unknown function %s%s", nameTok.word, nearFuncs(nameTok.word))
		}
		return nil, ast.Errorf(nameTok.pos, "%s needs its argument in parentheses: %s(…)", written, written)
	}
	if primes > 0 && b != nil && (!b.Elementwise() || b.Arity() != 1) {
		return nil, ast.Errorf(nameTok.pos, "%s is not defined: primes mark the derivative of an elementwise function of one argument", written)
	}
	open := p.next()
	p.ctx = append(p.ctx, "(")
	defer func() { p.ctx = p.ctx[:len(p.ctx)-1] }()
	var args []ast.Expr
	if !p.isOp(p.peek(), ")") {
		for {
			a, err := p.sum()
			if err != nil {
				return nil, err
			}
			args = append(args, a)
			if !p.isOp(p.peek(), ",") {
				break
			}
			p.next()
		}
	}
	closing, err := p.closing(")", open, fmt.Sprintf("for the \"(\" of %s opened here", nameTok.text))
	if err != nil {
		return nil, err
	}
	if len(args) != arity {
		s := "s"
		if arity == 1 {
			s = ""
		}
		return nil, ast.Errorf(nameTok.pos, "%s takes %d argument%s, not %d", written, arity, s, len(args))
	}
	return &ast.Call{FunPos: nameTok.pos, Fun: fun, Primes: primes, Args: args, Rparen: closing.pos}, nil
}

// closing consumes the closing bracket want of the bracket open.
func (p *parser) closing(want string, open token, where string) (token, error) {
	t := p.peek()
	if p.isOp(t, want) {
		return p.next(), nil
	}
	if t.kind == tEOF {
		return t, ast.Errorf(open.pos, "missing closing %q %s", want, where)
	}
	return t, p.unexpected(t, fmt.Sprintf("closing %q", want))
}

// group parses "(" sum ")": the parentheses leave no node.
func (p *parser) group(want string) (ast.Expr, error) {
	open := p.next()
	p.ctx = append(p.ctx, open.text)
	defer func() { p.ctx = p.ctx[:len(p.ctx)-1] }()
	x, err := p.sum()
	if err != nil {
		return nil, err
	}
	if _, err := p.closing(want, open, fmt.Sprintf("for the %q opened here", open.text)); err != nil {
		return nil, err
	}
	return x, nil
}

// bracket parses an indicator [a ≥ b] or a group [a].
func (p *parser) bracket() (ast.Expr, error) {
	open := p.next()
	p.ctx = append(p.ctx, "[")
	defer func() { p.ctx = p.ctx[:len(p.ctx)-1] }()
	x, err := p.sum()
	if err != nil {
		return nil, err
	}
	t := p.peek()
	if !isComparison(t) {
		if _, err := p.closing("]", open, `for the "[" opened here`); err != nil {
			return nil, err
		}
		return x, nil
	}
	p.next()
	y, err := p.sum()
	if err != nil {
		return nil, err
	}
	closing, err := p.closing("]", open, `for the indicator opened here`)
	if err != nil {
		return nil, err
	}
	op := ast.GE
	switch t.text {
	case ">":
		op = ast.GT
	case "≤", "<=":
		x, y = y, x
	case "<":
		op = ast.GT
		x, y = y, x
	}
	return &ast.Indicator{Lbrack: open.pos, X: x, Op: op, Y: y, Rbrack: closing.pos}, nil
}

// norm parses ‖x‖ or ||x|| into Call{Fun: "norm"}.
func (p *parser) norm() (ast.Expr, error) {
	open := p.next()
	p.ctx = append(p.ctx, open.text)
	defer func() { p.ctx = p.ctx[:len(p.ctx)-1] }()
	x, err := p.sum()
	if err != nil {
		return nil, err
	}
	closing, err := p.closing(open.text, open, "for the norm opened here")
	if err != nil {
		return nil, err
	}
	fun := "norm"
	if t := p.peek(); t.kind == tSub && t.pos == closing.end {
		switch t.text {
		case "₂", "_2", "_F":
		case "₁", "_1":
			fun = "norm1"
		default:
			return nil, ast.Errorf(t.pos, "unknown norm %s%s: matcalc knows ‖x‖₁ (norm1), ‖x‖₂ and ‖x‖_F (norm)", closing.text, t.text)
		}
		p.next()
	}
	return &ast.Call{FunPos: open.pos, Fun: fun, Args: []ast.Expr{x}, Rparen: closing.pos}, nil
}

func isSingleLetter(s string) bool { return utf8.RuneCountInString(s) == 1 }

// nearFuncs suggests the built-in functions whose names are close to name:
// ": did you mean …?", or "" when none is.
func nearFuncs(name string) string {
	var near []string
	for _, f := range ast.FuncSpellings() {
		if d := editDistance(name, f); (d <= 1+len([]rune(f))/5 || strings.Contains(name, f) && len(f) > 3) && !slices.Contains(near, f) {
			near = append(near, f)
		}
	}
	switch len(near) {
	case 0:
		return " (the built-in functions are " + strings.Join(ast.FuncNames(), " ") + "; declare others with NAME: function)"
	case 1:
		return ": did you mean " + near[0] + "?"
	}
	return ": did you mean one of " + strings.Join(near, ", ") + "?"
}

// editDistance is the Levenshtein distance between a and b, in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur := make([]int, len(rb)+1)
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			c := prev[j-1]
			if ra[i-1] != rb[j-1] {
				c++
			}
			cur[j] = min(c, prev[j]+1, cur[j-1]+1)
		}
		prev = cur
	}
	return prev[len(rb)]
}
