// Command picture draws the lecture's computational graph, (x+y)*max(y,z)
// at x=1, y=2, z=0, after its forward and backward passes, as SVG and PNG.
// scripts/graph-picture.sh uses it while `matcalc backprop --format svg`
// is not available.
//
//	go run ./graph/internal/picture OUT.svg [OUT.png]
package main

import (
	"fmt"
	"os"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/eval"
	"github.com/matcalc/matcalc/graph"
	"github.com/matcalc/matcalc/render"
	"gonum.org/v1/gonum/mat"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "picture:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) < 1 || len(args) > 2 {
		return fmt.Errorf("usage: picture OUT.svg [OUT.png]")
	}
	x, y, z := ast.Var("x"), ast.Var("y"), ast.Var("z")
	f := ast.Bin(ast.Mul, ast.Bin(ast.Add, x, y), ast.Fn("max", 0, y, z))
	g, err := graph.Build(f, nil)
	if err != nil {
		return err
	}
	env := &eval.Env{Vars: map[string]*mat.Dense{
		"x": mat.NewDense(1, 1, []float64{1}),
		"y": mat.NewDense(1, 1, []float64{2}),
		"z": mat.NewDense(1, 1, []float64{0}),
	}}
	if err := g.Forward(env); err != nil {
		return err
	}
	if err := g.Backward(); err != nil {
		return err
	}
	svg, err := render.SVG(g)
	if err != nil {
		return err
	}
	if err := os.WriteFile(args[0], svg, 0o644); err != nil {
		return err
	}
	if len(args) == 2 {
		png, err := render.PNG(g)
		if err != nil {
			return err
		}
		return os.WriteFile(args[1], png, 0o644)
	}
	return nil
}
