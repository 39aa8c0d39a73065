package parser

import (
	"errors"
	"strings"
	"testing"

	"github.com/matcalc/matcalc/ast"
)

// TestErrors checks the exact message, line, column and caret of malformed
// formulas. Each want is "line:col: message" then the caret line; the
// source line in between is the input itself.
func TestErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{"", "1:1: empty input"},
		{"   ", "1:1: empty input"},
		{"x +", `1:4: unexpected end of input, expected an operand after "+"`},
		{"x)", `1:2: unexpected ")"`},
		{"(x", `1:1: missing closing ")" for the "(" opened here`},
		{"(x + (y)", `1:1: missing closing ")" for the "(" opened here`},
		{"‖x", `1:1: missing closing "‖" for the norm opened here`},
		{"2‖x + y", `1:2: missing closing "‖" for the norm opened here`},
		{"||x", `1:1: missing closing "||" for the norm opened here`},
		{"‖x)", `1:3: unexpected ")", expected closing "‖"`},
		{"foo(x)", `1:1: unknown function foo: declare it (foo: function), or put a space before "(" for a product`},
		{"2 + relu6(x)", `1:5: unknown function relu6: declare it (relu6: function), or put a space before "(" for a product; did you mean relu?`},
		{"аᵀx + a", "1:1: а (U+0430) only looks like the Latin a: write a"},
		{"x + Сy", "1:5: С (U+0421) only looks like the Latin C: write C"},
		{"sigmod(x)", `1:1: unknown function sigmod: declare it (sigmod: function), or put a space before "(" for a product; did you mean sigmoid?`},
		{"y + relux(z)", `1:5: unknown function relux: did you mean relu?`},
		{"logsumexpp(x)", `1:1: unknown function logsumexpp: did you mean logsumexp?`},
		{"tanh(x, y)", "1:1: tanh takes 1 argument, not 2"},
		{"x + max(x)", "1:5: max takes 2 arguments, not 1"},
		{"f()", "1:1: f takes 1 argument, not 0"},
		{"x $ y", `1:3: invalid character "$"`},
		{"θ € y", `1:3: invalid character "€"`},
		{"x\xff", `1:2: invalid UTF-8 byte "\xff"`},
		{"x^", `1:3: unexpected end of input, expected an exponent after "^"`},
		{"x^-", `1:4: unexpected end of input, expected an exponent after "-"`},
		{"2 ** 3", `1:3: ** is not an operator: write x^2 for a power (x.^2 entry by entry)`},
		{"a ∘ ∘ b", `1:5: unexpected "∘", expected an operand after "∘"`},
		{"()", `1:2: unexpected ")", expected an operand after "("`},
		{"tanh x", "1:1: tanh needs its argument in parentheses: tanh(…)"},
		{"1.2.3", "1:1: malformed number 1.2.3"},
		{"x + 2.5.1e3", "1:5: malformed number 2.5.1e3"},
		{"sigmoid", "1:1: sigmoid needs its argument in parentheses: sigmoid(…)"},
		{"[x ≥ y", `1:1: missing closing "]" for the indicator opened here`},
		{"[x ≥ y ≥ z]", `1:8: unexpected "≥", expected closing "]"`},
		{"x ≥ y", `1:3: a comparison "≥" is allowed only inside an indicator, as in [a ≥ b]`},
		{"(x >= y)", `1:4: a comparison ">=" is allowed only inside an indicator, as in [a ≥ b]`},
		{"(x+y)′", `1:6: a prime "′" marks the derivative of a function, as in f′(z); write ᵀ or ' for a transpose`},
		{"tr'(X)", "1:1: tr′ is not defined: primes mark the derivative of an elementwise function of one argument"},
		{"sin²(x)", "1:4: a superscript goes after the argument: write sin(x)²"},
		{"x^2^3", "1:4: a power of a power is ambiguous: write (a^b)^c or a^(b^c)"},
		{"x_", `1:2: expected a subscript after "_", as in x_1 or W_L`},
		{"x_1_2", `1:4: unexpected "_": a name has one subscript, as in x_12 or W_L`},
		{"1e999", "1:1: number 1e999 is too large"},
		{"x,y", `1:2: unexpected ","`},
		{"‖x‖₃", "1:4: unknown norm ‖₃: matcalc knows ‖x‖₁ (norm1), ‖x‖₂ and ‖x‖_F (norm)"},
		{"x + ₂", `1:5: unexpected subscript "₂": a subscript follows a letter (x₁) or a norm (‖x‖₁, ‖x‖₂, ‖x‖_F)`},
		{"x . y", `1:3: unexpected ".": did you mean .*, ./, .^ or .T?`},
		{"|x|", `1:1: unexpected "|": write abs(x) for an absolute value, ‖x‖ or ||x|| for a norm`},
		{"W = x", `1:3: unexpected "="`},
		{"x +\n  * y", `2:3: unexpected "*", expected an operand after "+"`},
		{"uᵀf(Wx + b", `1:4: missing closing ")" for the "(" of f opened here`},
	}
	for _, tc := range tests {
		_, err := ParseExpr(tc.src)
		if err == nil {
			t.Errorf("ParseExpr(%q): no error, want %s", tc.src, tc.want)
			continue
		}
		var e *ast.Error
		if !errors.As(err, &e) {
			t.Errorf("ParseExpr(%q): error %T, want *ast.Error", tc.src, err)
			continue
		}
		got := ast.FormatError(tc.src, err)
		line, col := ast.Position(tc.src, e.Pos)
		want := tc.want + "\n  " + strings.Split(tc.src, "\n")[line-1] + "\n  " + strings.Repeat(" ", col-1) + "^"
		if got != want {
			t.Errorf("ParseExpr(%q):\n%s\nwant\n%s", tc.src, got, want)
		}
	}
	if len(tests) < 25 {
		t.Errorf("only %d malformed inputs", len(tests))
	}
}

// TestFormatErrorCaret pins one rendering completely, caret included.
func TestFormatErrorCaret(t *testing.T) {
	src := "λ‖w‖² + tanh(x, y)"
	_, err := ParseExpr(src)
	want := "1:9: tanh takes 1 argument, not 2\n  λ‖w‖² + tanh(x, y)\n          ^"
	if got := ast.FormatError(src, err); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// TestNestedProducts guards against printing time exponential in depth:
// x(x(x(…))) nests products to the right, inside norms too.
func TestNestedProducts(t *testing.T) {
	for _, open := range []string{"x(", "‖x(", "‖x(‖"} {
		closing := map[string]string{"x(": ")", "‖x(": ")‖", "‖x(‖": "‖)‖"}[open]
		src := strings.Repeat(open, 60) + "y" + strings.Repeat(closing, 60)
		e, err := ParseExpr(src)
		if err != nil {
			t.Fatalf("%.20s…: %v", src, err)
		}
		checkRoundTrip(t, src, e)
	}
}

func TestDeepNesting(t *testing.T) {
	for _, src := range []string{strings.Repeat("(", 10000) + "x", strings.Repeat("-", 10000) + "x", strings.Repeat("‖", 5000)} {
		if _, err := ParseExpr(src); err == nil {
			t.Errorf("no error for deep nesting")
		}
	}
}

func TestDeclErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{"W: matrix(n)", "1:10: matrix takes two dimensions, as in matrix(n, m)"},
		{"x: vec(3)", `1:4: unexpected "vec", expected a kind: scalar, vector(n), matrix(n, m), symmetric(n) or function`},
		{"x vector(3)", `1:3: unexpected "vector", expected ":" and a kind, as in x: vector(n)`},
		{"x: vector(0)", "1:11: a dimension is a positive whole number or a name, not 0"},
		{"x: scalar(2)", "1:10: scalar takes no dimensions"},
		{"exp: function", "1:1: exp is a built-in function and cannot be declared"},
		{"x: scalar; y:", "1:14: unexpected end of input, expected a kind: scalar, vector(n), matrix(n, m), symmetric(n) or function"},
		{"", "1:1: empty declaration: expected a name and a kind, as in x: vector(n)"},
	}
	for _, tc := range tests {
		_, err := ParseDecls(tc.src)
		if err == nil {
			t.Errorf("ParseDecls(%q): no error", tc.src)
			continue
		}
		if got := strings.SplitN(ast.FormatError(tc.src, err), "\n", 2)[0]; got != tc.want {
			t.Errorf("ParseDecls(%q) = %s, want %s", tc.src, got, tc.want)
		}
	}
}
