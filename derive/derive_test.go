package derive_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/check"
	"github.com/matcalc/matcalc/derive"
	"github.com/matcalc/matcalc/eval"
	"github.com/matcalc/matcalc/parser"
	"gonum.org/v1/gonum/mat"
)

// funcs binds the generic functions of the test formulas to built-ins, so
// that they can be evaluated.
var funcs = map[string]string{"f": "tanh", "g": "sin", "h": "σ", "φ": "softplus", "ψ": "exp"}

type setup struct {
	expr ast.Expr
	info *ast.Info
	res  *derive.Result
}

func prepare(t *testing.T, src, lets string, opts derive.Options) *setup {
	t.Helper()
	var decls []ast.Decl
	if lets != "" {
		var err error
		if decls, err = parser.ParseDecls(lets); err != nil {
			t.Fatalf("%s: decls: %v", lets, err)
		}
	}
	e, err := (&parser.Config{Decls: decls}).ParseExpr(src)
	if err != nil {
		t.Fatalf("%s: %v", src, ast.FormatError(src, err))
	}
	info, err := ast.Infer(e, decls, nil)
	if err != nil {
		t.Fatalf("%s: %v", src, ast.FormatError(src, err))
	}
	res, err := derive.Derive(e, info, opts)
	if err != nil {
		t.Fatalf("%s: derive: %v", src, err)
	}
	return &setup{e, info, res}
}

// point returns random values for the variables, positive ones when the
// formula has logs or square roots.
func (s *setup) point(seed uint64, positive bool) *eval.Env {
	rng := rand.New(rand.NewPCG(seed, 7))
	vals, sizes := eval.Random(s.info.Vars, nil, rng, positive)
	return &eval.Env{Vars: vals, Funcs: funcs, Sizes: sizes}
}

// value evaluates a derivative (with the shared definitions inlined) in the
// shape derive reports; a 0 is a zero of that shape.
func value(t *testing.T, r *derive.Result, d derive.Deriv, env *eval.Env) *mat.Dense {
	t.Helper()
	if z, ok := d.Expr.(*ast.Number); ok && z.Value == 0 {
		return mat.NewDense(size(d.Shape.Rows, env), size(d.Shape.Cols, env), nil)
	}
	v, err := eval.EvalAs(r.Expand(d.Expr), env, d.Shape)
	if err != nil {
		t.Fatalf("∂/∂%s = %s: %v", d.Wrt, ast.String(d.Expr), err)
	}
	if r, c := v.Dims(); r == 1 && c == 1 && v.At(0, 0) == 0 {
		rows, cols := size(d.Shape.Rows, env), size(d.Shape.Cols, env)
		return mat.NewDense(rows, cols, nil)
	}
	return v
}

func size(d ast.Dim, env *eval.Env) int {
	if d.N > 0 {
		return d.N
	}
	return env.Sizes[d.Name]
}

// checkFD compares every derivative of the result with central finite
// differences of the function.
func checkFD(t *testing.T, s *setup, env *eval.Env) {
	t.Helper()
	for _, d := range s.res.Derivs {
		got := value(t, s.res, d, env)
		var want *mat.Dense
		var err error
		if d.Order == 2 {
			// The Hessian is the Jacobian of the gradient (itself checked
			// against finite differences at order 1).
			g := prepareGradient(t, s, d.Wrt)
			want, err = eval.CentralDiff(g, env, d.By())
		} else {
			want, err = eval.CentralDiff(s.expr, env, d.Wrt)
		}
		if err != nil {
			t.Fatalf("finite differences of %s by %s: %v", ast.String(s.expr), d.Wrt, err)
		}
		if v := s.info.Var(d.Wrt); v != nil && v.Symmetric {
			// The gradient by a symmetric matrix is the symmetric part of
			// the unconstrained one (docs/conventions.md).
			want = eval.SymmetricPart(want)
		}
		if e := eval.RelErr(got, want); e > 1e-6 || math.IsNaN(e) {
			t.Errorf("%s: ∂/∂%s = %s\n got %v\nwant %v (rel. error %.2g)", ast.String(s.expr), d.Wrt,
				ast.String(d.Expr), mat.Formatted(got, mat.Squeeze()), mat.Formatted(want, mat.Squeeze()), e)
		}
	}
}

func prepareGradient(t *testing.T, s *setup, wrt string) ast.Expr {
	t.Helper()
	r, err := derive.Derive(s.expr, s.info, derive.Options{Wrt: []string{wrt}, NoShare: true})
	if err != nil {
		t.Fatal(err)
	}
	return r.Derivs[0].Expr
}

// TestClosedForms checks the derivatives of the Matrix Cookbook and the
// lecture against their known closed forms and finite differences.
func TestCookbookClosedForms(t *testing.T) {
	cases := []struct {
		src, lets string
		wrt       string
		order     int
		closed    string // the known closed form
		positive  bool
	}{
		{src: "xᵀAx", wrt: "x", closed: "(A+Aᵀ)x"},
		{src: "xᵀAx", wrt: "x", order: 2, closed: "A+Aᵀ"},
		{src: "xᵀAx", wrt: "A", closed: "xxᵀ"},
		{src: "tr(AXB)", wrt: "X", closed: "AᵀBᵀ"},
		{src: "logdet(X)", wrt: "X", closed: "inv(X)ᵀ"},
		{src: "det(X)", wrt: "X", closed: "det(X) inv(X)ᵀ"},
		{src: "tr(inv(X))", wrt: "X", closed: "-(inv(X)inv(X))ᵀ"},
		{src: "‖Ax−b‖²", wrt: "x", closed: "2Aᵀ(Ax−b)"},
		{src: "‖Ax−b‖² + λ‖x‖²", wrt: "x", closed: "2Aᵀ(Ax−b) + 2λx"},
		{src: "‖Xw − y‖² + λ‖w‖²", wrt: "w", order: 2, closed: "2XᵀX + 2λI"},
		{src: "softmax(θ)", wrt: "θ", closed: "diag(softmax(θ)) − softmax(θ)softmax(θ)ᵀ"},
		{src: "-yᵀlog(softmax(θ))", wrt: "θ", closed: "softmax(θ)sum(y) − y"},
		{src: "-yᵀlog(softmax(Wx))", wrt: "W", closed: "(softmax(Wx)sum(y) − y)xᵀ"},
		{src: "logsumexp(x)", wrt: "x", closed: "softmax(x)"},
		{src: "-(yᵀlog(σ(Xw)) + (1−y)ᵀlog(1−σ(Xw)))", wrt: "w", closed: "Xᵀ(σ(Xw) − y)"},
		{src: "-(yᵀlog(σ(Xw)) + (1−y)ᵀlog(1−σ(Xw)))", wrt: "w", order: 2, closed: "Xᵀdiag(σ(Xw)∘(1−σ(Xw)))X"},
		{src: "uᵀf(Wx+b)", wrt: "W", closed: "(u∘f′(Wx+b))xᵀ"},
		{src: "uᵀf(Wx+b)", wrt: "x", closed: "Wᵀ(u∘f′(Wx+b))"},
		{src: "sum(x)", wrt: "x", closed: "𝟙"},
		{src: "‖x‖", wrt: "x", closed: "x/‖x‖"},
		{src: "aᵀXb", wrt: "X", closed: "abᵀ"},
		{src: "aᵀXᵀb", wrt: "X", closed: "baᵀ"},
		{src: "tr(XᵀX)", wrt: "X", closed: "2X"},
		{src: "(x+y)*max(y,z)", wrt: "y", closed: "max(y,z) + (x+y)[y ≥ z]"},
		{src: "x^3", wrt: "x", closed: "3x²"},
		{src: "tanh(x)", wrt: "x", closed: "diag(1 − tanh(x).^2)"},
		{src: "Wx", wrt: "x", closed: "W"},
		{src: "sum(exp(X))", wrt: "X", closed: "exp(X)"},
		{src: "wᵀr + rᵀw", wrt: "w", closed: "2r"},
	}
	for _, c := range cases {
		t.Run(c.src+"/"+c.wrt, func(t *testing.T) {
			s := prepare(t, c.src, c.lets, derive.Options{Wrt: []string{c.wrt}, Order: c.order})
			closed, err := parser.ParseExpr(c.closed)
			if err != nil {
				t.Fatalf("closed form %s: %v", c.closed, err)
			}
			for seed := uint64(1); seed <= 3; seed++ {
				env := s.point(seed, c.positive)
				d := s.res.Derivs[0]
				got := value(t, s.res, d, env)
				want, err := eval.EvalAs(closed, env, d.Shape)
				if err != nil {
					t.Fatalf("closed form %s: %v", c.closed, err)
				}
				if e := eval.RelErr(got, want); e > 1e-9 || math.IsNaN(e) {
					t.Errorf("∂/∂%s = %s, closed form %s: rel. error %.2g", c.wrt, ast.String(s.res.Expand(d.Expr)), c.closed, e)
				}
				checkFD(t, s, env)
			}
		})
	}
}

// TestLecture checks the printed form of the lecture's example, which the
// notes write as z = Wx + b, δ = u ∘ f′(z), ∂s/∂W = δxᵀ, ∂s/∂b = δ,
// ∂s/∂x = Wᵀδ, ∂s/∂u = f(z).
func TestLecture(t *testing.T) {
	s := prepare(t, "uᵀf(Wx+b)", "", derive.Options{})
	var defs []string
	for _, d := range s.res.Defs {
		defs = append(defs, d.Name+" = "+ast.String(d.Expr))
	}
	if got, want := strings.Join(defs, "; "), "z = Wx + b; δ = u ∘ f′(z)"; got != want {
		t.Errorf("definitions: got %q, want %q", got, want)
	}
	want := map[string]string{"W": "δxᵀ", "b": "δ", "x": "Wᵀδ", "u": "f(z)"}
	for _, d := range s.res.Derivs {
		if got := ast.String(d.Expr); got != want[d.Wrt] {
			t.Errorf("∂s/∂%s = %s, want %s", d.Wrt, got, want[d.Wrt])
		}
		if d.Kind != derive.Gradient {
			t.Errorf("∂s/∂%s is a %s, want a gradient", d.Wrt, d.Kind)
		}
	}
	checkFD(t, s, s.point(1, false))
}

// TestNoDiagLeft checks that gradients with a Hadamard form print none of
// diag(·).
func TestNoDiagLeft(t *testing.T) {
	for _, src := range []string{
		"uᵀf(Wx+b)",
		"uᵀtanh(W₂tanh(W₁x+b₁)+b₂)",
		"-yᵀlog(softmax(U relu(Wx+b₁)+b₂))",
		"sum(σ(x) ∘ exp(y))",
		"‖relu(Ax) − b‖²",
	} {
		s := prepare(t, src, "", derive.Options{})
		for _, d := range append([]derive.Def{}, s.res.Defs...) {
			if strings.Contains(ast.String(d.Expr), "diag") {
				t.Errorf("%s: definition %s = %s has a diag", src, d.Name, ast.String(d.Expr))
			}
		}
		for _, d := range s.res.Derivs {
			if strings.Contains(ast.String(d.Expr), "diag") {
				t.Errorf("%s: ∂/∂%s = %s has a diag", src, d.Wrt, ast.String(d.Expr))
			}
		}
		checkFD(t, s, s.point(2, false))
	}
}

// TestEveryRule differentiates one formula per construct of docs/notation.md by
// every variable and compares with finite differences.
func TestEveryRule(t *testing.T) {
	cases := []struct {
		src, lets string
		order     int
		positive  bool
		wrt       []string
	}{
		{src: "aᵀx + 3"}, {src: "aᵀx - xᵀb"}, {src: "-xᵀx"}, {src: "λ‖x‖²"},
		{src: "aᵀ(Wx)"}, {src: "sum(A ∘ B)"}, {src: "sum(x ./ y)", positive: true},
		{src: "sum(x / α)"}, {src: "sum(A/α)"}, {src: "α/β"}, {src: "α^β", positive: true},
		{src: "sum(x.^3)"}, {src: "sum(x.^y)", positive: true},
		{src: "sum(exp(x))"}, {src: "sum(log(x))", positive: true}, {src: "sum(sin(x))"},
		{src: "sum(cos(x))"}, {src: "sum(tan(x))"}, {src: "sum(tanh(x))"}, {src: "sum(σ(x))"},
		{src: "sum(relu(x))"}, {src: "sum(softplus(x))"}, {src: "sum(sqrt(x))", positive: true},
		{src: "sum(abs(x))"}, {src: "uᵀf(Wx+b)"}, {src: "uᵀg(h(Wx))"},
		{src: "sum(max(x, y))"}, {src: "sum(min(x, y))"}, {src: "sum(max(x, α))"},
		{src: "tr(A²)"}, {src: "tr(A^3)"}, {src: "xᵀA⁻¹x"}, {src: "tr(AXB)"}, {src: "det(A)"},
		{src: "logdet(A)"}, {src: "sum(diag(x))"}, {src: "sum(diag(A))"}, {src: "xᵀdiag(y)x"},
		{src: "‖A‖"}, {src: "norm1(x)"}, {src: "‖Wx‖"}, {src: "logsumexp(Wx)"},
		{src: "yᵀsoftmax(Wx)"}, {src: "-yᵀlog(softmax(U relu(Wx+b₁)+b₂))"},
		{src: "uᵀtanh(W₂tanh(W₁x+b₁)+b₂)"}, {src: "sum(1 + exp(x))"}, {src: "tr(S X)", lets: "S: symmetric(n)"},
		{src: "xᵀSx", lets: "S: symmetric(n)"},
		// Jacobians and derivatives.
		{src: "Wx + b", wrt: []string{"x", "b"}}, {src: "tanh(Wx)", wrt: []string{"x"}}, {src: "softmax(x)"}, {src: "x ∘ y"}, {src: "α x"},
		{src: "A α", wrt: []string{"α"}}, {src: "exp(α) x"}, {src: "x / ‖x‖"}, {src: "max(x, y)"}, {src: "inv(α)A", wrt: []string{"α"}},
		// Hessians.
		{src: "xᵀAx", order: 2, wrt: []string{"x"}}, {src: "sum(exp(Ax))", order: 2, wrt: []string{"x"}}, {src: "logsumexp(x)", order: 2},
		{src: "‖x‖", order: 2}, {src: "uᵀtanh(Wx)", order: 2, wrt: []string{"x", "u"}},
	}
	for _, c := range cases {
		t.Run(c.src, func(t *testing.T) {
			s := prepare(t, c.src, c.lets, derive.Options{Order: c.order, Wrt: c.wrt})
			for seed := uint64(1); seed <= 2; seed++ {
				checkFD(t, s, s.point(seed, c.positive))
			}
		})
	}
}

// TestErrors checks the errors for what has no derivative here.
func TestErrors(t *testing.T) {
	cases := []struct {
		src  string
		opts derive.Options
		want string
	}{
		{"uᵀf(Wx+b)", derive.Options{Wrt: []string{"q"}}, "unknown variable q in --wrt: the formula's variables are u, W, x, b"},
		{"xᵀAx", derive.Options{Order: 3}, "--order must be 1 or 2, not 3"},
	}
	for _, c := range cases {
		e, err := parser.ParseExpr(c.src)
		if err != nil {
			t.Fatal(err)
		}
		info, err := ast.Infer(e, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, err = derive.Derive(e, info, c.opts)
		if err == nil || err.Error() != c.want {
			t.Errorf("%s: got error %v, want %q", c.src, err, c.want)
		}
	}
}

// TestThroughMatrices differentiates vector functions, and gradients for
// Hessians, through matrices that depend on the vector variable (the
// contraction of forward.go): products, inverses and powers under a
// Hadamard mask or a diag, ./ and .^ between matrices, max and indicators,
// transposes, scalars broadcast into matrices, and the diagonal mask of
// Hessians. Each is compared with central finite differences at three
// points.
func TestThroughMatrices(t *testing.T) {
	cases := []struct {
		src, lets string
		wrt       string
		order     int
		positive  bool
	}{
		// Jacobians a student would write.
		{src: "A(x∘x)"}, {src: "diag(x)Ax"}, {src: "softmax(Wx)"}, {src: "tanh(W tanh(Vx))"},
		{src: "(xᵀx)Ax"}, {src: "inv(A + xxᵀ)b"}, {src: "(A∘(xxᵀ))y"},
		{src: "(X ./ (xyᵀ))z", positive: true},
		// A general product under a Hadamard mask or a diag.
		{src: "(A ∘ (xxᵀ)B)y"}, {src: "diag(A xxᵀ B)"}, {src: "diag(A exp(xxᵀ) B)"},
		{src: "diag(A diag(x) B)"}, {src: "diag(tanh(A diag(x) B) C)"}, {src: "diag(A tanh(B diag(x) C))"},
		{src: "(A ∘ inv(B + xxᵀ))y"}, {src: "diag(inv(A + xxᵀ))"}, {src: "diag(inv(A + diag(x)) B)"},
		{src: "diag((xxᵀ)^2)"}, {src: "(A ∘ (xxᵀ))^2 y"}, {src: "(A + diag(x))^3 y"},
		// ./ and .^ between matrices, with scalars that depend on x.
		{src: "((xxᵀ) ./ (A ∘ A + 2))y"}, {src: "(A ./ (1 + xxᵀ))y"}, {src: "((xᵀx) ./ (A ∘ A + 1))y"},
		{src: "((A ∘ A + 1) ./ (xᵀx))y"}, {src: "((A ∘ A + 1).^(xxᵀ))y"}, {src: "((A ∘ A + 1).^(xᵀx/10))y"},
		{src: "((xᵀx) .^ A)y"}, {src: "((xxᵀ ∘ xxᵀ + 1).^0.5)y"}, {src: "(A ∘ (xxᵀ + sum(x)))y"},
		// max, relu and indicators; transposes of every form.
		{src: "max(xxᵀ, A)y"}, {src: "relu(A − xxᵀ)y"}, {src: "([xxᵀ ≥ A] ∘ (xxᵀ))y"},
		{src: "(A ∘ (xxᵀ))ᵀy"}, {src: "(A ./ (1 + xxᵀ))ᵀy"}, {src: "max(xxᵀ, A)ᵀy"}, {src: "((A + xxᵀ)^2)ᵀy"},
		// Hessians.
		{src: "sum(log(1 + exp(Xw)))", wrt: "w", order: 2},
		{src: "yᵀlog(σ(Xw)) + (1 − y)ᵀlog(1 − σ(Xw))", wrt: "w", order: 2},
		{src: "‖A ∘ (xxᵀ)‖²", order: 2}, {src: "xᵀ(A ∘ B)x", order: 2},
		{src: "logdet(Xᵀdiag(exp(x))X)", lets: "X: matrix(5,3)", order: 2},
		{src: "logdet(A + diag(exp(x)))", order: 2}, {src: "bᵀinv(A + diag(x))b", order: 2},
		{src: "tr(inv(A + diag(x))B)", order: 2}, {src: "sum(A ./ (xxᵀ + 2))", order: 2},
		{src: "bᵀinv(A + xxᵀ)b", order: 2}, {src: "‖tanh(A diag(x))b‖²", order: 2},
		{src: "logdet(I + diag(σ(x)) A diag(σ(x)))", order: 2}, {src: "sum(exp(xxᵀ ∘ A))", order: 2},
		{src: "tr((A + xxᵀ)^3)", order: 2}, {src: "‖A diag(x) B‖²", order: 2},
		{src: "tr(diag(x) A diag(x) B)", order: 2},
	}
	for _, c := range cases {
		wrt := c.wrt
		if wrt == "" {
			wrt = "x"
		}
		t.Run(c.src, func(t *testing.T) {
			s := prepare(t, c.src, c.lets, derive.Options{Wrt: []string{wrt}, Order: c.order})
			for seed := uint64(1); seed <= 3; seed++ {
				checkFD(t, s, s.point(seed, c.positive))
			}
		})
	}
}

// A Hessian through a matrix that depends on the vector in a way no
// matrix product writes (a sum over three indices) is given by its
// differential d(∂s/∂x) along dx: the Hessian-vector product (checked
// against central differences by the corpus and check).
func TestThroughMatricesDifferential(t *testing.T) {
	for _, src := range []string{"sum(tanh(A diag(x) B))", "sum(tanh(inv(A + diag(x))))"} {
		e, err := parser.ParseExpr(src)
		if err != nil {
			t.Fatal(err)
		}
		info, err := ast.Infer(e, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		res, err := derive.Derive(e, info, derive.Options{Wrt: []string{"x"}, Order: 2})
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		if d := res.Derivs[0]; d.Kind != derive.Differential || d.Dir != "dx" || d.Order != 2 {
			t.Errorf("%s: %s, direction %q; want the differential of the gradient along dx", src, d.Kind, d.Dir)
		}
	}
}

// The default --wrt derives every variable, those whose derivative is a
// tensor (of rank 3 or 4) by its differential, and leaves none out.
func TestEveryVariable(t *testing.T) {
	for _, c := range []struct {
		src    string
		order  int
		tensor string
	}{
		{"σ(Wx + b)", 1, "W"},
		{"‖Ax − b‖² + λ‖x‖²", 2, "A"},
		{"tr(X) + xᵀx", 2, "X"},
	} {
		e, err := parser.ParseExpr(c.src)
		if err != nil {
			t.Fatal(err)
		}
		info, err := ast.Infer(e, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		res, err := derive.Derive(e, info, derive.Options{Order: c.order})
		if err != nil {
			t.Fatal(err)
		}
		blocks := 0
		for _, d := range res.Derivs {
			if d.Wrt2 == "" {
				blocks++
			}
		}
		if blocks != len(info.Vars) {
			t.Errorf("%s: %d derivatives of %d variables", c.src, blocks, len(info.Vars))
		}
		for _, d := range res.Derivs {
			if d.Wrt2 != "" {
				continue // a mixed block
			}
			if (d.Wrt == c.tensor) != (d.Kind == derive.Differential) || d.Kind == derive.Differential && d.Dir != "d"+c.tensor {
				t.Errorf("%s: ∂s/∂%s is a %s (direction %q)", c.src, d.Wrt, d.Kind, d.Dir)
			}
		}
	}
}

// TestSecondDifferentials: second derivatives of matrix functions, of
// vector functions by matrices, and mixed blocks of vector functions are
// second differentials, which match the Magnus–Neudecker closed forms
// entry by entry and central differences of the first derivative.
func TestSecondDifferentials(t *testing.T) {
	for _, c := range []struct {
		src, wrt string
		closed   string // d²F, in the directions dX (and dY for a mixed block)
		lets     string // the directions' shapes, for the closed form
	}{
		{"xxᵀ", "x", "2dx dxᵀ", "dx: vector(n)"},
		{"X⁻¹", "X", "2X⁻¹dX X⁻¹dX X⁻¹", "dX: matrix(n,n)"},
		{"Wx", "W", "0", ""},
		{"Wx", "W,x", "dW dx", "dW: matrix(n,m); dx: vector(m)"},
		{"XᵀX", "X", "2dXᵀdX", "dX: matrix(n,m)"},
		{"XᵀAX", "X", "2dXᵀA dX", "dX: matrix(n,m)"},
		{"XX", "X", "2dX dX", "dX: matrix(n,n)"},
		{"AXB", "A,X", "dA dX B", "dA: matrix(n,m); dX: matrix(m,p)"},
		{"exp(X)", "X", "exp(X) ∘ dX ∘ dX", "dX: matrix(n,m)"},
		{"σ(Wx)", "W", "σ″(Wx) ∘ (dW x) ∘ (dW x)", "dW: matrix(n,m)"},
	} {
		t.Run(c.src+"/"+c.wrt, func(t *testing.T) {
			wrt := strings.Split(c.wrt, ",")
			opts := derive.Options{Wrt: wrt, Order: 2}
			if len(wrt) == 2 {
				opts.Block = wrt
			}
			s := prepare(t, c.src, "", opts)
			d := s.res.Derivs[0]
			if d.Kind != derive.SecondDifferential || d.Dir != "d"+wrt[0] || len(wrt) == 2 && d.Dir2 != "d"+wrt[1] {
				t.Fatalf("%s is a %s in %q, %q", d.Label("s"), d.Kind, d.Dir, d.Dir2)
			}
			decls, err := parser.ParseDecls(c.lets)
			if err != nil && c.lets != "" {
				t.Fatal(err)
			}
			closed, err := (&parser.Config{Decls: decls}).ParseExpr(c.closed)
			if err != nil {
				t.Fatalf("closed form %s: %v", c.closed, err)
			}
			first, err := check.Firsts(s.expr, s.info, s.res)
			if err != nil {
				t.Fatal(err)
			}
			for seed := uint64(1); seed <= 2; seed++ {
				env := s.point(seed, false)
				got, err := check.Symbolic(s.res, d, env)
				if err != nil {
					t.Fatal(err)
				}
				want, err := eval.SecondDifferential(closed, env, d.Dir, d.Wrt, d.Dir2, d.Wrt2, d.Shape)
				if err != nil {
					t.Fatalf("closed form %s: %v", c.closed, err)
				}
				if e := eval.RelErr(got, want); !(e <= 1e-9) {
					t.Errorf("d²s = %s, closed form %s: rel. error %.2g", ast.String(s.res.Expand(d.Expr)), c.closed, e)
				}
				fd, err := check.Reference(s.expr, s.info, s.res, d, first, env)
				if err != nil {
					t.Fatal(err)
				}
				if e := eval.RelErr(got, fd); !(e <= 1e-6) {
					t.Errorf("d²s = %s, central differences of the first derivative: rel. error %.2g", ast.String(d.Expr), e)
				}
			}
		})
	}
}
