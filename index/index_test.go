package index

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/eval"
	"github.com/matcalc/matcalc/parser"
	"gonum.org/v1/gonum/mat"
)

func random(rng *rand.Rand, r, c int) *mat.Dense {
	m := mat.NewDense(r, c, nil)
	for i := range r {
		for j := range c {
			m.Set(i, j, rng.Float64()*2-1)
		}
	}
	return m
}

// tensorOf evaluates the differential dF (a formula in the direction dir)
// entry by entry, as the tensor derivative that the views stand for.
func tensorOf(t *testing.T, dF string, env *eval.Env, dir, wrt string) *mat.Dense {
	t.Helper()
	x := env.Vars[wrt]
	r, c := x.Dims()
	e, err := (&parser.Config{Decls: []ast.Decl{{Names: []string{dir}, Kind: ast.DeclMatrix, Dims: []ast.Dim{ast.Size(r), ast.Size(c)}}}}).ParseExpr(dF)
	if err != nil {
		t.Fatalf("%s: %v", dF, err)
	}
	// The function's shape: dF at a zero direction.
	vars := map[string]*mat.Dense{dir: mat.NewDense(r, c, nil)}
	for k, v := range env.Vars {
		vars[k] = v
	}
	f0, err := eval.Eval(e, &eval.Env{Vars: vars})
	if err != nil {
		t.Fatalf("%s: %v", dF, err)
	}
	fr, fc := f0.Dims()
	tensor, err := eval.Differential(e, env, dir, wrt, ast.Matrix(ast.Size(fr), ast.Size(fc)))
	if err != nil {
		t.Fatalf("%s: %v", dF, err)
	}
	return tensor
}

// TestEval: index views of known derivatives, each evaluated entry by
// entry and compared with the tensor of its differential; Einstein sums
// and a view with a scalar in front too.
func TestEval(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	env := &eval.Env{Vars: map[string]*mat.Dense{
		"A": random(rng, 2, 3), "B": random(rng, 4, 5), "X": random(rng, 3, 4),
		"S": random(rng, 3, 3), "C": random(rng, 3, 3),
		"W": random(rng, 2, 3), "x": random(rng, 3, 1), "b": random(rng, 2, 1), "y": random(rng, 4, 1),
		"α": random(rng, 1, 1),
	}}
	// S must be invertible: add 3I.
	for i := range 3 {
		env.Vars["S"].Set(i, i, env.Vars["S"].At(i, i)+3)
	}
	cases := []struct {
		view, dF, dir, wrt string
	}{
		{"∂sᵢⱼ/∂Xₖₗ = AᵢₖBₗⱼ", "A dX B", "dX", "X"},
		{"∂sᵢⱼ/∂Sₖₗ = −(S⁻¹)ᵢₖ(S⁻¹)ₗⱼ", "−S⁻¹dS S⁻¹", "dS", "S"},
		{"∂sᵢⱼ/∂Xₖₗ = δᵢₗXₖⱼ + (Xᵀ)ᵢₖδₗⱼ", "dXᵀX + XᵀdX", "dX", "X"},
		{"∂sᵢ/∂Wₖₗ = (σ′(Wx + b))ᵢδᵢₖxₗ", "σ′(Wx + b) ∘ dW x", "dW", "W"},
		{"∂sᵢⱼ/∂Xₖₗ = (exp(X))ᵢⱼδᵢₖδₗⱼ", "exp(X) ∘ dX", "dX", "X"},
		{"∂sᵢⱼ/∂Xₖₗ = δᵢₗδₖⱼ", "dXᵀ", "dX", "X"},
		{"∂sᵢⱼ/∂xₖ = δᵢₖ(yᵀ)ⱼ", "dx yᵀ", "dx", "x"},
		{"∂sᵢⱼ/∂yₖ = xᵢδₖⱼ", "x dyᵀ", "dy", "y"},
		// Einstein: (SC)ᵢₖ = SᵢₘCₘₖ, and a trace-like repeat.
		{"∂sᵢⱼ/∂Xₖₗ = SᵢₘCₘₖδₗⱼ", "S C dX", "dX", "X"},
		{"∂sᵢⱼ/∂Xₖₗ = 2αSᵢₘCₘₙSₙₖδₗⱼ − Sᵢₖδₗⱼ", "2α S C S dX − S dX", "dX", "X"},
	}
	for _, c := range cases {
		f, err := Parse(c.view, nil)
		if err != nil {
			t.Errorf("%s\n%s", c.view, ast.FormatError(c.view, err))
			continue
		}
		got, err := f.Eval(env)
		if err != nil {
			t.Errorf("%s: %v", c.view, err)
			continue
		}
		want := tensorOf(t, c.dF, env, c.dir, c.wrt)
		if gr, gc := got.Dims(); gr != want.RawMatrix().Rows || gc != want.RawMatrix().Cols {
			t.Errorf("%s is %d×%d, d = %s %d×%d", c.view, gr, gc, c.dF, want.RawMatrix().Rows, want.RawMatrix().Cols)
			continue
		}
		if e := eval.RelErr(got, want); !(e <= 1e-12) {
			t.Errorf("%s differs from d = %s (rel. error %.2g)\n got %v\nwant %v", c.view, c.dF, e, mat.Formatted(got), mat.Formatted(want))
		}
	}
}

// TestEvalScalarFunction: a view with no function index, the gradient
// ∂s/∂Xₖₗ = TₖₘXₘₗ of s = tr(XᵀTX)/2 for a symmetric T, against central
// differences.
func TestEvalScalarFunction(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	env := &eval.Env{Vars: map[string]*mat.Dense{"S": random(rng, 3, 3), "X": random(rng, 3, 2), "T": random(rng, 3, 3)}}
	// s = tr(XᵀTX)/2 with T = SSᵀ: ∂s/∂Xₖₗ = (TX)ₖₗ = TₖₘXₘₗ (T symmetric).
	var T mat.Dense
	T.Mul(env.Vars["S"], env.Vars["S"].T())
	env.Vars["T"] = &T
	f, err := Parse("∂s/∂Xₖₗ = TₖₘXₘₗ", nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.Eval(env)
	if err != nil {
		t.Fatal(err)
	}
	e, err := parser.ParseExpr("tr(XᵀTX)/2")
	if err != nil {
		t.Fatal(err)
	}
	fd, err := eval.CentralDiff(e, env, "X")
	if err != nil {
		t.Fatal(err)
	}
	// CentralDiff gives the gradient in X's shape; the view a 1×6 row.
	flat := mat.NewDense(1, 6, fd.RawMatrix().Data)
	if e := eval.RelErr(got, flat); !(e <= 1e-6) {
		t.Errorf("∂s/∂Xₖₗ = TₖₘXₘₗ gives %v, central differences %v", mat.Formatted(got), mat.Formatted(flat))
	}
}

// TestCorrupted: a view with its subscripts swapped is not the tensor:
// it gives other values when the ranges agree, and an error when not.
func TestCorrupted(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	env := &eval.Env{Vars: map[string]*mat.Dense{
		"A": random(rng, 3, 3), "B": random(rng, 3, 3), "X": random(rng, 3, 3), "P": random(rng, 2, 3),
	}}
	want := tensorOf(t, "A dX B", env, "dX", "X")
	for _, view := range []string{"∂sᵢⱼ/∂Xₖₗ = AᵢₗBₖⱼ", "∂sᵢⱼ/∂Xₖₗ = AₖᵢBₗⱼ", "∂sᵢⱼ/∂Xₖₗ = BᵢₖAₗⱼ", "∂sⱼᵢ/∂Xₖₗ = AᵢₖBₗⱼ", "∂sᵢⱼ/∂Xₗₖ = AᵢₖBₗⱼ"} {
		f, err := Parse(view, nil)
		if err != nil {
			t.Fatalf("%s: %v", view, err)
		}
		got, err := f.Eval(env)
		if err != nil {
			t.Fatalf("%s: %v", view, err)
		}
		if e := eval.RelErr(got, want); e <= 1e-6 {
			t.Errorf("%s gives the tensor of A dX B (rel. error %.2g)", view, e)
		}
	}
	// P is 2×3: k cannot range over both P's rows and X's.
	f, err := Parse("∂sᵢⱼ/∂Xₖₗ = PₖᵢBₗⱼ", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Eval(env); err == nil || !strings.Contains(err.Error(), "ranges over") {
		t.Errorf("PₖᵢBₗⱼ with P 2×3 and X 3×3: error %v, want one about the ranges", err)
	}
}

// TestErrors: bad views give an error at the right place, with a message
// that says what is wrong.
func TestErrors(t *testing.T) {
	cases := []struct {
		src, at, msg string // at: the text the caret points to
	}{
		{"sᵢⱼ/∂Xₖₗ = AᵢₖBₗⱼ", "sᵢⱼ", "expected ∂"},
		{"∂sᵢⱼ∂Xₖₗ = AᵢₖBₗⱼ", "∂Xₖₗ", "expected /"},
		{"∂sᵢⱼ/∂Xₖₗ AᵢₖBₗⱼ", "AᵢₖBₗⱼ", "expected ="},
		{"∂sᵢᵢ/∂Xₖₗ = AᵢₖBₗᵢ", "ᵢᵢ", "repeats the index ᵢ"},
		{"∂sᵢⱼ/∂Xᵢₗ = AᵢₖBₗⱼ", "ᵢₗ", "both a function and a variable index"},
		{"∂sᵢⱼ/∂Xₖₗ = ", "", "expected a term, found the end"},
		{"∂sᵢⱼ/∂Xₖₗ = AᵢₖBₗⱼ +", "+", "a sign with no term"},
		{"∂sᵢⱼ/∂Xₖₗ = −−AᵢₖBₗⱼ", "−AᵢₖBₗⱼ", "two signs in a row"},
		{"∂sᵢⱼ/∂Xₖₗ = (AᵢₖBₗⱼ", "ᵢₖBₗⱼ", "inside brackets"},
		{"∂sᵢⱼ/∂Xₖₗ = (A + B", "(A + B", "unclosed ("},
		{"∂sᵢⱼ/∂Xₖₗ = A)ᵢₖ", ")ᵢₖ", "unmatched )"},
		{"∂sᵢⱼ/∂Xₖₗ = Aᵢₖ ₗⱼ", "ₗⱼ", "follow no factor"},
		{"∂sᵢⱼ/∂Xₖₗ = Aᵢₖₗ", "ᵢₖₗ", "a factor takes one or two"},
		{"∂sᵢⱼ/∂Xₖₗ = Aᵀᵢₖδₗⱼ", "ᵀᵢₖ", "write (Aᵀ)ᵢₖ"},
		{"∂sᵢⱼ/∂Xₖₗ = f(X)ᵢₖδₗⱼ", "(X)", "bracket the whole factor"},
		{"∂sᵢⱼ/∂Xₖₗ = 2 ∘ Aᵢₖδₗⱼ", "Aᵢₖδₗⱼ", "must follow a name"},
		{"∂sᵢⱼ/∂Xₖₗ = (A +* B)ᵢₖδₗⱼ", "* B", "expected"},
	}
	for _, c := range cases {
		_, err := Parse(c.src, nil)
		if err == nil {
			t.Errorf("%s: no error", c.src)
			continue
		}
		e, ok := err.(*ast.Error)
		if !ok {
			t.Errorf("%s: error %v is not positioned", c.src, err)
			continue
		}
		if !strings.Contains(e.Msg, c.msg) {
			t.Errorf("%s: error %q does not say %q", c.src, e.Msg, c.msg)
		}
		want := strings.LastIndex(c.src, c.at)
		if c.at == "" {
			want = len(c.src)
		}
		if int(e.Pos) != want {
			t.Errorf("%s: error at %d, want %d (%q)\n%s", c.src, e.Pos, want, c.at, ast.FormatError(c.src, err))
		}
	}
}

// TestEvalErrors: views that parse but do not say which entries they
// mean.
func TestEvalErrors(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	env := &eval.Env{Vars: map[string]*mat.Dense{"A": random(rng, 3, 3), "X": random(rng, 3, 3), "x": random(rng, 3, 1)}}
	cases := []struct{ src, msg string }{
		{"∂sᵢⱼ/∂Xₖₗ = Aᵢₖ", "no index ⱼ"},
		{"∂sᵢⱼ/∂Xₖₗ = AᵢₖAₗⱼAₘₙ", "appears once"},
		{"∂sᵢⱼ/∂Xₖₗ = AᵢₖAₗⱼδₘₙδₙₘ", "range of the index ₘ is unknown"},
		{"∂sᵢⱼ/∂Xₖₗ = AᵢₖAₗⱼx", "no index but is 3×1"},
		{"∂sᵢⱼ/∂Xₖₗ = AᵢₖAₗⱼAₘ", "one index but is 3×3"},
		{"∂sᵢⱼ/∂Yₖₗ = AᵢₖAₗⱼ", "no value for Y"},
		{"∂sᵢⱼ/∂xₖₗ = AᵢₖAₗⱼ", "ranges over"},
		{"∂sᵢⱼ/∂Xₖₗ = AᵢₖZₗⱼ", "Z"},
	}
	for _, c := range cases {
		f, err := Parse(c.src, nil)
		if err != nil {
			t.Errorf("%s: %v", c.src, err)
			continue
		}
		if _, err := f.Eval(env); err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: error %v, want one that says %q", c.src, err, c.msg)
		}
	}
}

// TestString: the views matcalc prints come back from Parse as they were.
func TestString(t *testing.T) {
	for _, s := range []string{
		"∂sᵢⱼ/∂Xₖₗ = AᵢₖBₗⱼ",
		"∂sᵢⱼ/∂Xₖₗ = −(X⁻¹)ᵢₖ(X⁻¹)ₗⱼ",
		"∂(∂s/∂U)ᵢⱼ/∂Vₖₗ = 2UᵢₗVₖⱼ − 2(T − UVᵀ)ᵢₖδₗⱼ",
		"∂sᵢ/∂W₁ₖₗ = t₁ᵢδᵢₖxₗ",
		"∂sᵢⱼ/∂xₖ = (tanh′(xyᵀ))ᵢⱼδᵢₖ(yᵀ)ⱼ",
		"∂sᵢⱼ/∂Xₖₗ = Xᵢⱼδᵢₖδₗⱼ + Xᵢⱼδᵢₖδₗⱼ",
		"∂sᵢⱼ/∂Xₖₗ = (xᵀy)AᵢₖBₗⱼ + (‖x − y‖)δᵢₖδₗⱼ",
	} {
		f, err := Parse(s, nil)
		if err != nil {
			t.Errorf("%s\n%s", s, ast.FormatError(s, err))
			continue
		}
		if got := f.String(); got != s {
			t.Errorf("%s prints back as %s", s, got)
		}
	}
}

func ExampleParse() {
	f, err := Parse("∂sᵢⱼ/∂Xₖₗ = AᵢₖBₗⱼ", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	env := &eval.Env{Vars: map[string]*mat.Dense{
		"A": mat.NewDense(1, 2, []float64{1, 2}),
		"B": mat.NewDense(1, 1, []float64{10}),
		"X": mat.NewDense(2, 1, nil),
	}}
	t, err := f.Eval(env) // s = AXB is 1×1: one row; X is 2×1: two columns
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(f.Var, f.FuncIdx, f.VarIdx, len(f.Terms[0].Factors))
	fmt.Println(mat.Formatted(t))
	// Output:
	// X [i j] [k l] 2
	// [10  20]
}
