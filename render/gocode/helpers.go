package gocode

import (
	"strings"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/op"
)

// Helpers are small package-level functions a generated file may need. Each
// is emitted only when used, under a name that clashes with nothing else in
// the file; NAME in the source stands for that name.
// The built-in functions bring helpers of their own (op.GoHelpers); these
// are the emitter's, listed first.
var helperOrder, helperSrc = func() ([]string, map[string]string) {
	order := []string{"boolToFloat", "vecData", "reuseVec", "reuseDense", "packRows", "symMul", "kronAdd"}
	src := map[string]string{}
	for k, v := range baseHelperSrc {
		src[k] = v
	}
	for k, v := range symHelperSrc {
		src[k] = v
	}
	for k, v := range tensorHelperSrc {
		src[k] = v
	}
	for _, h := range op.GoHelpers() {
		order = append(order, h.Name)
		src[h.Name] = h.Source
	}
	return order, src
}()

var baseHelperSrc = map[string]string{
	"boolToFloat": `// NAME returns 1 for true and 0 for false: the value of an indicator.
func NAME(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
`,
	"vecData": `// NAME returns the entries of v as a slice, copying them only when v is
// not contiguous (a column view of a matrix).
func NAME(v *mat.VecDense) []float64 {
	raw := v.RawVector()
	if raw.Inc == 1 {
		return raw.Data[:raw.N]
	}
	d := make([]float64, raw.N)
	for i := range d {
		d[i] = raw.Data[i*raw.Inc]
	}
	return d
}
`,
	"reuseVec": `// NAME returns *p, replaced by a new vector when it does not have length n.
func NAME(p **mat.VecDense, n int) *mat.VecDense {
	if *p == nil || (*p).Len() != n {
		*p = mat.NewVecDense(n, nil)
	}
	return *p
}
`,
	"reuseDense": `// NAME returns *p, replaced by a new matrix when it is not r×c.
func NAME(p **mat.Dense, r, c int) *mat.Dense {
	if *p != nil {
		if pr, pc := (*p).Dims(); pr == r && pc == c {
			return *p
		}
	}
	*p = mat.NewDense(r, c, nil)
	return *p
}
`,
}

func helperIndex(k string) int {
	for i, h := range helperOrder {
		if h == k {
			return i
		}
	}
	return len(helperOrder)
}

func (g *goGen) helperSource(k string) string {
	return strings.ReplaceAll(helperSrc[k], "NAME", g.helper[k]) + "\n"
}

// use marks helper k as needed and returns its name.
func (g *goGen) use(k string) string {
	g.used[k] = true
	return g.helper[k]
}

func unT(e ast.Expr) ast.Expr {
	if t, ok := e.(*ast.Transpose); ok {
		return t.X
	}
	return e
}
