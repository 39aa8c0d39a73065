package gocode

import (
	"bufio"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/matcalc/matcalc/derive"
	"github.com/matcalc/matcalc/parser"
)

// corpusDirective finds the directives of a line of the corpus
// (corpus/testdata/formulas.txt, read as corpus_test.go reads it).
var corpusDirective = regexp.MustCompile(`\|\s*(wrt|order|let|positive|tol|expect|nopos|col|nosteps|same|means)\b`)

// corpusTensorCases returns a case per formula of the corpus that has a
// tensor derivative (with its wrt, order, let and positive directives),
// so that TestGoCompileRun compiles, runs and checks the vec-layout
// matrix and the directional derivative of each, and that the workspace
// form does not allocate.
func corpusTensorCases(t *testing.T) []goCase {
	f, err := os.Open("../../corpus/testdata/formulas.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []goCase
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if strings.TrimSpace(text) == "" || strings.HasPrefix(strings.TrimSpace(text), "#") {
			continue
		}
		c := goCase{name: "corpus" + strconv.Itoa(line)}
		src := text
		locs := corpusDirective.FindAllStringIndex(text, -1)
		var lets []string
		for i, loc := range locs {
			if i == 0 {
				src = text[:loc[0]]
			}
			end := len(text)
			if i+1 < len(locs) {
				end = locs[i+1][0]
			}
			word, arg, _ := strings.Cut(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(text[loc[0]:end]), "|")), " ")
			arg = strings.TrimSpace(arg)
			switch word {
			case "wrt":
				for _, w := range strings.Split(arg, ",") {
					n, err := parser.CanonicalName(strings.TrimSpace(w))
					if err != nil {
						t.Fatalf("formulas.txt:%d: %v", line, err)
					}
					c.opts.Wrt = append(c.opts.Wrt, n)
				}
			case "order":
				if c.opts.Order, err = strconv.Atoi(arg); err != nil {
					t.Fatalf("formulas.txt:%d: %v", line, err)
				}
			case "let":
				lets = append(lets, arg)
			case "positive":
				c.positive = true
			}
		}
		c.src, c.lets = strings.TrimSpace(src), strings.Join(lets, "; ")
		// The workspace form allocates nothing after its first call,
		// except in gonum's Inverse.
		c.noAllocs = !containsAny(c.src, "⁻¹", "inv(", "^-1", "logdet")
		if strings.HasPrefix(c.src, `"`) {
			if c.src, err = strconv.Unquote(c.src); err != nil {
				t.Fatalf("formulas.txt:%d: %v", line, err)
			}
		}
		r, _, err := c.build()
		if err != nil {
			continue // a named formula, or one the corpus expects to fail
		}
		// Go writes differentials, not second differentials (it refuses
		// those, derive.TensorError).
		if slices.ContainsFunc(r.Derivs, func(d derive.Deriv) bool { return d.Kind == derive.SecondDifferential }) {
			continue
		}
		if slices.ContainsFunc(r.Derivs, func(d derive.Deriv) bool { return d.Kind == derive.Differential }) {
			cases = append(cases, c)
		}
		// Every mixed block of a scalar function, as --block writes it
		// (without --block, Go writes the blocks by each variable only).
		for _, d := range r.Derivs {
			if d.Wrt2 == "" || !r.FuncShape.IsScalar() {
				continue
			}
			b := c
			b.name = fmt.Sprintf("%s_block_%s_%s", c.name, goIdent(d.Wrt), goIdent(d.Wrt2))
			b.opts.Block = []string{d.Wrt, d.Wrt2}
			cases = append(cases, b)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return cases
}

// TestCorpusTensorCases makes sure the corpus still feeds TestGoCompileRun
// tensor derivatives of every kind.
func TestCorpusTensorCases(t *testing.T) {
	kinds := map[string]int{}
	for _, c := range corpusTensorCases(t) {
		r, _, err := c.build()
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range r.Derivs {
			if d.Kind != derive.Differential {
				continue
			}
			switch env := r.Env(); {
			case d.Order == 2 && env[d.Wrt].IsMatrix():
				kinds["Hessian by a matrix"]++
			case d.Order == 2:
				kinds["second derivative by a vector"]++
			case env[d.Wrt].IsMatrix() && d.Shape.IsMatrix():
				kinds["matrix by a matrix"]++
			case env[d.Wrt].IsMatrix():
				kinds["vector by a matrix"]++
			default:
				kinds["matrix by a vector"]++
			}
		}
	}
	for _, k := range []string{"Hessian by a matrix", "second derivative by a vector", "matrix by a matrix", "vector by a matrix", "matrix by a vector"} {
		if kinds[k] == 0 {
			t.Errorf("no corpus formula with a tensor derivative of kind %q", k)
		}
	}
	t.Logf("%v", kinds)
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
