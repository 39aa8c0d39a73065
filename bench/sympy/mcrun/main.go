// Command mcrun times matcalc's derivation engine on the formulas of the
// SymPy comparison (bench/sympy). It reads a JSON list of cases
// ({"id", "formula", "lets", "wrt", "order"}) and writes, for each, the
// median time of derive.Derive over several rounds (parsing and shape
// inference outside the timer, as in derive/bench_test.go), the median time
// of parse + infer + derive, the bytes and allocations per call, and the
// printed result with its size in characters.
//
//	go run ./bench/sympy/mcrun -rounds 7 < cases.json > mcrun.json
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/derive"
	"github.com/matcalc/matcalc/parser"
)

type input struct {
	ID      string   `json:"id"`
	Formula string   `json:"formula"`
	Lets    []string `json:"lets"`
	Wrt     []string `json:"wrt"`
	Order   int      `json:"order"`
}

type output struct {
	ID      string  `json:"id"`
	OK      bool    `json:"ok"`
	Error   string  `json:"error,omitempty"`
	DeriveN float64 `json:"derive_ns"`       // median ns per derive.Derive call
	TotalN  float64 `json:"total_ns"`        // median ns per parse + infer + derive
	Bytes   float64 `json:"bytes_per_op"`    // bytes allocated per derive.Derive call
	Allocs  float64 `json:"allocs_per_op"`   // allocations per derive.Derive call
	Iters   int     `json:"iters_per_round"` //
	Chars   int     `json:"chars"`           // printed size, Unicode: every "name = expr" definition and every derivative
	ASCII   int     `json:"chars_ascii"`     // the same in the ASCII printer
	Defs    int     `json:"defs"`
	Text    string  `json:"text"`
}

func main() {
	rounds := flag.Int("rounds", 7, "timing rounds per formula (the median is reported)")
	roundTime := flag.Duration("round", 40*time.Millisecond, "target duration of one round")
	flag.Parse()
	var cases []input
	if err := json.NewDecoder(os.Stdin).Decode(&cases); err != nil {
		fmt.Fprintln(os.Stderr, "mcrun: reading cases:", err)
		os.Exit(2)
	}
	var outs []output
	for _, c := range cases {
		outs = append(outs, run(c, *rounds, *roundTime))
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(outs); err != nil {
		fmt.Fprintln(os.Stderr, "mcrun:", err)
		os.Exit(1)
	}
}

// prepare parses the declarations and the formula and infers the shapes.
func prepare(c input) (ast.Expr, *ast.Info, error) {
	var decls []ast.Decl
	for _, l := range c.Lets {
		d, err := parser.ParseDecls(l)
		if err != nil {
			return nil, nil, fmt.Errorf("--let %s: %v", l, err)
		}
		decls = append(decls, d...)
	}
	e, err := (&parser.Config{Decls: decls}).ParseExpr(c.Formula)
	if err != nil {
		return nil, nil, err
	}
	info, err := ast.Infer(e, decls, nil)
	if err != nil {
		return nil, nil, err
	}
	return e, info, nil
}

func options(c input, info *ast.Info) (derive.Options, error) {
	opts := derive.Options{Order: c.Order}
	for _, w := range c.Wrt {
		name, err := parser.CanonicalName(w)
		if err != nil {
			return opts, err
		}
		if info.Var(name) == nil {
			return opts, fmt.Errorf("unknown variable %s", w)
		}
		opts.Wrt = append(opts.Wrt, name)
	}
	return opts, nil
}

func run(c input, rounds int, roundTime time.Duration) output {
	out := output{ID: c.ID}
	e, info, err := prepare(c)
	if err != nil {
		out.Error = err.Error()
		return out
	}
	opts, err := options(c, info)
	if err != nil {
		out.Error = err.Error()
		return out
	}
	r, err := derive.Derive(e, info, opts) // also warms up the rewrite rules
	if err != nil {
		out.Error = err.Error()
		return out
	}
	out.OK = true
	out.Text, out.Chars, out.ASCII = printed(r)
	out.Defs = len(r.Defs)

	// Iterations per round: enough to fill roundTime.
	start := time.Now()
	calls := 0
	for time.Since(start) < roundTime/4 {
		derive.Derive(e, info, opts)
		calls++
	}
	iters := max(1, int(float64(calls)*float64(roundTime)/float64(time.Since(start))))
	out.Iters = iters

	var ds, ts []float64
	var ms0, ms1 runtime.MemStats
	for range rounds {
		runtime.GC()
		runtime.ReadMemStats(&ms0)
		t0 := time.Now()
		for range iters {
			derive.Derive(e, info, opts)
		}
		ds = append(ds, float64(time.Since(t0).Nanoseconds())/float64(iters))
		runtime.ReadMemStats(&ms1)
		out.Bytes = float64(ms1.TotalAlloc-ms0.TotalAlloc) / float64(iters)
		out.Allocs = float64(ms1.Mallocs-ms0.Mallocs) / float64(iters)

		t0 = time.Now()
		for range iters {
			e2, info2, _ := prepare(c)
			opts2, _ := options(c, info2)
			derive.Derive(e2, info2, opts2)
		}
		ts = append(ts, float64(time.Since(t0).Nanoseconds())/float64(iters))
	}
	out.DeriveN, out.TotalN = median(ds), median(ts)
	return out
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// printed is the result as matcalc prints it (definitions, then one line
// per derivative) and its size in characters, Unicode and ASCII, counted as
// derive/bench_test.go counts it: "name = expr" per definition plus each
// derivative's expression.
func printed(r *derive.Result) (text string, chars, ascii int) {
	var b strings.Builder
	for _, d := range r.Defs {
		u, a := ast.String(d.Expr), ast.ASCII(d.Expr)
		fmt.Fprintf(&b, "%s = %s\n", d.Name, u)
		chars += utf8.RuneCountInString(d.Name) + 3 + utf8.RuneCountInString(u)
		ascii += len(ast.ASCIIName(d.Name)) + 3 + len(a)
	}
	for _, d := range r.Derivs {
		u, a := ast.String(d.Expr), ast.ASCII(d.Expr)
		p := "∂" + r.FuncName + "/∂" + d.Wrt
		if d.Order == 2 {
			p = "∂²" + r.FuncName + "/∂" + d.Wrt + "²"
		}
		fmt.Fprintf(&b, "%s = %s\n", p, u)
		chars += utf8.RuneCountInString(u)
		ascii += len(a)
	}
	return strings.TrimRight(b.String(), "\n"), chars, ascii
}
