package ast_test

import (
	"fmt"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/parser"
)

func ExampleInfer() {
	src := "uᵀf(Wx+b)"
	e, err := parser.ParseExpr(src)
	if err != nil {
		panic(err)
	}
	info, err := ast.Infer(e, nil, nil)
	if err != nil {
		fmt.Println(ast.FormatError(src, err))
		return
	}
	for _, v := range info.Vars {
		fmt.Printf("%s: %v\n", v.Name, v.Shape)
	}
	fmt.Println("result:", info.Shapes[e])
	// Output:
	// u: n
	// W: n×m
	// x: m
	// b: n
	// result: scalar
}

func ExampleInfer_error() {
	src := "Wb + c"
	decls := []ast.Decl{
		{Names: []string{"W"}, Kind: ast.DeclMatrix, Dims: []ast.Dim{ast.Sym("n"), ast.Sym("m")}},
		{Names: []string{"b"}, Kind: ast.DeclVector, Dims: []ast.Dim{ast.Sym("n")}},
	}
	e, err := (&parser.Config{Decls: decls}).ParseExpr(src)
	if err != nil {
		panic(err)
	}
	_, err = ast.Infer(e, decls, nil)
	fmt.Println(ast.FormatError(src, err))
	// Output:
	// 1:2: cannot multiply W (n×m) by b (n): inner dimensions m and n differ
	//   Wb + c
	//    ^
}
