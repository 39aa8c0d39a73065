//go:build ignore

// gen writes the emitted code the benchmarks compare: the forward pass
// alone (internal/netfwd) and the value with every gradient
// (internal/netgrad), both with their workspace forms. Run it with
// go generate ./bench/ (or go run gen.go in bench/).
package main

import (
	"log"
	"os"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/derive"
	"github.com/matcalc/matcalc/parser"
	"github.com/matcalc/matcalc/render/gocode"
)

const formula = "uᵀtanh(W₂tanh(W₁x+b₁)+b₂)"

func main() {
	e, err := parser.ParseExpr(formula)
	if err != nil {
		log.Fatal(err)
	}
	info, err := ast.Infer(e, nil, nil)
	if err != nil {
		log.Fatal(err)
	}
	r, err := derive.Derive(e, info, derive.Options{})
	if err != nil {
		log.Fatal(err)
	}
	r.Input = formula
	write("internal/netgrad/net.go", r, gocode.Options{Package: "netgrad", Func: "Grad", Workspace: true})
	fwd := *r
	fwd.Derivs = nil
	write("internal/netfwd/net.go", &fwd, gocode.Options{Package: "netfwd", Func: "Forward", Workspace: true})
}

func write(path string, r *derive.Result, o gocode.Options) {
	src, err := gocode.Generate(r, o)
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(path, src, 0o644); err != nil {
		log.Fatal(err)
	}
}
