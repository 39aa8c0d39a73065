package gocode_test

import (
	"fmt"
	"strings"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/derive"
	"github.com/matcalc/matcalc/parser"
	"github.com/matcalc/matcalc/render/gocode"
)

// ExampleGenerate emits gonum code for s = uᵀσ(Wx + b) and its gradients, with
// the workspace form, and prints the declarations of the file.
func ExampleGenerate() {
	e, err := parser.ParseExpr("uᵀσ(Wx+b)")
	if err != nil {
		panic(err)
	}
	info, err := ast.Infer(e, nil, nil)
	if err != nil {
		panic(err)
	}
	r, err := derive.Derive(e, info, derive.Options{Wrt: []string{"W", "b", "x"}})
	if err != nil {
		panic(err)
	}
	src, err := gocode.Generate(r, gocode.Options{Package: "model", Func: "Loss", Workspace: true})
	if err != nil {
		panic(err)
	}
	for _, line := range strings.Split(string(src), "\n") {
		if strings.HasPrefix(line, "func ") || strings.HasPrefix(line, "type ") || strings.HasPrefix(line, "package ") {
			fmt.Println(strings.TrimSuffix(line, " {"))
		}
	}
	// Output:
	// package model
	// func Loss(u *mat.VecDense, W *mat.Dense, x *mat.VecDense, b *mat.VecDense) (s float64, dW *mat.Dense, db *mat.VecDense, dx *mat.VecDense)
	// type LossWorkspace struct
	// func (w *LossWorkspace) Loss(u *mat.VecDense, W *mat.Dense, x *mat.VecDense, b *mat.VecDense) (s float64, dW *mat.Dense, db *mat.VecDense, dx *mat.VecDense)
	// func vecData(v *mat.VecDense) []float64
	// func reuseVec(p **mat.VecDense, n int) *mat.VecDense
	// func reuseDense(p **mat.Dense, r, c int) *mat.Dense
}

// ExampleGenerate_hessianByMatrix emits the Hessian of s = ‖T − UVᵀ‖² by the
// matrix U: F returns it in vec layout, the (nk)×(nk) matrix 2(VᵀV ⊗ I)
// built from its Kronecker form, and FHVPU its product with a direction
// dU, 2dU VᵀV, which a second-order optimiser calls without forming it.
func ExampleGenerate_hessianByMatrix() {
	e, err := parser.ParseExpr("‖T − UVᵀ‖²")
	if err != nil {
		panic(err)
	}
	info, err := ast.Infer(e, nil, nil)
	if err != nil {
		panic(err)
	}
	r, err := derive.Derive(e, info, derive.Options{Wrt: []string{"U"}, Order: 2})
	if err != nil {
		panic(err)
	}
	src, err := gocode.Generate(r, gocode.Options{Workspace: true})
	if err != nil {
		panic(err)
	}
	for _, line := range strings.Split(string(src), "\n") {
		if strings.HasPrefix(line, "func F") || strings.HasPrefix(line, "func (w") || strings.Contains(line, "// ∂vec") {
			fmt.Println(strings.TrimSpace(strings.TrimSuffix(line, " {")))
		}
	}
	// Output:
	// func F(T *mat.Dense, U *mat.Dense, V *mat.Dense) (s float64, d2U *mat.Dense)
	// // ∂vec(∂s/∂U)/∂vec(U)ᵀ = 2(VᵀV ⊗ I)
	// func FHVPU(T *mat.Dense, U *mat.Dense, V *mat.Dense, dU *mat.Dense) (d2UV *mat.Dense)
	// func (w *FWorkspace) F(T *mat.Dense, U *mat.Dense, V *mat.Dense) (s float64, d2U *mat.Dense)
	// // ∂vec(∂s/∂U)/∂vec(U)ᵀ = 2(VᵀV ⊗ I)
	// func (w *FWorkspace) FHVPU(T *mat.Dense, U *mat.Dense, V *mat.Dense, dU *mat.Dense) (d2UV *mat.Dense)
}
