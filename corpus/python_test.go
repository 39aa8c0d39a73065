package corpus_test

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/matcalc/matcalc/check"
	"github.com/matcalc/matcalc/derive"
	"github.com/matcalc/matcalc/eval"
	"github.com/matcalc/matcalc/render/pycode"
	"github.com/matcalc/matcalc/tools/katex"
	"gonum.org/v1/gonum/mat"
)

// python is Debian's interpreter, which python3-numpy and python3-pyflakes
// (installed by scripts/python-setup.sh) serve.
const python = "/usr/bin/python3"

// needPython skips (or under CI=true fails) when a module is missing.
func needPython(t *testing.T, modules ...string) {
	t.Helper()
	for _, m := range modules {
		if err := exec.Command(python, "-c", "import "+m).Run(); err != nil {
			katex.Missing(t, "%s cannot import %s: run scripts/python-setup.sh (Debian's python3-numpy, python3-pyflakes)", python, m)
		}
	}
}

// TestNumPy emits every corpus formula as a NumPy module, runs them all in
// one Python process at a random point each, and compares the value and
// every derivative with matcalc's evaluator and with central differences;
// every module also passes py_compile and pyflakes with no warning.
func TestNumPy(t *testing.T) {
	needPython(t, "numpy", "pyflakes")
	testPython(t, pycode.NumPy)
}

// TestTorch does the same for PyTorch modules, in float64 (scalars passed
// as floats and as 0-d tensors in turn); it also runs every module in
// float32, where every result must be float32 and close to the
// evaluator's, and on the meta device, where no result may leave it.
//
// scripts/python-setup.sh installs python3-torch; without it the test
// skips, or fails under CI=true.
func TestTorch(t *testing.T) {
	needPython(t, "torch", "pyflakes")
	testPython(t, pycode.Torch)
}

// pyScripts run the jobs read from stdin, each module's f on its
// arguments, and print the results as JSON.
var pyScripts = map[pycode.Dialect]string{
	pycode.NumPy: `
import importlib, json, sys
import numpy as np
sys.path.insert(0, sys.argv[1])
out = []
for job in json.load(sys.stdin):
    try:
        res = importlib.import_module(job["module"]).f(*job["args"])
        out.append({"values": [np.ravel(np.asarray(r, dtype=float)).tolist() for r in res]})
    except Exception as e:
        out.append({"error": repr(e)})
print(json.dumps(out))
`,
	pycode.Torch: `
import importlib, json, sys
import torch
sys.path.insert(0, sys.argv[1])


def tensors(job, dtype, device):
    args = []
    for k, a in enumerate(job["args"]):
        if isinstance(a, float) and (k + len(job["module"])) % 2 == 0 and device != "meta":
            args.append(a)  # a Python float
        else:
            args.append(torch.tensor(a, dtype=dtype, device=device))
    return args


def run(job, dtype, device):
    args = tensors(job, dtype, device)
    if not any(torch.is_tensor(a) for a in args):
        dtype = torch.float64  # Python floats only
    res = importlib.import_module(job["module"]).f(*args)
    for r in res:
        if not torch.is_tensor(r) or r.dtype != dtype or r.device.type != device:
            raise TypeError("a result is %r, not a %s tensor on %s" % (getattr(r, "dtype", type(r)), dtype, device))
    return [r.reshape(-1).tolist() for r in res] if device != "meta" else []


out = []
for job in json.load(sys.stdin):
    o = {}
    for key, dtype, device in [("values", torch.float64, "cpu"), ("float32", torch.float32, "cpu"), ("meta", torch.float64, "meta")]:
        try:
            o[key] = run(job, dtype, device)
        except NotImplementedError as e:
            if device != "meta":
                o[key + "_error"] = repr(e)
            else:
                o["meta_missing"] = True  # an operation the meta device lacks
        except Exception as e:
            o[key + "_error"] = repr(e)
    out.append(o)
print(json.dumps(out))
`,
}

// testPython runs the corpus in one dialect.
func testPython(t *testing.T, dialect pycode.Dialect) {
	lib := map[pycode.Dialect]string{pycode.NumPy: "NumPy", pycode.Torch: "PyTorch"}[dialect]
	dir := t.TempDir()
	type job struct {
		Module string `json:"module"`
		Args   []any  `json:"args"`
		c      *testCase
		want   []*mat.Dense
		ref    []*mat.Dense // central differences, nil for the value
		names  []string
	}
	var jobs []*job
	var unsupported []string
	for k, c := range load(t, "formulas.txt") {
		p, err := run(c)
		if err != nil {
			continue // declined or failing: TestFormulas reports it
		}
		// Python output leaves out the tensor derivatives, as the CLI does.
		res, _, err := derive.WithoutTensors(p.expr, p.info, p.res, derive.Options{Wrt: p.wrt, FuncName: p.res.FuncName, Order: c.order})
		if err != nil {
			t.Fatalf("%s: %v", c, err)
		}
		if res == nil {
			continue
		}
		pp := *p
		pp.res = res
		p = &pp
		src, err := pycode.Generate(p.res, pycode.Options{Funcs: p.funcs, Dialect: dialect})
		if err != nil {
			unsupported = append(unsupported, fmt.Sprintf("%s: %v", c, err))
			continue
		}
		mod := fmt.Sprintf("m%03d", k)
		if os.Getenv("MATCALC_KEEP_PY") != "" {
			_ = os.WriteFile(filepath.Join(os.Getenv("MATCALC_KEEP_PY"), mod+".py"), src, 0o644)
		}
		if err := os.WriteFile(filepath.Join(dir, mod+".py"), src, 0o644); err != nil {
			t.Fatal(err)
		}
		env := p.point(c, rand.New(rand.NewPCG(uint64(k), 7)))
		if env == nil {
			continue
		}
		j := &job{Module: mod, c: c, names: []string{"value"}}
		for _, v := range p.res.Vars {
			j.Args = append(j.Args, eval.Encode(env.Vars[v.Name]))
		}
		fv, err := eval.EvalAs(p.expr, env, p.res.FuncShape)
		if err != nil {
			continue
		}
		j.want = append(j.want, fv)
		j.ref = append(j.ref, nil)
		for _, d := range p.res.Derivs {
			got, err := check.Symbolic(p.res, d, env)
			if err != nil {
				t.Fatalf("%s: %v", c, err)
			}
			ref, err := check.Reference(p.expr, p.info, p.res, d, p.first, env)
			if err != nil {
				ref = nil
			}
			j.want = append(j.want, got)
			j.ref = append(j.ref, ref)
			j.names = append(j.names, "∂/∂"+d.Wrt)
		}
		jobs = append(jobs, j)
	}
	in, err := json.Marshal(jobs)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(python, "-c", pyScripts[dialect], dir)
	cmd.Stdin = strings.NewReader(string(in))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	outb, err := cmd.Output()
	if err != nil {
		t.Fatalf("python: %v\n%s", err, stderr.String())
	}
	var outs []struct {
		Values       [][]float64 `json:"values"`
		Error        string      `json:"error"`
		ValuesError  string      `json:"values_error"`
		Float32      [][]float64 `json:"float32"`
		Float32Error string      `json:"float32_error"`
		MetaError    string      `json:"meta_error"`
		MetaMissing  bool        `json:"meta_missing"`
	}
	if err := json.Unmarshal(outb, &outs); err != nil {
		t.Fatalf("python output: %v\n%s", err, outb)
	}
	worst, worst32, metaMissing := 0.0, 0.0, 0
	for i, j := range jobs {
		o := outs[i]
		if o.MetaMissing {
			metaMissing++
		}
		if e := o.Error + o.ValuesError; e != "" {
			t.Errorf("%s\nthe %s module raises %s", j.c, lib, e)
			continue
		}
		if o.Float32Error != "" || o.MetaError != "" {
			t.Errorf("%s\nthe %s module in float32 raises %q, on the meta device %q", j.c, lib, o.Float32Error, o.MetaError)
		}
		for k, want := range j.want {
			got := mat.NewDense(1, len(o.Values[k]), o.Values[k])
			flat := mat.NewDense(1, len(want.RawMatrix().Data), append([]float64(nil), flatten(want)...))
			if e := eval.RelErr(got, flat); !(e <= 1e-9) {
				t.Errorf("%s\n%s: %s gives %v, matcalc's evaluator %v (rel. error %.2g)\nat %v", j.c, j.names[k], lib, o.Values[k], flatten(want), e, j.Args)
			} else {
				worst = math.Max(worst, e)
			}
			if ref := j.ref[k]; ref != nil {
				r := mat.NewDense(1, len(flatten(ref)), flatten(ref))
				if e := eval.RelErr(got, r); !(e <= j.c.tol*10) {
					t.Errorf("%s\n%s: %s gives %v, central differences %v (rel. error %.2g)", j.c, j.names[k], lib, o.Values[k], flatten(ref), e)
				}
			}
			if o.Float32 != nil {
				got := mat.NewDense(1, len(o.Float32[k]), o.Float32[k])
				if e := eval.RelErr(got, flat); !(e <= 1e-3) {
					t.Errorf("%s\n%s: %s in float32 gives %v, matcalc's evaluator %v (rel. error %.2g)", j.c, j.names[k], lib, o.Float32[k], flatten(want), e)
				} else {
					worst32 = math.Max(worst32, e)
				}
			}
		}
	}
	t.Logf("%d corpus formulas emitted as %s and run; worst relative difference from the evaluator %.2g", len(jobs), lib, worst)
	if dialect == pycode.Torch {
		t.Logf("in float32: worst relative difference %.2g; on the meta device: %d of %d modules run (the others use an operation it lacks)", worst32, len(jobs)-metaMissing, len(jobs))
	}
	if len(unsupported) > 0 {
		t.Errorf("%d formulas that %s output does not support:\n%s", len(unsupported), lib, strings.Join(unsupported, "\n"))
	}
	// Every module compiles and pyflakes finds nothing.
	mods, _ := filepath.Glob(filepath.Join(dir, "*.py"))
	if out, err := exec.Command(python, append([]string{"-m", "py_compile"}, mods...)...).CombinedOutput(); err != nil {
		t.Errorf("py_compile: %v\n%s", err, out)
	}
	if out, err := exec.Command(python, append([]string{"-m", "pyflakes"}, mods...)...).CombinedOutput(); err != nil || len(out) > 0 {
		t.Errorf("pyflakes: %v\n%s", err, out)
	}
}

// flatten lists the entries of m row by row, as numpy.ravel does.
func flatten(m *mat.Dense) []float64 {
	r, c := m.Dims()
	out := make([]float64, 0, r*c)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			out = append(out, m.At(i, j))
		}
	}
	return out
}
