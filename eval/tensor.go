package eval

import (
	"fmt"

	"github.com/matcalc/matcalc/ast"
	"gonum.org/v1/gonum/mat"
)

// Differential evaluates a derivative of rank 3 or 4 from its differential
// dF, an expression linear in the direction dir, which has the shape of the
// variable wrt: entry (i, j, k, l) of the tensor is entry (i, j) of dF with
// dir the unit array at (k, l). The tensor comes laid out as a matrix whose
// rows are F's entries and whose columns are wrt's, both row-major, as
// CentralDiff lays it out; Reshape gives the nested arrays of JSON.
func Differential(dF ast.Expr, env *Env, dir, wrt string, fshape ast.Shape) (*mat.Dense, error) {
	x0, ok := env.Vars[wrt]
	if !ok || x0 == nil || x0.IsEmpty() {
		return nil, fmt.Errorf("no value for %s", wrt)
	}
	xr, xc := x0.Dims()
	vars := make(map[string]*mat.Dense, len(env.Vars)+1)
	for name, v := range env.Vars {
		vars[name] = v
	}
	unit := mat.NewDense(xr, xc, nil)
	vars[dir] = unit
	at := &Env{Vars: vars, Funcs: env.Funcs, Sizes: env.Sizes}
	var out *mat.Dense
	for k := 0; k < xr*xc; k++ {
		unit.Zero()
		unit.Set(k/xc, k%xc, 1)
		d, err := EvalShaped(dF, at, fshape)
		if err != nil {
			return nil, err
		}
		fr, fc := d.Dims()
		if out == nil {
			if err := tooLarge(dF.Pos(), "the tensor", fr*fc, xr*xc); err != nil {
				return nil, err
			}
			out = mat.NewDense(fr*fc, xr*xc, nil)
		}
		for i := range fr * fc {
			out.Set(i, k, d.At(i/fc, i%fc))
		}
	}
	return out, nil
}

// Reshape returns the tensor t, laid out as a matrix (rows the function's
// entries, columns the variable's, both row-major), as nested arrays of the
// given dimensions, the function's first: J[i][j][k][l].
func Reshape(t *mat.Dense, dims []int) any {
	flat := make([]float64, 0, len(t.RawMatrix().Data))
	r, c := t.Dims()
	for i := range r {
		for j := range c {
			flat = append(flat, t.At(i, j))
		}
	}
	var nest func(flat []float64, dims []int) any
	nest = func(flat []float64, dims []int) any {
		if len(dims) == 0 {
			return flat[0]
		}
		n := len(flat) / dims[0]
		out := make([]any, dims[0])
		for i := range out {
			out[i] = nest(flat[i*n:(i+1)*n], dims[1:])
		}
		return out
	}
	return nest(flat, dims)
}
