package katex

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRenderAcceptsGoodLaTeX(t *testing.T) {
	Check(t, []string{
		`\frac{\partial s}{\partial \mathbf{W}} = \boldsymbol{\delta}\mathbf{x}^\top`,
		`\begin{aligned} z &= \mathbf{W}\mathbf{x} \\ s &= z \end{aligned}`,
	})
}

// needKaTeX skips (or under CI=true fails) a test that needs KaTeX.
func needKaTeX(t *testing.T) {
	t.Helper()
	if err := Render(nil); errors.Is(err, ErrMissing) {
		Missing(t, "%v", err)
	}
}

func TestRenderNamesTheBadString(t *testing.T) {
	needKaTeX(t)
	err := Render([]string{`x^2`, `\frac{a`, `\notacommand{x}`})
	if err == nil {
		t.Fatal("Render accepted broken LaTeX")
	}
	for _, want := range []string{`\\frac{a`, `\\notacommand{x}`, "1 passed, 2 failed"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %q:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), `"x^2"`) {
		t.Errorf("error names a string that renders:\n%v", err)
	}
}

func TestRenderWithoutNodeSaysHowToInstall(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	err := Render([]string{`x`})
	if err == nil || !strings.Contains(err.Error(), "scripts/katex-setup.sh") {
		t.Fatalf("Render without node: %v, want a hint to run scripts/katex-setup.sh", err)
	}
}

func TestDisplays(t *testing.T) {
	doc := "\\begin{document}\n\\begin{align*}\na &= b \\\\\nc &= d\n\\end{align*}\n\\[\nx^{2}\n\\]\n\\[\ny"
	got := Displays(doc)
	want := []string{"\\begin{aligned}\na &= b \\\\\nc &= d\n\\end{aligned}", "x^{2}", `\unterminated{\[}`}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("Displays = %q, want %q", got, want)
	}
	needKaTeX(t)
	if err := Render(got); err == nil || !strings.Contains(err.Error(), "2 passed, 1 failed") {
		t.Errorf("Render(Displays) = %v, want the unterminated display to fail", err)
	}
}

func TestRenderWithoutPackageSaysHowToInstall(t *testing.T) {
	dir := t.TempDir()
	js, err := os.ReadFile("render.js")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "render.js"), js, 0o644); err != nil {
		t.Fatal(err)
	}
	err = renderIn(dir, []string{`x`})
	if !errors.Is(err, ErrMissing) || !strings.Contains(err.Error(), "scripts/katex-setup.sh") {
		t.Fatalf("renderIn without node_modules: %v, want ErrMissing and a hint to run scripts/katex-setup.sh", err)
	}
}

func TestMissingFailsUnderCI(t *testing.T) {
	if os.Getenv("CI") == "true" {
		t.Skip("checks the CI=true branch from outside CI")
	}
	ft := &fakeTB{TB: t}
	t.Setenv("CI", "true")
	func() {
		defer func() { _ = recover() }()
		Missing(ft, "node")
	}()
	if !ft.fatal {
		t.Error("Missing under CI=true did not fail the test")
	}
}

// fakeTB records Fatalf instead of stopping the test.
type fakeTB struct {
	testing.TB
	fatal bool
}

func (f *fakeTB) Helper() {}
func (f *fakeTB) Fatalf(string, ...any) {
	f.fatal = true
	panic("fatal")
}
