package gocode

import (
	"fmt"
	"github.com/matcalc/matcalc/internal/extremes"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/derive"
	"github.com/matcalc/matcalc/parser"
)

// The emitted Go of the functions whose naive form overflows is finite at
// extreme inputs and equals closed forms: a formula of one scalar x,
// compiled and run at x.
func TestStableExtremesGo(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	cases := []struct {
		src       string
		x         float64
		val, grad float64 // closed forms of the value and ∂/∂x
	}{
		{"log(σ(x))", -800, -800, 1},           // ∂ = 1 − σ(x)
		{"log(σ(x))", 800, -math.Exp(-800), 0}, // ∂ = 1 − σ(x) = σ(−x)
		{"log(1 − σ(x))", 800, -800, -1},       // ∂ = −σ(x)
		{"log(1 + exp(x))", 800, 800, 1},       // softplus; ∂ = σ(x)
		{"softplus(x)", -800, 0, 0},
	}
	dir := tmpModule(t)
	var imports, calls strings.Builder
	for k, c := range cases {
		e, err := parser.ParseExpr(c.src)
		if err != nil {
			t.Fatal(err)
		}
		info, err := ast.Infer(e, []ast.Decl{{Names: []string{"x"}, Kind: ast.DeclScalar}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		r, err := derive.Derive(e, info, derive.Options{})
		if err != nil {
			t.Fatal(err)
		}
		pkg := fmt.Sprintf("s%d", k)
		src, err := Generate(r, Options{Package: pkg})
		if err != nil {
			t.Fatalf("%s: %v", c.src, err)
		}
		if err := os.MkdirAll(filepath.Join(dir, pkg), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, pkg, "grad.go"), src, 0o644); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&imports, "\t%q\n", "gocodetest/"+pkg)
		fmt.Fprintf(&calls, "\t{\n\t\tv, d := %s.F(%v)\n\t\tfmt.Println(v, d)\n\t}\n", pkg, c.x)
	}
	main := "package main\n\nimport (\n\t\"fmt\"\n" + imports.String() + ")\n\nfunc main() {\n" + calls.String() + "}\n"
	if err := os.MkdirAll(filepath.Join(dir, "cmd", "run"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "cmd", "run", "main.go"), []byte(main), 0o644); err != nil {
		t.Fatal(err)
	}
	out := goCmd(t, dir, nil, "run", "./cmd/run")
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != len(cases) {
		t.Fatalf("%d lines of output for %d cases:\n%s", len(lines), len(cases), out)
	}
	for k, c := range cases {
		f := strings.Fields(lines[k])
		v, _ := strconv.ParseFloat(f[0], 64)
		d, _ := strconv.ParseFloat(f[1], 64)
		for _, p := range []struct{ got, want float64 }{{v, c.val}, {d, c.grad}} {
			if math.IsNaN(p.got) || math.IsInf(p.got, 0) || math.Abs(p.got-p.want) > 1e-12*math.Max(1, math.Abs(p.want)) {
				t.Errorf("%s at x = %v: Go gives %v, want %v (value %v, derivative %v)", c.src, c.x, p.got, p.want, v, d)
			}
		}
	}
}

// TestStableExtremesGoVectors compiles the emitted Go of extremes.Vectors
// and checks that the value and every gradient are finite and equal to
// the closed forms.
func TestStableExtremesGoVectors(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	dir := tmpModule(t)
	var imports, calls strings.Builder
	var vars [][]string
	for k, c := range extremes.Vectors {
		e, err := parser.ParseExpr(c.Src)
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
		pkg := fmt.Sprintf("v%d", k)
		src, err := Generate(r, Options{Package: pkg})
		if err != nil {
			t.Fatalf("%s: %v", c.Src, err)
		}
		if err := os.MkdirAll(filepath.Join(dir, pkg), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, pkg, "grad.go"), src, 0o644); err != nil {
			t.Fatal(err)
		}
		var args, names, res []string
		for _, v := range r.Vars {
			args = append(args, fmt.Sprintf("mat.NewVecDense(%d, %#v)", len(c.At[v.Name]), c.At[v.Name]))
			names = append(names, v.Name)
		}
		for i := range len(r.Derivs) + 1 {
			res = append(res, fmt.Sprintf("r%d", i))
		}
		vars = append(vars, names)
		fmt.Fprintf(&imports, "\t%q\n", "gocodetest/"+pkg)
		fmt.Fprintf(&calls, "\t{\n\t\t%s := %s.F(%s)\n\t\tfmt.Print(r0)\n", strings.Join(res, ", "), pkg, strings.Join(args, ", "))
		for _, x := range res[1:] {
			fmt.Fprintf(&calls, "\t\tfor _, v := range %s.RawVector().Data {\n\t\t\tfmt.Print(\" \", v)\n\t\t}\n", x)
		}
		calls.WriteString("\t\tfmt.Println()\n\t}\n")
	}
	main := "package main\n\nimport (\n\t\"fmt\"\n\n\t\"gonum.org/v1/gonum/mat\"\n" + imports.String() + ")\n\nfunc main() {\n" + calls.String() + "}\n"
	if err := os.MkdirAll(filepath.Join(dir, "cmd", "run"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "cmd", "run", "main.go"), []byte(main), 0o644); err != nil {
		t.Fatal(err)
	}
	out := goCmd(t, dir, nil, "run", "./cmd/run")
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != len(extremes.Vectors) {
		t.Fatalf("%d lines of output for %d cases:\n%s", len(lines), len(extremes.Vectors), out)
	}
	for k, c := range extremes.Vectors {
		want := []float64{c.Val}
		for _, v := range vars[k] {
			want = append(want, c.Grad[v]...)
		}
		f := strings.Fields(lines[k])
		if len(f) != len(want) {
			t.Errorf("%s: Go prints %q, want %v", c.Src, lines[k], want)
			continue
		}
		for i, s := range f {
			g, _ := strconv.ParseFloat(s, 64)
			if math.IsNaN(g) || math.IsInf(g, 0) || math.Abs(g-want[i]) > 1e-12*math.Max(1, math.Abs(want[i])) {
				t.Errorf("%s at %v: Go gives %v, want %v (value, then gradients by %v)", c.Src, c.At, f, want, vars[k])
				break
			}
		}
	}
}
