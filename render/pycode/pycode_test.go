package pycode_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/derive"
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
	if err := exec.Command("/usr/bin/python3", "-c", "import numpy").Run(); err != nil {
		katex.Missing(t, "/usr/bin/python3 cannot import numpy: run scripts/python-setup.sh")
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
