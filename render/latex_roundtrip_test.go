package render

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/parser"
)

// The brackets of the LaTeX are checked against an independent reader: a
// small translator turns the LaTeX back into matcalc notation, the parser
// reads it, and the tree must be the one rendered, up to what LaTeX leaves
// unwritten: the grouping of associative operators (a + (b + c) is
// a + b + c), where a minus sits in a product (−(ab) is (−a)b, −(a/b) is
// (−a)/b), and x^{-1}, which is the inverse x⁻¹ whether it came from a
// power or from inv.

// lxReader translates the LaTeX that LaTeX writes into matcalc notation.
type lxReader struct {
	s   string
	out strings.Builder
}

var lxGreek = map[string]string{
	`\theta`: "θ", `\alpha`: "α", `\delta`: "δ", `\lambda`: "λ", `\varphi`: "φ",
	`\Theta`: "Θ", `\sigma`: "σ",
}

var lxOperators = map[string]string{
	`\exp`: "exp", `\log`: "log", `\tanh`: "tanh", `\sigma`: "σ", `\max`: "max",
	`\min`: "min", `\det`: "det", `\sin`: "sin", `\cos`: "cos", `\tan`: "tan",
}

var lxSubDigits = []rune("₀₁₂₃₄₅₆₇₈₉")

func lxTranslate(tex string) (string, error) {
	r := &lxReader{s: tex}
	if err := r.until(""); err != nil {
		return "", err
	}
	return r.out.String(), nil
}

// group reads {…} at the start of the input and returns its contents.
func (r *lxReader) group() (string, error) {
	if !strings.HasPrefix(r.s, "{") {
		return "", fmt.Errorf("want { at %q", r.s)
	}
	depth := 0
	for i := 0; i < len(r.s); i++ {
		switch r.s[i] {
		case '\\':
			i++
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				g := r.s[1:i]
				r.s = r.s[i+1:]
				return g, nil
			}
		}
	}
	return "", fmt.Errorf("unbalanced braces in %q", r.s)
}

func (r *lxReader) sub(tex string) (string, error) { return lxTranslate(tex) }

// command reads a control word or symbol.
func (r *lxReader) command() string {
	i := 1
	for i < len(r.s) && (r.s[i] >= 'a' && r.s[i] <= 'z' || r.s[i] >= 'A' && r.s[i] <= 'Z') {
		i++
	}
	if i == 1 && len(r.s) > 1 {
		i = 2 // \, and the like
	}
	c := r.s[:i]
	r.s = r.s[i:]
	return c
}

// delimited reads up to the closing delimiter that matches the opening
// one just read (\lVert … \rVert), counting nested pairs.
func (r *lxReader) delimited(open, close string) (string, error) {
	depth := 1
	for i := 0; i < len(r.s); i++ {
		switch {
		case strings.HasPrefix(r.s[i:], open):
			depth++
		case strings.HasPrefix(r.s[i:], close):
			depth--
			if depth == 0 {
				in := strings.TrimSuffix(r.s[:i], `\right`)
				r.s = r.s[i+len(close):]
				return in, nil
			}
		}
	}
	return "", fmt.Errorf("no %s in %q", close, r.s)
}

// callFollows reports whether the input goes on with a call's bracket or
// prime, so that the name just read is a function.
func (r *lxReader) callFollows() bool {
	return strings.HasPrefix(r.s, "(") || strings.HasPrefix(r.s, "'") || strings.HasPrefix(r.s, `\left(`)
}

func (r *lxReader) until(stop string) error {
	for r.s != "" {
		if stop != "" && strings.HasPrefix(r.s, stop) {
			return nil
		}
		c := r.s[0]
		switch {
		case c == '\\':
			if err := r.control(); err != nil {
				return err
			}
		case c == '^':
			r.s = r.s[1:]
			if err := r.superscript(); err != nil {
				return err
			}
		case c == '_':
			r.s = r.s[1:]
			g, err := r.group()
			if err != nil {
				return err
			}
			if strings.Trim(g, "0123456789") == "" {
				for _, d := range g {
					r.trimSpace()
					r.out.WriteRune(lxSubDigits[d-'0'])
				}
			} else {
				r.trimSpace()
				if strings.HasPrefix(g, `\mathrm{`) {
					g = strings.TrimSuffix(strings.TrimPrefix(g, `\mathrm{`), "}")
				}
				r.out.WriteString("_" + g)
			}
			r.out.WriteString(" ")
		case c == '\'':
			r.trimSpace()
			r.out.WriteString("′")
			r.s = r.s[1:]
		case c >= '0' && c <= '9' || c == '.':
			i := 0
			for i < len(r.s) && (r.s[i] >= '0' && r.s[i] <= '9' || r.s[i] == '.') {
				i++
			}
			r.out.WriteString(r.s[:i] + " ")
			r.s = r.s[i:]
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			r.s = r.s[1:]
			r.out.WriteByte(c)
			if !r.callFollows() {
				r.out.WriteString(" ")
			}
		default:
			r.out.WriteByte(c)
			r.s = r.s[1:]
		}
	}
	return nil
}

// trimSpace drops the space written after a name, before its subscript,
// transpose or prime.
func (r *lxReader) trimSpace() {
	s := strings.TrimSuffix(r.out.String(), " ")
	r.out.Reset()
	r.out.WriteString(s)
}

func (r *lxReader) superscript() error {
	r.trimSpace()
	if strings.HasPrefix(r.s, `\top`) {
		r.s = r.s[len(`\top`):]
		r.out.WriteString("ᵀ ")
		return nil
	}
	g, err := r.group()
	if err != nil {
		return err
	}
	switch {
	case g == "-1":
		r.out.WriteString("⁻¹ ")
	case g == `-\top`:
		r.out.WriteString("⁻ᵀ ")
	case strings.HasPrefix(g, `\circ `):
		x, err := r.sub(g[len(`\circ `):])
		if err != nil {
			return err
		}
		r.out.WriteString(".^(" + x + ") ")
	default:
		x, err := r.sub(g)
		if err != nil {
			return err
		}
		r.out.WriteString("^(" + x + ") ")
	}
	return nil
}

func (r *lxReader) control() error {
	cmd := r.command()
	switch cmd {
	case `\mathbf`, `\boldsymbol`:
		g, err := r.group()
		if err != nil {
			return err
		}
		if g == "1" {
			r.out.WriteString("𝟙 ")
			return nil
		}
		x, err := r.sub(g)
		if err != nil {
			return err
		}
		r.out.WriteString(x)
	case `\frac`:
		num, err := r.group()
		if err != nil {
			return err
		}
		den, err := r.group()
		if err != nil {
			return err
		}
		a, err := r.sub(num)
		if err != nil {
			return err
		}
		b, err := r.sub(den)
		if err != nil {
			return err
		}
		r.out.WriteString("((" + a + ")/(" + b + ")) ")
	case `\sqrt`:
		g, err := r.group()
		if err != nil {
			return err
		}
		x, err := r.sub(g)
		if err != nil {
			return err
		}
		r.out.WriteString("sqrt(" + x + ") ")
	case `\operatorname`:
		g, err := r.group()
		if err != nil {
			return err
		}
		r.out.WriteString(g)
	case `\left`:
		// The delimiter follows and is read as usual.
	case `\right`:
	case `\lVert`, `\lvert`:
		closing := `\rVert`
		if cmd == `\lvert` {
			closing = `\rvert`
		}
		in, err := r.delimited(cmd, closing)
		if err != nil {
			return err
		}
		x, err := r.sub(in)
		if err != nil {
			return err
		}
		switch {
		case cmd == `\lvert`:
			r.out.WriteString("abs(" + x + ") ")
		case strings.HasPrefix(r.s, "_{1}"):
			r.s = r.s[len("_{1}"):]
			r.out.WriteString("norm1(" + x + ") ")
		default:
			r.out.WriteString("norm(" + x + ") ")
		}
	case `\log`:
		for _, p := range []string{`\lvert\det`, `\left\lvert\det`} {
			if strings.HasPrefix(r.s, p) {
				r.s = r.s[len(p):]
				in, err := r.delimited(`\lvert`, `\rvert`)
				if err != nil {
					return err
				}
				x, err := r.sub(in)
				if err != nil {
					return err
				}
				r.out.WriteString("logdet" + x + " ")
				return nil
			}
		}
		r.out.WriteString("log")
	case `\odot`:
		r.out.WriteString(" ∘ ")
	case `\oslash`:
		r.out.WriteString(" ./ ")
	case `\cdot`:
		r.out.WriteString(" * ")
	case `\geq`:
		r.out.WriteString(" ≥ ")
	case `\,`, `\ `:
		r.out.WriteString(" ")
	default:
		if op, ok := lxOperators[cmd]; ok && r.callFollows() {
			r.out.WriteString(op)
			return nil
		}
		if g, ok := lxGreek[cmd]; ok {
			r.out.WriteString(g)
			if !r.callFollows() {
				r.out.WriteString(" ")
			}
			return nil
		}
		return fmt.Errorf("translator does not know %s", cmd)
	}
	return nil
}

// lxNormalize rewrites what LaTeX leaves unwritten into one form: sums,
// products and Hadamard products grouped to the left, and a minus in front
// of a product rather than on its first factor.
func lxNormalize(e ast.Expr) ast.Expr {
	for {
		before := ast.String(e)
		e = ast.Rewrite(e, lxNormalizeNode)
		if ast.String(e) == before {
			return e
		}
	}
}

func lxNormalizeNode(e ast.Expr) ast.Expr {
	b, ok := e.(*ast.Binary)
	if !ok {
		return e
	}
	if y, ok := b.Y.(*ast.Binary); ok {
		switch {
		case b.Op == ast.Add && (y.Op == ast.Add || y.Op == ast.Sub),
			(b.Op == ast.Mul || b.Op == ast.Hadamard) && y.Op == b.Op:
			return ast.Bin(y.Op, ast.Bin(b.Op, b.X, y.X), y.Y)
		}
	}
	if u, ok := b.X.(*ast.Unary); ok && (b.Op == ast.Mul || b.Op == ast.Div) {
		return ast.Negate(ast.Bin(b.Op, u.X, b.Y))
	}
	// x^{-1} is the inverse, as A^-1 is in matcalc's notation.
	if u, ok := b.Y.(*ast.Unary); ok && b.Op == ast.Pow {
		if one, ok := u.X.(*ast.Number); ok && one.Value == 1 {
			return ast.Fn("inv", 0, b.X)
		}
	}
	return e
}

// lxRoundTripNames avoid what the translator does not read (accents,
// declared multi-letter names) and letters that are also functions.
var lxRoundTripNames = []string{"x", "W", "W₁", "W_L", "θ", "α", "a", "b", "δ", "q", "u", "Θ", "h", "φ"}

func TestLaTeXReadsBackToTheSameTree(t *testing.T) {
	rng := rand.New(rand.NewPCG(19, 84))
	saved := latexRandomNames
	latexRandomNames = lxRoundTripNames
	defer func() { latexRandomNames = saved }()
	var exprs []ast.Expr
	for _, c := range latexCases {
		if lxReadable(c.e) {
			exprs = append(exprs, c.e)
		}
	}
	for len(exprs) < 3000 {
		if e := latexRandomExpr(rng, 4); lxReadable(e) {
			exprs = append(exprs, e)
		}
	}
	// Products of a variable named like a function (h, φ) and a bracket.
	for len(exprs) < 3300 {
		f := ast.Var([]string{"h", "φ"}[rng.IntN(2)])
		e := ast.Bin(ast.Mul, ast.Bin(ast.Mul, latexRandomExpr(rng, 2), f), latexRandomExpr(rng, 2))
		if lxReadable(e) {
			exprs = append(exprs, e)
		}
	}
	failures := 0
	for i := range 2 * len(exprs) {
		e := exprs[i/2]
		o := LaTeXOptions{Shapes: latexShapes, Plain: i%2 == 1}
		tex := LaTeX(e, o)
		src, err := lxTranslate(tex)
		if err != nil {
			t.Fatalf("translating %s: %v", tex, err)
		}
		got, err := parser.ParseExpr(src)
		if err != nil {
			t.Errorf("LaTeX of %s reads as %s, which does not parse: %v\nLaTeX: %s", ast.String(e), src, err, tex)
		} else if want := lxNormalize(e); !ast.Equal(lxNormalize(got), want) {
			t.Errorf("LaTeX of %s reads back as %s\nLaTeX: %s\nread:  %s", ast.String(want), ast.String(lxNormalize(got)), tex, src)
		} else {
			continue
		}
		if failures++; failures > 10 {
			t.Fatal("too many failures")
		}
	}
}

// lxReadable reports whether the translator can read e's LaTeX back: no
// numbers in powers of ten, no declared names, primes only on the
// elementwise functions of one argument.
func lxReadable(e ast.Expr) bool {
	ok := true
	ast.Inspect(e, func(n ast.Expr) bool {
		switch n := n.(type) {
		case *ast.Number:
			ok = ok && !strings.Contains(Number(n.Value), "10^")
		case *ast.Ident:
			ok = ok && ast.IsSimpleName(n.Name) && lxKnownLetters(n.Name)
		case *ast.Call:
			if n.Primes > 0 && !(len(n.Args) == 1 && n.IsElementwise()) {
				ok = false
			}
			if n.Fun == "act" {
				ok = false
			}
		}
		return ok
	})
	return ok
}

// lxKnownLetters reports whether the translator reads every letter of name
// back: ASCII, subscript digits and the Greek letters of lxGreek.
func lxKnownLetters(name string) bool {
	for _, r := range name {
		switch {
		case r < 0x80, r >= '₀' && r <= '₉':
			continue
		}
		known := false
		for _, g := range lxGreek {
			known = known || g == string(r)
		}
		if !known {
			return false
		}
	}
	return true
}
