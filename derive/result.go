package derive

import (
	"fmt"

	"github.com/matcalc/matcalc/ast"
)

// Kind names what a derivative is (docs/derivatives.md).
type Kind string

const (
	Gradient   Kind = "gradient"   // scalar by anything: shape of the variable
	Derivative Kind = "derivative" // vector or matrix by a scalar: shape of the function
	Jacobian   Kind = "jacobian"   // vector (m) by vector (n): m×n, numerator layout
	Hessian    Kind = "hessian"    // scalar by vector, second order: n×n
	// Differential is a derivative of rank 3 or 4 (a vector or matrix by
	// a matrix, a matrix by a vector), given by its differential dF: Expr
	// is linear in the direction Dir (dW, of the variable's shape) and has
	// the function's shape; entry (i, j, k, l) of the tensor is entry
	// (i, j) of Expr with Dir the unit array at (k, l).
	Differential Kind = "differential"
	// SecondDifferential is the second derivative of a vector or matrix
	// function (other than the forms above), given by its second
	// differential d²F = d(dF), the directions held constant: Expr has the
	// function's shape and is quadratic in Dir (the variable's direction),
	// or, for a mixed block, bilinear in Dir and Dir2 (Wrt2's direction):
	// d²(xxᵀ) = 2dx dxᵀ, d²(X⁻¹) = 2X⁻¹dX X⁻¹dX X⁻¹. Entry (i, j, k, l,
	// m, n) of the tensor is entry (i, j) of the bilinear form at the unit
	// arrays at (k, l) and (m, n) (by polarization when both are Dir).
	SecondDifferential Kind = "second differential"
)

// A Def names a shared subexpression: Name = Expr. Later definitions, the
// function and the derivatives refer to it as ast.Var(Name).
type Def struct {
	Name  string
	Expr  ast.Expr
	Shape ast.Shape // the shape of Expr: the derivative laid out as a matrix
	// Tensor is the derivative's shape as an array, whatever its rank:
	// the function's indices first, then the variable's once per order
	// (ast.DerivTensor). Shape is its matrix layout; a derivative of rank
	// 3 or 4 has a Tensor and no matrix Shape of its own.
	Tensor ast.Tensor
}

// A Deriv is one derivative of the function.
type Deriv struct {
	Wrt   string // canonical variable name
	Kind  Kind
	Order int // 1 or 2
	Expr  ast.Expr
	Shape ast.Shape // the shape of Expr: the derivative laid out as a matrix
	// Tensor is the derivative's shape as an array, whatever its rank:
	// the function's indices first, then the variable's once per order
	// (ast.DerivTensor). Shape is its matrix layout; a derivative of rank
	// 3 or 4 has a Tensor and no matrix Shape of its own.
	Tensor ast.Tensor
	// Dir names the direction of a Differential (dW for W, the variable
	// By) or of a SecondDifferential (dX for Wrt), "" otherwise.
	Dir string
	// Dir2 names the second direction of a mixed SecondDifferential (dY
	// for Wrt2), "" otherwise.
	Dir2 string
	// Wrt2, for a mixed second derivative ∂²s/∂x∂b, is the second
	// variable: the block is the derivative of ∂s/∂Wrt by Wrt2.
	Wrt2 string
}

// Label writes the derivative as ∂s/∂x, ∂²s/∂x² or ∂²s/∂x∂b, for the
// function named fn.
func (d Deriv) Label(fn string) string {
	switch {
	case d.Wrt2 != "":
		return fmt.Sprintf("∂²%s/∂%s∂%s", fn, d.Wrt, d.Wrt2)
	case d.Order == 2:
		return fmt.Sprintf("∂²%s/∂%s²", fn, d.Wrt)
	}
	return fmt.Sprintf("∂%s/∂%s", fn, d.Wrt)
}

// DiffLabel names the differential a tensor derivative is given by: ds
// for a first derivative, d(∂s/∂X) for a second (the differential of the
// gradient or Jacobian: the Hessian-vector product along dX), d²s for a
// second differential.
func (d Deriv) DiffLabel(fn string) string {
	if d.Kind == SecondDifferential {
		return "d²" + fn
	}
	if d.Order == 2 {
		return "d(" + Deriv{Wrt: d.Wrt, Order: 1}.Label(fn) + ")"
	}
	return "d" + fn
}

// IsTensor reports whether d is given by a differential (a Differential
// or a SecondDifferential) rather than as an array of its own.
func (d Deriv) IsTensor() bool { return d.Kind == Differential || d.Kind == SecondDifferential }

// Directions lists the directions of d's differential, each with the
// variable whose shape it has: dW for W.
func (d Deriv) Directions() [][2]string {
	switch {
	case d.Dir == "":
		return nil
	case d.Kind != SecondDifferential:
		return [][2]string{{d.Dir, d.By()}}
	case d.Dir2 != "":
		return [][2]string{{d.Dir, d.Wrt}, {d.Dir2, d.Wrt2}}
	}
	return [][2]string{{d.Dir, d.Wrt}}
}

// By is the variable the derivative is last taken by: Wrt2 for a mixed
// block, else Wrt.
func (d Deriv) By() string {
	if d.Wrt2 != "" {
		return d.Wrt2
	}
	return d.Wrt
}

// A Result is the function and its derivatives after simplification and
// naming of shared pieces.
type Result struct {
	Input     string        // the formula as given
	FuncName  string        // "s" unless the formula file names it
	Func      ast.Expr      // the function, possibly referring to Defs
	FuncShape ast.Shape     //
	Vars      []ast.VarInfo // the inputs, in order of first appearance
	Defs      []Def         // in dependency order
	Derivs    []Deriv       // in --wrt order
	// Notes are shape inference's notes on the formula (ast.Info.Notes).
	Notes []string
}

// Env returns the shapes of the variables and of the definitions, for
// ast.Check on any expression of the result.
func (r *Result) Env() map[string]ast.Shape {
	env := map[string]ast.Shape{}
	for _, v := range r.Vars {
		env[v.Name] = v.Shape
	}
	for _, d := range r.Defs {
		env[d.Name] = d.Shape
	}
	for _, d := range r.Derivs {
		for _, dv := range d.Directions() {
			env[dv[0]] = env[dv[1]]
		}
	}
	return env
}

// Expand replaces every reference to a definition in e by its expression,
// giving a tree over the input variables only.
func (r *Result) Expand(e ast.Expr) ast.Expr {
	defs := map[string]ast.Expr{}
	for _, d := range r.Defs {
		defs[d.Name] = ast.Rewrite(d.Expr, func(n ast.Expr) ast.Expr {
			if id, ok := n.(*ast.Ident); ok {
				if x, ok := defs[id.Name]; ok {
					return x
				}
			}
			return n
		})
	}
	return ast.Rewrite(e, func(n ast.Expr) ast.Expr {
		if id, ok := n.(*ast.Ident); ok {
			if x, ok := defs[id.Name]; ok {
				return x
			}
		}
		return n
	})
}

// DirDecls declares the directions of the differentials (dW: a matrix of
// W's shape), so that a printed differential parses back with dW read as
// one name: parser.Config{Decls: r.DirDecls()}.
func (r *Result) DirDecls() []ast.Decl {
	var out []ast.Decl
	env := r.Env()
	seen := map[string]bool{}
	for _, d := range r.Derivs {
		for _, dv := range d.Directions() {
			if seen[dv[0]] {
				continue
			}
			seen[dv[0]] = true
			s := env[dv[1]]
			decl := ast.Decl{Names: []string{dv[0]}, Kind: ast.DeclMatrix, Dims: []ast.Dim{s.Rows, s.Cols}}
			switch {
			case s.IsScalar():
				decl.Kind, decl.Dims = ast.DeclScalar, nil
			case s.IsVector():
				decl.Kind, decl.Dims = ast.DeclVector, []ast.Dim{s.Rows}
			}
			out = append(out, decl)
		}
	}
	return out
}

// TensorError says that a code emitter does not write the tensor
// derivative d yet, or nil when d is no tensor.
func TensorError(r *Result, d Deriv, lang string) error {
	if d.Wrt2 != "" && d.Kind != SecondDifferential {
		return fmt.Errorf("%s is a mixed second derivative: %s output does not write mixed blocks yet; text, LaTeX and JSON give it", d.Label(r.FuncName), lang)
	}
	switch d.Kind {
	case SecondDifferential:
		return fmt.Errorf("%s is a tensor (%v): %s output does not write second differentials yet; text, LaTeX and JSON give d²%s = %s", d.Label(r.FuncName), d.Tensor, lang, r.FuncName, ast.String(d.Expr))
	case Differential:
	default:
		return nil
	}
	return fmt.Errorf("∂%s/∂%s is a tensor (%v): %s output does not write tensor derivatives yet; text, LaTeX and JSON give its differential d%s = %s", r.FuncName, d.Wrt, d.Tensor, lang, r.FuncName, ast.String(d.Expr))
}
