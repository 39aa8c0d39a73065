// Package corpus_test checks matcalc on formulas as people type them:
// lecture notes, the CS224N gradient notes, the Matrix Cookbook, Hessians,
// and malformed input.
//
//   - testdata/formulas.txt: every derivative of every formula is compared
//     with central finite differences at 3 random points, every printed
//     formula must parse back to the same tree (docs/conventions.md), the
//     printed differential and index view of every tensor derivative must
//     read back and evaluate to the tensor, and all the LaTeX
//     (results and step-by-step derivations) must render with KaTeX.
//   - testdata/unsupported.txt: formulas the engine declines ("not supported
//     yet", higher-order tensors, no rule). The test fails when one of them
//     starts working, so that the list stays honest.
//   - testdata/malformed.txt: inputs that must give an error, with a
//     position and a caret, and never a panic or a result; also run through
//     the real command line.
//
// Line format, one case a line, # starts a comment line:
//
//	FORMULA | wrt x,W | order 2 | let W: matrix(n,m) | let x: vector(3) | positive | tol 1e-5
//
// A directive starts after " | " followed by one of the directive words
// (wrt, order, let, positive, tol, expect, nopos), so that formulas may
// hold "|" themselves (||x||). A formula written as a Go quoted string
// ("", "x +\n y") is unquoted. Malformed cases take two more directives:
// "expect TEXT" (the error message must contain TEXT) and "nopos" (an
// error without a position in the formula is expected, e.g. a --wrt
// variable the formula does not have).
package corpus_test

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/check"
	"github.com/matcalc/matcalc/derive"
	"github.com/matcalc/matcalc/eval"
	"github.com/matcalc/matcalc/parser"
	"github.com/matcalc/matcalc/render"
	"github.com/matcalc/matcalc/tools/katex"
	"gonum.org/v1/gonum/mat"
)

// binary is the matcalc command built by TestMain.
var binary string

var printAll = flag.Bool("print", false, "log every formula's definitions and derivatives (with -v)")

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "corpus")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "matcalc")
	build := exec.Command("go", "build", "-o", binary, "./cmd/matcalc")
	build.Dir = ".."
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "go build ./cmd/matcalc: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// A testCase is one line of a corpus file.
type testCase struct {
	file     string
	line     int
	src      string
	wrt      []string
	order    int
	lets     []string
	positive bool
	tol      float64
	expect   []string
	nopos    bool
	col      int      // the caret's column (malformed), 0 for any
	nosteps  bool     // --steps is expected to decline
	same     []string // spellings that must parse to the same tree
	means    []string // formulas of the same variables, shapes and value
}

func (c *testCase) String() string { return fmt.Sprintf("%s:%d: %s", c.file, c.line, c.src) }

// repro is the command that reproduces the case with the matcalc binary.
func (c *testCase) repro(sub string) string {
	args := []string{"/tmp/mcD", sub}
	for _, l := range c.lets {
		args = append(args, "--let", shellQuote(l))
	}
	if len(c.wrt) > 0 {
		args = append(args, "--wrt", shellQuote(strings.Join(c.wrt, ",")))
	}
	if c.order != 1 {
		args = append(args, "--order", strconv.Itoa(c.order))
	}
	args = append(args, "--", shellQuote(c.src))
	return "go build -o /tmp/mcD ./cmd/matcalc && " + strings.Join(args, " ")
}

// cliArgs are the arguments of `matcalc sub` for the case.
func (c *testCase) cliArgs(sub string) []string {
	args := []string{sub}
	for _, l := range c.lets {
		args = append(args, "--let", l)
	}
	if len(c.wrt) > 0 {
		args = append(args, "--wrt", strings.Join(c.wrt, ","))
	}
	if c.order != 1 {
		args = append(args, "--order", strconv.Itoa(c.order))
	}
	return append(args, "--", c.src)
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

var directive = regexp.MustCompile(`\s\|\s*(wrt|order|let|positive|tol|expect|nopos|nosteps|same|means|col)\b`)

// load reads a corpus file.
func load(t *testing.T, name string) []*testCase {
	t.Helper()
	path := filepath.Join("testdata", name)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []*testCase
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		text := sc.Text()
		if strings.TrimSpace(text) == "" || strings.HasPrefix(strings.TrimSpace(text), "#") {
			continue
		}
		c := &testCase{file: name, line: n, order: 1, tol: 1e-6}
		locs := directive.FindAllStringIndex(text, -1)
		src := text
		var dirs []string
		for i, loc := range locs {
			if i == 0 {
				src = text[:loc[0]]
			}
			end := len(text)
			if i+1 < len(locs) {
				end = locs[i+1][0]
			}
			dirs = append(dirs, strings.TrimPrefix(strings.TrimSpace(text[loc[0]:end]), "|"))
		}
		c.src = strings.TrimSpace(src)
		if strings.HasPrefix(c.src, `"`) {
			if c.src, err = strconv.Unquote(c.src); err != nil {
				t.Fatalf("%s:%d: bad quoted formula: %v", name, n, err)
			}
		}
		for _, d := range dirs {
			d = strings.TrimSpace(d)
			word, arg, _ := strings.Cut(d, " ")
			arg = strings.TrimSpace(arg)
			switch word {
			case "wrt":
				for _, w := range strings.Split(arg, ",") {
					c.wrt = append(c.wrt, strings.TrimSpace(w))
				}
			case "order":
				if c.order, err = strconv.Atoi(arg); err != nil {
					t.Fatalf("%s:%d: %v", name, n, err)
				}
			case "let":
				c.lets = append(c.lets, arg)
			case "positive":
				c.positive = true
			case "tol":
				if c.tol, err = strconv.ParseFloat(arg, 64); err != nil {
					t.Fatalf("%s:%d: %v", name, n, err)
				}
			case "expect":
				c.expect = append(c.expect, arg)
			case "nopos":
				c.nopos = true
			case "col":
				if c.col, err = strconv.Atoi(arg); err != nil {
					t.Fatalf("%s:%d: %v", name, n, err)
				}
			case "nosteps":
				c.nosteps = true
			case "same":
				c.same = append(c.same, arg)
			case "means":
				c.means = append(c.means, arg)
			default:
				t.Fatalf("%s:%d: unknown directive %q", name, n, d)
			}
		}
		cases = append(cases, c)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(cases) == 0 {
		t.Fatalf("%s: no cases", path)
	}
	return cases
}

// A stageError is an error of one stage of the pipeline, with the source
// it is positioned in.
type stageError struct {
	stage string // "let", "parse", "shape", "wrt", "derive", "panic", "timeout"
	src   string
	err   error
}

func (s *stageError) Error() string { return s.stage + ": " + ast.FormatError(s.src, s.err) }

// formatted is the error as the command line prints it: line:col, the
// line and a caret for a positioned error.
func (s *stageError) formatted() string { return ast.FormatError(s.src, s.err) }

// positioned reports whether err carries a valid position.
func positioned(err error) bool {
	var list ast.ErrorList
	var one *ast.Error
	switch {
	case errors.As(err, &list):
		return len(list) > 0 && list[0].Pos.IsValid()
	case errors.As(err, &one):
		return one.Pos.IsValid()
	}
	return false
}

// A prepared case: parsed, shaped and derived.
type prepared struct {
	decls []ast.Decl
	expr  ast.Expr
	info  *ast.Info
	wrt   []string
	res   *derive.Result // shared pieces named, as derive prints it
	noShr *derive.Result // NoShare, as check evaluates it
	first *derive.Result // the first derivatives behind the second ones (check.Firsts)
	funcs map[string]string
}

// runTimeout bounds the pipeline of one case: a case that takes longer is
// reported, and the others still run.
const runTimeout = 20 * time.Second

// run takes a case through the pipeline: --let, parse, shape inference,
// --wrt names, derive. A panic is returned as an error of stage "panic",
// a case that takes more than runTimeout as one of stage "timeout" (its
// goroutine is left running).
func run(c *testCase) (*prepared, error) {
	type result struct {
		p   *prepared
		err error
	}
	done := make(chan result, 1)
	go func() {
		p, err := runPipeline(c)
		done <- result{p, err}
	}()
	select {
	case r := <-done:
		return r.p, r.err
	case <-time.After(runTimeout):
		return nil, &stageError{stage: "timeout", src: c.src, err: fmt.Errorf("parse, shape and derive take more than %v (a loop in the engine?)", runTimeout)}
	}
}

func runPipeline(c *testCase) (p *prepared, err error) {
	defer func() {
		if r := recover(); r != nil {
			p, err = nil, &stageError{stage: "panic", src: c.src, err: fmt.Errorf("panic: %v", r)}
		}
	}()
	p = &prepared{}
	for _, l := range c.lets {
		d, err := parser.ParseDecls(l)
		if err != nil {
			return nil, &stageError{"let", l, err}
		}
		p.decls = append(p.decls, d...)
	}
	if _, p.expr, err = (&parser.Config{Decls: p.decls}).ParseNamed(c.src); err != nil {
		return nil, &stageError{"parse", c.src, err}
	}
	if p.info, err = ast.Infer(p.expr, p.decls, nil); err != nil {
		return nil, &stageError{"shape", c.src, err}
	}
	for _, w := range c.wrt {
		n, err := parser.CanonicalName(w)
		if err != nil {
			return nil, &stageError{"wrt", w, err}
		}
		p.wrt = append(p.wrt, n)
	}
	opts := derive.Options{Wrt: p.wrt, Order: c.order}
	if p.res, err = derive.Derive(p.expr, p.info, opts); err != nil {
		return nil, &stageError{"derive", c.src, err}
	}
	opts.NoShare = true
	if p.noShr, err = derive.Derive(p.expr, p.info, opts); err != nil {
		return nil, &stageError{"derive", c.src, fmt.Errorf("with NoShare (but not without): %w", err)}
	}
	if c.order == 2 {
		if p.first, err = check.Firsts(p.expr, p.info, p.res); err != nil {
			return nil, &stageError{"derive", c.src, fmt.Errorf("the gradient behind the Hessian: %w", err)}
		}
	}
	// Generic functions are bound as `matcalc check` binds them.
	p.funcs = map[string]string{}
	for i, g := range check.GenericFuncs(p.expr) {
		p.funcs[g] = check.DefaultBindings()[i%len(check.DefaultBindings())]
	}
	return p, nil
}

// declined matches the errors by which the engine says it does not handle
// a formula (yet), as opposed to a bug.
var declined = regexp.MustCompile(`not supported|higher-order tensor|-order tensor|no derivative rule|no Jacobian rule|no third derivative|needs a (constant )?positive integer exponent|no derivative of a matrix power`)

func isDeclined(err error) bool {
	var se *stageError
	return errors.As(err, &se) && se.stage == "derive" && declined.MatchString(se.err.Error())
}

// evalDeriv evaluates a derivative (definitions inlined) in its shape, as
// the command line does: a 0 is the zero of the derivative's shape.
func evalDeriv(res *derive.Result, d derive.Deriv, env *eval.Env) (v *mat.Dense, err error) {
	defer func() {
		if r := recover(); r != nil {
			v, err = nil, fmt.Errorf("panic: %v", r)
		}
	}()
	return check.Symbolic(res, d, env)
}

func finite(v *mat.Dense) bool {
	for _, x := range v.RawMatrix().Data {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}

// point draws values at which the formula is finite and every derivative
// can be evaluated, as `matcalc check` does: entries in [−1, 1] and in
// [0.2, 1.2] in turn (only the latter for a "positive" case).
func (p *prepared) point(c *testCase, rng *rand.Rand) *eval.Env {
	for attempt := 0; attempt < 20; attempt++ {
		vals, sizes := eval.Random(p.info.Vars, check.AttemptSizes(p.info, attempt, rng), rng, c.positive || attempt%2 == 1)
		env := &eval.Env{Vars: vals, Funcs: p.funcs, Sizes: sizes}
		v, err := eval.EvalAs(p.expr, env, p.info.Shapes[p.expr])
		if err != nil || !finite(v) {
			continue
		}
		ok := true
		for _, r := range []*derive.Result{p.res, p.noShr} {
			for _, d := range r.Derivs {
				if x, err := evalDeriv(r, d, env); err != nil || !finite(x) {
					ok = false
				}
			}
		}
		if ok {
			return env
		}
	}
	return nil
}

// stats counts what the corpus checked, for the log.
type stats struct {
	formulas, derivs, points int
	worst                    float64
	worstAt                  string
}

// TestFormulas checks every formula of formulas.txt.
func TestFormulas(t *testing.T) {
	cases := load(t, "formulas.txt")
	var st stats
	var vst viewStats
	var texs []string
	var texOwner []string
	for _, c := range cases {
		t.Run(fmt.Sprintf("%d", c.line), func(t *testing.T) {
			p, err := run(c)
			if err != nil {
				if isDeclined(err) {
					t.Fatalf("%s\ndeclined: %v\n(move it to unsupported.txt if that is expected)\nrepro: %s", c, err, c.repro("derive"))
				}
				t.Fatalf("%s\n%v\nrepro: %s", c, err, c.repro("derive"))
			}
			st.formulas++
			if *printAll {
				var b strings.Builder
				for _, d := range p.res.Defs {
					fmt.Fprintf(&b, "\n  %s = %s", d.Name, ast.String(d.Expr))
				}
				fmt.Fprintf(&b, "\n  %s = %s", p.res.FuncName, ast.String(p.res.Func))
				for _, d := range p.res.Derivs {
					fmt.Fprintf(&b, "\n  %s = %s", partial(p.res, d), ast.String(d.Expr))
				}
				t.Logf("%s%s", c, b.String())
			}
			for _, other := range c.same {
				e, err := (&parser.Config{Decls: p.decls}).ParseExpr(other)
				if err != nil {
					t.Errorf("%s\nthe same formula spelled %q does not parse:\n%s", c, other, ast.FormatError(other, err))
				} else if !ast.Equal(e, p.expr) {
					t.Errorf("%s\nparses as %s, but the same formula spelled %q parses as %s", c, ast.String(p.expr), other, ast.String(e))
				}
			}
			for _, other := range c.means {
				checkMeans(t, c, p, other)
			}
			checkPrinted(t, c, p)
			for _, tex := range latex(t, c, p) {
				texs = append(texs, tex)
				texOwner = append(texOwner, c.String())
			}
			checkNumbers(t, c, p, &st)
			checkKronecker(t, c, p)
			checkPrintedViews(t, c, p, &vst)
		})
	}
	t.Logf("%d Kronecker forms parsed back and evaluated against their tensors", kronParsed)
	t.Logf("%d formulas, %d derivatives, each at 3 points (%d evaluations); worst rel. error %.2g (%s)",
		st.formulas, st.derivs, st.points, st.worst, st.worstAt)
	t.Logf("printed tensor derivatives read back and evaluated: %d differentials, %d index views (%d without a Kronecker form), %d differentials without an index view", vst.differentials, vst.indexViews, vst.general, vst.noIndex)
	if err := katex.Render(texs); err != nil {
		if errors.Is(err, katex.ErrMissing) {
			katex.Missing(t, "%v", err)
		}
		// Find the culprits, one KaTeX run per formula.
		byOwner := map[string][]string{}
		var owners []string
		for i, o := range texOwner {
			if byOwner[o] == nil {
				owners = append(owners, o)
			}
			byOwner[o] = append(byOwner[o], texs[i])
		}
		for _, o := range owners {
			if err := katex.Render(byOwner[o]); err != nil {
				t.Errorf("%s: KaTeX: %v", o, err)
			}
		}
	} else {
		t.Logf("KaTeX rendered %d LaTeX blocks", len(texs))
	}
}

// checkPrinted checks that the function, the definitions and every
// derivative print (Unicode and ASCII) to text that parses back, with the
// same declarations, to the same tree.
func checkPrinted(t *testing.T, c *testCase, p *prepared) {
	t.Helper()
	check := func(what string, x ast.Expr) {
		for _, text := range []string{ast.String(x), ast.ASCII(x)} {
			back, err := (&parser.Config{Decls: append(p.res.DirDecls(), p.decls...)}).ParseExpr(text)
			if err != nil {
				t.Errorf("%s\n%s prints as %q, which does not parse:\n%s\nrepro: %s", c, what, text, ast.FormatError(text, err), c.repro("derive"))
				continue
			}
			if !ast.Equal(back, x) {
				t.Errorf("%s\n%s prints as %q, which parses as %s\nrepro: %s", c, what, text, ast.String(back), c.repro("derive"))
			}
		}
	}
	check("the formula", p.expr)
	for _, r := range []*derive.Result{p.res, p.noShr} {
		check("the function", r.Func)
		for _, d := range r.Defs {
			check("definition "+d.Name, d.Expr)
		}
		for _, d := range r.Derivs {
			check(partial(r, d), d.Expr)
		}
	}
}

func partial(r *derive.Result, d derive.Deriv) string { return d.Label(r.FuncName) }

// latex renders the result (bold and plain) and the step-by-step
// derivation, as derive --format latex [--steps] does.
func latex(t *testing.T, c *testCase, p *prepared) (out []string) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("%s\nLaTeX rendering panics: %v\nrepro: %s", c, r, c.repro("derive")+" --format latex --steps")
		}
	}()
	o := render.LaTeXOptions{Shapes: p.res.Env()}
	out = append(out, render.LaTeXResult(p.res, o))
	o.Plain = true
	out = append(out, render.LaTeXResult(p.res, o))
	ds, err := derive.Steps(p.expr, p.info, p.res)
	if err != nil {
		t.Errorf("%s\n%v\nrepro: %s", c, err, strings.Replace(c.repro("derive"), " -- ", " --steps -- ", 1))
		return out
	}
	// A derivative --steps explains by a differential: the
	// differential, evaluated entry by entry, is the derivative.
	checkStepsDifferentials(t, c, p, ds)
	// A derivative --steps cannot explain comes with its result and a
	// note that says so, and no steps.
	unexplained := false
	for _, d := range ds {
		if len(d.Branches) == 0 && strings.HasPrefix(d.Note, "no step-by-step explanation") {
			unexplained = true
			if !ast.Equal(d.Result, derivOf(p.res, d.Wrt)) {
				t.Errorf("%s\n--steps shows ∂/∂%s = %s, not the derivative", c, d.Wrt, ast.String(d.Result))
			}
		}
	}
	switch {
	case unexplained && !c.nosteps:
		t.Errorf("%s\n--steps does not explain it: %s", c, strings.Replace(c.repro("derive"), " -- ", " --steps -- ", 1))
	case !unexplained && c.nosteps:
		t.Errorf("%s\n--steps works now: drop the nosteps directive", c)
	}
	out = append(out, render.StepsLaTeXBlocks(ds, p.res, render.LaTeXOptions{Shapes: p.res.Env()})...)
	_ = render.StepsText(ds, p.res)
	return out
}

// checkNumbers compares every derivative with central finite differences at
// 3 random points, and the shared form with the NoShare one.
// checkStepsDifferentials checks each differential that --steps reads a
// derivative from: dF along dx, at the unit directions, must give the
// derivative's entries (row-major, as eval.Differential lays them out).
func checkStepsDifferentials(t *testing.T, c *testCase, p *prepared, ds []derive.Derivation) {
	t.Helper()
	env := p.point(c, rand.New(rand.NewPCG(3, 0x6d6174)))
	if env == nil {
		return
	}
	for _, dv := range ds {
		if dv.Differential == nil {
			continue
		}
		d := dv.Deriv
		if p.info.Var(d.By()).Symmetric || p.info.Var(d.Wrt).Symmetric {
			continue // the derivative by a symmetric matrix is the symmetric part
		}
		// The differential's shape: the function's, the first
		// derivative's for a second derivative read off its differential.
		fs := p.res.FuncShape
		switch {
		case d.Kind == derive.Differential:
			fs = d.Shape
		case d.Order == 2 && fs.IsScalar():
			fs = p.info.Var(d.Wrt).Shape
		}
		var got *mat.Dense
		var err error
		if d.Kind == derive.SecondDifferential {
			got, err = eval.SecondDifferential(dv.Differential, env, d.Dir, d.Wrt, d.Dir2, d.Wrt2, d.Shape)
		} else {
			got, err = eval.Differential(dv.Differential, env, dv.Dir, d.By(), fs)
		}
		if err != nil {
			t.Errorf("%s\n--steps: the differential %s: %v", c, ast.String(dv.Differential), err)
			continue
		}
		want, err := check.Symbolic(p.res, d, env)
		if err != nil {
			t.Errorf("%s\n%v", c, err)
			continue
		}
		g, w := got.RawMatrix(), want.RawMatrix()
		if len(g.Data) != len(w.Data) {
			t.Errorf("%s\n--steps: the differential %s has %d entries, %s %d", c, ast.String(dv.Differential), len(g.Data), d.Label(p.res.FuncName), len(w.Data))
			continue
		}
		a := mat.NewDense(1, len(g.Data), dense(got))
		b := mat.NewDense(1, len(w.Data), dense(want))
		if e := eval.RelErr(a, b); !(e <= 1e-9) {
			t.Errorf("%s\n--steps reads %s from d = %s, which gives %v, not %v", c, d.Label(p.res.FuncName), ast.String(dv.Differential), mat.Formatted(a), mat.Formatted(b))
		}
	}
}

// checkKronecker checks every vec/Kronecker form derive gives (see
// derive.Kronecker) against the tensor, evaluated entry by entry: Σ ±c
// diag(vec(v)) (Rᵀ ⊗ L) K, built from the evaluated pieces, must be the
// tensor with both indices in column-major vec order.
// kronParsed counts the Kronecker forms parsed back and checked.
var kronParsed int

func checkKronecker(t *testing.T, c *testCase, p *prepared) {
	t.Helper()
	env := p.point(c, rand.New(rand.NewPCG(4, 0x6d6174)))
	if env == nil {
		return
	}
	renv := p.res.Env()
	for _, d := range p.res.Derivs {
		terms, ok := derive.Kronecker(d, renv)
		if !ok {
			continue
		}
		tensor, err := check.Symbolic(p.res, d, env)
		if err != nil {
			t.Errorf("%s\n%v", c, err)
			continue
		}
		x := env.Vars[d.By()]
		xr, xc := x.Dims()
		// The differential's own shape: F's, or the gradient's or the
		// Jacobian's for a second derivative.
		zero := &eval.Env{Vars: maps.Clone(env.Vars), Funcs: env.Funcs, Sizes: env.Sizes}
		zero.Vars[d.Dir] = mat.NewDense(xr, xc, nil)
		f0, err := eval.EvalShaped(p.res.Expand(d.Expr), zero, d.Shape)
		if err != nil {
			t.Fatalf("%s\n%v", c, err)
		}
		fr, fc := f0.Dims()
		val := func(e ast.Expr) *mat.Dense {
			v, err := eval.Eval(p.res.Expand(e), env)
			if err != nil {
				t.Fatalf("%s\nthe Kronecker form's %s: %v", c, ast.String(e), err)
			}
			return v
		}
		eye := func(n int) *mat.Dense {
			m := mat.NewDense(n, n, nil)
			for i := range n {
				m.Set(i, i, 1)
			}
			return m
		}
		sum := mat.NewDense(fr*fc, xr*xc, nil)
		for _, tm := range terms {
			lr, rc := xr, xc // dX, or dXᵀ with Commute
			if tm.Commute {
				lr, rc = xc, xr
			}
			L, R := eye(lr), eye(rc)
			if tm.Left != nil {
				L = val(tm.Left)
			}
			if tm.Right != nil {
				R = val(tm.Right)
			}
			var k mat.Dense
			k.Kronecker(R.T(), L)
			if tm.Commute {
				K := mat.NewDense(xr*xc, xr*xc, nil)
				for i := range xr {
					for j := range xc {
						K.Set(i*xc+j, j*xr+i, 1)
					}
				}
				var kk mat.Dense
				kk.Mul(&k, K)
				k = kk
			}
			if tm.Diag != nil {
				v := val(tm.Diag)
				vr, vc := v.Dims()
				D := mat.NewDense(vr*vc, vr*vc, nil)
				for b := range vc {
					for a := range vr {
						D.Set(b*vr+a, b*vr+a, v.At(a, b))
					}
				}
				var dk mat.Dense
				dk.Mul(D, &k)
				k = dk
			}
			scale := 1.0
			if tm.Coef != nil {
				scale = val(tm.Coef).At(0, 0)
			}
			if tm.Neg {
				scale = -scale
			}
			k.Scale(scale, &k)
			if r, cc := k.Dims(); r != fr*fc || cc != xr*xc {
				t.Errorf("%s\nthe Kronecker form %s is %d×%d, the tensor %d×%d", c, derive.KroneckerString(d, terms, renv), r, cc, fr*fc, xr*xc)
				return
			}
			sum.Add(sum, &k)
		}
		ref := mat.NewDense(fr*fc, xr*xc, nil)
		for a := range fr {
			for b := range fc {
				for i := range xr {
					for j := range xc {
						ref.Set(b*fr+a, j*xr+i, tensor.At(a*fc+b, i*xc+j))
					}
				}
			}
		}
		if e := eval.RelErr(sum, ref); !(e <= 1e-9) {
			t.Errorf("%s\nthe Kronecker form %s of %s differs from the tensor (rel. error %.2g)", c, derive.KroneckerString(d, terms, renv), d.Label(p.res.FuncName), e)
		}
		// The printed form parses back (vec, ⊗ and comm are notation) and
		// evaluates to the tensor; its identities take their sizes from
		// the tensor's shape.
		printed := derive.KroneckerString(d, terms, renv)
		back, err := parser.ParseExpr(printed)
		if err != nil {
			t.Errorf("%s\nthe Kronecker form %s does not parse: %v", c, printed, err)
			continue
		}
		if _, err := ast.Infer(back, nil, renv); err != nil && !strings.Contains(err.Error(), "cannot tell") {
			t.Errorf("%s\nthe Kronecker form %s does not check: %v", c, printed, err)
		}
		got, err := eval.EvalAs(p.res.Expand(back), env, ast.Matrix(ast.Size(fr*fc), ast.Size(xr*xc)))
		if err != nil {
			t.Errorf("%s\nthe Kronecker form %s: %v", c, printed, err)
		} else if e := eval.RelErr(got, ref); !(e <= 1e-9) {
			t.Errorf("%s\nthe Kronecker form %s, parsed back, differs from the tensor (rel. error %.2g)", c, printed, e)
		}
		kronParsed++
		// The index view, entry by entry: Σ ±c vᵢⱼ Lᵢₖ Rₗⱼ, or Lᵢₗ Rₖⱼ with
		// dXᵀ, an identity where L or R is absent.
		idx := mat.NewDense(fr*fc, xr*xc, nil)
		for _, tm := range terms {
			var L, R, V *mat.Dense
			if tm.Left != nil {
				L = val(tm.Left)
			}
			if tm.Right != nil {
				R = val(tm.Right)
			}
			if tm.Diag != nil {
				V = val(tm.Diag)
			}
			scale := 1.0
			if tm.Coef != nil {
				scale = val(tm.Coef).At(0, 0)
			}
			if tm.Neg {
				scale = -scale
			}
			at := func(m *mat.Dense, a, b int) float64 {
				if m == nil {
					if a == b {
						return 1
					}
					return 0
				}
				return m.At(a, b)
			}
			for i := range fr {
				for j := range fc {
					for k := range xr {
						for l := range xc {
							lk, rl := k, l
							if tm.Commute {
								lk, rl = l, k
							}
							v := scale * at(L, i, lk) * at(R, rl, j)
							if V != nil {
								v *= V.At(i, j)
							}
							idx.Set(i*fc+j, k*xc+l, idx.At(i*fc+j, k*xc+l)+v)
						}
					}
				}
			}
		}
		if e := eval.RelErr(idx, tensor); !(e <= 1e-9) {
			t.Errorf("%s\nthe index view %s of %s differs from the tensor (rel. error %.2g)", c, derive.IndexString(terms, d.Shape, renv[d.By()], renv), d.Label(p.res.FuncName), e)
		}
	}
}

// dense returns m's entries, row-major.
func dense(m *mat.Dense) []float64 {
	r, c := m.Dims()
	out := make([]float64, 0, r*c)
	for i := range r {
		for j := range c {
			out = append(out, m.At(i, j))
		}
	}
	return out
}

// checkMeans checks that the case means the formula other, as a reader of
// lecture notes would (x·y means xᵀy): the same variables with the same
// shapes, and the same value at random points.
func checkMeans(t *testing.T, c *testCase, p *prepared, other string) {
	t.Helper()
	e, err := (&parser.Config{Decls: p.decls}).ParseExpr(other)
	if err != nil {
		t.Fatalf("%s\nmeans %q, which does not parse: %v", c, other, err)
	}
	info, err := ast.Infer(e, p.decls, nil)
	if err != nil {
		t.Fatalf("%s\nmeans %q, which has no shape: %v", c, other, err)
	}
	varSet := func(vs []ast.VarInfo) string {
		var out []string
		for _, v := range vs {
			out = append(out, fmt.Sprint(v))
		}
		slices.Sort(out)
		return strings.Join(out, " ")
	}
	if got, want := varSet(p.info.Vars), varSet(info.Vars); got != want {
		t.Errorf("%s\nhas the variables %s, but %s has %s", c, got, other, want)
		return
	}
	rng := rand.New(rand.NewPCG(2, 0x6d6174))
	for trial := 0; trial < 3; trial++ {
		env := p.point(c, rng)
		if env == nil {
			t.Fatalf("%s\nno point where it is defined", c)
		}
		got, err1 := eval.Eval(p.expr, env)
		want, err2 := eval.Eval(e, env)
		if err1 != nil || err2 != nil {
			t.Fatalf("%s\nmeans %s: %v, %v", c, other, err1, err2)
		}
		if d := eval.RelErr(got, want); !(d <= 1e-12) {
			t.Errorf("%s\nis %v but %s is %v", c, mat.Formatted(got, mat.Squeeze()), other, mat.Formatted(want, mat.Squeeze()))
		}
	}
}

func checkNumbers(t *testing.T, c *testCase, p *prepared, st *stats) {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 0x6d6174)) // as `matcalc check --seed 1`
	st.derivs += len(p.res.Derivs)
	for trial := 0; trial < 3; trial++ {
		env := p.point(c, rng)
		if env == nil {
			t.Errorf("%s\nno point where the formula and its derivatives are finite and defined (20 tried)\nrepro: %s", c, c.repro("check"))
			return
		}
		for i, d := range p.res.Derivs {
			st.points++
			what := fmt.Sprintf("%s = %s", partial(p.res, d), ast.String(p.res.Expand(d.Expr)))
			got, err := evalDeriv(p.res, d, env)
			if err != nil {
				t.Errorf("%s\n%s: %v\nrepro: %s", c, what, err, c.repro("check"))
				continue
			}
			alt, err := evalDeriv(p.noShr, p.noShr.Derivs[i], env)
			if err != nil {
				t.Errorf("%s\n%s (NoShare): %v", c, what, err)
			} else if e := eval.RelErr(got, alt); !(e <= 1e-9) {
				t.Errorf("%s\n%s\nwith shared pieces %v\nwithout (%s) %v (rel. error %.2g)", c, what,
					mat.Formatted(got, mat.Squeeze()), ast.String(p.noShr.Derivs[i].Expr), mat.Formatted(alt, mat.Squeeze()), e)
			}
			want, err := check.Reference(p.expr, p.info, p.res, d, p.first, env)
			if err != nil {
				t.Errorf("%s\n%v", c, err)
				continue
			}
			e := eval.RelErr(got, want)
			if math.IsNaN(e) {
				e = math.Inf(1)
			}
			if e > st.worst {
				st.worst, st.worstAt = e, fmt.Sprintf("%s by %s", c, d.Wrt)
			}
			if e > c.tol {
				t.Errorf("%s\nWRONG DERIVATIVE %s\n got %v\nwant %v (central differences)\nrel. error %.3g > %g at point %d\nvalues: %s\nrepro: %s",
					c, what, mat.Formatted(got, mat.Squeeze()), mat.Formatted(want, mat.Squeeze()), e, c.tol, trial+1, values(env), c.repro("check"))
			}
			if d.Order == 2 && d.Kind != derive.Differential && d.Wrt2 == "" && p.res.FuncShape.IsScalar() {
				// Independently of the gradient: second differences of the
				// formula itself (less accurate, so a looser tolerance;
				// by a vector or scalar only).
				want2, err := eval.CentralDiff2(p.expr, env, d.Wrt)
				if err != nil {
					t.Errorf("%s\nsecond differences by %s: %v", c, d.Wrt, err)
					continue
				}
				if e := eval.RelErr(got, want2); !(e <= 1e-4) {
					t.Errorf("%s\nWRONG HESSIAN %s\n got %v\nwant %v (second differences)\nrel. error %.3g\nrepro: %s",
						c, what, mat.Formatted(got, mat.Squeeze()), mat.Formatted(want2, mat.Squeeze()), e, c.repro("check"))
				}
			}
		}
	}
}

// values prints the point as JSON-ish text for --at.
func values(env *eval.Env) string {
	names := make([]string, 0, len(env.Vars))
	for n := range env.Vars {
		names = append(names, n)
	}
	sort.Strings(names)
	var parts []string
	for _, n := range names {
		parts = append(parts, strconv.Quote(n)+":"+eval.Compact(env.Vars[n]))
	}
	return "{" + strings.Join(parts, ",") + "}"
}

// TestUnsupported: every formula of unsupported.txt is declined with a
// clear error; one that starts working must move to formulas.txt.
func TestUnsupported(t *testing.T) {
	reasons := map[string][]string{}
	for _, c := range load(t, "unsupported.txt") {
		t.Run(fmt.Sprintf("%d", c.line), func(t *testing.T) {
			_, err := run(c)
			switch {
			case err == nil:
				t.Errorf("%s\nis supported now: move it to formulas.txt\nrepro: %s", c, c.repro("check"))
			case !isDeclined(err):
				t.Errorf("%s\nfails, but not by declining it: %v\nrepro: %s", c, err, c.repro("derive"))
			default:
				var se *stageError
				errors.As(err, &se)
				reasons[reason(se.err.Error())] = append(reasons[reason(se.err.Error())], c.src)
			}
		})
	}
	keys := make([]string, 0, len(reasons))
	for k := range reasons {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.Logf("declined, %s: %d: %s", k, len(reasons[k]), strings.Join(reasons[k], " ; "))
	}
}

func reason(msg string) string {
	switch {
	case strings.Contains(msg, "third-order tensor") && strings.Contains(msg, "depends on"):
		return "Jacobian through a matrix that depends on the vector"
	case strings.Contains(msg, "tensor"):
		return "derivative is a 3rd/4th-order tensor"
	case strings.Contains(msg, "exponent"):
		return "non-integer or symbolic exponent"
	}
	return "no rule"
}

var (
	lineCol = regexp.MustCompile(`(?m)^(matcalc: )?(--let:)?\d+:\d+: `)
	caret   = regexp.MustCompile(`(?m)^ +\^$`)
)

// TestMalformed: every input of malformed.txt gives an error, not a panic
// nor a result; a positioned one, line:col with a caret under the place,
// unless the case says nopos.
func TestMalformed(t *testing.T) {
	for _, c := range load(t, "malformed.txt") {
		t.Run(fmt.Sprintf("%d", c.line), func(t *testing.T) {
			p, err := run(c)
			var se *stageError
			switch {
			case err == nil:
				var ds []string
				for _, d := range p.res.Derivs {
					ds = append(ds, partial(p.res, d)+" = "+ast.String(d.Expr))
				}
				t.Fatalf("%s\nis accepted: %s\nrepro: %s", c, strings.Join(ds, "; "), c.repro("derive"))
			case !errors.As(err, &se):
				t.Fatalf("%s\n%v", c, err)
			case se.stage == "panic" || se.stage == "timeout":
				t.Fatalf("%s\n%s: %v\nrepro: %s", c, strings.ToUpper(se.stage), se.err, c.repro("derive"))
			}
			msg := se.formatted()
			for _, want := range c.expect {
				if !strings.Contains(msg, want) {
					t.Errorf("%s\nerror %q does not say %q", c, msg, want)
				}
			}
			if c.nopos {
				return
			}
			if !positioned(se.err) {
				t.Errorf("%s\nerror (%s) has no position: %s\nrepro: %s", c, se.stage, msg, c.repro("derive"))
				return
			}
			if !lineCol.MatchString(msg) || !caret.MatchString(msg) {
				t.Errorf("%s\nerror has no line:col or caret:\n%s", c, msg)
			}
			if c.col > 0 && !strings.Contains(msg, fmt.Sprintf(":%d: ", c.col)) {
				t.Errorf("%s\nthe caret should be at column %d:\n%s\nrepro: %s", c, c.col, msg, c.repro("derive"))
			}
		})
	}
}

// TestCLIMalformed runs every malformed input through the real command:
// exit status 1 or 2, no panic, and for a positioned error line:col and a
// caret on stderr.
func TestCLIMalformed(t *testing.T) {
	for _, c := range load(t, "malformed.txt") {
		t.Run(fmt.Sprintf("%d", c.line), func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := cli(t, c.cliArgs("derive")...)
			t.Logf("%s\n%s", c, stderr)
			if code == 0 {
				t.Fatalf("%s\nexit status 0:\n%s\nrepro: %s", c, stdout, c.repro("derive"))
			}
			if code != 1 && code != 2 {
				t.Errorf("%s\nexit status %d, want 1 or 2\n%s", c, code, stderr)
			}
			if strings.Contains(stderr, "panic") || strings.Contains(stderr, "goroutine") {
				t.Fatalf("%s\nPANICS:\n%s\nrepro: %s", c, stderr, c.repro("derive"))
			}
			if strings.TrimSpace(stderr) == "" {
				t.Errorf("%s\nno error message", c)
			}
			if !c.nopos {
				if code != 1 {
					t.Errorf("%s\nexit status %d for a bad formula, want 1\n%s", c, code, stderr)
				}
				if !lineCol.MatchString(stderr) || !caret.MatchString(stderr) {
					t.Errorf("%s\nstderr has no line:col and caret:\n%s", c, stderr)
				}
				if c.col > 0 && !strings.Contains(stderr, fmt.Sprintf(":%d: ", c.col)) && !strings.Contains(stderr, "--let:") {
					t.Errorf("%s\nthe caret should be at column %d (or in the --let):\n%s\nrepro: %s", c, c.col, stderr, c.repro("derive"))
				}
			}
		})
	}
}

// TestCLICheck runs `matcalc check --trials 1` on every other formula (to
// keep the test under a minute; TestFormulas checks them all in-process)
// through the real command: exit status 0 and no FAIL.
func TestCLICheck(t *testing.T) {
	for i, c := range load(t, "formulas.txt") {
		if i%2 != 0 {
			continue
		}
		t.Run(fmt.Sprintf("%d", c.line), func(t *testing.T) {
			t.Parallel()
			// One point: TestFormulas checks three in-process.
			args := c.cliArgs("check")
			args = append([]string{args[0], "--trials", "1"}, args[1:]...)
			code, stdout, stderr := cli(t, args...)
			if code != 0 || strings.Contains(stdout, "FAIL") {
				t.Errorf("%s\nexit status %d\n%s%s\nrepro: %s", c, code, stdout, stderr, c.repro("check"))
			}
		})
	}
}

func cli(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		code = exit.ExitCode()
	default:
		t.Fatalf("matcalc %s: %v", strings.Join(args, " "), err)
	}
	return code, out.String(), errb.String()
}

// derivOf returns the derivative of res by wrt.
func derivOf(res *derive.Result, wrt string) ast.Expr {
	for _, d := range res.Derivs {
		if d.Wrt == wrt {
			return d.Expr
		}
	}
	return nil
}
