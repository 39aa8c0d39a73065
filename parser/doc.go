// Package parser reads matcalc formulas, declarations and formula files into
// ast trees.
//
// The entry points mirror go/parser: ParseExpr for a formula, Config.ParseExpr
// for a formula with declarations, ParseDecls for --let values, ParseFile for
// .mc files, and CanonicalName for --wrt and --at keys. Errors are
// *ast.Error values (ast.ErrorList for files) that point at the offending
// token; ast.FormatError renders them with the source line and a caret.
//
// # Lexer and parser
//
// The lexer is a participle/v2 lexer (lexer.MustSimple) with one rule per
// token class; the parser is a hand-written precedence climber over its
// tokens. A participle grammar was not used because two rules of the
// notation depend on things a context-free grammar does not see: a run of
// letters such as uᵀWx is split into names using the declarations (Config),
// and a generic function letter is a call only when "(" follows it without
// a space. Hand-written, each error also says what was expected where.
//
// # Grammar
//
// The grammar, tightest binding last (docs/conventions.md):
//
//	sum        = hadamard { ("+" | "-" | "−") hadamard } .
//	hadamard   = product { ("∘" | "⊙" | ".*" | "./") product } .
//	product    = unary { ("*" | "·" | "⋅" | "/") unary | postfix } .   (* the bare postfix is juxtaposition *)
//	unary      = ("-" | "−") unary | postfix .
//	postfix    = primary { "ᵀ" | "⊤" | "'" | ".T" | "^T" | "^⊤" | "⁻ᵀ" | superscript | ("^" | ".^") exponent } .
//	exponent   = [ "-" | "−" ] primary .
//	primary    = number | "𝟙" | "ones" | "I" | name | call
//	           | "(" sum ")" | "[" sum [ comparison sum ] "]" | "‖" sum "‖" [ normSub ] | "||" sum "||" [ normSub ] .
//	normSub    = "₁" | "_1" | "₂" | "_2" | "_F" .   (* touching the closing bar *)
//	call       = function { prime } "(" [ sum { "," sum } ] ")"
//	           | builtin1 call .   (* log det(X): a one-argument built-in of a call *)
//	function   = builtin | "σ" | "sigma" | genericLetter [ subscript ] | declaredFunction .
//	prime      = "′" | "″" | "‴" | "'" .
//	comparison = "≥" | ">=" | ">" | "≤" | "<=" | "<" .
//	superscript = [ "⁻" ] ("⁰" … "⁹") { "⁰" … "⁹" } .
//	number     = digits [ "." digits ] [ ("e" | "E") [ "+" | "-" ] digits ] | "." digits [ exp ] .
//	name       = (letter | greekName | declaredName) [ subscript ] .
//	subscript  = (digit | subdigit) { digit | subdigit } | "_" (asciiLetter | digit | subdigit) { … } .
//
// Whitespace separates tokens and is otherwise ignored, except that a
// generic function (f g h φ ψ, σ, a declared function) must touch its "("
// (after optional primes): "f(x)" is a call, "f (x)" the product f·x.
//
// # Conventions
//
//   - Parentheses and [ ] without a comparison leave no node.
//   - 1ᵀ (1', 1^T) is Transpose{Ones}: the row of ones, as in 1ᵀx.
//   - x² and x^2 are Binary{Pow}; A⁻¹, A^-1 and inv(A) are Call{inv}; A⁻ᵀ is
//     Transpose{Call{inv}}; x^-2 and x⁻² are Pow(x, −2); x^(−1) stays a power.
//     A power of a power (x^2^3) is an error that asks for brackets.
//   - ‖x‖ and ||x|| are Call{norm} with FunPos at the opening bar and Rparen
//     at the closing one. Inside a norm a bar after a complete operand closes
//     it: write ‖a(‖b‖)‖ for the norm of a·‖b‖. ‖x‖₁ is norm1(x); ‖x‖₂ and
//     ‖X‖_F are norm.
//   - A juxtaposition's Binary.OpPos is where its right operand starts.
//   - Juxtaposition never starts with a minus: "W -x" is a difference, and
//     "-2x" is (−2)·x because unary minus binds tighter than products.
//   - [a ≤ b] is read as [b ≥ a], [a < b] as [b > a].
//   - ᵀ ' .T and ^T transpose; after a function name, ' is a prime: f'(z) is
//     f′(z). Only elementwise functions of one argument take primes.
//
// # Names
//
// A word (letters, digits, subscript digits and "_") is split into names:
// at each place the longest built-in function name, ASCII Greek letter name
// (alpha … Omega), "ones" or declared name that the rest starts with, else
// one letter; then an optional subscript. So uᵀWx is u, W, x; betax is β·x;
// Wexp(x) is W·exp(x); x1 and x_1 are x₁; W_Lx is the single name W_Lx (a
// subscript after "_" runs to the end of the word). Built-in names take no
// subscript, so exp2 does not start with exp.
//
// Unknown functions: a word of two or more plain lowercase letters (the
// last may carry a digit subscript) that touches "(" — foo(x), ln(x),
// relu6(x) — is reported as an unknown function instead of being read as
// the product f·o·o·(x), which is almost never what was meant. A space
// (foo (x)) or a declaration (foo: function) says which is wanted. One
// letter before "(" (W(x+b)) and words with capitals or Greek letters
// (Wx(a+b)) are products, as docs/notation.md says.
//
// Printing: ast.String and ast.ASCII print trees that ParseExpr reads back
// to the same tree (ast.Equal) when no declarations are involved; with
// declarations, multi-letter and declared names need the same Config.
package parser
