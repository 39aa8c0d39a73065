package ast_test

import (
	"strings"
	"testing"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/parser"
)

// inferSrc parses decls and src and infers the shapes.
func inferSrc(t *testing.T, decls, src string, fixed map[string]ast.Shape) (ast.Expr, *ast.Info, error) {
	t.Helper()
	ds := parseDecls(t, decls)
	e, err := (&parser.Config{Decls: ds}).ParseExpr(src)
	if err != nil {
		t.Fatalf("ParseExpr(%q): %v", src, err)
	}
	in, err := ast.Infer(e, ds, fixed)
	return e, in, err
}

// parseDecls reads declarations as --let gives them.
func parseDecls(t *testing.T, src string) []ast.Decl {
	t.Helper()
	if src == "" {
		return nil
	}
	ds, err := parser.ParseDecls(src)
	if err != nil {
		t.Fatalf("ParseDecls(%q): %v", src, err)
	}
	return ds
}

// shapesText lists the variables as "u: n, W: n×m" and the result's shape.
func shapesText(e ast.Expr, in *ast.Info) string {
	var parts []string
	for _, v := range in.Vars {
		s := v.Name + ": " + v.Shape.String()
		if v.Symmetric {
			s += " sym"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ") + " → " + in.Shapes[e].String()
}

// The Done-when list of issue 2 and docs/shapes.md, from source text.
func TestInfer(t *testing.T) {
	tests := []struct {
		decls, src string
		want       string
	}{
		{"", "uᵀf(Wx+b)", "u: n, W: n×m, x: m, b: n → scalar"},
		{"", "u'*f(W*x+b)", "u: n, W: n×m, x: m, b: n → scalar"},
		{"", "(x+y)*max(y,z)", "x: scalar, y: scalar, z: scalar → scalar"},
		{"", "xᵀAx", "x: n, A: n×n → scalar"},
		{"", "2x", "x: n → n"},
		{"", "λ‖w‖²", "λ: scalar, w: n → scalar"},
		{"", "lambda*norm(w)^2", "λ: scalar, w: n → scalar"},
		{"", "(xᵀy) z", "x: n, y: n, z: m → m"},
		{"", "W(x+b)", "W: n×m, x: m, b: m → n"},
		{"", "-yᵀlog(softmax(θ))", "y: n, θ: n → scalar"},
		{"", "‖Ax−b‖² + λ‖x‖²", "A: n×m, x: m, b: n, λ: scalar → scalar"},
		{"X: matrix(m,p)", "tr(AXB)", "A: n×m, X: m×p, B: p×n → scalar"},
		{"", "x^3", "x: scalar → scalar"},
		{"", "αx + βy", "α: scalar, x: n, β: scalar, y: n → n"},
		{"", "-λx", "λ: scalar, x: n → n"},
		{"", "2λx", "λ: scalar, x: n → n"},
		{"", "(α+β)A", "α: scalar, β: scalar, A: n×m → n×m"},
		{"", "Xθ", "X: n×m, θ: m → n"},
		{"", "θᵀx", "θ: n, x: n → scalar"},
		{"", "θᵀθ + λ", "θ: n, λ: scalar → scalar"},
		{"", "θθᵀ", "θ: n → n×n"},
		{"", "(x−μ)ᵀΣ⁻¹(x−μ)", "x: n, μ: n, Σ: n×n → scalar"},
		{"", "σ(wᵀx + b)", "w: n, x: n, b: scalar → scalar"},
		{"", "1 + exp(v)", "v: n → n"},
		{"", "x xᵀ", "x: n → n×n"},
		{"", "xᵀW", "x: n, W: n×m → 1×m"},
		{"", "A⁻¹b", "A: n×n, b: n → n"},
		{"", "logdet(S) + tr(S⁻¹C)", "S: n×n, C: n×n → scalar"},
		{"", "diag(x)A", "x: n, A: n×m → n×m"},
		{"", "diag(A) + x", "A: n×n, x: n → n"},
		{"", "sum(I)", " → scalar"},
		{"", "W₂ relu(W₁x + b₁) + b₂", "W₂: n×m, W₁: m×k, x: k, b₁: m, b₂: n → n"},
		{"", "x_1 + x1", "x₁: n → n"},
		{"", "𝟙ᵀx", "x: n → scalar"},
		{"", "A𝟙", "A: n×m → n"},
		{"", "𝟙xᵀ + A", "x: n, A: m×n → m×n"},
		{"", "‖θ‖", "θ: n → scalar"},
		{"", "λ", "λ: scalar → scalar"},
		{"", "x / ‖x‖", "x: n → n"},
		{"", "softmax(x/τ)", "x: n, τ: scalar → n"},
		{"", "[x ≥ 0] ∘ y", "x: n, y: n → n"},
		// declarations
		{"x, y: scalar", "x + y", "x: scalar, y: scalar → scalar"},
		{"W: matrix(n,m)", "Wx", "W: n×m, x: m → n"},
		{"x: vector(n)", "Ax", "A: m×n, x: n → m"},
		{"x: vector(3)", "Ax", "A: n×3, x: 3 → n"},
		{"S: symmetric(n)", "xᵀSx", "x: n, S: n×n sym → scalar"},
		{"k: function", "k(Wx)", "W: n×m, x: m → n"},
		{"θ: vector(d)", "λθ", "λ: scalar, θ: d → d"},
		{"λ: vector(n)", "λ xᵀ", "λ: n, x: m → n×m"},
	}
	for _, tt := range tests {
		e, in, err := inferSrc(t, tt.decls, tt.src, nil)
		if err != nil {
			t.Errorf("%s [%s]: %v", tt.src, tt.decls, err)
			continue
		}
		if got := shapesText(e, in); got != tt.want {
			t.Errorf("%s [%s]:\n got %s\nwant %s", tt.src, tt.decls, got, tt.want)
		}
		// Check agrees on the inferred variable shapes (Check leaves the
		// size of a parsed I open, so compare known dimensions only).
		shapes, err := ast.Check(e, in.Env())
		if err != nil {
			t.Errorf("%s: Check with the inferred shapes: %v", tt.src, err)
			continue
		}
		ast.Inspect(e, func(n ast.Expr) bool {
			got, want := shapes[n], in.Shapes[n]
			if got.Rows.Known() && got.Rows != want.Rows || got.Cols.Known() && got.Cols != want.Cols {
				t.Errorf("%s: node %s: Check %v, Infer %v", tt.src, ast.String(n), got, want)
			}
			return true
		})
	}
}

func TestInferValues(t *testing.T) {
	tests := []struct {
		decls, src string
		fixed      map[string]ast.Shape
		want       string
	}{
		// An array is a vector even where the default was scalar.
		{"", "λ‖w‖²", map[string]ast.Shape{"λ": ast.Vector(ast.Size(3)), "w": ast.Vector(ast.Size(1))}, "λ: 3, w: scalar → 3"},
		{"", "(x+y)*max(y,z)", map[string]ast.Shape{"x": ast.Scalar, "y": ast.Scalar, "z": ast.Scalar}, "x: scalar, y: scalar, z: scalar → scalar"},
		{"", "uᵀf(Wx+b)", map[string]ast.Shape{"W": ast.Matrix(ast.Size(3), ast.Size(2))}, "u: 3, W: 3×2, x: 2, b: 3 → scalar"},
		{"W: matrix(n,m)", "Wx", map[string]ast.Shape{"W": ast.Matrix(ast.Size(3), ast.Size(2))}, "W: 3×2, x: 2 → 3"},
		{"", "θᵀθ", map[string]ast.Shape{"θ": ast.Vector(ast.Size(4))}, "θ: 4 → scalar"},
		{"", "x²", map[string]ast.Shape{"x": ast.Scalar}, "x: scalar → scalar"},
		// A value of unknown shape fixes nothing.
		{"", "λx", map[string]ast.Shape{"λ": {}}, "λ: scalar, x: n → n"},
		// Variable names are not used as dimension names.
		{"", "nᵀAn", nil, "n: m, A: m×m → scalar"},
	}
	for _, tt := range tests {
		e, in, err := inferSrc(t, tt.decls, tt.src, tt.fixed)
		if err != nil {
			t.Errorf("%s: %v", tt.src, err)
			continue
		}
		if got := shapesText(e, in); got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.src, got, tt.want)
		}
	}
}

// Ill-shaped inputs: the exact message, and the caret under the operator
// (or the function) at fault.
func TestInferErrors(t *testing.T) {
	tests := []struct {
		decls, src string
		fixed      map[string]ast.Shape
		want       string
	}{
		{"W: matrix(n,m); b: vector(n)", "Wb", nil, `
1:2: cannot multiply W (n×m) by b (n): inner dimensions m and n differ
  Wb
   ^`},
		{"W: matrix(n,m); b: vector(n)", "W * b", nil, `
1:3: cannot multiply W (n×m) by b (n): inner dimensions m and n differ
  W * b
    ^`},
		{"x: vector(3); A: matrix(3,3)", "x + A", nil, `
1:3: cannot add x (3) and A (3×3): shapes differ
  x + A
    ^`},
		{"x: vector(3); y: vector(4)", "x - y", nil, `
1:3: cannot subtract y (4) from x (3): shapes differ
  x - y
    ^`},
		// An undeclared uppercase letter stays a matrix: W would have to
		// be a vector (and x a scalar) for Wx + W.
		{"", "Wx + W", nil, `
1:4: cannot add Wx (n) and W (n×m): shapes differ
  Wx + W
     ^`},
		{"W: matrix(n,m)", "tr(W)", nil, `
1:1: tr needs a square matrix, not W (n×m)
  tr(W)
  ^`},
		{"W: matrix(n,m)", "det(W) + 1", nil, `
1:1: det needs a square matrix, not W (n×m)
  det(W) + 1
  ^`},
		{"x: vector(n)", "x²", nil, `
1:2: x² needs a scalar or square matrix, but x is a vector (n): use x.^2, x∘x or ‖x‖²`},
		{"", "x² + 1", map[string]ast.Shape{"x": ast.Vector(ast.Size(2))}, `
1:2: x² needs a scalar or square matrix, but x is a vector (2): use x.^2, x∘x or ‖x‖²
  x² + 1
   ^`},
		{"A: matrix(n,m)", "Ax + x²", nil, `
1:7: x² needs a scalar or square matrix, but x is a vector (m): use x.^2, x∘x or ‖x‖²`},
		{"W: matrix(n,m)", "(Wx)²", nil, `
1:5: (Wx)² needs a scalar or square matrix, but Wx is a vector (n): use (Wx).^2, (Wx)∘(Wx) or ‖Wx‖²`},
		{"x: vector(n)", "x^3", nil, `
1:2: x³ needs a scalar or square matrix, but x is a vector (n): use x.^3`},
		{"W: matrix(n,m)", "W^2", nil, `
1:2: W² needs a scalar or square matrix, but W is n×m, not square`},
		{"x: vector(n); A: matrix(n,n)", "x ∘ A", nil, `
1:3: cannot multiply x (n) and A (n×n) elementwise: shapes differ`},
		{"x: vector(n); y: vector(m)", "x ./ y", nil, `
1:3: cannot divide x (n) by y (m) elementwise: shapes differ`},
		{"x: vector(n); y: vector(m)", "x / y", nil, `
1:3: cannot divide x (n) by y (m): shapes differ`},
		{"W: matrix(n,m)", "W⁻¹", nil, `
1:1: cannot invert W (n×m): not square`},
		{"W: matrix(n,m)", "softmax(W)", nil, `
1:1: softmax needs a vector, not W (n×m)`},
		{"W: matrix(n,m)", "diag(W)", nil, `
1:1: diag needs a vector or a square matrix, not W (n×m)`},
		{"x: vector(n); y: vector(m)", "max(x, y)", nil, `
1:1: cannot take max of x (n) and y (m): shapes differ`},
		{"y: vector(n)", "x^y", nil, `
1:2: the exponent of x^y must be a scalar, not y (n)`},
		{"x: vector(3); A: matrix(2,2)", "xᵀAx", nil, `
1:3: cannot multiply xᵀ (1×3) by A (2×2): inner dimensions 3 and 2 differ`},
		{"W: matrix(n,3); x: vector(4)", "Bx + (B + W)y", nil, `
1:9: cannot add B (m×4) and W (n×3): shapes differ`},
		{"x: vector(3)", "x + y", map[string]ast.Shape{"y": ast.Vector(ast.Size(2))}, `
1:3: cannot add x (3) and y (2): shapes differ`},
		{"x: vector(3)", "[x ≥ y]", map[string]ast.Shape{"y": ast.Vector(ast.Size(2))}, `
1:1: cannot compare x (3) with y (2): shapes differ`},
		{"x: vector(n)", "sin(x) + x", map[string]ast.Shape{"x": ast.Vector(ast.Size(2)).T()}, `
1:5: the value of x has shape 1×2, but x is declared vector(n)`},
	}
	for _, tt := range tests {
		_, _, err := inferSrc(t, tt.decls, tt.src, tt.fixed)
		if err == nil {
			t.Errorf("%s [%s]: no error", tt.src, tt.decls)
			continue
		}
		if _, ok := err.(*ast.Error); !ok {
			t.Errorf("%s: error %T is not *ast.Error", tt.src, err)
		}
		got := ast.FormatError(tt.src, err)
		want := strings.TrimPrefix(tt.want, "\n")
		// Cases written as one line check the message and position only.
		if !strings.Contains(want, "\n") {
			got, _, _ = strings.Cut(got, "\n")
		}
		if got != want {
			t.Errorf("%s [%s]:\n got %s\nwant %s", tt.src, tt.decls, got, want)
		}
	}
}

// FuzzInfer: any formula the parser accepts gets shapes or a positioned
// error, never a panic, and accepted shapes satisfy Check.
func FuzzInfer(f *testing.F) {
	for _, s := range []string{"uᵀf(Wx+b)", "(x+y)*max(y,z)", "xᵀAx", "λ‖w‖²", "(xᵀy) z",
		"-yᵀlog(softmax(θ))", "‖Ax−b‖² + λ‖x‖²", "tr(AXB)", "x²", "diag(A)ᵀdiag(x)", "[x ≥ 0] ∘ I",
		"logdet(S) + tr(S⁻¹C)", "σ(wᵀx + b)", "𝟙ᵀx", "A^3 x", "x.^α ./ τ", "f′(z) ∘ u"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		e, err := parser.ParseExpr(src)
		if err != nil {
			return
		}
		in, err := ast.Infer(e, nil, nil)
		if err != nil {
			if _, ok := err.(*ast.Error); !ok {
				t.Fatalf("%q: error %T is not *ast.Error", src, err)
			}
			return
		}
		sized := withSizedIdentities(e, in)
		shapes, err := ast.Check(sized, in.Env())
		if err != nil {
			t.Fatalf("%q: Check with inferred shapes: %v", src, err)
		}
		zip(e, sized, func(n, m ast.Expr) {
			if shapes[m] != in.Shapes[n] {
				t.Fatalf("%q: node %s: Check %v, Infer %v", src, ast.String(n), shapes[m], in.Shapes[n])
			}
		})
	})
}

// Malformed trees built by a program get an error, not a panic.
func TestInferMalformed(t *testing.T) {
	x := ast.Var("x")
	for _, e := range []ast.Expr{
		nil,
		(*ast.Ident)(nil),
		ast.Bin(ast.Add, nil, x),
		ast.Bin(ast.Mul, x, (*ast.Call)(nil)),
		ast.Fn("sum", 0),
		ast.Fn("f", 0, x, x),
		ast.Fn("max", 0, x),
		ast.Fn("tr", 0, x, x),
		ast.Fn("exp", 0, nil),
		&ast.Unary{OpPos: ast.NoPos, Op: ast.Add, X: x},
		ast.Bin(ast.Op(99), x, x),
		ast.Bin(ast.GE, x, x),
		ast.Ind(ast.GE, x, nil),
	} {
		if _, err := ast.Infer(e, nil, nil); err == nil {
			t.Errorf("%#v: no error", e)
		}
	}
	// Declarations that contradict each other or the use.
	decl := func(kind ast.DeclKind, name string, dims ...ast.Dim) ast.Decl {
		return ast.Decl{DeclPos: ast.NoPos, Names: []string{name}, Kind: kind, Dims: dims}
	}
	bad := []struct {
		e     ast.Expr
		decls []ast.Decl
		want  string
	}{
		{x, []ast.Decl{decl(ast.DeclVector, "x", ast.Size(3)), decl(ast.DeclVector, "x", ast.Size(4))},
			"conflicting declarations of x: vector(3) and vector(4)"},
		{x, []ast.Decl{decl(ast.DeclFunction, "x")}, "x is a function: call it as x(…)"},
		{x, []ast.Decl{decl(ast.DeclFunction, "x"), decl(ast.DeclScalar, "x")}, "x is declared both a function and scalar"},
		{x, []ast.Decl{decl(ast.DeclSymmetric, "x", ast.Size(2), ast.Size(3))}, "symmetric matrix x must be square"},
	}
	for _, tt := range bad {
		_, err := ast.Infer(tt.e, tt.decls, nil)
		if err == nil || err.Error() != tt.want {
			t.Errorf("%v: got %v, want %s", tt.decls, err, tt.want)
		}
	}
}

// Trees built by derive share subtrees; inference must visit each once
// (this would not finish if it walked the 2⁶⁰ paths).
func TestInferSharedSubtrees(t *testing.T) {
	var e ast.Expr = ast.Bin(ast.Add, ast.Num(1), ast.Bin(ast.Mul, ast.Var("W"), ast.Var("x")))
	for i := 0; i < 60; i++ {
		e = ast.Bin(ast.Add, e, e)
	}
	in, err := ast.Infer(e, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := in.Shapes[e].String(); got != "n" {
		t.Errorf("shape %s, want n", got)
	}
}

// A scalar added to I is refused with what to write instead: λI adds λ to
// the diagonal, λ𝟙𝟙ᵀ to every entry.
func TestIdentityPlusScalar(t *testing.T) {
	for _, src := range []string{"(I+λ)x", "(a+I)c", "uᵀ(I−λ)x", "tr(I + λ)", "(2 − I)x"} {
		e, err := parser.ParseExpr(src)
		if err != nil {
			t.Fatal(err)
		}
		_, err = ast.Infer(e, nil, nil)
		if err == nil || !strings.Contains(err.Error(), "ambiguous") || !strings.Contains(err.Error(), "I to add") {
			t.Errorf("%s: got %v, want the ambiguity error", src, err)
		}
	}
	for _, src := range []string{"(λI + A)x", "(λ𝟙𝟙ᵀ + A)x", "log(1 + exp(X))", "X + I"} {
		e, _ := parser.ParseExpr(src)
		if _, err := ast.Infer(e, nil, nil); err != nil {
			t.Errorf("%s: %v", src, err)
		}
	}
}
