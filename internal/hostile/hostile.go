// Package hostile generates the hostile inputs of issue 12 — long operator
// chains, deep nesting, many variables, big values, big formula files — at
// a given size, as matcalc command lines, for the limit tests of
// cmd/matcalc and the timings of bench/limits.sh.
package hostile

import (
	"encoding/json"
	"fmt"
	"strings"
)

// A Family is one shape of hostile input.
type Family struct {
	Name string
	// Sizes are the sizes to try: powers of ten, up to where the family
	// applies.
	Sizes []int
	// Args returns the command line at size n; files holds the contents of
	// the files it names (by base name, to be written in a temporary
	// folder whose path replaces "DIR/"), and under Stdin what to read
	// from stdin.
	Args func(n int) (args []string, files map[string]string)
}

func repeatJoin(s, sep string, n int) string {
	return strings.TrimSuffix(strings.Repeat(s+sep, n), sep)
}

func vector(n int) string {
	v := make([]float64, n)
	for i := range v {
		v[i] = 0.5 + float64(i%7)/10
	}
	b, _ := json.Marshal(map[string]any{"x": v})
	return string(b)
}

func matrix(n int) string {
	m := make([][]float64, n)
	for i := range m {
		m[i] = make([]float64, n)
		for j := range m[i] {
			m[i][j] = float64((i*n+j)%5) / 4
		}
	}
	b, _ := json.Marshal(map[string]any{"X": m})
	return string(b)
}

// Stdin is the key of Args's files that holds the standard input.
const Stdin = "<stdin>"

// Families lists every family of issue 12.
var Families = []Family{
	{"sum chain x+x+…", []int{1e2, 1e3, 1e4, 1e5}, func(n int) ([]string, map[string]string) {
		return []string{"derive", repeatJoin("x", "+", n)}, nil
	}},
	{"product chain x*x*…", []int{1e2, 1e3, 1e4, 1e5}, func(n int) ([]string, map[string]string) {
		return []string{"derive", repeatJoin("x", "*", n), "--let", "x: scalar"}, nil
	}},
	{"Hadamard chain x.*x.*…", []int{1e2, 1e3, 1e4, 1e5}, func(n int) ([]string, map[string]string) {
		return []string{"derive", repeatJoin("x", ".*", n)}, nil
	}},
	{"transposes xᵀᵀᵀ…", []int{1e2, 1e3, 1e4, 1e5}, func(n int) ([]string, map[string]string) {
		return []string{"derive", "x" + strings.Repeat("'", n) + "*x"}, nil
	}},
	{"letters xxx… on stdin", []int{1e2, 1e3, 1e4, 1e5}, func(n int) ([]string, map[string]string) {
		return []string{"parse", "-"}, map[string]string{Stdin: strings.Repeat("x", n)}
	}},
	{"sum of distinct scalars a₁+a₂+…", []int{1e2, 1e3, 1e4}, func(n int) ([]string, map[string]string) {
		terms := make([]string, n)
		for i := range terms {
			terms[i] = fmt.Sprintf("a_%d", i)
		}
		return []string{"derive", strings.Join(terms, "+")}, nil
	}},
	{"nested exp(exp(…))", []int{1e2, 1e3}, func(n int) ([]string, map[string]string) {
		return []string{"derive", strings.Repeat("exp(", n) + "x" + strings.Repeat(")", n), "--let", "x: scalar"}, nil
	}},
	{"nested tanh, --order 2", []int{1e1, 1e2, 1e3}, func(n int) ([]string, map[string]string) {
		return []string{"derive", strings.Repeat("tanh(", n) + "x" + strings.Repeat(")", n), "--let", "x: scalar", "--order", "2"}, nil
	}},
	{"backprop --format svg of (x+y)(x+y)…", []int{1e1, 1e2, 1e3}, func(n int) ([]string, map[string]string) {
		return []string{"backprop", repeatJoin("(x+y)", "*", n), "--at", "x=1,y=0.5", "--format", "svg"}, nil
	}},
	{"formula file of chained definitions", []int{1e2, 1e3, 1e4, 1e5}, func(n int) ([]string, map[string]string) {
		var b strings.Builder
		b.WriteString("x: scalar\nz0 = x\n")
		for i := 1; i < n; i++ {
			fmt.Fprintf(&b, "z%d = z%d + x\n", i, i-1)
		}
		fmt.Fprintf(&b, "derive z%d wrt x\n", n-1)
		return []string{"derive", "-f", "DIR/f.mc"}, map[string]string{"f.mc": b.String()}
	}},
	{"formula file of independent definitions", []int{1e2, 1e3, 1e4, 1e5}, func(n int) ([]string, map[string]string) {
		var b strings.Builder
		b.WriteString("x: scalar\n")
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "z%d = %d x\n", i, i+1)
		}
		b.WriteString("derive z0 wrt x\n")
		return []string{"derive", "-f", "DIR/f.mc"}, map[string]string{"f.mc": b.String()}
	}},
	{"eval sum(x xᵀ) at an n-vector", []int{1e2, 1e3, 1e4, 1e5}, func(n int) ([]string, map[string]string) {
		return []string{"eval", "sum(x*x')", "--at", "DIR/v.json"}, map[string]string{"v.json": vector(n)}
	}},
	{"derive xᵀx --order 2 at an n-vector", []int{1e2, 1e3, 1e4, 1e5}, func(n int) ([]string, map[string]string) {
		return []string{"derive", "x'*x", "--order", "2", "--at", "DIR/v.json"}, map[string]string{"v.json": vector(n)}
	}},
	{"check tr(XᵀX) at an n×n matrix (n² entries)", []int{1e1, 1e2, 1e3}, func(n int) ([]string, map[string]string) {
		return []string{"check", "tr(X'*X)", "--at", "DIR/m.json"}, map[string]string{"m.json": matrix(n)}
	}},
}
