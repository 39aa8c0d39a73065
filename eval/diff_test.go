package eval

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/op"
	"gonum.org/v1/gonum/mat"
)

// Every first and second derivative of an elementwise built-in agrees with
// the central difference of the function (resp. of its first derivative).
// The argument is a vector, so the difference is a Jacobian: its diagonal
// must be f′ and everything else 0.
func TestPrimesAgainstCentralDiff(t *testing.T) {
	points := map[string][]float64{
		"exp":      {-2, -0.3, 0.1, 1.5, 3},
		"log":      {0.1, 0.5, 1, 2.5, 10},
		"sin":      {-3, -1, 0, 0.7, 2},
		"cos":      {-3, -1, 0, 0.7, 2},
		"tan":      {-1.2, -0.5, 0, 0.4, 1.3},
		"tanh":     {-4, -1, 0, 0.5, 2},
		"σ":        {-8, -1, 0, 0.5, 6},
		"relu":     {-2, -0.5, 0.3, 1, 4},
		"softplus": {-8, -1, 0, 0.5, 30},
		"sqrt":     {0.05, 0.5, 1, 4, 100},
		"abs":      {-3, -0.2, 0.1, 1, 5},
		"sign":     {-3, -0.2, 0.1, 1, 5},
	}
	for _, name := range ast.FuncNames() {
		b := ast.LookupFunc(name)
		if !b.Elementwise() || b.Arity() != 1 {
			continue
		}
		pts, ok := points[name]
		if !ok { // a new built-in: points on either side of 0, or positive ones
			pts = []float64{-2.5, -0.7, 0.3, 1.2, 3}
			if e, ok := op.Lookup(name).(*op.Elementwise); ok && e.Positive {
				pts = []float64{0.05, 0.5, 1, 4, 20}
			}
		}
		env := &Env{Vars: map[string]*mat.Dense{"x": vec(pts...)}}
		for p := 1; p <= 2; p++ {
			jac, err := CentralDiff(ast.Fn(name, p-1, x), env, "x")
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			prime := mustEval(t, ast.Fn(name, p, x), env)
			var want mat.Dense
			want.CloneFrom(fnDiag(prime))
			if e := RelErr(jac, &want); e > 1e-7 {
				t.Errorf("%s%s against the central difference of %s%s: rel err %.2g\n got  %s\n diff %s",
					name, primes(p), name, primes(p-1), e, Compact(prime), Compact(jac))
			}
		}
	}
}

func fnDiag(v *mat.Dense) *mat.Dense {
	r, _ := v.Dims()
	d := mat.NewDense(r, r, nil)
	for i := 0; i < r; i++ {
		d.Set(i, i, v.At(i, 0))
	}
	return d
}

// randEnv draws values with a fixed seed; square matrices get n·I added.
func randEnv(seed uint64, vars ...ast.VarInfo) *Env {
	vals, sizes := Random(vars, nil, rand.New(rand.NewPCG(seed, 1)), false)
	return &Env{Vars: vals, Sizes: sizes}
}

func vi(name string, r, c ast.Dim) ast.VarInfo {
	return ast.VarInfo{Name: name, Shape: ast.Shape{Rows: r, Cols: c}}
}

var (
	dn, dm = ast.Sym("n"), ast.Sym("m")
	one    = ast.One
)

// checkGrad compares CentralDiff(e, wrt) with the closed form computed by
// want from the values (with gonum directly, not through Eval).
func checkGrad(t *testing.T, name string, e ast.Expr, env *Env, wrt string, want *mat.Dense, tol float64) {
	t.Helper()
	got, err := CentralDiff(e, env, wrt)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if r := RelErr(got, want); r > tol {
		t.Errorf("%s: ∂/∂%s rel err %.3g\n got  %s\n want %s", name, wrt, r, Compact(got), Compact(want))
	} else {
		t.Logf("%s: ∂/∂%s rel err %.3g", name, wrt, r)
	}
}

func TestCentralDiffClosedForms(t *testing.T) {
	const tol = 1e-8
	for seed := uint64(1); seed <= 3; seed++ {
		env := randEnv(seed,
			vi("x", dn, one), vi("y", dn, one), vi("A", dn, dn), vi("W", dm, dn),
			vi("b", dm, one), vi("u", dm, one), vi("X", dn, dn), vi("α", one, one))
		v := env.Vars
		xv, Av, Wv, bv, uv, Xv := v["x"], v["A"], v["W"], v["b"], v["u"], v["X"]

		// xᵀAx → (A + Aᵀ)x.
		var sym, g mat.Dense
		sym.Add(Av, Av.T())
		g.Mul(&sym, xv)
		checkGrad(t, "xᵀAx", mul(mul(tr(x), A), x), env, "x", &g, tol)
		// xᵀAx → x xᵀ by A.
		var outer mat.Dense
		outer.Mul(xv, xv.T())
		checkGrad(t, "xᵀAx", mul(mul(tr(x), A), x), env, "A", &outer, tol)

		// s = uᵀtanh(Wx + b): δ = u ∘ tanh′(z), ∂s/∂W = δxᵀ, ∂s/∂b = δ,
		// ∂s/∂x = Wᵀδ.
		var zv mat.Dense
		zv.Mul(Wv, xv)
		zv.Add(&zv, bv)
		delta := mat.NewDense(zv.RawMatrix().Rows, 1, nil)
		for i := 0; i < delta.RawMatrix().Rows; i++ {
			th := math.Tanh(zv.At(i, 0))
			delta.Set(i, 0, uv.At(i, 0)*(1-th*th))
		}
		s := mul(tr(u), fn("tanh", add(mul(W, x), b)))
		var dW, dx mat.Dense
		dW.Mul(delta, xv.T())
		dx.Mul(Wv.T(), delta)
		checkGrad(t, "uᵀtanh(Wx+b)", s, env, "W", &dW, tol)
		checkGrad(t, "uᵀtanh(Wx+b)", s, env, "b", delta, tol)
		checkGrad(t, "uᵀtanh(Wx+b)", s, env, "x", &dx, tol)

		// Jacobian of Wx + b by x is W (m×n), by b is I.
		checkGrad(t, "Wx+b", add(mul(W, x), b), env, "x", Wv, tol)
		checkGrad(t, "Wx+b", add(mul(W, x), b), env, "b", eye(bv.RawMatrix().Rows), tol)
		// A row function by a vector: the Jacobian of xᵀA by x is Aᵀ, and
		// of (Wx)ᵀ by x is W.
		checkGrad(t, "xᵀA", mul(tr(x), A), env, "x", mat.DenseCopyOf(Av.T()), tol)
		checkGrad(t, "(Wx)ᵀ", tr(mul(W, x)), env, "x", Wv, tol)

		// logdet X → X⁻ᵀ; det X → det(X) X⁻ᵀ; tr(AX) → Aᵀ; ‖X‖² → 2X.
		var inv, invT mat.Dense
		if err := inv.Inverse(Xv); err != nil {
			t.Fatal(err)
		}
		invT.CloneFrom(inv.T())
		checkGrad(t, "logdet X", fn("logdet", X), env, "X", &invT, tol)
		var dDet mat.Dense
		dDet.Scale(mat.Det(Xv), &invT)
		checkGrad(t, "det X", fn("det", X), env, "X", &dDet, tol)
		checkGrad(t, "tr(AX)", fn("tr", mul(A, X)), env, "X", mat.DenseCopyOf(Av.T()), tol)
		var twoX mat.Dense
		twoX.Scale(2, Xv)
		checkGrad(t, "‖X‖²", pow(fn("norm", X), n(2)), env, "X", &twoX, tol)
		// ‖x‖ → x/‖x‖; logsumexp → softmax; sum → 𝟙.
		var unit mat.Dense
		unit.Scale(1/mat.Norm(xv, 2), xv)
		checkGrad(t, "‖x‖", fn("norm", x), env, "x", &unit, tol)
		checkGrad(t, "logsumexp x", fn("logsumexp", x), env, "x", softmax(xv), tol)
		ones := mat.NewDense(xv.RawMatrix().Rows, 1, nil)
		fill(ones, 1)
		checkGrad(t, "sum x", fn("sum", x), env, "x", ones, tol)

		// softmax Jacobian: diag(s) − s sᵀ.
		sm := softmax(xv)
		var jac mat.Dense
		jac.Mul(sm, sm.T())
		jac.Sub(fnDiag(sm), &jac)
		checkGrad(t, "softmax x", fn("softmax", x), env, "x", &jac, tol)

		// X⁻¹ by a scalar: ∂(αX)⁻¹/∂α = −α⁻² X⁻¹ (matrix by scalar).
		a := v["α"].At(0, 0)
		if math.Abs(a) > 0.2 {
			var d mat.Dense
			d.Scale(-1/(a*a), &inv)
			checkGrad(t, "(αX)⁻¹", fn("inv", mul(alpha, X)), env, "α", &d, 1e-7)
		}
		// x α by α is x (vector by scalar).
		checkGrad(t, "xα", mul(x, alpha), env, "α", xv, tol)
	}
}

// The symmetric gradient is the symmetric part of the unconstrained one.
func TestCentralDiffSymmetric(t *testing.T) {
	vars := []ast.VarInfo{vi("A", dn, dn), {Name: "S", Shape: ast.Matrix(dn, dn), Symmetric: true}}
	vals, sizes := Random(vars, nil, rand.New(rand.NewPCG(7, 7)), false)
	env := &Env{Vars: vals, Sizes: sizes}
	g, err := CentralDiff(fn("tr", mul(A, S)), env, "S")
	if err != nil {
		t.Fatal(err)
	}
	var want mat.Dense
	want.Add(vals["A"], vals["A"].T())
	want.Scale(0.5, &want)
	if r := RelErr(SymmetricPart(g), &want); r > 1e-9 {
		t.Errorf("symmetric gradient of tr(AS): rel err %g", r)
	}
}

func TestCentralDiff2(t *testing.T) {
	env := randEnv(3, vi("x", dn, one), vi("A", dn, dn))
	xv, Av := env.Vars["x"], env.Vars["A"]
	var want mat.Dense
	want.Add(Av, Av.T())
	h, err := CentralDiff2(mul(mul(tr(x), A), x), env, "x")
	if err != nil {
		t.Fatal(err)
	}
	if r := RelErr(h, &want); r > 1e-6 {
		t.Errorf("Hessian of xᵀAx: rel err %g\n got  %s\n want %s", r, Compact(h), Compact(&want))
	}
	// Hessian of logsumexp: diag(s) − s sᵀ.
	sm := softmax(xv)
	var hl mat.Dense
	hl.Mul(sm, sm.T())
	hl.Sub(fnDiag(sm), &hl)
	h, err = CentralDiff2(fn("logsumexp", x), env, "x")
	if err != nil {
		t.Fatal(err)
	}
	if r := RelErr(h, &hl); r > 1e-6 {
		t.Errorf("Hessian of logsumexp: rel err %g", r)
	}
	// A scalar variable: d²/dα² exp(2α) = 4exp(2α).
	env.Vars["α"] = num(0.3)
	h, err = CentralDiff2(fn("exp", mul(n(2), alpha)), env, "α")
	if err != nil {
		t.Fatal(err)
	}
	if r := RelErr(h, num(4*math.Exp(0.6))); r > 1e-6 {
		t.Errorf("d²exp(2α)/dα²: rel err %g", r)
	}
}

func TestCentralDiffErrors(t *testing.T) {
	env := testEnv()
	tests := []struct {
		do   func() error
		want string
	}{
		{func() error { _, err := CentralDiff(x, env, "q"); return err }, "no value for q"},
		{func() error { _, err := CentralDiff(mul(W, b), env, "b"); return err },
			"cannot multiply W (2×3) by b (2): inner dimensions 3 and 2 differ"},
		{func() error { _, err := CentralDiff2(x, env, "x"); return err }, "a Hessian needs a scalar function, not a 3 value"},
		{func() error { _, err := CentralDiff2(fn("sum", A), env, "A"); return err },
			"the second derivative by A (2×2) is a 4th-order tensor: Hessians are by scalars and vectors"},
	}
	for _, tt := range tests {
		err := tt.do()
		if err == nil || err.Error() != tt.want {
			t.Errorf("got %v\nwant %s", err, tt.want)
		}
	}
}

// The step trades truncation (∝ h²) against rounding (∝ 1/h): at the
// chosen step the error is near ε^⅔ and 10× smaller or larger steps do
// worse, on functions of unit scale whose derivatives are known.
func TestCentralDiffStepIsNearOptimal(t *testing.T) {
	// |x| ≤ 1, where the step is not scaled by |x|.
	xs := []float64{-1, -0.7, -0.4, -0.2, 0.1, 0.3, 0.6, 0.9, 1}
	env := &Env{Vars: map[string]*mat.Dense{}}
	cases := []struct {
		f     string
		prime func(float64) float64
	}{
		{"sin", math.Cos},
		{"exp", math.Exp},
		{"tanh", func(v float64) float64 { t := math.Tanh(v); return 1 - t*t }},
		{"σ", func(v float64) float64 { s := 1 / (1 + math.Exp(-v)); return s * (1 - s) }},
	}
	chosen := diffStep
	defer func() { diffStep = chosen }()
	errAt := func(h float64) float64 {
		diffStep = h
		worst := 0.0
		for _, c := range cases {
			for _, v := range xs {
				env.Vars["v"] = num(v)
				g, err := CentralDiff(ast.Fn(c.f, 0, ast.Var("v")), env, "v")
				if err != nil {
					t.Fatal(err)
				}
				worst = math.Max(worst, math.Abs(g.At(0, 0)-c.prime(v)))
			}
		}
		return worst
	}
	at, smaller, larger := errAt(chosen), errAt(chosen/10), errAt(chosen*10)
	t.Logf("max abs error: h=%.2g: %.2g, h/10: %.2g, 10h: %.2g", chosen, at, smaller, larger)
	if at > 3e-10 || at > smaller || at > larger {
		t.Errorf("step %.2g is not near optimal: error %.2g, with h/10 %.2g, with 10h %.2g", chosen, at, smaller, larger)
	}
}

func TestRelErr(t *testing.T) {
	for _, tt := range []struct {
		got, want *mat.Dense
		r         float64
	}{
		{vec(1, 2), vec(1, 2), 0},
		{vec(1, 2.5), vec(1, 2), 0.25},        // scale max|want| = 2
		{vec(0.1, 0.2), vec(0.1, 0.25), 0.05}, // scale 1 for small values
		{vec(1, 2), row(1, 2), math.Inf(1)},
		{vec(1, math.NaN()), vec(1, 2), math.Inf(1)},
		{vec(1, 2), vec(math.NaN(), 2), math.Inf(1)},
		{num(math.Inf(1)), num(math.Inf(1)), 0},
		{num(1), num(math.Inf(1)), math.Inf(1)},
	} {
		if got := RelErr(tt.got, tt.want); math.Abs(got-tt.r) > 1e-15 && got != tt.r {
			t.Errorf("RelErr(%s, %s) = %v, want %v", Compact(tt.got), Compact(tt.want), got, tt.r)
		}
	}
}
