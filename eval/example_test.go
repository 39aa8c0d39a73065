package eval_test

import (
	"encoding/json"
	"fmt"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/eval"
)

// The value of (x+y)·max(y,z) at x=1, y=2, z=0 (docs/cli.md), and its
// gradient by y from central differences.
func Example() {
	x, y, z := ast.Var("x"), ast.Var("y"), ast.Var("z")
	f := ast.Bin(ast.Mul, ast.Bin(ast.Add, x, y), ast.Fn("max", 0, y, z))
	vals, err := eval.ParseValues("x=1,y=2,z=0", nil)
	if err != nil {
		panic(err)
	}
	env := &eval.Env{Vars: vals}
	v, _ := eval.Eval(f, env)
	g, _ := eval.CentralDiff(f, env, "y")
	fmt.Println(eval.Compact(v), eval.Compact(g))
	// Output: 6 5
}

// Values come from JSON and go back to JSON in the same encoding.
func ExampleParseValues() {
	vals, err := eval.ParseValues(`{"W": [[1, 2], [3, 4]], "x": [1, -1]}`, nil)
	if err != nil {
		panic(err)
	}
	Wx, _ := eval.Eval(ast.Bin(ast.Mul, ast.Var("W"), ast.Var("x")), &eval.Env{Vars: vals})
	out, _ := json.Marshal(map[string]any{"Wx": eval.Encode(Wx)})
	fmt.Println(string(out))
	// Output: {"Wx":[-1,-1]}
}

// A generic function evaluates once it is bound to a built-in; f′ is then
// the derivative of that built-in.
func ExampleEnv_funcs() {
	vals, _ := eval.ParseValues("z=0", nil)
	env := &eval.Env{Vars: vals, Funcs: map[string]string{"f": "σ"}}
	v, _ := eval.Eval(ast.Fn("f", 1, ast.Var("z")), env)
	fmt.Println(eval.Compact(v))
	_, err := eval.Eval(ast.Fn("g", 0, ast.Var("z")), env)
	fmt.Println(err)
	// Output:
	// 0.25
	// cannot evaluate generic function g: bind it to a built-in
}

// The identity takes its size from what it combines with.
func ExampleEval_identity() {
	vals, _ := eval.ParseValues(`{"A": [[1, 2], [3, 4]]}`, nil)
	I := &ast.Identity{IPos: ast.NoPos}
	v, _ := eval.Eval(ast.Bin(ast.Add, ast.Var("A"), I), &eval.Env{Vars: vals})
	fmt.Println(eval.Compact(v))
	// Output: [[2 2] [3 5]]
}
