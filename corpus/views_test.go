package corpus_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/check"
	"github.com/matcalc/matcalc/derive"
	"github.com/matcalc/matcalc/eval"
	"github.com/matcalc/matcalc/index"
	"github.com/matcalc/matcalc/parser"
	"github.com/matcalc/matcalc/report"
	"gonum.org/v1/gonum/mat"
)

// viewStats counts the printed views read back.
type viewStats struct {
	differentials, indexViews int
	general                   int // index views without a Kronecker form
	noIndex                   int // differentials with no index view
}

// checkPrintedViews reads back what `matcalc derive` prints for each tensor
// derivative (report.Text): the differential line "ds = A dX B   (∂s/∂X,
// …)" and the index view "∂sᵢⱼ/∂Xₖₗ = AᵢₖBₗⱼ" (package index), with the
// shared pieces as printed above them inlined, and evaluates each, entry
// by entry at a random point, against the tensor (check.Symbolic, which
// checkNumbers compares with central differences). The Kronecker view is
// checked from derive's terms by checkKronecker.
func checkPrintedViews(t *testing.T, c *testCase, p *prepared, st *viewStats) {
	t.Helper()
	text, err := report.Text(p.res, report.Options{Expr: p.expr, Info: p.info})
	if err != nil {
		t.Errorf("%s\n%v", c, err)
		return
	}
	lines := strings.Split(text, "\n")
	fn := p.res.FuncName
	decls := append(p.res.DirDecls(), p.decls...)
	cfg := &parser.Config{Decls: decls}
	hasTensor := false
	for _, d := range p.res.Derivs {
		hasTensor = hasTensor || d.Kind == derive.Differential
	}
	if !hasTensor {
		return
	}
	// The shared pieces as printed: "t₁ = …", or "s = p = …" when the
	// function is one; each inlined into the later ones.
	defs := map[string]ast.Expr{}
	inline := func(e ast.Expr) ast.Expr {
		return ast.Rewrite(e, func(n ast.Expr) ast.Expr {
			if id, ok := n.(*ast.Ident); ok {
				if x, ok := defs[id.Name]; ok {
					return x
				}
			}
			return n
		})
	}
	for _, d := range p.res.Defs {
		rhs, ok := "", false
		for _, l := range lines {
			if rhs, ok = strings.CutPrefix(l, d.Name+" = "); ok {
				break
			}
			if rhs, ok = strings.CutPrefix(l, fn+" = "+d.Name+" = "); ok {
				break
			}
		}
		if !ok {
			t.Errorf("%s\nthe shared piece %s is not printed:\n%s", c, d.Name, text)
			return
		}
		e, err := cfg.ParseExpr(rhs)
		if err != nil {
			t.Errorf("%s\nthe shared piece %s = %s does not parse back:\n%s", c, d.Name, rhs, ast.FormatError(rhs, err))
			return
		}
		defs[d.Name] = inline(e)
	}
	env := p.point(c, rand.New(rand.NewPCG(5, 0x6d6174)))
	if env == nil {
		return
	}
	renv := p.res.Env()
	for _, d := range p.res.Derivs {
		if d.Kind != derive.Differential {
			continue
		}
		what := d.Label(fn)
		tensor, err := check.Symbolic(p.res, d, env)
		if err != nil {
			t.Errorf("%s\n%s: %v", c, what, err)
			continue
		}
		compare := func(view, line string, got *mat.Dense) {
			gr, gc := got.Dims()
			wr, wc := tensor.Dims()
			if d.Shape.IsScalar() && gr == 1 && gr*gc == wr*wc {
				// check.Symbolic gives the differential of a scalar as
				// the gradient, in the variable's shape.
				got, gr, gc = mat.NewDense(wr, wc, got.RawRowView(0)), wr, wc
			}
			if gr != wr || gc != wc {
				t.Errorf("%s\nthe printed %s of %s,\n  %s\nevaluates to a %d×%d layout, the tensor is %d×%d\nrepro: %s", c, view, what, line, gr, gc, wr, wc, c.repro("derive"))
				return
			}
			if e := eval.RelErr(got, tensor); !(e <= 1e-9) {
				t.Errorf("%s\nthe printed %s of %s,\n  %s\ndiffers from the tensor (rel. error %.2g)\n got %v\nwant %v\nrepro: %s", c, view, what, line, e, mat.Formatted(got, mat.Squeeze()), mat.Formatted(tensor, mat.Squeeze()), c.repro("derive"))
			}
		}
		// The differential: "ds = …   (∂s/∂X, n×p×m×k)".
		prefix, suffix := d.DiffLabel(fn)+" = ", fmt.Sprintf("   (%s, %v)", what, d.Tensor)
		at := -1
		for i, l := range lines {
			if strings.HasPrefix(l, prefix) && strings.HasSuffix(l, suffix) {
				at = i
				break
			}
		}
		if at < 0 {
			t.Errorf("%s\nno line %s… %s in the output:\n%s", c, prefix, suffix, text)
			continue
		}
		rhs := strings.TrimSuffix(strings.TrimPrefix(lines[at], prefix), suffix)
		dF, err := cfg.ParseExpr(rhs)
		if err != nil {
			t.Errorf("%s\nthe printed differential of %s does not parse back:\n%s", c, what, ast.FormatError(rhs, err))
			continue
		}
		got, err := eval.Differential(inline(dF), env, d.Dir, d.By(), d.Shape)
		if err != nil {
			t.Errorf("%s\nthe printed differential %s: %v", c, lines[at], err)
			continue
		}
		compare("differential", lines[at], got)
		st.differentials++
		// The index view: the indented "∂…/∂X… = …" line under it that is
		// not the vec/Kronecker one.
		idx := ""
		for _, l := range lines[at+1:] {
			if !strings.HasPrefix(l, "  ") {
				break
			}
			if l = strings.TrimSpace(l); strings.HasPrefix(l, "∂") && !strings.HasPrefix(l, "∂vec(") {
				idx = l
			}
		}
		// An index view is printed where a Kronecker form exists, and
		// elsewhere where the differential translates entry by entry.
		_, kron := derive.Kronecker(d, renv)
		_, general := derive.IndexTerms(d, p.res.Defs, renv)
		if (kron || general) != (idx != "") {
			t.Errorf("%s\n%s: a Kronecker form is %v, a translation %v, but the index view printed is %q", c, what, kron, general, idx)
		}
		if idx == "" {
			if !kron {
				st.noIndex++
				if testing.Verbose() {
					t.Logf("no index view: %s  %s", what, lines[at])
				}
			}
			continue
		}
		form, err := index.Parse(idx, decls)
		if err != nil {
			t.Errorf("%s\nthe index view of %s does not parse back:\n%s\nrepro: %s", c, what, ast.FormatError(idx, err), c.repro("derive"))
			continue
		}
		of := fn
		if d.Order == 2 {
			of = report.Partial(fn, d.Wrt, 1)
		}
		if form.Var != d.By() || form.Func != of {
			t.Errorf("%s\nthe index view %s is of %s by %s, not of %s by %s", c, idx, form.Func, form.Var, of, d.By())
		}
		got, err = form.Expand(inline).Eval(env)
		if err != nil {
			t.Errorf("%s\nthe index view %s: %s\nrepro: %s", c, idx, ast.FormatError(idx, err), c.repro("derive"))
			continue
		}
		compare("index view", idx, got)
		st.indexViews++
		if !kron {
			st.general++
		}
	}
}
