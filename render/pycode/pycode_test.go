package pycode_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/derive"
	"github.com/matcalc/matcalc/op"
	"github.com/matcalc/matcalc/parser"
	"github.com/matcalc/matcalc/render/pycode"
	"github.com/matcalc/matcalc/tools/katex"
)

func generate(t *testing.T, src string, o pycode.Options) string {
	t.Helper()
	e, err := parser.ParseExpr(src)
	if err != nil {
		t.Fatal(err)
	}
	info, err := ast.Infer(e, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := derive.Derive(e, info, derive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := pycode.Generate(r, o)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// runPython runs code after importing the module src as m.
func runPython(t *testing.T, src, code string) (string, error) {
	t.Helper()
	return runWith(t, "numpy", src, code)
}

// runWith runs code after importing the module src as m, skipping when
// Python cannot import lib (failing under CI=true: scripts/python-setup.sh
// installs numpy and torch).
func runWith(t *testing.T, lib, src, code string) (string, error) {
	t.Helper()
	if err := exec.Command("/usr/bin/python3", "-c", "import "+lib).Run(); err != nil {
		katex.Missing(t, "/usr/bin/python3 cannot import %s: run scripts/python-setup.sh", lib)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "m.py"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("/usr/bin/python3", "-c", "import sys; sys.path.insert(0, sys.argv[1]); import m\n"+code, dir)
	out, err := cmd.CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

// Greek names, subscripts and Python keywords become valid, distinct
// identifiers; the result of λ‖w‖² + wᵀx at w = (1, 2), x = (3, 4), λ = 0.5
// is 0.5·5 + 11 = 13.5, its gradient by w is 2λw + x = (4, 6).
func TestNames(t *testing.T) {
	src := generate(t, "λ‖w₁‖² + w₁ᵀx", pycode.Options{Func: "loss"})
	if !strings.Contains(src, "def loss(lambda_, w_1, x)") {
		t.Fatalf("parameters:\n%s", src)
	}
	out, err := runPython(t, src, "v, dl, dw, dx = m.loss(0.5, [1, 2], [3, 4]); print(v, list(dw))")
	if err != nil || out != "13.5 [4.0, 6.0]" {
		t.Errorf("loss(0.5, (1, 2), (3, 4)) = %s (%v), want 13.5 [4.0, 6.0]", out, err)
	}
}

// A generic function is a parameter, with its derivative, unless --fun
// binds it; with f = tanh the two agree.
func TestGenericFunctions(t *testing.T) {
	free := generate(t, "sum(f(x))", pycode.Options{})
	if !strings.Contains(free, "def f(x, f, f_prime)") {
		t.Fatalf("generic f is not a parameter:\n%s", free)
	}
	bound := generate(t, "sum(f(x))", pycode.Options{Funcs: map[string]string{"f": "tanh"}})
	code := "import numpy as np\nfn = [v for k, v in vars(m).items() if callable(v) and k.startswith('f')][0]\n"
	out1, err1 := runPython(t, free, code+"v, d = fn([0.5, -1.0], np.tanh, lambda z: 1 - np.tanh(z)**2); print(round(v, 12), np.round(d, 12).tolist())")
	out2, err2 := runPython(t, bound, code+"v, d = fn([0.5, -1.0]); print(round(v, 12), np.round(d, 12).tolist())")
	if err1 != nil || err2 != nil || out1 != out2 {
		t.Errorf("f as a parameter gives %s (%v), f bound to tanh %s (%v)", out1, err1, out2, err2)
	}
}

// Shapes are checked at entry with an error that names the input.
func TestShapeCheck(t *testing.T) {
	src := generate(t, "uᵀtanh(Wx + b)", pycode.Options{})
	out, err := runPython(t, src, "m.f([1, 2], [[1, 2, 3], [4, 5, 6]], [1, 2], [0, 0])")
	if err == nil || !strings.Contains(out, "ValueError: x: dimension m is 2 here but 3 before") {
		t.Errorf("a wrong x: %s (%v)", out, err)
	}
}

// The PyTorch module computes in the inputs' dtype: float32 inputs give
// float32 results (a 0-d tensor for the scalar value) that agree with the
// float64 ones; a Python float among the inputs takes the tensors' dtype.
func TestTorchDtype(t *testing.T) {
	src := generate(t, "uᵀtanh(Wx + b) + λ‖x‖²", pycode.Options{Dialect: pycode.Torch})
	if strings.Contains(src, "numpy") {
		t.Errorf("the PyTorch module mentions numpy:\n%s", src)
	}
	out, err := runWith(t, "torch", src, `
import torch
g = torch.Generator().manual_seed(1)
args = [torch.randn(3, generator=g, dtype=torch.float64), torch.randn(3, 2, generator=g, dtype=torch.float64),
        torch.randn(2, generator=g, dtype=torch.float64), torch.randn(3, generator=g, dtype=torch.float64), 0.5]
names = [n for n in m.f.__code__.co_varnames[:m.f.__code__.co_argcount]]
order = {"u": 0, "W": 1, "x": 2, "b": 3, "lambda_": 4}
args = [args[order[n]] for n in names]
r64 = m.f(*args)
r32 = m.f(*[a.float() if torch.is_tensor(a) else a for a in args])
print(all(r.dtype == torch.float32 for r in r32), r32[0].ndim,
      all(r.dtype == torch.float64 for r in r64),
      max(float((a.double() - b).abs().max() / b.abs().max()) for a, b in zip(r32, r64)) < 1e-5)
`)
	if err != nil || out != "True 0 True True" {
		t.Errorf("float32 and float64 runs: %s (%v), want True 0 True True", out, err)
	}
}

// PyTorch modules check shapes at entry and take generic functions as
// parameters, as NumPy ones do.
func TestTorchChecksAndGeneric(t *testing.T) {
	src := generate(t, "uᵀtanh(Wx + b)", pycode.Options{Dialect: pycode.Torch})
	out, err := runWith(t, "torch", src, "import torch\nm.f(torch.ones(2), torch.ones(2, 3), torch.ones(2), torch.zeros(2))")
	if err == nil || !strings.Contains(out, "ValueError: x: dimension m is 2 here but 3 before") {
		t.Errorf("a wrong x: %s (%v)", out, err)
	}
	free := generate(t, "sum(f(x))", pycode.Options{Dialect: pycode.Torch})
	bound := generate(t, "sum(f(x))", pycode.Options{Dialect: pycode.Torch, Funcs: map[string]string{"f": "tanh"}})
	code := "import torch\nfn = [v for k, v in vars(m).items() if callable(v) and k.startswith('f')][0]\nx = torch.tensor([0.5, -1.0])\n"
	out1, err1 := runWith(t, "torch", free, code+"v, d = fn(x, torch.tanh, lambda z: 1 - torch.tanh(z)**2); print(round(float(v), 6), [round(float(e), 6) for e in d])")
	out2, err2 := runWith(t, "torch", bound, code+"v, d = fn(x); print(round(float(v), 6), [round(float(e), 6) for e in d])")
	if err1 != nil || err2 != nil || out1 != out2 || !strings.HasPrefix(out1, "-0.299") {
		t.Errorf("f as a parameter gives %s (%v), f bound to tanh %s (%v)", out1, err1, out2, err2)
	}
}

// Every built-in has a NumPy and a PyTorch form: the formulas of
// op.Checks are emitted in both dialects without error (the corpus tests
// run them).
func TestRegistryForms(t *testing.T) {
	for _, o := range op.All() {
		for _, c := range op.Checks(o) {
			e, err := parser.ParseExpr(c.Src)
			if err != nil {
				t.Fatal(err)
			}
			info, err := ast.Infer(e, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			r, err := derive.Derive(e, info, derive.Options{Wrt: c.Wrt, Order: c.Order})
			if err != nil {
				continue // a derivative matcalc declines: TestRegistry's concern
			}
			for _, d := range []pycode.Dialect{pycode.NumPy, pycode.Torch} {
				if _, err := pycode.Generate(r, pycode.Options{Dialect: d}); err != nil {
					t.Errorf("%s (order %d, dialect %d): %v", c.Src, c.Order, d, err)
				}
			}
		}
	}
}
