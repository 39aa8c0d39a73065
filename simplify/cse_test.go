package simplify_test

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/simplify"
	"pgregory.net/rapid"
)

var (
	cv   = ast.Var
	cbin = ast.Bin
	ctr  = ast.T
	cfn  = ast.Fn
)

// sub returns name with subscript k, independently of the code under test.
func csub(name string, k int) string {
	const digits = "₀₁₂₃₄₅₆₇₈₉"
	ds := []rune(digits)
	var b strings.Builder
	b.WriteString(name)
	for _, d := range strconv.Itoa(k) {
		b.WriteRune(ds[d-'0'])
	}
	return b.String()
}

// network builds s = uᵀ act(W_L … act(W₁x + b₁) … + b_L) and its
// derivatives by backpropagation, in the order [s, ∂W₁, ∂b₁, …, ∂W_L, ∂b_L,
// ∂x, ∂u], fully written out (no names). With share set, the builder reuses
// node pointers within the forward pass and within the derivatives, as an
// engine would; the two halves never share pointers, so Share must match
// them structurally. Without share every subtree is a fresh tree.
type cseNet struct {
	layers int
	act    string // elementwise activation
	share  bool
	memo   map[string]ast.Expr
}

func (n *cseNet) cached(key string, build func() ast.Expr) ast.Expr {
	if !n.share {
		return build()
	}
	if e, ok := n.memo[key]; ok {
		return e
	}
	e := build()
	n.memo[key] = e
	return e
}

func (n *cseNet) W(k int) ast.Expr { return cv(csub("W", k)) }
func (n *cseNet) b(k int) ast.Expr { return cv(csub("b", k)) }

// z is the pre-activation of layer k: W_k h_{k−1} + b_k.
func (n *cseNet) z(k int) ast.Expr {
	return n.cached("z"+strconv.Itoa(k), func() ast.Expr {
		return cbin(ast.Add, cbin(ast.Mul, n.W(k), n.h(k-1)), n.b(k))
	})
}

// h is the activation of layer k (h₀ = x).
func (n *cseNet) h(k int) ast.Expr {
	if k == 0 {
		return cv("x")
	}
	return n.cached("h"+strconv.Itoa(k), func() ast.Expr { return cfn(n.act, 0, n.z(k)) })
}

// delta is ∂s/∂z_k: u ∘ act′(z_L) at the top, W_{k+1}ᵀδ_{k+1} ∘ act′(z_k) below.
func (n *cseNet) delta(k int) ast.Expr {
	return n.cached("d"+strconv.Itoa(k), func() ast.Expr {
		var back ast.Expr = cv("u")
		if k < n.layers {
			back = cbin(ast.Mul, ctr(n.W(k+1)), n.delta(k+1))
		}
		return cbin(ast.Hadamard, back, cfn(n.act, 1, n.z(k)))
	})
}

func (n *cseNet) exprs() []ast.Expr {
	n.memo = map[string]ast.Expr{}
	exprs := []ast.Expr{cbin(ast.Mul, ctr(cv("u")), n.h(n.layers))}
	n.memo = map[string]ast.Expr{} // the derivatives share nothing with s
	for k := 1; k <= n.layers; k++ {
		exprs = append(exprs, cbin(ast.Mul, n.delta(k), ctr(n.h(k-1))), n.delta(k))
	}
	return append(exprs, cbin(ast.Mul, ctr(n.W(1)), n.delta(1)), n.h(n.layers))
}

func cseDefStrings(defs []simplify.Def) []string {
	var s []string
	for _, d := range defs {
		s = append(s, d.Name+" = "+ast.String(d.Expr))
	}
	return s
}

func cseExprStrings(es []ast.Expr) []string {
	var s []string
	for _, e := range es {
		s = append(s, ast.String(e))
	}
	return s
}

// cseSameStrings compares printed expressions, ignoring spaces: where the
// printer puts optional spaces (uᵀ h or uᵀh) is its own business.
func cseSameStrings(t *testing.T, what string, got, want []string) {
	t.Helper()
	squash := func(s []string) string { return strings.ReplaceAll(strings.Join(s, "\n"), " ", "") }
	if squash(got) != squash(want) {
		t.Errorf("%s:\ngot\n\t%s\nwant\n\t%s", what, strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
	}
}

// checkExpands checks that the definitions expanded into out give exprs back.
func cseCheckExpands(t *testing.T, exprs []ast.Expr, defs []simplify.Def, out []ast.Expr) {
	t.Helper()
	if len(out) != len(exprs) {
		t.Fatalf("%d outputs for %d inputs", len(out), len(exprs))
	}
	for i := range exprs {
		if got := simplify.Expand(defs, out[i]); !ast.Equal(got, exprs[i]) {
			t.Errorf("expr %d: expands to %s, want %s", i, ast.String(got), ast.String(exprs[i]))
		}
	}
}

// singleLayer is uᵀf(Wx+b) with its gradients in the closed form of the
// notes: ∂W = (u ∘ f′(Wx + b))xᵀ, ∂b = u ∘ f′(Wx + b),
// ∂x = Wᵀ(u ∘ f′(Wx + b)), ∂u = f(Wx + b).
func cseSingleLayer(x, f string) []ast.Expr {
	z := func() ast.Expr { return cbin(ast.Add, cbin(ast.Mul, cv("W"), cv(x)), cv("b")) }
	delta := func() ast.Expr { return cbin(ast.Hadamard, cv("u"), cfn(f, 1, z())) }
	return []ast.Expr{
		cbin(ast.Mul, ctr(cv("u")), cfn(f, 0, z())),
		cbin(ast.Mul, delta(), ctr(cv(x))),
		delta(),
		cbin(ast.Mul, ctr(cv("W")), delta()),
		cfn(f, 0, z()),
	}
}

func TestShareSingleLayer(t *testing.T) {
	exprs := cseSingleLayer("x", "f")
	defs, out := simplify.Share(exprs, nil)
	// f(z) occurs in s and is the whole of ∂u: it is shared, so it is named
	// too (h), as the forward pass of the notes names the activation.
	cseSameStrings(t, "defs", cseDefStrings(defs), []string{
		"z = Wx + b",
		"h = f(z)",
		"δ = u ∘ f′(z)",
	})
	cseSameStrings(t, "out", cseExprStrings(out), []string{
		"uᵀh", // s
		"δxᵀ", // ∂W
		"δ",   // ∂b
		"Wᵀδ", // ∂x
		"h",   // ∂u
	})
	cseCheckExpands(t, exprs, defs, out)
}

func TestShareThreeLayerTanh(t *testing.T) {
	for _, share := range []bool{false, true} {
		t.Run(fmt.Sprintf("pointers shared=%v", share), func(t *testing.T) {
			exprs := (&cseNet{layers: 3, act: "tanh", share: share}).exprs()
			defs, out := simplify.Share(exprs, func(n string) bool { return false })
			cseSameStrings(t, "defs", cseDefStrings(defs), []string{
				"z₁ = W₁x + b₁",
				"h₁ = tanh(z₁)",
				"z₂ = W₂h₁ + b₂",
				"h₂ = tanh(z₂)",
				"z₃ = W₃h₂ + b₃",
				"h₃ = tanh(z₃)",
				"δ₃ = u ∘ tanh′(z₃)",
				"δ₂ = W₃ᵀδ₃ ∘ tanh′(z₂)",
				"δ₁ = W₂ᵀδ₂ ∘ tanh′(z₁)",
			})
			cseSameStrings(t, "out", cseExprStrings(out), []string{
				"uᵀh₃",
				"δ₁xᵀ", "δ₁",
				"δ₂h₁ᵀ", "δ₂",
				"δ₃h₂ᵀ", "δ₃",
				"W₁ᵀδ₁",
				"h₃",
			})
			cseCheckExpands(t, exprs, defs, out)
		})
	}
}

// TestShareDeepNetwork checks the naming of a 64-layer network by structure:
// z_k = W_k h_{k−1} + b_k, h_k = tanh(z_k), δ_k = W_{k+1}ᵀ δ_{k+1} ∘ tanh′(z_k),
// with two-digit subscripts.
func TestShareDeepNetwork(t *testing.T) {
	const L = 64
	exprs := (&cseNet{layers: L, act: "tanh", share: true}).exprs()
	defs, out := simplify.Share(exprs, nil)
	h := func(k int) ast.Expr {
		if k == 0 {
			return cv("x")
		}
		return cv(csub("h", k))
	}
	var want []simplify.Def
	for k := 1; k <= L; k++ {
		want = append(want,
			simplify.Def{Name: csub("z", k), Expr: cbin(ast.Add, cbin(ast.Mul, cv(csub("W", k)), h(k-1)), cv(csub("b", k)))},
			simplify.Def{Name: csub("h", k), Expr: cfn("tanh", 0, cv(csub("z", k)))})
	}
	for k := L; k >= 1; k-- {
		var back ast.Expr = cv("u")
		if k < L {
			back = cbin(ast.Mul, ctr(cv(csub("W", k+1))), cv(csub("δ", k+1)))
		}
		want = append(want, simplify.Def{Name: csub("δ", k), Expr: cbin(ast.Hadamard, back, cfn("tanh", 1, cv(csub("z", k))))})
	}
	if len(defs) != len(want) {
		t.Fatalf("%d defs, want %d", len(defs), len(want))
	}
	for i := range want {
		if defs[i].Name != want[i].Name || !ast.Equal(defs[i].Expr, want[i].Expr) {
			t.Errorf("def %d: %s = %s, want %s = %s", i, defs[i].Name, ast.String(defs[i].Expr), want[i].Name, ast.String(want[i].Expr))
		}
	}
	wantOut := []ast.Expr{cbin(ast.Mul, ctr(cv("u")), h(L))}
	for k := 1; k <= L; k++ {
		wantOut = append(wantOut, cbin(ast.Mul, cv(csub("δ", k)), ctr(h(k-1))), cv(csub("δ", k)))
	}
	wantOut = append(wantOut, cbin(ast.Mul, ctr(cv("W₁")), cv("δ₁")), h(L))
	for i := range wantOut {
		if !ast.Equal(out[i], wantOut[i]) {
			t.Errorf("out %d: %s, want %s", i, ast.String(out[i]), ast.String(wantOut[i]))
		}
	}
	cseCheckExpands(t, exprs, defs, out)
}

func TestShareNameClashes(t *testing.T) {
	none := func(string) bool { return false }
	tests := []struct {
		name    string
		exprs   []ast.Expr
		taken   func(string) bool
		defs    []string
		outs    []string
		comment string
	}{
		{
			name:  "user variable z",
			exprs: cseSingleLayer("z", "f"),
			taken: func(n string) bool { return n == "z" },
			defs:  []string{"ζ = Wz + b", "h = f(ζ)", "δ = u ∘ f′(ζ)"},
			outs:  []string{"uᵀh", "δzᵀ", "δ", "Wᵀδ", "h"},
		},
		{
			// taken is nil-safe in spirit: the variables of exprs are
			// avoided even when taken does not mention them.
			name:  "variable z not reported by taken",
			exprs: cseSingleLayer("z", "f"),
			taken: none,
			defs:  []string{"ζ = Wz + b", "h = f(ζ)", "δ = u ∘ f′(ζ)"},
			outs:  []string{"uᵀh", "δzᵀ", "δ", "Wᵀδ", "h"},
		},
		{
			name:  "declared h and δ",
			exprs: cseSingleLayer("x", "f"),
			taken: func(n string) bool { return n == "h" || n == "δ" },
			defs:  []string{"z = Wx + b", "a = f(z)", "ε = u ∘ f′(z)"},
			outs:  []string{"uᵀa", "εxᵀ", "ε", "Wᵀε", "a"},
		},
		{
			name:  "generic function h",
			exprs: cseSingleLayer("x", "h"),
			taken: none,
			defs:  []string{"z = Wx + b", "a = h(z)", "δ = u ∘ h′(z)"},
			outs:  []string{"uᵀa", "δxᵀ", "δ", "Wᵀδ", "a"},
		},
		{
			name:  "every preferred letter taken",
			exprs: cseSingleLayer("x", "f"),
			taken: func(n string) bool {
				switch n {
				case "z", "ζ", "q", "h", "a", "η", "δ", "ε", "γ":
					return true
				}
				return false
			},
			// spare letters in order: c, d, k
			defs: []string{"c = Wx + b", "d = f(c)", "k = u ∘ f′(c)"},
			outs: []string{"uᵀd", "kxᵀ", "k", "Wᵀk", "d"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defs, out := simplify.Share(tt.exprs, tt.taken)
			cseSameStrings(t, "defs", cseDefStrings(defs), tt.defs)
			cseSameStrings(t, "out", cseExprStrings(out), tt.outs)
			cseCheckExpands(t, tt.exprs, defs, out)
		})
	}
}

func TestShareSubscriptedVariableRulesOutLetter(t *testing.T) {
	// The input is called z₂: z₁, z₃ would read as its siblings.
	n := &cseNet{layers: 3, act: "tanh"}
	exprs := n.exprs()
	for i, e := range exprs {
		exprs[i] = ast.Rewrite(e, func(e ast.Expr) ast.Expr {
			if id, ok := e.(*ast.Ident); ok && id.Name == "x" {
				return cv("z₂")
			}
			return e
		})
	}
	defs, out := simplify.Share(exprs, nil)
	var names []string
	for _, d := range defs {
		names = append(names, d.Name)
	}
	cseSameStrings(t, "names", names, []string{"ζ₁", "h₁", "ζ₂", "h₂", "ζ₃", "h₃", "δ₃", "δ₂", "δ₁"})
	cseCheckExpands(t, exprs, defs, out)
}

func TestShareSubscriptOffsetWhenLettersRunOut(t *testing.T) {
	// Two pieces of role t; every letter is taken but t, t₃ and t₄.
	exprs := []ast.Expr{
		cbin(ast.Add, cbin(ast.Add, cv("x"), cv("y")), cv("c")),
		cbin(ast.Add, cv("x"), cv("y")),
		cbin(ast.Add, cbin(ast.Add, cv("x"), cv("y")), cv("c")),
	}
	taken := func(n string) bool { return n != "t" && n != "t₃" && n != "t₄" }
	defs, out := simplify.Share(exprs, taken)
	cseSameStrings(t, "defs", cseDefStrings(defs), []string{"t₃ = x + y", "t₄ = t₃ + c"})
	cseSameStrings(t, "out", cseExprStrings(out), []string{"t₄", "t₃", "t₄"})
	cseCheckExpands(t, exprs, defs, out)

	defer func() {
		if recover() == nil {
			t.Error("Share did not panic when every name is taken")
		}
	}()
	simplify.Share(exprs, func(string) bool { return true })
}

func TestShareStructure(t *testing.T) {
	ab := func() ast.Expr { return cbin(ast.Add, cv("a"), cv("b")) }
	cd := func() ast.Expr { return cbin(ast.Add, cv("c"), cv("d")) }
	prod := func() ast.Expr { return cbin(ast.Hadamard, ab(), cd()) }
	xy := func() ast.Expr { return cbin(ast.Add, cv("x"), cv("y")) }
	sq := func() ast.Expr { return cbin(ast.Hadamard, xy(), xy()) }
	wxb := func() ast.Expr { return cbin(ast.Add, cbin(ast.Mul, cv("W"), cv("x")), cv("b")) }
	scalarZ := func() ast.Expr { return cbin(ast.Add, cbin(ast.Mul, cv("α"), cv("ξ")), cv("η")) }
	weighted := func() ast.Expr { return cbin(ast.Sub, cbin(ast.Mul, ctr(cv("W")), cv("x")), cv("y")) }
	unweighted := func() ast.Expr {
		return cbin(ast.Sub, cv("y"), cbin(ast.Mul, cbin(ast.Add, cv("x"), cv("a")), cbin(ast.Mul, ctr(cv("x")), cv("y"))))
	}
	tests := []struct {
		name  string
		exprs []ast.Expr
		defs  []string
		outs  []string
	}{
		{
			// a + b occurs twice, but both times inside the shared product.
			name:  "inner occurrences count once",
			exprs: []ast.Expr{cbin(ast.Add, prod(), cv("x")), ctr(prod())},
			defs:  []string{"t = (a + b) ∘ (c + d)"},
			outs:  []string{"t + x", "tᵀ"},
		},
		{
			name:  "used twice by one expression",
			exprs: []ast.Expr{sq()},
			defs:  []string{"t = x + y"},
			outs:  []string{"t ∘ t"},
		},
		{
			name:  "used twice by a named one",
			exprs: []ast.Expr{cfn("sum", 0, sq()), sq()},
			defs:  []string{"t₁ = x + y", "t₂ = t₁ ∘ t₁"},
			outs:  []string{"sum(t₂)", "t₂"},
		},
		{
			name:  "transpose and negation name their operand",
			exprs: []ast.Expr{ast.Negate(wxb()), cbin(ast.Mul, ctr(wxb()), cv("v")), cbin(ast.Mul, ctr(wxb()), cv("w"))},
			defs:  []string{"z = Wx + b"},
			outs:  []string{"−z", "zᵀv", "zᵀw"},
		},
		{
			name: "softmax",
			exprs: []ast.Expr{
				cfn("log", 0, cfn("softmax", 0, cbin(ast.Mul, cv("W"), cv("x")))),
				cbin(ast.Sub, cfn("softmax", 0, cbin(ast.Mul, cv("W"), cv("x"))), cv("y")),
			},
			defs: []string{"p = softmax(Wx)"},
			outs: []string{"log(p)", "p − y"},
		},
		{
			name: "indicator signal",
			exprs: []ast.Expr{
				cbin(ast.Mul, ctr(cv("u")), cfn("relu", 0, wxb())),
				cbin(ast.Mul, cbin(ast.Hadamard, cv("u"), ast.Ind(ast.GT, wxb(), ast.Num(0))), ctr(cv("x"))),
				cbin(ast.Hadamard, cv("u"), ast.Ind(ast.GT, wxb(), ast.Num(0))),
			},
			defs: []string{"z = Wx + b", "δ = u ∘ [z > 0]"},
			outs: []string{"uᵀrelu(z)", "δxᵀ", "δ"},
		},
		{
			name: "pre-activation without bias",
			exprs: []ast.Expr{
				cbin(ast.Mul, ctr(cv("u")), cfn("tanh", 0, cbin(ast.Mul, cv("W"), cv("x")))),
				cbin(ast.Mul, cbin(ast.Hadamard, cv("u"), cfn("tanh", 1, cbin(ast.Mul, cv("W"), cv("x")))), ctr(cv("x"))),
				cbin(ast.Mul, ctr(cv("W")), cbin(ast.Hadamard, cv("u"), cfn("tanh", 1, cbin(ast.Mul, cv("W"), cv("x"))))),
			},
			defs: []string{"z = Wx", "δ = u ∘ tanh′(z)"},
			outs: []string{"uᵀtanh(z)", "δxᵀ", "Wᵀδ"},
		},
		{
			// Scalars: the signal is a product, not a Hadamard product.
			name: "scalar signal",
			exprs: []ast.Expr{
				cbin(ast.Mul, cv("μ"), cfn("tanh", 0, scalarZ())),
				cfn("tanh", 0, scalarZ()),
				cbin(ast.Mul, cbin(ast.Mul, cv("μ"), cfn("tanh", 1, scalarZ())), cv("ξ")),
				cbin(ast.Mul, cv("α"), cbin(ast.Mul, cv("μ"), cfn("tanh", 1, scalarZ()))),
				cbin(ast.Mul, cv("μ"), cfn("tanh", 1, scalarZ())),
			},
			defs: []string{"z = αξ + η", "h = tanh(z)", "δ = μ tanh′(z)"},
			outs: []string{"μh", "h", "δξ", "αδ", "δ"},
		},
		{
			name:  "affine: a weight on the left",
			exprs: []ast.Expr{weighted(), cbin(ast.Mul, cv("A"), weighted())},
			defs:  []string{"z = Wᵀx − y"},
			outs:  []string{"z", "Az"},
		},
		{
			name:  "not affine: no variable on the left",
			exprs: []ast.Expr{unweighted(), cbin(ast.Mul, cv("A"), unweighted())},
			defs:  []string{"t = y − (x + a)(xᵀy)"},
			outs:  []string{"t", "At"},
		},
		{
			name:  "function equal to its derivative",
			exprs: []ast.Expr{cfn("exp", 0, cbin(ast.Mul, cv("α"), cv("β"))), cfn("exp", 0, cbin(ast.Mul, cv("α"), cv("β")))},
			defs:  []string{"h = exp(αβ)"},
			outs:  []string{"h", "h"},
		},
		// No sharing: nothing is named and the trees come back unchanged.
		{
			name: "quadratic form",
			exprs: []ast.Expr{
				cbin(ast.Mul, cbin(ast.Mul, ctr(cv("x")), cv("A")), cv("x")),
				cbin(ast.Mul, cbin(ast.Add, cv("A"), ctr(cv("A"))), cv("x")),
			},
			outs: []string{"xᵀAx", "(A + Aᵀ)x"},
		},
		{
			name:  "only trivial repeats",
			exprs: []ast.Expr{cbin(ast.Mul, ctr(cv("x")), cv("x")), cbin(ast.Mul, ast.Num(2), cv("x")), ast.Negate(cv("x")), ast.Negate(cv("x")), ast.Eye(ast.Sym("n")), ast.Eye(ast.Sym("m"))},
			outs:  []string{"xᵀx", "2x", "−x", "−x", "I", "I"},
		},
		{
			name:  "empty",
			exprs: nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defs, out := simplify.Share(tt.exprs, nil)
			cseSameStrings(t, "defs", cseDefStrings(defs), tt.defs)
			cseSameStrings(t, "out", cseExprStrings(out), tt.outs)
			cseCheckExpands(t, tt.exprs, defs, out)
			if len(defs) == 0 {
				for i := range out {
					if out[i] != tt.exprs[i] {
						t.Errorf("out %d was rebuilt though nothing is shared", i)
					}
				}
			}
		})
	}
}

func TestShareKeepsAnnotationsOfLeaves(t *testing.T) {
	// I of different sizes is one class for ast.Equal; each place keeps its own.
	in, im := ast.Eye(ast.Sym("n")), ast.Eye(ast.Sym("m"))
	shared := func() ast.Expr { return cbin(ast.Add, cv("x"), cv("y")) }
	exprs := []ast.Expr{cbin(ast.Mul, in, shared()), cbin(ast.Sub, im, shared())}
	_, out := simplify.Share(exprs, nil)
	if out[0].(*ast.Binary).X != in || out[1].(*ast.Binary).X != im {
		t.Error("identity nodes were replaced")
	}
}

// genExpr draws a random tree over a small alphabet, so that repeats are
// common. With some probability it reuses an earlier subtree by pointer.
func genCSEExpr(t *rapid.T, depth int, pool *[]ast.Expr) ast.Expr {
	if len(*pool) > 0 && rapid.IntRange(0, 6).Draw(t, "reuse") == 0 {
		return (*pool)[rapid.IntRange(0, len(*pool)-1).Draw(t, "which")]
	}
	var e ast.Expr
	if depth == 0 || rapid.IntRange(0, 3).Draw(t, "leaf") == 0 {
		switch rapid.IntRange(0, 8).Draw(t, "leafKind") {
		case 0, 1:
			e = cv("x")
		case 2:
			e = cv("y")
		case 3:
			e = cv("W")
		case 4:
			e = &ast.Number{ValuePos: ast.NoPos, Value: 2, ValueEnd: ast.NoPos}
		case 5:
			// 0 and −0 are equal for ast.Equal, and so are NaNs.
			e = &ast.Number{ValuePos: ast.NoPos, Value: math.Copysign(0, float64(rapid.IntRange(-1, 1).Draw(t, "sign"))), ValueEnd: ast.NoPos}
		case 6:
			e = &ast.Number{ValuePos: ast.NoPos, Value: math.NaN(), ValueEnd: ast.NoPos}
		case 7:
			e = ast.Eye(ast.Size(rapid.IntRange(1, 3).Draw(t, "n")))
		default:
			e = ast.OnesOf(ast.Scalar)
		}
	} else {
		csub := func() ast.Expr { return genCSEExpr(t, depth-1, pool) }
		switch rapid.IntRange(0, 6).Draw(t, "kind") {
		case 0:
			e = ast.Negate(csub())
		case 1:
			e = ctr(csub())
		case 2, 3:
			ops := []ast.Op{ast.Add, ast.Sub, ast.Mul, ast.Div, ast.Hadamard, ast.ElemDiv, ast.Pow}
			e = cbin(rapid.SampledFrom(ops).Draw(t, "op"), csub(), csub())
		case 4:
			f := rapid.SampledFrom([]string{"tanh", "f", "softmax", "h"}).Draw(t, "fun")
			e = cfn(f, rapid.IntRange(0, 1).Draw(t, "primes"), csub())
		case 5:
			args := make([]ast.Expr, rapid.IntRange(2, 4).Draw(t, "arity"))
			for i := range args {
				args[i] = csub()
			}
			e = cfn(rapid.SampledFrom([]string{"max", "g"}).Draw(t, "fun2"), 0, args...)
		default:
			e = ast.Ind(rapid.SampledFrom([]ast.Op{ast.GE, ast.GT}).Draw(t, "cmp"), csub(), csub())
		}
	}
	*pool = append(*pool, e)
	return e
}

// isTrivialOutput reports whether e is a leaf under transposes and negations,
// the only kind of subtree that may repeat after Share.
func cseTrivialOutput(e ast.Expr) bool {
	for {
		switch x := e.(type) {
		case *ast.Transpose:
			e = x.X
		case *ast.Unary:
			e = x.X
		default:
			return len(ast.Children(e)) == 0
		}
	}
}

func TestShareProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var pool []ast.Expr
		exprs := make([]ast.Expr, rapid.IntRange(1, 4).Draw(t, "n"))
		for i := range exprs {
			exprs[i] = genCSEExpr(t, rapid.IntRange(0, 5).Draw(t, "depth"), &pool)
		}
		takenSet := map[string]bool{}
		for _, n := range rapid.SliceOf(rapid.SampledFrom([]string{"t", "t₁", "t₂", "z", "h", "δ", "τ", "a"})).Draw(t, "taken") {
			takenSet[n] = true
		}
		defs, out := simplify.Share(exprs, func(n string) bool { return takenSet[n] })

		// Expanding gives the inputs back.
		for i := range exprs {
			if got := simplify.Expand(defs, out[i]); !ast.Equal(got, exprs[i]) {
				t.Fatalf("expr %d: expands to %s, want %s", i, ast.String(got), ast.String(exprs[i]))
			}
		}

		// Names are fresh and distinct; definitions only use earlier ones;
		// each is used at least twice.
		vars := map[string]bool{}
		for _, e := range exprs {
			ast.Inspect(e, func(n ast.Expr) bool {
				switch n := n.(type) {
				case *ast.Ident:
					vars[n.Name] = true
				case *ast.Call:
					vars[n.Fun] = true
				}
				return true
			})
		}
		index := map[string]int{}
		for i, d := range defs {
			if takenSet[d.Name] || vars[d.Name] {
				t.Fatalf("def %s clashes with a taken name or variable", d.Name)
			}
			if _, dup := index[d.Name]; dup {
				t.Fatalf("def %s defined twice", d.Name)
			}
			index[d.Name] = i
		}
		uses := map[string]int{}
		countUses := func(e ast.Expr, before int) {
			ast.Inspect(e, func(n ast.Expr) bool {
				if id, ok := n.(*ast.Ident); ok {
					if j, ok := index[id.Name]; ok {
						if j >= before {
							t.Fatalf("%s used before its definition", id.Name)
						}
						uses[id.Name]++
					}
				}
				return true
			})
		}
		for i, d := range defs {
			if cseTrivialOutput(d.Expr) {
				t.Fatalf("def %s = %s names a trivial expression", d.Name, ast.String(d.Expr))
			}
			countUses(d.Expr, i)
		}
		for _, e := range out {
			countUses(e, len(defs))
		}
		for _, d := range defs {
			if uses[d.Name] < 2 {
				t.Fatalf("def %s used %d times", d.Name, uses[d.Name])
			}
		}

		// Sharing is complete: no non-trivial subtree is written twice.
		var subtrees []ast.Expr
		for _, d := range defs {
			ast.Inspect(d.Expr, func(n ast.Expr) bool { subtrees = append(subtrees, n); return true })
		}
		for _, e := range out {
			ast.Inspect(e, func(n ast.Expr) bool { subtrees = append(subtrees, n); return true })
		}
		for i := range subtrees {
			if cseTrivialOutput(subtrees[i]) || !simplify.Nameable(subtrees[i]) {
				continue
			}
			for j := i + 1; j < len(subtrees); j++ {
				if ast.Equal(subtrees[i], subtrees[j]) {
					t.Fatalf("%s is written twice", ast.String(subtrees[i]))
				}
			}
		}
	})
}

func ExampleShare() {
	z := func() ast.Expr { return ast.Bin(ast.Add, ast.Bin(ast.Mul, ast.Var("W"), ast.Var("x")), ast.Var("b")) }
	delta := func() ast.Expr { return ast.Bin(ast.Hadamard, ast.Var("u"), ast.Fn("f", 1, z())) }
	exprs := []ast.Expr{
		ast.Bin(ast.Mul, ast.T(ast.Var("u")), ast.Fn("f", 0, z())), // s = uᵀf(Wx + b)
		ast.Bin(ast.Mul, delta(), ast.T(ast.Var("x"))),             // ∂s/∂W
		delta(), // ∂s/∂b
		ast.Bin(ast.Mul, ast.T(ast.Var("W")), delta()), // ∂s/∂x
	}
	defs, out := simplify.Share(exprs, nil)
	for _, d := range defs {
		fmt.Println(d.Name, "=", ast.String(d.Expr))
	}
	for _, e := range out {
		fmt.Println(ast.String(e))
	}
	// Output:
	// z = Wx + b
	// δ = u ∘ f′(z)
	// uᵀf(z)
	// δxᵀ
	// δ
	// Wᵀδ
}

func BenchmarkShareChain(b *testing.B) {
	for _, layers := range []int{64, 128, 256, 512} {
		exprs := (&cseNet{layers: layers, act: "tanh", share: true}).exprs()
		nodes := map[ast.Expr]bool{}
		for _, e := range exprs {
			ast.Inspect(e, func(n ast.Expr) bool {
				if nodes[n] {
					return false
				}
				nodes[n] = true
				return true
			})
		}
		b.Run(fmt.Sprintf("layers=%d", layers), func(b *testing.B) {
			for b.Loop() {
				simplify.Share(exprs, nil)
			}
			b.ReportMetric(float64(len(nodes)), "nodes")
		})
	}
}

func TestShareNumbersAsEqualComparesThem(t *testing.T) {
	num := func(x float64) ast.Expr { return &ast.Number{ValuePos: ast.NoPos, Value: x, ValueEnd: ast.NoPos} }
	for _, pair := range [][2]float64{{0, math.Copysign(0, -1)}, {math.NaN(), math.NaN()}, {2, 2}} {
		exprs := []ast.Expr{cbin(ast.Add, cv("x"), num(pair[0])), cbin(ast.Add, cv("x"), num(pair[1]))}
		defs, out := simplify.Share(exprs, nil)
		if len(defs) != 1 {
			t.Errorf("x + %v and x + %v: %d defs, want 1", pair[0], pair[1], len(defs))
			continue
		}
		cseCheckExpands(t, exprs, defs, out)
	}
	exprs := []ast.Expr{cbin(ast.Add, cv("x"), num(1)), cbin(ast.Add, cv("x"), num(2))}
	if defs, _ := simplify.Share(exprs, nil); len(defs) != 0 {
		t.Errorf("x + 1 and x + 2 share %s", cseDefStrings(defs))
	}
}

// TestShareAllocationsGrowLinearly guards against quadratic work without
// timing anything: eight times the layers may cost at most about eight times
// the allocations (quadratic growth would be 64 times).
func TestShareAllocationsGrowLinearly(t *testing.T) {
	allocs := func(layers int) float64 {
		exprs := (&cseNet{layers: layers, act: "tanh", share: true}).exprs()
		return testing.AllocsPerRun(2, func() { simplify.Share(exprs, nil) })
	}
	small, large := allocs(64), allocs(512)
	if ratio := large / small; ratio > 12 {
		t.Errorf("Share allocates %.0f times at 64 layers and %.0f at 512: ratio %.1f, want about 8", small, large, ratio)
	}
}
