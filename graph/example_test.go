package graph_test

import (
	"fmt"
	"os"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/eval"
	"github.com/matcalc/matcalc/graph"
	"gonum.org/v1/gonum/mat"
)

// The lecture's example: f = (x + y) max(y, z) at x = 1, y = 2, z = 0.
func Example() {
	x, y, z := ast.Var("x"), ast.Var("y"), ast.Var("z")
	f := ast.Bin(ast.Mul, ast.Bin(ast.Add, x, y), ast.Fn("max", 0, y, z))
	g, err := graph.Build(f, nil)
	if err != nil {
		panic(err)
	}
	env := &eval.Env{Vars: map[string]*mat.Dense{
		"x": mat.NewDense(1, 1, []float64{1}),
		"y": mat.NewDense(1, 1, []float64{2}),
		"z": mat.NewDense(1, 1, []float64{0}),
	}}
	if err := g.Forward(env); err != nil {
		panic(err)
	}
	if err := g.Backward(); err != nil {
		panic(err)
	}
	for _, v := range g.Gradients() {
		fmt.Printf("∂f/∂%s = %v\n", v.Name, v.Grad.At(0, 0))
	}
	fmt.Println()
	if err := g.WriteTable(os.Stdout); err != nil {
		panic(err)
	}
	// Output:
	// ∂f/∂x = 2
	// ∂f/∂y = 5
	// ∂f/∂z = 0
	//
	// id  node           op   text              value  gradient   rule
	// 0   x              var  x                 1      2
	// 1   y              var  y                 2      2 + 3 = 5
	// 2   a = x + y      +    x + y             3      2          sum: hands the gradient to every input
	//       ↳ x                                                   gets 2: upstream Ḡ = ∂f/∂a = 2, local: 1
	//       ↳ y                                                   gets 2: upstream Ḡ = ∂f/∂a = 2, local: 1
	// 3   z              var  z                 0      0
	// 4   b = max(y, z)  max  max(y, z)         2      3          max: routes the gradient to the larger input, y
	//       ↳ y                                                   gets 3: upstream Ḡ = ∂f/∂b = 3, local: [y ≥ z] = 1
	//       ↳ z                                                   gets 0: upstream Ḡ = ∂f/∂b = 3, local: 1 − [y ≥ z] = 0
	// 5   f = ab         *    (x + y)max(y, z)  6      1          product: swaps, each input gets the gradient times the other input
	//       ↳ a                                                   gets 2: upstream Ḡ = ∂f/∂f = 1, local: b = 2
	//       ↳ b                                                   gets 3: upstream Ḡ = ∂f/∂f = 1, local: a = 3
	// operations: forward pass 3, backward pass 9 (3× the forward pass)
}
