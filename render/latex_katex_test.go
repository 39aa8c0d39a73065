package render

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/tools/katex"
)

// latexGoldenFiles returns the contents of every latexGolden file under
// testdata/latex: the math of *.tex, and the body between \[ and \] of the
// standalone documents.
func latexGoldenFiles(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	files, err := filepath.Glob(filepath.Join("testdata", "latex", "*.tex"))
	if err != nil {
		t.Fatal(err)
	}
	docs, err := filepath.Glob(filepath.Join("testdata", "latex", "standalone", "*.tex"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range append(files, docs...) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		s := strings.TrimSuffix(string(b), "\n")
		if strings.Contains(f, "standalone") {
			displays := katex.Displays(s)
			if len(displays) == 0 {
				t.Fatalf("%s: no display math", f)
			}
			for i, d := range displays {
				out[fmt.Sprintf("%s#%d", f, i)] = d
			}
			continue
		}
		out[f] = s
	}
	if len(out) < len(latexCases)+len(latexResultCases) {
		t.Fatalf("only %d latexGolden files under testdata/latex: run go test ./render/ -update", len(out))
	}
	return out
}

// TestLaTeXRendersWithKaTeX renders, in one node process, every latexGolden
// file, every case of the tests, and random trees of every node kind, with
// KaTeX's throwOnError and strict mode. It fails (never skips) when KaTeX
// is not installed: scripts/katex-setup.sh installs it.
func TestLaTeXRendersWithKaTeX(t *testing.T) {
	var texs []string
	for _, s := range latexGoldenFiles(t) {
		texs = append(texs, s)
	}
	o := LaTeXOptions{Shapes: latexShapes}
	for _, c := range latexCases {
		texs = append(texs, LaTeX(c.e, o))
	}
	for _, c := range latexResultCases {
		texs = append(texs, LaTeXResult(c.r, LaTeXOptions{Plain: c.plain}))
	}
	texs = append(texs, LaTeXSteps(latexStepsNetworkB(), o))
	rng := rand.New(rand.NewPCG(4, 2026))
	for i := 0; i < 600; i++ {
		e := latexRandomExpr(rng, 4)
		texs = append(texs, LaTeX(e, LaTeXOptions{Shapes: latexShapes, Plain: i%3 == 0}))
	}
	katex.Check(t, texs)
}

// TestLaTeXIsASCII checks that latexGolden outputs hold no Unicode, which
// pdflatex would reject in math mode (only a name in a script LaTeX has no
// letters for may use \text{…}).
func TestLaTeXIsASCII(t *testing.T) {
	for f, s := range latexGoldenFiles(t) {
		if strings.HasSuffix(f, "ident_other_script.tex") {
			continue
		}
		for i, r := range s {
			if r >= 0x80 {
				t.Errorf("%s: non-ASCII %q at byte %d", f, r, i)
				break
			}
		}
	}
}

// TestLaTeXBracesBalance checks {} and \left…\right on random trees, a
// cheap check that does not need node.
func TestLaTeXBracesBalance(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for i := 0; i < 2000; i++ {
		e := latexRandomExpr(rng, 5)
		s := LaTeX(e, LaTeXOptions{Shapes: latexShapes})
		depth := 0
		for j := 0; j < len(s); j++ {
			switch s[j] {
			case '\\':
				j++ // skip the escaped character or the command's first letter
			case '{':
				depth++
			case '}':
				depth--
			}
			if depth < 0 {
				break
			}
		}
		if depth != 0 || strings.Count(s, `\left`) != strings.Count(s, `\right`) {
			t.Fatalf("unbalanced LaTeX for %s:\n%s", ast.String(e), s)
		}
	}
}

// TestLaTeXDeepNesting renders a call nested 200 deep and a sum 2000
// long; a renderer that renders a subtree more than once per use would not
// finish.
func TestLaTeXDeepNesting(t *testing.T) {
	var e ast.Expr = ast.Var("x")
	for i := 0; i < 200; i++ {
		e = ast.Fn([]string{"exp", "norm", "abs", "logdet", "sqrt", "inv", "f"}[i%7], 0, e)
		if i%5 == 0 {
			e = ast.T(ast.Bin(ast.Div, e, ast.Var("a")))
		}
	}
	s := LaTeX(e, LaTeXOptions{Shapes: latexShapes})
	if got := strings.Count(s, `\mathbf{x}`); got != 1 {
		t.Errorf("x appears %d times in the LaTeX of a tree with one x", got)
	}
	var sum ast.Expr = ast.Var("a")
	for i := 0; i < 2000; i++ {
		sum = ast.Bin(ast.Add, sum, ast.Var("c"))
	}
	if got := strings.Count(LaTeX(sum, LaTeXOptions{}), "+"); got != 2000 {
		t.Errorf("a sum of 2001 terms has %d plus signs", got)
	}
}

// TestStandaloneCompilesWithPdflatex compiles the standalone latexGolden
// documents when pdflatex is installed (scripts/pdflatex-check.sh installs
// it and is what CI runs).
func TestStandaloneCompilesWithPdflatex(t *testing.T) {
	pdflatex, err := exec.LookPath("pdflatex")
	if err != nil {
		katex.Missing(t, "pdflatex is not installed: scripts/pdflatex-check.sh installs it (Debian's texlive-latex-base)")
	}
	docs, _ := filepath.Glob(filepath.Join("testdata", "latex", "standalone", "*.tex"))
	if len(docs) == 0 {
		t.Fatal("no standalone latexGolden documents")
	}
	for _, doc := range docs {
		src, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "doc.tex"), src, 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(pdflatex, "-interaction=nonstopmode", "-halt-on-error", "doc.tex")
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Errorf("pdflatex %s: %v\n%s", doc, err, out)
			continue
		}
		log, _ := os.ReadFile(filepath.Join(dir, "doc.log"))
		if strings.Contains(string(log), "Missing character") {
			t.Errorf("pdflatex %s: missing characters:\n%s", doc, log)
		}
		if _, err := os.Stat(filepath.Join(dir, "doc.pdf")); err != nil {
			t.Errorf("pdflatex %s made no PDF", doc)
		}
	}
}

// Random trees over every node kind, for the renderer's robustness tests.

var latexRandomNames = []string{"x", "W", "W₁", "W_L", "θ", "α", "a", "ŷ", "loss", "hidden", "b", "δ", "q"}

var latexRandomFuncs = []struct {
	name  string
	arity int
}{
	{"f", 1}, {"φ", 1}, {"act", 1}, {"exp", 1}, {"log", 1}, {"tanh", 1}, {"σ", 1},
	{"relu", 1}, {"sqrt", 1}, {"abs", 1}, {"max", 2}, {"min", 2}, {"sum", 1},
	{"tr", 1}, {"det", 1}, {"logdet", 1}, {"inv", 1}, {"diag", 1}, {"softmax", 1},
	{"logsumexp", 1}, {"norm", 1}, {"norm1", 1},
}

var latexRandomOps = []ast.Op{ast.Add, ast.Sub, ast.Mul, ast.Div, ast.Hadamard, ast.ElemDiv, ast.Pow, ast.ElemPow}

var latexRandomNumbers = []float64{0, 1, 2, 0.5, 3.25, 1e-7, 2.5e8, 1e21}

func latexRandomExpr(rng *rand.Rand, depth int) ast.Expr {
	if depth == 0 || rng.IntN(5) == 0 {
		switch rng.IntN(8) {
		case 0:
			return ast.Num(latexRandomNumbers[rng.IntN(len(latexRandomNumbers))])
		case 1:
			return ast.Eye(lxN)
		case 2:
			return ast.OnesOf(lxVecN)
		}
		return ast.Var(latexRandomNames[rng.IntN(len(latexRandomNames))])
	}
	lxSub := func() ast.Expr { return latexRandomExpr(rng, depth-1) }
	switch rng.IntN(10) {
	case 0:
		return ast.Negate(lxSub())
	case 1:
		return ast.T(lxSub())
	case 2, 3:
		f := latexRandomFuncs[rng.IntN(len(latexRandomFuncs))]
		args := make([]ast.Expr, f.arity)
		for i := range args {
			args[i] = lxSub()
		}
		primes := 0
		if rng.IntN(3) == 0 {
			primes = 1 + rng.IntN(2)
		}
		return ast.Fn(f.name, primes, args...)
	case 4:
		op := ast.GE
		if rng.IntN(2) == 0 {
			op = ast.GT
		}
		return ast.Ind(op, lxSub(), lxSub())
	}
	return ast.Bin(latexRandomOps[rng.IntN(len(latexRandomOps))], lxSub(), lxSub())
}
