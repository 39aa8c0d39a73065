package derive_test

import (
	"fmt"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/derive"
	"github.com/matcalc/matcalc/parser"
)

// derivePrint parses src, infers its shapes, derives it with opts and
// prints the shared pieces and the derivatives.
func derivePrint(src string, opts derive.Options) {
	e, err := parser.ParseExpr(src)
	if err != nil {
		fmt.Println(err)
		return
	}
	info, err := ast.Infer(e, nil, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := derive.Derive(e, info, opts)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, d := range res.Defs {
		fmt.Printf("%s = %s\n", d.Name, ast.String(d.Expr))
	}
	for _, d := range res.Derivs {
		if d.Kind == derive.Differential {
			fmt.Printf("ds = %s  (∂s/∂%s, a tensor %v, by its differential)\n", ast.String(d.Expr), d.Wrt, d.Tensor)
			continue
		}
		fmt.Printf("∂s/∂%s = %s  (%s, %v)\n", d.Wrt, ast.String(d.Expr), d.Kind, d.Shape)
	}
}

// The gradients of the lecture's score uᵀf(Wx+b), with the shared pieces
// backpropagation reuses.
func ExampleDerive() {
	derivePrint("uᵀf(Wx+b)", derive.Options{})
	// Output:
	// z = Wx + b
	// δ = u ∘ f′(z)
	// ∂s/∂u = f(z)  (gradient, n)
	// ∂s/∂W = δxᵀ  (gradient, n×m)
	// ∂s/∂x = Wᵀδ  (gradient, m)
	// ∂s/∂b = δ  (gradient, n)
}

// The Hessian of a quadratic form.
func ExampleDerive_hessian() {
	derivePrint("xᵀAx", derive.Options{Wrt: []string{"x"}, Order: 2})
	// Output:
	// ∂s/∂x = A + Aᵀ  (hessian, n×n)
}

// The Jacobian of a vector function, in numerator layout; the derivative
// by the matrix W, a tensor of rank 3, is given by its differential.
func ExampleDerive_jacobian() {
	derivePrint("σ(Wx + b)", derive.Options{})
	// Output:
	// t₁ = σ′(Wx + b)
	// T₂ = diag(t₁)
	// ds = t₁ ∘ dW x  (∂s/∂W, a tensor n×n×m, by its differential)
	// ∂s/∂x = T₂W  (jacobian, n×m)
	// ∂s/∂b = T₂  (jacobian, n×n)
}

// The index view of a differential that has no Kronecker form, written
// entry by entry from its tree: softmax(Kq) by K.
func ExampleIndexTerms() {
	e, _ := parser.ParseExpr("softmax(Kq)")
	info, _ := ast.Infer(e, nil, nil)
	res, err := derive.Derive(e, info, derive.Options{Wrt: []string{"K"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	d := res.Derivs[0]
	_, kron := derive.Kronecker(d, res.Env())
	terms, ok := derive.IndexTerms(d, res.Defs, res.Env())
	fmt.Println(ast.String(d.Expr))
	fmt.Println(kron, ok, derive.IndexTermsString(terms))
	// Output:
	// p ∘ t − pᵀtp
	// false true pᵢδᵢₖqₗ − pᵢpₖqₗ
}
