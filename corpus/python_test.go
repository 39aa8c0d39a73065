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
	"github.com/matcalc/matcalc/eval"
	"github.com/matcalc/matcalc/render/pycode"
	"github.com/matcalc/matcalc/tools/katex"
	"gonum.org/v1/gonum/mat"
)

// python is Debian's interpreter, which python3-numpy and python3-pyflakes
// (installed by scripts/python-setup.sh) serve.
const python = "/usr/bin/python3"

// needPython skips (or under CI=true fails) when NumPy is missing.
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
		src, err := pycode.Generate(p.res, pycode.Options{Funcs: p.funcs})
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
			ref, err := check.Reference(p.expr, p.info, p.res, d, p.grads[d.Wrt], env)
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
	script := `
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
`
	cmd := exec.Command(python, "-c", script, dir)
	cmd.Stdin = strings.NewReader(string(in))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	outb, err := cmd.Output()
	if err != nil {
		t.Fatalf("python: %v\n%s", err, stderr.String())
	}
	var outs []struct {
		Values [][]float64 `json:"values"`
		Error  string      `json:"error"`
	}
	if err := json.Unmarshal(outb, &outs); err != nil {
		t.Fatalf("python output: %v\n%s", err, outb)
	}
	worst := 0.0
	for i, j := range jobs {
		o := outs[i]
		if o.Error != "" {
			t.Errorf("%s\nthe NumPy module raises %s", j.c, o.Error)
			continue
		}
		for k, want := range j.want {
			got := mat.NewDense(1, len(o.Values[k]), o.Values[k])
			flat := mat.NewDense(1, len(want.RawMatrix().Data), append([]float64(nil), flatten(want)...))
			if e := eval.RelErr(got, flat); !(e <= 1e-9) {
				t.Errorf("%s\n%s: NumPy gives %v, matcalc's evaluator %v (rel. error %.2g)\nat %v", j.c, j.names[k], o.Values[k], flatten(want), e, j.Args)
			} else {
				worst = math.Max(worst, e)
			}
			if ref := j.ref[k]; ref != nil {
				r := mat.NewDense(1, len(flatten(ref)), flatten(ref))
				if e := eval.RelErr(got, r); !(e <= j.c.tol*10) {
					t.Errorf("%s\n%s: NumPy gives %v, central differences %v (rel. error %.2g)", j.c, j.names[k], o.Values[k], flatten(ref), e)
				}
			}
		}
	}
	t.Logf("%d corpus formulas emitted as NumPy and run; worst relative difference from the evaluator %.2g", len(jobs), worst)
	if len(unsupported) > 0 {
		t.Errorf("%d formulas that NumPy output does not support:\n%s", len(unsupported), strings.Join(unsupported, "\n"))
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
