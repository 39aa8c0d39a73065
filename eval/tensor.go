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

// SecondDifferential evaluates a second derivative given by its second
// differential d2F: bilinear in the directions dir (of wrt's shape) and
// dir2 (of wrt2's), or, with dir2 = "", quadratic in dir. Entry (i, j, k,
// l, m, n) of the tensor is entry (i, j) of the bilinear form at the unit
// arrays at (k, l) and (m, n): with two directions, d2F at those arrays;
// with one, by polarization, ½(d²F[E + E′] − d²F[E] − d²F[E′]), which
// needs d²F at each unit array and at each sum of two. The tensor comes
// laid out as a matrix whose rows are F's entries, each followed by wrt's
// (row-major), and whose columns are the second variable's, as
// CentralDiff lays out the derivative of the first derivative.
func SecondDifferential(d2F ast.Expr, env *Env, dir, wrt, dir2, wrt2 string, fshape ast.Shape) (*mat.Dense, error) {
	if dir2 == "" {
		dir2, wrt2 = dir, wrt
	}
	x0, ok := env.Vars[wrt]
	if !ok || x0 == nil || x0.IsEmpty() {
		return nil, fmt.Errorf("no value for %s", wrt)
	}
	y0, ok := env.Vars[wrt2]
	if !ok || y0 == nil || y0.IsEmpty() {
		return nil, fmt.Errorf("no value for %s", wrt2)
	}
	xr, xc := x0.Dims()
	yr, yc := y0.Dims()
	nx, ny := xr*xc, yr*yc
	vars := make(map[string]*mat.Dense, len(env.Vars)+2)
	for name, v := range env.Vars {
		vars[name] = v
	}
	du, dv := mat.NewDense(xr, xc, nil), mat.NewDense(yr, yc, nil)
	vars[dir2], vars[dir] = dv, du
	at := &Env{Vars: vars, Funcs: env.Funcs, Sizes: env.Sizes}
	// value evaluates d2F at the directions E_k (+ E_l for the quadratic
	// form) and E_l.
	var out *mat.Dense
	var fn int
	value := func(k, l int) (*mat.Dense, error) {
		du.Zero()
		du.Set(k/xc, k%xc, 1)
		if dir2 == dir {
			if l >= 0 && l != k {
				du.Set(l/xc, l%xc, 1)
			}
		} else {
			dv.Zero()
			dv.Set(l/yc, l%yc, 1)
		}
		d, err := EvalShaped(d2F, at, fshape)
		if err != nil {
			return nil, err
		}
		if out == nil {
			fr, fc := d.Dims()
			fn = fr * fc
			if err := tooLarge(d2F.Pos(), "the tensor", fn*nx, ny); err != nil {
				return nil, err
			}
			out = mat.NewDense(fn*nx, ny, nil)
		}
		return d, nil
	}
	set := func(k, l int, d *mat.Dense) {
		_, fc := d.Dims()
		for i := range fn {
			out.Set(i*nx+k, l, d.At(i/fc, i%fc))
		}
	}
	if dir2 != dir {
		for k := range nx {
			for l := range ny {
				d, err := value(k, l)
				if err != nil {
					return nil, err
				}
				set(k, l, d)
			}
		}
		return out, nil
	}
	// The quadratic form Q: the bilinear form B(E_k, E_l) is
	// ½(Q(E_k + E_l) − Q(E_k) − Q(E_l)), and B(E_k, E_k) = Q(E_k).
	diag := make([]*mat.Dense, nx)
	for k := range nx {
		d, err := value(k, -1)
		if err != nil {
			return nil, err
		}
		diag[k] = mat.DenseCopyOf(d)
		set(k, k, d)
	}
	for k := range nx {
		for l := k + 1; l < nx; l++ {
			q, err := value(k, l)
			if err != nil {
				return nil, err
			}
			var b mat.Dense
			b.Sub(q, diag[k])
			b.Sub(&b, diag[l])
			b.Scale(0.5, &b)
			set(k, l, &b)
			set(l, k, &b)
		}
	}
	return out, nil
}
