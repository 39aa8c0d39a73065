package graph

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/eval"
	"github.com/matcalc/matcalc/internal/dense"
	"gonum.org/v1/gonum/mat"
)

// Trees are built with the constructors of package ast, so that these tests
// do not depend on the parser.

var (
	x, y, z = ast.Var("x"), ast.Var("y"), ast.Var("z")
	lecture = ast.Bin(ast.Mul, ast.Bin(ast.Add, x, y), ast.Fn("max", 0, y, z))
)

func scalars(kv ...any) *eval.Env {
	env := &eval.Env{Vars: map[string]*mat.Dense{}}
	for i := 0; i < len(kv); i += 2 {
		env.Vars[kv[i].(string)] = num(float64(kv[i+1].(int)))
	}
	return env
}

func run(t *testing.T, e ast.Expr, env *eval.Env) *Graph {
	t.Helper()
	g, err := Build(e, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Forward(env); err != nil {
		t.Fatal(err)
	}
	if err := g.Backward(); err != nil {
		t.Fatal(err)
	}
	return g
}

func scalarOf(t *testing.T, m *mat.Dense) float64 {
	t.Helper()
	if !isScalar(m) {
		t.Fatalf("got %s, want a scalar", dims(m))
	}
	return m.At(0, 0)
}

func TestLecture(t *testing.T) {
	g := run(t, lecture, scalars("x", 1, "y", 2, "z", 0))
	for _, c := range []struct {
		name        string
		value, grad float64
		text        string
	}{
		{"x", 1, 2, "x"},
		{"y", 2, 5, "y"},
		{"z", 0, 0, "z"},
		{"a", 3, 2, "x + y"},
		{"b", 2, 3, "max(y, z)"},
		{"f", 6, 1, "(x + y)max(y, z)"},
	} {
		n := g.ByName(c.name)
		if n == nil {
			t.Fatalf("no node %s", c.name)
		}
		if v := scalarOf(t, n.Value); v != c.value {
			t.Errorf("%s = %v, want %v", c.name, v, c.value)
		}
		if v := scalarOf(t, n.Grad); v != c.grad {
			t.Errorf("∂f/∂%s = %v, want %v", c.name, v, c.grad)
		}
		if n.Text != c.text {
			t.Errorf("%s: text %q, want %q", c.name, n.Text, c.text)
		}
	}
	yb := g.ByName("y").Branches
	if len(yb) != 2 || yb[0].At(0, 0) != 2 || yb[1].At(0, 0) != 3 {
		t.Errorf("branches of y: got %v, want 2 then 3", yb)
	}
	if len(g.Nodes) != 6 {
		t.Errorf("%d nodes, want 6 (y is one node)", len(g.Nodes))
	}
	if g.ByName("f").Def != "ab" || g.ByName("b").Def != "max(y, z)" {
		t.Errorf("defs: f = %s, b = %s", g.ByName("f").Def, g.ByName("b").Def)
	}
	// max routes to the larger input: z gets 0, y's max branch gets 3.
	b := g.ByName("b")
	if b.Edges[1].Downstream.At(0, 0) != 0 || b.Edges[0].Downstream.At(0, 0) != 3 {
		t.Errorf("max edges: %+v", b.Edges)
	}
}

func TestCube(t *testing.T) {
	cube := ast.Bin(ast.Pow, x, ast.Num(3))
	for _, c := range []struct{ at, want int }{{1, 3}, {4, 48}} {
		g := run(t, cube, scalars("x", c.at))
		if got := scalarOf(t, g.ByName("x").Grad); got != float64(c.want) {
			t.Errorf("x=%d: ∂x³/∂x = %v, want %d", c.at, got, c.want)
		}
	}
}

func TestMaxTieRoutesToFirst(t *testing.T) {
	g := run(t, ast.Fn("max", 0, x, y), scalars("x", 2, "y", 2))
	if gx, gy := scalarOf(t, g.ByName("x").Grad), scalarOf(t, g.ByName("y").Grad); gx != 1 || gy != 0 {
		t.Errorf("max(2, 2): gradients %v, %v, want 1, 0", gx, gy)
	}
}

func TestSharedProduct(t *testing.T) {
	// x·x: one node x used twice by the same gate; both branches count.
	g := run(t, ast.Bin(ast.Mul, x, x), scalars("x", 3))
	n := g.ByName("x")
	if len(n.Branches) != 2 || scalarOf(t, n.Grad) != 6 {
		t.Errorf("x·x at 3: branches %d, gradient %v, want 2 branches and 6", len(n.Branches), n.Grad)
	}
}

// checkFiniteDifferences compares every node's gradient with central
// differences: the node's value is perturbed entry by entry and the nodes
// downstream are computed again.
func checkFiniteDifferences(t *testing.T, g *Graph, label string) {
	t.Helper()
	out := g.Nodes[g.Output]
	f := func() float64 { return mat.Sum(out.Value) }
	for _, n := range g.Nodes {
		if n.ID == g.Output || isMatrixPowerExponent(g, n) {
			continue
		}
		r, c := n.Value.Dims()
		orig := mat.DenseCopyOf(n.Value)
		for i := 0; i < r; i++ {
			for j := 0; j < c; j++ {
				v := orig.At(i, j)
				h := 1e-6 * math.Max(1, math.Abs(v))
				n.Value.Set(i, j, v+h)
				if err := g.Recompute(n.ID + 1); err != nil {
					t.Fatal(err)
				}
				fp := f()
				n.Value.Set(i, j, v-h)
				if err := g.Recompute(n.ID + 1); err != nil {
					t.Fatal(err)
				}
				fm := f()
				n.Value.Set(i, j, v)
				fd := (fp - fm) / (2 * h)
				if math.IsNaN(fd) || math.IsInf(fd, 0) {
					continue // e.g. a constant exponent of a negative base
				}
				got := n.Grad.At(i, j)
				if math.Abs(got-fd) > 1e-5*math.Max(1, math.Max(math.Abs(got), math.Abs(fd))) {
					t.Errorf("%s: node %s = %s (%s), entry (%d,%d): backprop %v, finite difference %v",
						label, n.Name, n.Def, n.Text, i, j, got, fd)
				}
			}
		}
		if err := g.Recompute(n.ID + 1); err != nil {
			t.Fatal(err)
		}
	}
}

// isMatrixPowerExponent reports whether n is the exponent of a matrix power,
// which must stay an integer.
func isMatrixPowerExponent(g *Graph, n *Node) bool {
	for _, u := range n.Users {
		un := g.Nodes[u]
		if p, ok := un.Expr.(*ast.Binary); ok && p.Op == ast.Pow && un.Inputs[1] == n.ID && !isScalar(un.Value) {
			return true
		}
	}
	return false
}

func randDense(rng *rand.Rand, r, c int) *mat.Dense {
	m := mat.NewDense(r, c, nil)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			m.Set(i, j, rng.NormFloat64())
		}
	}
	return m
}

// wellConditioned is a random matrix plus 3I: safe to invert.
func wellConditioned(rng *rand.Rand, n int) *mat.Dense {
	m := randDense(rng, n, n)
	for i := 0; i < n; i++ {
		m.Set(i, i, m.At(i, i)+3)
	}
	return m
}

var (
	u, b, w, W, A, B, X = ast.Var("u"), ast.Var("b"), ast.Var("w"), ast.Var("W"), ast.Var("A"), ast.Var("B"), ast.Var("X")
	S                   = ast.Var("S")
)

func tmul(a, b ast.Expr) ast.Expr { return ast.Bin(ast.Mul, a, b) }
func tadd(a, b ast.Expr) ast.Expr { return ast.Bin(ast.Add, a, b) }
func tsub(a, b ast.Expr) ast.Expr { return ast.Bin(ast.Sub, a, b) }
func fn(f string, args ...ast.Expr) ast.Expr {
	return ast.Fn(f, 0, args...)
}

func TestFormulasAgainstFiniteDifferences(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	vals := func() *eval.Env {
		return &eval.Env{Vars: map[string]*mat.Dense{
			"x": randDense(rng, 3, 1), "y": dense.Softmax(randDense(rng, 2, 1), nil), "z": randDense(rng, 3, 1),
			"u": randDense(rng, 2, 1), "b": randDense(rng, 2, 1), "w": randDense(rng, 3, 1),
			"W": randDense(rng, 2, 3), "A": wellConditioned(rng, 3), "B": randDense(rng, 4, 2),
			"X": randDense(rng, 3, 4), "S": wellConditioned(rng, 3),
			"α": num(rng.NormFloat64()), "β": num(1 + rng.Float64()),
		}, Funcs: map[string]string{"f": "tanh"}}
	}
	Ab := ast.Var("A")
	for _, c := range []struct {
		name string
		e    ast.Expr
	}{
		{"uᵀσ(Wx+b)", tmul(ast.T(u), fn("σ", tadd(tmul(W, x), b)))},
		{"xᵀAx", tmul(tmul(ast.T(x), A), x)},
		{"‖Ax−b‖² (b: 3)", ast.Bin(ast.Pow, fn("norm", tsub(tmul(A, x), w)), ast.Num(2))},
		{"-yᵀlog(softmax(Wx))", ast.Negate(tmul(ast.T(y), fn("log", fn("softmax", tmul(W, x)))))},
		{"tr(AXB) (A: 2×3 is W)", fn("tr", tmul(tmul(W, X), B))},
		{"uᵀf(Wx+b) generic", tmul(ast.T(u), ast.Fn("f", 0, tadd(tmul(W, x), b)))},
		{"uᵀ tanh′(Wx+b)", tmul(ast.T(u), ast.Fn("tanh", 1, tadd(tmul(W, x), b)))},
		{"det, logdet, inv", tadd(tadd(fn("det", A), fn("logdet", S)), fn("sum", fn("inv", Ab)))},
		{"A² and Aᵀ", fn("sum", ast.Bin(ast.Hadamard, ast.Bin(ast.Pow, A, ast.Num(3)), ast.T(S)))},
		{"diag both ways", tmul(tmul(ast.T(x), fn("diag", fn("diag", A))), fn("diag", tmul(fn("diag", z), x)))},
		{"logsumexp, norm1, norm of matrix", tadd(tadd(fn("logsumexp", z), fn("norm1", x)), fn("norm", W))},
		{"broadcast scalars", fn("sum", ast.Bin(ast.ElemDiv, tadd(ast.Var("α"), tmul(ast.Var("α"), x)), tadd(ast.Var("β"), ast.Bin(ast.Hadamard, z, z))))},
		{"division by a scalar, elementwise power", fn("sum", ast.Bin(ast.Div, ast.Bin(ast.ElemPow, fn("exp", x), ast.Var("β")), ast.Var("β")))},
		{"max and min of vectors", tmul(ast.T(u), tadd(fn("max", tmul(W, x), b), fn("min", b, tmul(W, z))))},
		{"identity and ones", tmul(tmul(ast.T(x), tadd(A, ast.Eye(ast.Size(3)))), tadd(x, ast.OnesOf(ast.Vector(ast.Size(3)))))},
		{"indicator", fn("sum", ast.Bin(ast.Hadamard, ast.Ind(ast.GE, x, z), ast.Bin(ast.Hadamard, x, x)))},
		{"outer product and scalar power", tadd(fn("tr", tmul(x, ast.T(z))), ast.Bin(ast.Pow, ast.Var("β"), ast.Var("α")))},
		{"det of a singular matrix", fn("det", tadd(tmul(x, ast.T(z)), tmul(z, ast.T(x))))},
		{"shared Wx", tmul(ast.T(fn("tanh", tmul(W, x))), fn("σ", tmul(W, x)))},
	} {
		for trial := 0; trial < 3; trial++ {
			g := run(t, c.e, vals())
			checkFiniteDifferences(t, g, c.name)
		}
	}
}

// gen builds random formulas of a given shape over x, z (3), u (2),
// A (3×3, well conditioned), W (2×3), α (scalar), reusing subexpressions
// already built so that nodes feed several others.
type gen struct {
	rng  *rand.Rand
	pool map[string][]ast.Expr
}

func (g *gen) pick(kind string, depth int) ast.Expr {
	if p := g.pool[kind]; len(p) > 0 && g.rng.IntN(3) == 0 {
		return p[g.rng.IntN(len(p))]
	}
	e := g.make(kind, depth)
	g.pool[kind] = append(g.pool[kind], e)
	return e
}

func (g *gen) make(kind string, depth int) ast.Expr {
	r := g.rng.IntN(10)
	if depth <= 0 {
		r = 0
	}
	d := depth - 1
	switch kind {
	case "s":
		switch r {
		case 0:
			return []ast.Expr{ast.Var("α"), ast.Num(0.5)}[g.rng.IntN(2)]
		case 1:
			return tmul(ast.T(g.pick("v", d)), g.pick("v", d))
		case 2:
			return fn("tanh", g.pick("s", d))
		case 3:
			return tmul(g.pick("s", d), g.pick("s", d))
		case 4:
			return tadd(g.pick("s", d), fn("sum", g.pick("v", d)))
		case 5:
			return fn("logsumexp", g.pick("v", d))
		case 6:
			return fn("tr", g.pick("m", d))
		case 7:
			return ast.Bin(ast.Div, g.pick("s", d), tadd(ast.Num(2), ast.Bin(ast.Pow, g.pick("s", d), ast.Num(2))))
		case 8:
			return fn("norm", tadd(g.pick("v", d), ast.Num(3)))
		default:
			return tsub(g.pick("s", d), fn("σ", g.pick("s", d)))
		}
	case "v":
		switch r {
		case 0:
			return []ast.Expr{x, z}[g.rng.IntN(2)]
		case 1:
			return tmul(g.pick("m", d), g.pick("v", d))
		case 2:
			return fn("σ", g.pick("v", d))
		case 3:
			return ast.Bin(ast.Hadamard, g.pick("v", d), g.pick("v", d))
		case 4:
			return tmul(g.pick("s", d), g.pick("v", d))
		case 5:
			return fn("softmax", g.pick("v", d))
		case 6:
			return tadd(g.pick("v", d), g.pick("s", d))
		case 7:
			return tmul(ast.T(W), fn("tanh", tmul(W, g.pick("v", d))))
		case 8:
			return fn("diag", g.pick("m", d))
		default:
			return tsub(g.pick("v", d), fn("sin", g.pick("v", d)))
		}
	case "m":
		switch r {
		case 0:
			return A
		case 1:
			return tmul(g.pick("m", d), g.pick("m", d))
		case 2:
			return ast.T(g.pick("m", d))
		case 3:
			return tmul(g.pick("v", d), ast.T(g.pick("v", d)))
		case 4:
			return fn("tanh", g.pick("m", d))
		case 5:
			return tadd(g.pick("m", d), fn("diag", g.pick("v", d)))
		case 6:
			return tmul(g.pick("s", d), g.pick("m", d))
		case 7:
			return fn("inv", tadd(fn("σ", g.pick("m", d)), ast.Bin(ast.Mul, ast.Num(3), ast.Eye(ast.Size(3)))))
		case 8:
			return ast.Bin(ast.Pow, g.pick("m", d), ast.Num(2))
		default:
			return ast.Bin(ast.Hadamard, g.pick("m", d), g.pick("m", d))
		}
	}
	panic(kind)
}

func TestRandomGraphsAgainstFiniteDifferences(t *testing.T) {
	shared, nonScalar := 0, 0
	for seed := uint64(0); seed < 150; seed++ {
		rng := rand.New(rand.NewPCG(seed, 99))
		gn := &gen{rng: rng, pool: map[string][]ast.Expr{}}
		e := gn.make("s", 4)
		env := &eval.Env{Vars: map[string]*mat.Dense{
			"x": randDense(rng, 3, 1), "z": randDense(rng, 3, 1), "α": num(rng.NormFloat64()),
			"A": scale(0.5, randDense(rng, 3, 3), nil), "W": scale(0.5, randDense(rng, 2, 3), nil),
		}}
		g := run(t, e, env)
		for _, n := range g.Nodes {
			if len(n.Users) > 1 {
				shared++
			}
			if !isScalar(n.Value) {
				nonScalar++
			}
		}
		checkFiniteDifferences(t, g, fmt.Sprintf("seed %d: %s", seed, ast.String(e)))
	}
	if shared < 100 || nonScalar < 300 {
		t.Errorf("random graphs too plain: %d shared nodes, %d non-scalar nodes", shared, nonScalar)
	}
	t.Logf("%d shared nodes, %d non-scalar nodes", shared, nonScalar)
}

// TestGradientsMatchEvalCentralDiff checks the variables' gradients against
// package eval's finite differences on the whole formula, independently of
// the graph.
func TestGradientsMatchEvalCentralDiff(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	e := tmul(ast.T(u), fn("σ", tadd(tmul(W, x), b)))
	env := &eval.Env{Vars: map[string]*mat.Dense{
		"u": randDense(rng, 2, 1), "W": randDense(rng, 2, 3), "x": randDense(rng, 3, 1), "b": randDense(rng, 2, 1),
	}}
	g := run(t, e, env)
	for _, vg := range g.Gradients() {
		fd, err := eval.CentralDiff(e, env, vg.Name)
		if err != nil {
			t.Fatal(err)
		}
		if re := eval.RelErr(vg.Grad, fd); re > 1e-6 {
			t.Errorf("∂/∂%s: relative error %g\nbackprop %v\nfinite differences %v", vg.Name, re, mat.Formatted(vg.Grad), mat.Formatted(fd))
		}
	}
}

func TestFlops(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	// A deep network: backprop costs the same order as the forward pass.
	e := ast.Expr(x)
	for i := 0; i < 4; i++ {
		e = fn("tanh", tmul(A, e))
	}
	e = tmul(ast.T(u), e)
	env := &eval.Env{Vars: map[string]*mat.Dense{
		"x": randDense(rng, 20, 1), "A": randDense(rng, 20, 20), "u": randDense(rng, 20, 1),
	}}
	g := run(t, e, env)
	if g.ForwardFlops == 0 || g.BackwardFlops < g.ForwardFlops || g.BackwardFlops > 4*g.ForwardFlops {
		t.Errorf("forward %d flops, backward %d: want backward between 1 and 4 times forward", g.ForwardFlops, g.BackwardFlops)
	}
	// forward: 4 products 2·20·20 + 4 tanh of 20 + uᵀ(·) 2·20
	if want := 4*2*20*20 + 4*20 + 2*20; g.ForwardFlops != want {
		t.Errorf("forward flops %d, want %d", g.ForwardFlops, want)
	}
}

func TestErrors(t *testing.T) {
	g, err := Build(lecture, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Backward(); err == nil {
		t.Error("Backward before Forward: no error")
	}
	if err := g.Forward(scalars("x", 1, "y", 2)); err == nil {
		t.Error("missing z: no error")
	}
	g, _ = Build(ast.Fn("f", 0, x), nil)
	if err := g.Forward(scalars("x", 1)); err == nil {
		t.Error("unbound generic function: no error")
	}
}

func TestNames(t *testing.T) {
	// f(x) uses f: the output gets the next free letter.
	g0, err := Build(tadd(ast.Fn("f", 0, x), x), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := g0.Nodes[g0.Output].Name; got != "b" {
		t.Errorf("output of f(x) + x is called %s, want b", got)
	}
	// a, b are variables here: intermediates skip them.
	a := ast.Var("a")
	e := tmul(tadd(a, b), fn("exp", tadd(a, b)))
	g, err := Build(e, nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, n := range g.Nodes {
		names = append(names, n.Name)
	}
	if got, want := fmt.Sprint(names), "[a b c d f]"; got != want {
		t.Errorf("names %s, want %s", got, want)
	}
}

func TestSymmetricGradient(t *testing.T) {
	// tr(AS) has gradient Aᵀ in S; for a symmetric S the gradient is the
	// symmetric part (A + Aᵀ)/2 (docs/conventions.md).
	e := fn("tr", tmul(A, S))
	n3 := ast.Size(3)
	info := &ast.Info{Vars: []ast.VarInfo{
		{Name: "A", Shape: ast.Matrix(n3, n3)},
		{Name: "S", Shape: ast.Matrix(n3, n3), Symmetric: true},
	}}
	shapes, err := ast.Check(e, info.Env())
	if err != nil {
		t.Fatal(err)
	}
	info.Shapes = shapes
	g, err := Build(e, info)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(4, 4))
	a := randDense(rng, 3, 3)
	s := randDense(rng, 3, 3)
	s.Add(s, s.T())
	if err := g.Forward(&eval.Env{Vars: map[string]*mat.Dense{"A": a, "S": s}}); err != nil {
		t.Fatal(err)
	}
	if err := g.Backward(); err != nil {
		t.Fatal(err)
	}
	var want mat.Dense
	want.Add(a, a.T())
	want.Scale(0.5, &want)
	for _, vg := range g.Gradients() {
		if vg.Name == "S" && !mat.EqualApprox(vg.Grad, &want, 1e-12) {
			t.Errorf("∂/∂S = %v, want (A + Aᵀ)/2 = %v", mat.Formatted(vg.Grad), mat.Formatted(&want))
		}
		if vg.Name == "A" && !mat.EqualApprox(vg.Grad, s.T(), 1e-12) {
			t.Errorf("∂/∂A = %v, want Sᵀ", mat.Formatted(vg.Grad))
		}
	}
	if sh := g.ByName("f").Shape; !sh.IsScalar() {
		t.Errorf("output shape %v, want scalar from Info", sh)
	}
	// A value that contradicts the inferred shape is an error.
	if err := g.Forward(&eval.Env{Vars: map[string]*mat.Dense{"A": a, "S": mat.NewDense(2, 2, nil)}}); err == nil {
		t.Error("2×2 value for a 3×3 S: no error")
	}
}

// BenchmarkPasses times the two passes of uᵀtanh(A tanh(A tanh(A x)))
// with 100×100 A, next to the operation counts.
func BenchmarkPasses(bm *testing.B) {
	rng := rand.New(rand.NewPCG(8, 8))
	e := ast.Expr(x)
	for i := 0; i < 3; i++ {
		e = fn("tanh", tmul(A, e))
	}
	e = tmul(ast.T(u), e)
	env := &eval.Env{Vars: map[string]*mat.Dense{
		"x": randDense(rng, 100, 1), "A": scale(0.1, randDense(rng, 100, 100), nil), "u": randDense(rng, 100, 1),
	}}
	g, err := Build(e, nil)
	if err != nil {
		bm.Fatal(err)
	}
	bm.Run("forward", func(bm *testing.B) {
		for bm.Loop() {
			if err := g.Forward(env); err != nil {
				bm.Fatal(err)
			}
		}
		bm.ReportMetric(float64(g.ForwardFlops), "flops/op")
	})
	bm.Run("backward", func(bm *testing.B) {
		if err := g.Forward(env); err != nil {
			bm.Fatal(err)
		}
		for bm.Loop() {
			if err := g.Backward(); err != nil {
				bm.Fatal(err)
			}
		}
		bm.ReportMetric(float64(g.BackwardFlops), "flops/op")
	})
}
