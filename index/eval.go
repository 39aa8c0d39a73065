package index

import (
	"fmt"
	"slices"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/eval"
	"gonum.org/v1/gonum/mat"
)

// MaxWork bounds the products Eval forms: the tensor's entries times the
// ranges of the summed indices, over all terms.
const MaxWork = 1 << 26

// Expand returns a copy of f with every factor's formula replaced by
// rewrite's result (for instance with definitions inlined).
func (f *Form) Expand(rewrite func(ast.Expr) ast.Expr) *Form {
	g := *f
	g.Terms = make([]Term, len(f.Terms))
	for i, t := range f.Terms {
		t.Factors = slices.Clone(t.Factors)
		for j, x := range t.Factors {
			if x.Expr != nil {
				t.Factors[j].Expr = rewrite(x.Expr)
			}
		}
		g.Terms[i] = t
	}
	return &g
}

// Eval evaluates the view at env into the tensor's matrix layout, as
// eval.Differential lays it out: a row per entry of the function
// (row-major over its indices), a column per entry of the variable
// (row-major). The variable's value comes from env; the function's shape
// from the ranges of its indices.
func (f *Form) Eval(env *eval.Env) (*mat.Dense, error) {
	x, ok := env.Vars[f.Var]
	if !ok || x == nil || x.IsEmpty() {
		return nil, fmt.Errorf("no value for %s", f.Var)
	}
	xr, xc := x.Dims()
	r := &ranges{size: map[string]int{}, where: map[string]string{}}
	what := "the variable " + f.Var
	switch len(f.VarIdx) {
	case 2:
		r.size[f.VarIdx[0]], r.size[f.VarIdx[1]] = xr, xc
		r.where[f.VarIdx[0]], r.where[f.VarIdx[1]] = what, what
	case 1:
		if xr != 1 && xc != 1 {
			return nil, fmt.Errorf("%s has one index %s but is %d×%d", f.Var, Subscript(f.VarIdx...), xr, xc)
		}
		r.size[f.VarIdx[0]], r.where[f.VarIdx[0]] = xr*xc, what
	case 0:
		if xr != 1 || xc != 1 {
			return nil, fmt.Errorf("%s has no index but is %d×%d", f.Var, xr, xc)
		}
	}
	free := append(slices.Clone(f.FuncIdx), f.VarIdx...)
	// The factors' values, and the ranges they give.
	vals := make([][]*mat.Dense, len(f.Terms))
	for ti, t := range f.Terms {
		vals[ti] = make([]*mat.Dense, len(t.Factors))
		for fi, fac := range t.Factors {
			if fac.IsDelta() {
				continue
			}
			v, err := eval.Eval(fac.Expr, env)
			if err != nil {
				return nil, ast.Errorf(fac.Pos, "%s: %v", ast.String(fac.Expr), err)
			}
			vals[ti][fi] = v
			vr, vc := v.Dims()
			name := factorString(fac)
			switch len(fac.Idx) {
			case 0:
				if vr != 1 || vc != 1 {
					return nil, ast.Errorf(fac.Pos, "%s has no index but is %d×%d", ast.String(fac.Expr), vr, vc)
				}
			case 1:
				if vr != 1 && vc != 1 {
					return nil, ast.Errorf(fac.Pos, "%s has one index but is %d×%d", name, vr, vc)
				}
				if err := r.set(fac.Idx[0], vr*vc, name, fac.Pos); err != nil {
					return nil, err
				}
			case 2:
				if err := r.set(fac.Idx[0], vr, name, fac.Pos); err != nil {
					return nil, err
				}
				if err := r.set(fac.Idx[1], vc, name, fac.Pos); err != nil {
					return nil, err
				}
			}
		}
	}
	// δ joins the ranges of its indices.
	for changed := true; changed; {
		changed = false
		for _, t := range f.Terms {
			for _, fac := range t.Factors {
				if !fac.IsDelta() {
					continue
				}
				a, b := fac.Idx[0], fac.Idx[1]
				na, oka := r.size[a]
				nb, okb := r.size[b]
				switch {
				case oka && okb && na != nb:
					return nil, ast.Errorf(fac.Pos, "%s joins %s, which ranges over %d (%s), and %s, which ranges over %d (%s)",
						factorString(fac), Subscript(a), na, r.where[a], Subscript(b), nb, r.where[b])
				case oka && !okb:
					r.size[b], r.where[b], changed = na, factorString(fac), true
				case okb && !oka:
					r.size[a], r.where[a], changed = nb, factorString(fac), true
				}
			}
		}
	}
	// Every term carries every free index; another index is summed and
	// must repeat.
	sums := make([][]string, len(f.Terms))
	for ti, t := range f.Terms {
		count := map[string]int{}
		var order []string
		for _, fac := range t.Factors {
			for _, x := range fac.Idx {
				if count[x] == 0 {
					order = append(order, x)
				}
				count[x]++
			}
		}
		for _, x := range free {
			if count[x] == 0 {
				return nil, ast.Errorf(t.Pos, "the term has no index %s: every term carries every index of the left side", Subscript(x))
			}
		}
		for _, x := range order {
			if slices.Contains(free, x) {
				continue
			}
			if count[x] == 1 {
				return nil, ast.Errorf(t.Pos, "the index %s appears once in the term and is not on the left side: an index that is summed appears twice", Subscript(x))
			}
			sums[ti] = append(sums[ti], x)
		}
		for _, x := range order {
			if _, ok := r.size[x]; !ok {
				return nil, ast.Errorf(t.Pos, "the range of the index %s is unknown: no factor but δ carries it", Subscript(x))
			}
		}
	}
	fr, fc := 1, 1
	switch len(f.FuncIdx) {
	case 2:
		fr, fc = r.size[f.FuncIdx[0]], r.size[f.FuncIdx[1]]
	case 1:
		fr = r.size[f.FuncIdx[0]]
	}
	work := 0
	for ti := range f.Terms {
		n := fr * fc * xr * xc
		for _, x := range sums[ti] {
			n *= max(r.size[x], 1)
			if n > MaxWork {
				break
			}
		}
		if work += n; n > MaxWork || work > MaxWork {
			return nil, fmt.Errorf("the index view takes more than %d products to evaluate", MaxWork)
		}
	}
	out := mat.NewDense(fr*fc, xr*xc, nil)
	for ti, t := range f.Terms {
		all := append(slices.Clone(free), sums[ti]...)
		pos := map[string]int{}
		dims := make([]int, len(all))
		for i, x := range all {
			pos[x] = i
			dims[i] = r.size[x]
		}
		// Each factor reads its entry from the current values of its
		// indices.
		type reader func(at []int) float64
		readers := make([]reader, len(t.Factors))
		for fi, fac := range t.Factors {
			v := vals[ti][fi]
			switch {
			case fac.IsDelta():
				a, b := pos[fac.Idx[0]], pos[fac.Idx[1]]
				readers[fi] = func(at []int) float64 {
					if at[a] == at[b] {
						return 1
					}
					return 0
				}
			case len(fac.Idx) == 0:
				s := v.At(0, 0)
				readers[fi] = func([]int) float64 { return s }
			case len(fac.Idx) == 1:
				a := pos[fac.Idx[0]]
				_, vc := v.Dims()
				readers[fi] = func(at []int) float64 { return v.At(at[a]/vc, at[a]%vc) }
			default:
				a, b := pos[fac.Idx[0]], pos[fac.Idx[1]]
				readers[fi] = func(at []int) float64 { return v.At(at[a], at[b]) }
			}
		}
		sign := 1.0
		if t.Neg {
			sign = -1
		}
		at := make([]int, len(all))
		if slices.Contains(dims, 0) {
			continue
		}
		for {
			v := sign
			for _, rd := range readers {
				v *= rd(at)
			}
			row, col := flat(at, f.FuncIdx, pos, r), flat(at, f.VarIdx, pos, r)
			out.Set(row, col, out.At(row, col)+v)
			// The next value of the indices, the last fastest.
			k := len(at) - 1
			for k >= 0 {
				if at[k]++; at[k] < dims[k] {
					break
				}
				at[k] = 0
				k--
			}
			if k < 0 {
				break
			}
		}
	}
	return out, nil
}

// flat is the row-major position of the entry at the indices idx.
func flat(at []int, idx []string, pos map[string]int, r *ranges) int {
	switch len(idx) {
	case 2:
		return at[pos[idx[0]]]*r.size[idx[1]] + at[pos[idx[1]]]
	case 1:
		return at[pos[idx[0]]]
	}
	return 0
}

// ranges are the sizes of the indices, and what gave each.
type ranges struct {
	size  map[string]int
	where map[string]string
}

func (r *ranges) set(x string, n int, what string, pos ast.Pos) error {
	if m, ok := r.size[x]; ok && m != n {
		return ast.Errorf(pos, "the index %s ranges over %d in %s but over %d in %s", Subscript(x), n, what, m, r.where[x])
	}
	r.size[x], r.where[x] = n, what
	return nil
}

// factorString writes a factor as the view does: Aᵢₖ, (X⁻¹)ᵢₖ, δᵢₖ.
func factorString(f Factor) string {
	switch {
	case f.IsDelta():
		return "δ" + Subscript(f.Idx...)
	case len(f.Idx) == 0:
		return scalarString(f.Expr)
	}
	if isName(f.Expr) {
		return ast.String(f.Expr) + Subscript(f.Idx...)
	}
	return "(" + ast.String(f.Expr) + ")" + Subscript(f.Idx...)
}

// scalarString brackets a scalar factor unless it is a name or a number.
func scalarString(e ast.Expr) string {
	switch e.(type) {
	case *ast.Ident, *ast.Number:
		return ast.String(e)
	}
	return "(" + ast.String(e) + ")"
}

// String writes f as matcalc prints an index view.
func (f *Form) String() string {
	lhs := f.Func
	if !isWordString(lhs) {
		lhs = "(" + lhs + ")"
	}
	s := "∂" + lhs + Subscript(f.FuncIdx...) + "/∂" + f.Var + Subscript(f.VarIdx...) + " = "
	for i, t := range f.Terms {
		switch {
		case t.Neg && i == 0:
			s += "−"
		case t.Neg:
			s += " − "
		case i > 0:
			s += " + "
		}
		for j, fac := range t.Factors {
			fs := factorString(fac)
			if j > 0 && len(fac.Idx) == 0 {
				// A scalar after an entry: no juxtaposition may join it to
				// the entry before (Aᵢₖ2 is fine, Aᵢₖx₁ too, but keep it plain).
				fs = "(" + ast.String(fac.Expr) + ")"
			}
			s += fs
		}
	}
	return s
}

func isWordString(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !isWordRune(r) {
			return false
		}
	}
	return true
}
