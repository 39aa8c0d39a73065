package gocode

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/derive"
	"github.com/matcalc/matcalc/eval"
	"github.com/matcalc/matcalc/parser"
	"gonum.org/v1/gonum/mat"
)

// testFuncs binds the generic functions to built-ins, in package eval and
// in the stubs of the generated code (see fillStubs).
var testFuncs = map[string]string{"f": "tanh", "g": "sin", "h": "σ", "φ": "softplus", "ψ": "exp", "len": "exp"}

// goCase is one function whose emitted code is compiled and run.
type goCase struct {
	name     string
	src      string // formula; empty for a hand-built result
	lets     string // declarations
	opts     derive.Options
	positive bool   // log, sqrt: positive random values
	noAllocs bool   // the workspace form must not allocate after warm-up
	knownBug string // a bug outside the emitter: a failure is logged, not an error
	bind     bool   // emit with Options.Funcs = testFuncs: no stubs
	res      *derive.Result
	file     string         // a formula file (examples/*.mc)
	sizes    map[string]int // sizes of the first and third points (else random)
}

// goCases covers every derivative rule and node kind the emitter handles.
var goCases = []goCase{
	{name: "net_hand", noAllocs: true, res: netResult()},
	{name: "names", noAllocs: true, res: namesResult()},
	{name: "net", src: "uᵀtanh(W₂tanh(W₁x+b₁)+b₂)", noAllocs: true},
	{name: "generic", src: "uᵀf(Wx+b)", noAllocs: true},
	{name: "generic_bound", src: "uᵀf(Wx+b) + sum(g(x))", opts: derive.Options{Order: 1}, noAllocs: true, bind: true},
	{name: "quad", src: "xᵀAx", noAllocs: true},
	// Tensor derivatives: the vec-layout matrix in F (from the Kronecker
	// form, or column by column where there is none) and the directional
	// derivative along an input dW in FJVPW / FHVPW.
	{name: "jvp_axb", src: "AXB", opts: derive.Options{Wrt: []string{"X"}}, noAllocs: true},
	{name: "jvp_layer", src: "σ(Wx + b)", noAllocs: true},
	{name: "jvp_inv", src: "X⁻¹ + XᵀX", opts: derive.Options{Wrt: []string{"X"}}},
	{name: "jvp_softmax", src: "softmax(Kq)", opts: derive.Options{Wrt: []string{"K", "q"}}, noAllocs: true},
	{name: "hvp_lowrank", src: "‖T − UVᵀ‖²", opts: derive.Options{Wrt: []string{"U", "V"}, Order: 2, NoMixed: true}, noAllocs: true},
	{name: "hvp_softmax", src: "-yᵀlog(softmax(Wx))", opts: derive.Options{Wrt: []string{"W"}, Order: 2}, noAllocs: true},
	{name: "tensor_inv", src: "X⁻¹"},                  // gonum's Inverse allocates
	{name: "tensor_gram", src: "XᵀX", noAllocs: true}, // dXᵀX: the commutation matrix
	{name: "tensor_exp", src: "exp(X) + tanh(XA)", opts: derive.Options{Wrt: []string{"X"}}, noAllocs: true},
	{name: "tensor_row", src: "xᵀW", opts: derive.Options{Wrt: []string{"W"}}, noAllocs: true},
	{name: "tensor_outer", src: "x yᵀ", opts: derive.Options{Wrt: []string{"x"}}, noAllocs: true},                    // a matrix by a vector
	{name: "tensor_diag", src: "A diag(x) B", opts: derive.Options{Wrt: []string{"x"}}, noAllocs: true},              // no Kronecker form
	{name: "tensor_commute", src: "Xᵀ + αX", opts: derive.Options{Wrt: []string{"X"}}, noAllocs: true},               // (I ⊗ I)K + α(I ⊗ I)
	{name: "tensor_hadamard_t", src: "Xᵀ ∘ A", opts: derive.Options{Wrt: []string{"X"}}, noAllocs: true},             // diag(vec(A))K
	{name: "tensor_outer_sym", src: "x xᵀ", opts: derive.Options{Wrt: []string{"x"}}, noAllocs: true},                // dxᵀ of a vector
	{name: "tensor_trace_coef", src: "tr(X)A", opts: derive.Options{Wrt: []string{"X"}}, noAllocs: true},             // no Kronecker form
	{name: "tensor_diag_fn", src: "diag(x)", opts: derive.Options{Wrt: []string{"x"}}, noAllocs: true},               // no Kronecker form
	{name: "tensor_hidden_dir", src: "Wx ∘ Wx", opts: derive.Options{Wrt: []string{"W"}}, noAllocs: true},            // t = dW x, expanded for the Kronecker form
	{name: "block_jacobian", src: "uᵀtanh(Wx + b)", opts: derive.Options{Block: []string{"x", "b"}}, noAllocs: true}, // a mixed block that is no tensor
	{name: "block_scalar", src: "α xᵀAx", opts: derive.Options{Block: []string{"x", "α"}}, noAllocs: true},
	{name: "hvp_trace", src: "tr(XᵀAX)", opts: derive.Options{Wrt: []string{"X"}, Order: 2}, noAllocs: true},
	{name: "hvp_mixed", src: "‖T − UVᵀ‖²", opts: derive.Options{Block: []string{"U", "V"}}, noAllocs: true},
	{name: "hvp_vec_softmax", src: "softmax(x)", opts: derive.Options{Order: 2}, noAllocs: true}, // definitions that depend on dx
	{name: "hvp_vec_tanh", src: "tanh(Wx + b)", opts: derive.Options{Wrt: []string{"x"}, Order: 2}, noAllocs: true},
	{name: "hvp_vec_cubic", src: "(xᵀx) x", opts: derive.Options{Order: 2}, noAllocs: true},
	{name: "quad_hessian", src: "xᵀAx", opts: derive.Options{Wrt: []string{"x"}, Order: 2}, noAllocs: true},
	{name: "logreg_hessian", src: "sum(log(1 + exp(−y ∘ (Xw))))", opts: derive.Options{Wrt: []string{"w"}, Order: 2}, noAllocs: true}, // (Xᵀdiag(v))X as Xᵀ(diag(v)X)
	{name: "scaled_product", src: "sum(Aᵀdiag(v)B)", opts: derive.Options{Order: 1}, noAllocs: true},
	{name: "lsq", src: "‖Wx − y‖²", noAllocs: true},
	{name: "sumexp", src: "sum(exp(x))", noAllocs: true},
	{name: "lse", src: "logsumexp(x)", noAllocs: true},
	{name: "logdet", src: "logdet(X)"},
	{name: "det", src: "det(X)"},
	{name: "trace3", src: "tr(AXB)", noAllocs: true},
	{name: "scalars", src: "(x+y)*max(y,z)", noAllocs: true},
	{name: "relu_sum", src: "sum(relu(Wx))", noAllocs: true},
	{name: "relu_jac", src: "relu(Wx)", opts: derive.Options{Wrt: []string{"x"}}, noAllocs: true},
	{name: "logistic", src: "log(σ(wᵀx))", noAllocs: true},
	{name: "softplus_jac", src: "softplus(x)", noAllocs: true},
	{name: "hadamard_jac", src: "x ∘ y", noAllocs: true},
	{name: "scale_deriv", src: "α x", noAllocs: true},
	{name: "matvec_jac", src: "W x", opts: derive.Options{Wrt: []string{"x"}}, noAllocs: true},
	{name: "norm_hessian", src: "xᵀx", opts: derive.Options{Order: 2}, noAllocs: true},
	{name: "sqrt_abs", src: "sum(sqrt(x)) + sum(abs(y)) + ‖w‖", positive: true, noAllocs: true},
	{name: "norm1", src: "norm1(z)", noAllocs: true},
	{name: "inv_trace", src: "tr(X⁻¹)"},
	{name: "inv_quad", src: "xᵀA⁻¹x"},
	{name: "greek", src: "sin(θ)cos(θ) + tan(λ)", noAllocs: true},
	{name: "elemdiv", src: "uᵀ(x ./ y)", positive: true, noAllocs: true},
	{name: "elempow", src: "sum(x .^ 3)", noAllocs: true},
	{name: "keywords", src: "rangeᵀ type + len(mat)", lets: "range, type: vector(n); len: function; mat: scalar", noAllocs: true},
	{name: "softmax", src: "uᵀsoftmax(x)", noAllocs: true},
	{name: "generic2", src: "sum(g(x))", opts: derive.Options{Order: 2}, noAllocs: true},
	{name: "symmetric", src: "xᵀSx", lets: "S: symmetric(n)", noAllocs: true},
	{name: "logreg", src: "λ‖w‖² + sum(log(1 + exp(−y ∘ (Xw))))", noAllocs: true},
	{name: "outer_jac", src: "(xᵀy) z", noAllocs: true},
	{name: "diag", src: "tr(diag(x) A) + sum(diag(B))", noAllocs: true},
	{name: "sigmoid2", src: "sum(σ(x) ∘ h(x))", opts: derive.Options{Order: 2}, noAllocs: true},
	{name: "matmat", src: "tr(AᵀB C)", noAllocs: true},
	{name: "psi_phi", src: "uᵀφ(x) + vᵀψ(x)", noAllocs: true},
	{name: "mixed_dims", src: "uᵀWx + cᵀx", lets: "x: vector(3)", noAllocs: true},
	{name: "log_abs", src: "sum(log(x)) − sum(x ∘ x)/2", positive: true, opts: derive.Options{Order: 2}, noAllocs: true},
	{name: "matrix_fn", src: "tanh(α W)", opts: derive.Options{Wrt: []string{"α"}}, noAllocs: true},
	{name: "elem_max", src: "sum(max(x, y)) + sum(min(x, 0.5))", noAllocs: true},
	{name: "frobenius", src: "‖A‖ + sum(A ./ B)", positive: true, noAllocs: true},
	{name: "matpow", src: "tr(A³)"},
	{name: "inner_sq", src: "(uᵀv)² + uᵀv", noAllocs: true},
	{name: "cubic_hessian", src: "sum(x .^ 3) + (aᵀx)²", opts: derive.Options{Wrt: []string{"x"}, Order: 2}, noAllocs: true},
	{name: "relu_net", src: "uᵀrelu(W₂relu(W₁x+b₁)+b₂)", noAllocs: true},
	{name: "sigmoid_jac", src: "σ(Wx + b)", opts: derive.Options{Wrt: []string{"x", "b"}}, noAllocs: true},
	{name: "lse_hessian", src: "logsumexp(x)", opts: derive.Options{Order: 2}},
	{name: "neg_scale", src: "−2 xᵀy + 3 ‖x‖² / 2", noAllocs: true},
	{name: "exp_chain", src: "sum(exp(tanh(x) ∘ sin(y)))", noAllocs: true},
	{name: "row_times_matrix", src: "uᵀ A B v", noAllocs: true},
	{name: "one_row_matrix", src: "sum(r(W))", lets: "W: matrix(1,k)"},
	{name: "row_value", src: "α aᵀ B", opts: derive.Options{Wrt: []string{"α"}}},
	// Symmetric products α L D Lᵀ (sym.go), at sizes past the tiles of 64
	// rows and the panels of 512 columns of symMul: Syrk on √v-scaled
	// rows, Gemm on v-scaled ones, L stored as it is or transposed.
	{name: "gram_hessian", src: "‖Xw − y‖²", lets: "X: matrix(n, m)", opts: derive.Options{Wrt: []string{"w"}, Order: 2}, noAllocs: true, sizes: map[string]int{"n": 530, "m": 70}},
	{name: "signed_hessian", src: "sum(tanh(Xw))", lets: "X: matrix(n, m)", opts: derive.Options{Wrt: []string{"w"}, Order: 2}, noAllocs: true, sizes: map[string]int{"n": 600, "m": 131}},
	{name: "row_gram_hessian", src: "sum(softplus(Wᵀx))", lets: "W: matrix(n, k)", opts: derive.Options{Wrt: []string{"x"}, Order: 2}, noAllocs: true, sizes: map[string]int{"n": 70, "k": 520}},
	{name: "row_signed_hessian", src: "−sum(tanh(Wᵀx))", lets: "W: matrix(n, k)", opts: derive.Options{Wrt: []string{"x"}, Order: 2}, noAllocs: true, sizes: map[string]int{"n": 65, "k": 9}},
	{name: "outer_gram_hessian", src: "‖Wᵀx‖²", lets: "W: matrix(n, k)", opts: derive.Options{Wrt: []string{"x"}, Order: 2}, noAllocs: true, sizes: map[string]int{"n": 129, "k": 3}},
}

// fileCases returns a case per formula file of examples/, as the CLI reads
// it: definitions inlined into the requested function.
func fileCases(t *testing.T) []goCase {
	paths, err := filepath.Glob("../../examples/*.mc")
	if err != nil {
		t.Fatal(err)
	}
	paths = append(paths, "../../examples/gogen/model.mc")
	var cases []goCase
	for _, p := range paths {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		name := "file_" + strings.NewReplacer("-", "_", "/", "_", ".", "_").Replace(strings.TrimSuffix(strings.TrimPrefix(p, "../../examples/"), ".mc"))
		s := string(src)
		cases = append(cases, goCase{name: name, file: s, positive: strings.Contains(s, "log(") || strings.Contains(s, "sqrt")})
	}
	return cases
}

func (c *goCase) buildFile() (*derive.Result, ast.Expr, error) {
	file, err := parser.ParseFile(c.file)
	if err != nil {
		return nil, nil, fmt.Errorf("%s", ast.FormatError(c.file, err))
	}
	if len(file.Requests) != 1 {
		return nil, nil, fmt.Errorf("%d requests", len(file.Requests))
	}
	req := file.Requests[0]
	defs := map[string]ast.Expr{}
	for _, d := range file.Defs {
		defs[d.Name] = ast.Rewrite(d.Expr, func(n ast.Expr) ast.Expr {
			if id, ok := n.(*ast.Ident); ok {
				if x, ok := defs[id.Name]; ok {
					return x
				}
			}
			return n
		})
	}
	e := defs[req.Func]
	if e == nil {
		return nil, nil, fmt.Errorf("%s is not defined", req.Func)
	}
	info, err := ast.Infer(e, file.Decls, nil)
	if err != nil {
		return nil, nil, err
	}
	r, err := derive.Derive(e, info, derive.Options{Wrt: req.Wrt, Order: req.Order, FuncName: req.Func})
	if r != nil {
		r.Input = c.file
	}
	return r, e, err
}

func (c *goCase) build() (*derive.Result, ast.Expr, error) {
	if c.res != nil {
		return c.res, c.res.Expand(c.res.Func), nil
	}
	if c.file != "" {
		return c.buildFile()
	}
	var decls []ast.Decl
	if c.lets != "" {
		var err error
		if decls, err = parser.ParseDecls(c.lets); err != nil {
			return nil, nil, err
		}
	}
	e, err := (&parser.Config{Decls: decls}).ParseExpr(c.src)
	if err != nil {
		return nil, nil, fmt.Errorf("%s", ast.FormatError(c.src, err))
	}
	info, err := ast.Infer(e, decls, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("%s", ast.FormatError(c.src, err))
	}
	r, err := derive.Derive(e, info, c.opts)
	return r, e, err
}

// tmpModule writes a module that requires gonum at the version of the main
// go.mod and uses the main go.sum, so that building needs no network.
func tmpModule(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	gomod, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`gonum\.org/v1/gonum (v\S+)`).FindSubmatch(gomod)
	if m == nil {
		t.Fatal("no gonum in go.mod")
	}
	mod := fmt.Sprintf("module gocodetest\n\ngo 1.26\n\nrequire gonum.org/v1/gonum %s\n", m[1])
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(mod), 0o644); err != nil {
		t.Fatal(err)
	}
	sum, err := os.ReadFile("../../go.sum")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func goCmd(t *testing.T, dir string, stdin []byte, args ...string) []byte {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off")
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("go %s: %v\n%s%s", strings.Join(args, " "), err, errb.String(), out.String())
	}
	return out.Bytes()
}

// fillStubs replaces the panicking stubs of the generic functions by the
// built-ins testFuncs binds them to.
func fillStubs(src []byte, g *goGen) []byte {
	s := string(src)
	for _, st := range g.stubs {
		impl := stubImpl(testFuncs[st.key.fun], st.key.primes)
		re := regexp.MustCompile(`(func ` + regexp.QuoteMeta(st.name) + `\(x float64\) float64 \{\n)\tpanic\([^\n]*\)\n`)
		s = re.ReplaceAllString(s, "${1}\treturn "+strings.ReplaceAll(impl, "$", "$$")+"\n")
	}
	if !strings.Contains(s, `"math"`) && strings.Contains(s, "math.") {
		s = strings.Replace(s, "import (", "import (\n\t\"math\"", 1)
	}
	return []byte(s)
}

func stubImpl(fun string, p int) string {
	sig := "1 / (1 + math.Exp(-x))"
	switch fun + strconv.Itoa(p) {
	case "tanh0":
		return "math.Tanh(x)"
	case "tanh1":
		return "1 - math.Tanh(x)*math.Tanh(x)"
	case "tanh2":
		return "-2 * math.Tanh(x) * (1 - math.Tanh(x)*math.Tanh(x))"
	case "sin0", "sin4":
		return "math.Sin(x)"
	case "sin1":
		return "math.Cos(x)"
	case "sin2":
		return "-math.Sin(x)"
	case "σ0":
		return sig
	case "σ1":
		return "(" + sig + ") * (1 - " + sig + ")"
	case "σ2":
		return "(" + sig + ") * (1 - " + sig + ") * (1 - 2*" + sig + ")"
	case "softplus0":
		return "math.Log1p(math.Exp(x))"
	case "softplus1":
		return sig
	case "softplus2":
		return "(" + sig + ") * (1 - " + sig + ")"
	}
	if fun == "exp" {
		return "math.Exp(x)"
	}
	return "math.NaN()"
}

// wireVal carries a value between the test and the generated program.
type wireVal struct {
	Rows, Cols int
	Data       []string // floats as strconv text: NaN and Inf survive
}

func toWire(m *mat.Dense) wireVal {
	r, c := m.Dims()
	w := wireVal{Rows: r, Cols: c}
	for i := range r {
		for j := range c {
			w.Data = append(w.Data, strconv.FormatFloat(m.At(i, j), 'g', -1, 64))
		}
	}
	return w
}

func fromWire(w wireVal) *mat.Dense {
	d := make([]float64, len(w.Data))
	for i, s := range w.Data {
		d[i], _ = strconv.ParseFloat(s, 64)
	}
	return mat.NewDense(w.Rows, w.Cols, d)
}

const mainPrelude = `package main

import (
	"encoding/json"
	"os"
	"runtime"
	"strconv"

	"gonum.org/v1/gonum/mat"
%s)

type wireVal struct {
	Rows, Cols int
	Data       []string
}

func data(w wireVal) []float64 {
	d := make([]float64, len(w.Data))
	for i, s := range w.Data {
		d[i], _ = strconv.ParseFloat(s, 64)
	}
	return d
}

// vec and dense build contiguous inputs, or strided views (Inc 2, a stride
// wider than the rows) to exercise the generated code's indexing.
func vec(w wireVal, strided bool) *mat.VecDense {
	if !strided {
		return mat.NewVecDense(w.Rows, data(w))
	}
	m := mat.NewDense(w.Rows, 2, nil)
	m.SetCol(0, data(w))
	return m.ColView(0).(*mat.VecDense)
}

func dense(w wireVal, strided bool) *mat.Dense {
	if !strided {
		return mat.NewDense(w.Rows, w.Cols, data(w))
	}
	m := mat.NewDense(w.Rows, w.Cols+3, nil)
	v := m.Slice(0, w.Rows, 1, w.Cols+1).(*mat.Dense)
	v.Copy(mat.NewDense(w.Rows, w.Cols, data(w)))
	return v
}

func scalar(w wireVal) float64 { return data(w)[0] }

func enc(x any) wireVal {
	var m mat.Matrix
	switch x := x.(type) {
	case float64:
		return wireVal{1, 1, []string{strconv.FormatFloat(x, 'g', -1, 64)}}
	case *mat.VecDense:
		m = x
	case *mat.Dense:
		m = x
	}
	r, c := m.Dims()
	w := wireVal{Rows: r, Cols: c}
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			w.Data = append(w.Data, strconv.FormatFloat(m.At(i, j), 'g', -1, 64))
		}
	}
	return w
}

func mallocs() uint64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.Mallocs
}

// output is, per case, per point: the plain results, the workspace
// results (strided inputs, second call), and the allocations of 10 warm
// workspace calls.
type output struct {
	Plain, Work []wireVal
	Allocs      uint64
}

func main() {
	var in map[string][]map[string]wireVal
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		panic(err)
	}
	out := map[string][]output{}
%s
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		panic(err)
	}
}
`

// callCode returns the main's loop over the points of one case: F, then
// the directional-derivative functions (FJVPX, …), whose results follow
// F's in the output.
func callCode(pkg string, g *goGen) string {
	gens := []*goGen{g}
	for _, c := range g.dirs {
		if c != nil {
			gens = append(gens, c)
		}
	}
	args := func(c *goGen, strided bool) string {
		var as []string
		for _, p := range c.params {
			key := strconv.Quote(p.v.Name)
			switch p.typ {
			case "float64":
				as = append(as, "scalar(p["+key+"])")
			case "*mat.VecDense":
				as = append(as, fmt.Sprintf("vec(p[%s], %v)", key, strided))
			default:
				as = append(as, fmt.Sprintf("dense(p[%s], %v)", key, strided))
			}
		}
		return strings.Join(as, ", ")
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\t{\n\tvar w %s.%s // shared by points of different sizes\n", pkg, g.wsType)
	fmt.Fprintf(&b, "\tfor _, p := range in[%q] {\n", pkg)
	var encR, encQ []string
	for n, c := range gens {
		var rs []string
		for k := range c.results {
			rs = append(rs, fmt.Sprintf("r%d_%d", n, k))
			encR = append(encR, fmt.Sprintf("enc(r%d_%d)", n, k))
			encQ = append(encQ, fmt.Sprintf("enc(q%d_%d)", n, k))
		}
		fmt.Fprintf(&b, "\t\t%s := %s.%s(%s)\n", strings.Join(rs, ", "), pkg, c.name, args(c, false))
		fmt.Fprintf(&b, "\t\tw.%s(%s)\n", c.name, args(c, false))
	}
	// Allocation count: inputs built once, outside the measured calls.
	seen := map[string]bool{}
	var calls []string
	for _, c := range gens {
		var names []string
		for _, p := range c.params {
			n := "a_" + p.name
			names = append(names, n)
			if seen[n] {
				continue
			}
			seen[n] = true
			key := strconv.Quote(p.v.Name)
			switch p.typ {
			case "float64":
				fmt.Fprintf(&b, "\t\t%s := scalar(p[%s])\n", n, key)
			case "*mat.VecDense":
				fmt.Fprintf(&b, "\t\t%s := vec(p[%s], false)\n", n, key)
			default:
				fmt.Fprintf(&b, "\t\t%s := dense(p[%s], false)\n", n, key)
			}
		}
		calls = append(calls, fmt.Sprintf("w.%s(%s)", c.name, strings.Join(names, ", ")))
	}
	for _, call := range calls {
		b.WriteString("\t\t" + call + "\n")
	}
	// The least of three rounds: the runtime itself allocates now and then.
	b.WriteString("\t\tallocs := ^uint64(0)\n\t\tfor range 3 {\n\t\t\tm0 := mallocs()\n")
	b.WriteString("\t\t\tfor range 10 {\n")
	for _, call := range calls {
		b.WriteString("\t\t\t\t" + call + "\n")
	}
	b.WriteString("\t\t\t}\n\t\t\tallocs = min(allocs, mallocs()-m0)\n\t\t}\n")
	for n, c := range gens {
		var qs []string
		for k := range c.results {
			qs = append(qs, fmt.Sprintf("q%d_%d", n, k))
		}
		fmt.Fprintf(&b, "\t\tw.%s(%s)\n", c.name, args(c, true))
		fmt.Fprintf(&b, "\t\t%s := w.%s(%s)\n", strings.Join(qs, ", "), c.name, args(c, true))
	}
	fmt.Fprintf(&b, "\t\tout[%q] = append(out[%q], output{Plain: []wireVal{%s}, Work: []wireVal{%s}, Allocs: allocs})\n",
		pkg, pkg, strings.Join(encR, ", "), strings.Join(encQ, ", "))
	b.WriteString("\t}\n\t}\n")
	return b.String()
}

// evalAs evaluates e in the shape want; a scalar 0 stands for zeros.
func evalAs(e ast.Expr, env *eval.Env, want ast.Shape) (*mat.Dense, error) {
	return eval.EvalShaped(e, env, want)
}

// TestGoCompileRun emits every case (plain and workspace form) into one
// temporary module, vets and runs it at random points, and compares value
// and derivatives with package eval on the symbolic result and with central
// finite differences of the function.
func TestGoCompileRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	dir := tmpModule(t)
	type built struct {
		c    goCase
		r    *derive.Result
		fn   ast.Expr
		g    *goGen
		envs []*eval.Env
	}
	var cases []*built
	var imports, calls strings.Builder
	input := map[string][]map[string]wireVal{}
	all := append(append(append(append([]goCase(nil), goCases...), fileCases(t)...), registryCases()...), corpusTensorCases(t)...)
	for k, c := range all {
		r, fn, err := c.build()
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		pkg := fmt.Sprintf("c%02d_%s", k, c.name)
		gopts := Options{Package: pkg, Workspace: true}
		if c.bind {
			gopts.Funcs = testFuncs
		}
		src, err := Generate(r, gopts)
		if err != nil && c.knownBug != "" {
			t.Logf("%s: known bug (%s): %v", c.name, c.knownBug, err)
			continue
		}
		if err != nil {
			t.Errorf("%s: Go: %v\n%s", c.name, err, src)
			continue
		}
		if c.bind && bytes.Contains(src, []byte("panic(\"TODO")) {
			t.Errorf("%s: bound generic functions still get stubs", c.name)
		}
		g, _ := newGoGen(r, gopts)
		src = fillStubs(src, g)
		if err := os.MkdirAll(filepath.Join(dir, pkg), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, pkg, "grad.go"), src, 0o644); err != nil {
			t.Fatal(err)
		}
		b := &built{c: c, r: r, fn: fn, g: g}
		var first map[string]int
		for seed := range uint64(3) {
			rng := rand.New(rand.NewPCG(seed+1, uint64(k)))
			// The second point has other sizes, the third the first's
			// again: the workspace, shared by the points, must follow.
			want := c.sizes
			if seed == 1 {
				want = map[string]int{}
				for d, n := range first {
					want[d] = n + 2
				}
			}
			vals, sizes := eval.Random(withDirs(r), want, rng, c.positive)
			if seed == 0 {
				first = sizes
			}
			env := &eval.Env{Vars: vals, Funcs: testFuncs, Sizes: sizes}
			b.envs = append(b.envs, env)
			point := map[string]wireVal{}
			for name, v := range vals {
				point[name] = toWire(v)
			}
			input[pkg] = append(input[pkg], point)
		}
		fmt.Fprintf(&imports, "\t%s \"gocodetest/%s\"\n", pkg, pkg)
		calls.WriteString(callCode(pkg, g))
		b.c.name = pkg
		cases = append(cases, b)
	}
	if err := os.MkdirAll(filepath.Join(dir, "cmd", "run"), 0o755); err != nil {
		t.Fatal(err)
	}
	main := fmt.Sprintf(mainPrelude, imports.String(), calls.String())
	if err := os.WriteFile(filepath.Join(dir, "cmd", "run", "main.go"), []byte(main), 0o644); err != nil {
		t.Fatal(err)
	}
	goCmd(t, dir, nil, "vet", "./...")
	if sc := staticcheckPath(); sc != "" {
		cmd := exec.Command(sc, "./...")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("staticcheck on the emitted code: %v\n%s", err, out)
		}
	}
	in, err := json.Marshal(input)
	if err != nil {
		t.Fatal(err)
	}
	raw := goCmd(t, dir, in, "run", "./cmd/run")
	var out map[string][]struct {
		Plain, Work []wireVal
		Allocs      uint64
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%v\n%s", err, raw)
	}
	for _, b := range cases {
		r := b.r
		for p, env := range b.envs {
			o := out[b.c.name][p]
			check := func(what string, k int, want *mat.Dense, tol float64) {
				t.Helper()
				for form, got := range map[string]wireVal{"plain": o.Plain[k], "workspace": o.Work[k]} {
					g := fromWire(got)
					if e := eval.RelErr(g, want); !(e <= tol) {
						t.Errorf("%s (%s) point %d, %s form: %s\n got %v\nwant %v (rel. error %.2g)", b.c.name, b.c.src, p, form, what,
							mat.Formatted(g, mat.Squeeze()), mat.Formatted(want, mat.Squeeze()), e)
					}
				}
			}
			v, err := evalAs(r.Expand(r.Func), env, r.FuncShape)
			if err != nil {
				t.Fatalf("%s: eval: %v", b.c.name, err)
			}
			check("value", 0, v, 1e-10)
			dirAt := len(b.g.results) // index of the next directional derivative's result
			for k, d := range r.Derivs {
				sym, err := evalAs(r.Expand(d.Expr), env, d.Shape)
				if err != nil {
					t.Fatalf("%s: eval ∂/∂%s: %v", b.c.name, d.Wrt, err)
				}
				// Central differences: of the function for a first
				// derivative, of the symbolic gradient ∂s/∂Wrt by the
				// second variable for a second derivative that is a tensor
				// or a mixed block.
				var fdBy *mat.Dense
				if b.c.sizes == nil && (d.Kind == derive.Differential || d.Wrt2 != "") {
					e := b.fn
					if d.Order == 2 {
						if e, err = b.c.gradient(d.Wrt); err != nil {
							t.Fatalf("%s: the gradient by %s: %v", b.c.name, d.Wrt, err)
						}
					}
					if fdBy, err = eval.CentralDiff(e, env, d.By()); err != nil {
						t.Fatalf("%s: finite differences by %s: %v", b.c.name, d.By(), err)
					}
				}
				if d.Kind == derive.Differential {
					checkTensor(t, b.c.name, r, d, env, sym, fdBy, func(what string, want *mat.Dense, tol float64) {
						t.Helper()
						check(what, k+1, want, tol)
					}, func(what string, want *mat.Dense, tol float64) {
						t.Helper()
						check(what, dirAt, want, tol)
					}, func() *mat.Dense { return fromWire(o.Plain[k+1]) })
					dirAt++
					continue
				}
				check("∂/∂"+d.Wrt+" = "+ast.String(d.Expr)+" vs eval", k+1, sym, 1e-9)
				if b.c.sizes != nil {
					continue // too large for differences: eval is the reference
				}
				if d.Wrt2 != "" {
					check(d.Label(r.FuncName)+" vs central differences of the gradient", k+1, fdBy, 1e-6)
					continue
				}
				var fd *mat.Dense
				tol := 1e-6
				switch {
				case d.Order == 2 && !r.FuncShape.IsScalar():
					// Of a vector function: differences of its first
					// derivative.
					var first ast.Expr
					if first, err = b.c.gradient(d.Wrt); err != nil {
						t.Fatalf("%s: the first derivative by %s: %v", b.c.name, d.Wrt, err)
					}
					fd, err = eval.CentralDiff(first, env, d.Wrt)
				case d.Order == 2:
					fd, err = eval.CentralDiff2(b.fn, env, d.Wrt)
					tol = 1e-4
				default:
					fd, err = eval.CentralDiff(b.fn, env, d.Wrt)
				}
				if err != nil {
					t.Fatalf("%s: finite differences by %s: %v", b.c.name, d.Wrt, err)
				}
				if vi := varInfo(r, d.Wrt); vi != nil && vi.Symmetric {
					fd = eval.SymmetricPart(fd)
				}
				check("∂/∂"+d.Wrt+" vs central differences", k+1, fd, tol)
			}
			if b.c.noAllocs && o.Allocs != 0 {
				t.Errorf("%s: the workspace form allocated %d times in 10 warm calls", b.c.name, o.Allocs)
			}
		}
	}
	if len(cases) < len(all)-2 {
		t.Errorf("only %d of %d cases compiled", len(cases), len(all))
	}
	t.Logf("compiled, vetted and ran %d cases (plain and workspace forms) at 3 points each", len(cases))
}

// withDirs returns the inputs of r's Go functions: its variables, then the
// directions of its tensor derivatives (dW, of W's shape), which the
// directional-derivative functions take.
func withDirs(r *derive.Result) []ast.VarInfo {
	vars := append([]ast.VarInfo(nil), r.Vars...)
	env := r.Env()
	for _, d := range r.Derivs {
		if d.Dir != "" && !slices.ContainsFunc(vars, func(v ast.VarInfo) bool { return v.Name == d.Dir }) {
			vars = append(vars, ast.VarInfo{Name: d.Dir, Shape: env[d.Dir]})
		}
	}
	return vars
}

// checkTensor checks a tensor derivative d: the vec-layout matrix (mat)
// against eval.Differential of the symbolic differential and against the
// central differences fd (of the function, or for a second derivative of
// the gradient; nil for none), both laid out as eval lays out tensors;
// the directional derivative (dir) against eval of the differential at the
// direction and against the matrix times vec(direction). sym is the
// differential evaluated at env; got returns the matrix the code gave.
func checkTensor(t *testing.T, name string, r *derive.Result, d derive.Deriv, env *eval.Env, sym, fd *mat.Dense,
	mat_, dir func(what string, want *mat.Dense, tol float64), got func() *mat.Dense) {
	t.Helper()
	x := env.Vars[d.By()]
	tensor, err := eval.Differential(r.Expand(d.Expr), env, d.Dir, d.By(), d.Shape)
	if err != nil {
		t.Fatalf("%s: eval.Differential of %s: %v", name, d.Label(r.FuncName), err)
	}
	fr, fc := sym.Dims()
	xr, xc := x.Dims()
	want := vecLayout(tensor, fr, fc, xr, xc)
	mat_(d.Label(r.FuncName)+" in vec layout vs eval.Differential of "+ast.String(d.Expr), want, 1e-9)
	if fd != nil && fr*fc == 1 {
		// Central differences of a scalar come in the variable's shape.
		flat := make([]float64, 0, xr*xc)
		for k := range xr {
			for l := range xc {
				flat = append(flat, fd.At(k, l))
			}
		}
		fd = mat.NewDense(1, xr*xc, flat)
	}
	if fd != nil {
		mat_(d.Label(r.FuncName)+" in vec layout vs central differences", vecLayout(fd, fr, fc, xr, xc), 1e-6)
	}
	dir(d.DiffLabel(r.FuncName)+" along "+d.Dir+" vs eval", sym, 1e-9)
	dir(d.DiffLabel(r.FuncName)+" along "+d.Dir+" vs the emitted matrix times vec("+d.Dir+")", unvec(mulVec(got(), env.Vars[d.Dir]), fr, fc), 1e-9)
}

// gradient returns the case's gradient (or Jacobian) ∂s/∂wrt, over the
// inputs only.
func (c *goCase) gradient(wrt string) (ast.Expr, error) {
	if c.src == "" {
		return nil, fmt.Errorf("no formula")
	}
	var decls []ast.Decl
	if c.lets != "" {
		var err error
		if decls, err = parser.ParseDecls(c.lets); err != nil {
			return nil, err
		}
	}
	e, err := (&parser.Config{Decls: decls}).ParseExpr(c.src)
	if err != nil {
		return nil, err
	}
	info, err := ast.Infer(e, decls, nil)
	if err != nil {
		return nil, err
	}
	r, err := derive.Derive(e, info, derive.Options{Wrt: []string{wrt}, Order: 1})
	if err != nil {
		return nil, err
	}
	if len(r.Derivs) != 1 || r.Derivs[0].Kind == derive.Differential {
		return nil, fmt.Errorf("∂s/∂%s is a tensor", wrt)
	}
	return r.Expand(r.Derivs[0].Expr), nil
}

// vecLayout turns a tensor laid out as eval lays it out (rows the
// function's entries, columns the variable's, both row-major) into the vec
// layout ∂vec(F)/∂vec(X)ᵀ (both column-major).
func vecLayout(t *mat.Dense, fr, fc, xr, xc int) *mat.Dense {
	out := mat.NewDense(fr*fc, xr*xc, nil)
	for i := range fr {
		for j := range fc {
			for k := range xr {
				for l := range xc {
					out.Set(i+j*fr, k+l*xr, t.At(i*fc+j, k*xc+l))
				}
			}
		}
	}
	return out
}

// mulVec returns m vec(v), vec column-major.
func mulVec(m, v *mat.Dense) *mat.Dense {
	r, c := v.Dims()
	flat := mat.NewDense(r*c, 1, nil)
	for i := range r {
		for j := range c {
			flat.Set(i+j*r, 0, v.At(i, j))
		}
	}
	var out mat.Dense
	out.Mul(m, flat)
	return &out
}

// unvec reshapes a column vec(F) into F, r×c.
func unvec(v *mat.Dense, r, c int) *mat.Dense {
	out := mat.NewDense(r, c, nil)
	for i := range r {
		for j := range c {
			out.Set(i, j, v.At(i+j*r, 0))
		}
	}
	return out
}

func varInfo(r *derive.Result, name string) *ast.VarInfo {
	for i := range r.Vars {
		if r.Vars[i].Name == name {
			return &r.Vars[i]
		}
	}
	return nil
}

// staticcheckPath returns the staticcheck binary if one is installed.
func staticcheckPath() string {
	if p, err := exec.LookPath("staticcheck"); err == nil {
		return p
	}
	if home, err := os.UserHomeDir(); err == nil {
		p := filepath.Join(home, "go", "bin", "staticcheck")
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}
