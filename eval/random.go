package eval

import (
	"fmt"
	"math/rand/v2"

	"github.com/matcalc/matcalc/ast"
	"gonum.org/v1/gonum/mat"
)

// randomSizes is the order in which symbolic dimensions get sizes: small,
// distinct, and not 1, so that a mix-up of two dimensions shows as a shape
// error and no vector collapses to a scalar.
var randomSizes = []int{3, 4, 2, 5, 6, 7, 8, 9, 10, 11, 12}

// Random returns a random value for every variable, and the sizes of the
// symbolic dimensions used. Dimensions named in sizes keep their size; the
// others get small distinct sizes (3, 4, 2, 5, …) in order of first
// appearance. Entries are uniform in [−1, 1], or in [0.2, 1.2] when
// positive is set (for log, sqrt, …). Symmetric variables are symmetrized,
// and every square matrix (n > 1) gets n·I added so that inv, det and
// logdet are well conditioned. An unknown dimension gets a fresh size.
func Random(vars []ast.VarInfo, sizes map[string]int, rng *rand.Rand, positive bool) (map[string]*mat.Dense, map[string]int) {
	used := map[string]int{}
	taken := map[int]bool{}
	for name, n := range sizes {
		used[name] = n
		taken[n] = true
	}
	next := 0
	fresh := func() int {
		for next < len(randomSizes) && taken[randomSizes[next]] {
			next++
		}
		if next == len(randomSizes) {
			return 3
		}
		n := randomSizes[next]
		taken[n] = true
		return n
	}
	var size func(d ast.Dim) int
	size = func(d ast.Dim) int {
		switch {
		case d.N > 0:
			return d.N
		case len(d.Factors()) > 1:
			n := 1
			for _, f := range d.Factors() {
				n *= size(f)
			}
			return n
		case d.Name != "":
			if n, ok := used[d.Name]; ok {
				return n
			}
			n := fresh()
			used[d.Name] = n
			return n
		}
		return fresh()
	}
	lo, hi := -1.0, 1.0
	if positive {
		lo, hi = 0.2, 1.2
	}
	vals := make(map[string]*mat.Dense, len(vars))
	for _, v := range vars {
		r := size(v.Shape.Rows)
		c := r
		if !v.Symmetric || v.Shape.Cols != v.Shape.Rows {
			c = size(v.Shape.Cols)
		}
		x := mat.NewDense(r, c, nil)
		x.Apply(func(_, _ int, _ float64) float64 { return lo + (hi-lo)*rng.Float64() }, x)
		if v.Symmetric && r == c {
			x = SymmetricPart(x)
		}
		if r == c && r > 1 {
			for i := 0; i < r; i++ {
				x.Set(i, i, x.At(i, i)+float64(r))
			}
		}
		vals[v.Name] = x
	}
	return vals, used
}

// BindSizes checks values against the variables' shapes and returns the
// size of every symbolic dimension, for Env.Sizes. A dimension of 1 takes
// a scalar; an error names the variable whose value does not fit.
func BindSizes(vars []ast.VarInfo, values map[string]*mat.Dense) (map[string]int, error) {
	sizes := map[string]int{}
	from := map[string]string{}
	var products []func() error
	bind := func(v ast.VarInfo, d ast.Dim, got int, x *mat.Dense) error {
		switch {
		case len(d.Factors()) > 1:
			// A product (vec(X) has n·m entries) is checked once the
			// plain dimensions are bound; one unbound factor takes the
			// quotient.
			products = append(products, func() error {
				n, open := 1, ""
				for _, f := range d.Factors() {
					switch k := f.SizeIn(sizes); {
					case k > 0:
						n *= k
					case open == "":
						open = f.Name
					default:
						return fmt.Errorf("the value of %s (%s) does not tell the sizes of %v", v.Name, shapeText(x), d)
					}
				}
				switch {
				case open != "" && got%n == 0:
					sizes[open], from[open] = got/n, v.Name
				case open != "" || n != got:
					return fmt.Errorf("the value of %s (%s) does not fit its shape %v", v.Name, shapeText(x), v.Shape)
				}
				return nil
			})
		case d.N > 0:
			if d.N != got {
				return fmt.Errorf("the value of %s (%s) does not fit its shape %v", v.Name, shapeText(x), v.Shape)
			}
		case d.Name != "":
			if n, ok := sizes[d.Name]; ok && n != got {
				return fmt.Errorf("the value of %s (%s) does not fit its shape %v: %s is %d from %s", v.Name, shapeText(x), v.Shape, d.Name, n, from[d.Name])
			}
			if _, ok := sizes[d.Name]; !ok {
				sizes[d.Name] = got
				from[d.Name] = v.Name
			}
		}
		return nil
	}
	for _, v := range vars {
		x, ok := values[v.Name]
		if !ok || x == nil || x.IsEmpty() {
			return nil, fmt.Errorf("no value for %s", v.Name)
		}
		r, c := x.Dims()
		if err := bind(v, v.Shape.Rows, r, x); err != nil {
			return nil, err
		}
		if err := bind(v, v.Shape.Cols, c, x); err != nil {
			return nil, err
		}
	}
	for _, check := range products {
		if err := check(); err != nil {
			return nil, err
		}
	}
	return sizes, nil
}
