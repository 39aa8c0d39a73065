package gocode

import (
	"math"
	"strings"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/op"
)

// A symmetric product is L D Lᵀ for a matrix L and an optional diagonal D
// (AᵀA, Aᵀdiag(v)A, A Aᵀ, Hessians such as Xᵀdiag(σ′(Xw))X). The emitter
// packs the rows of L (the columns of A) contiguously, scaled by √v when v
// is known non-negative (then BLAS Syrk) or by v into a second buffer (then
// Gemm), computes the upper triangle tile by tile and mirrors it.

// symProduct recognises x as α L D Lᵀ: it returns L, v for D = diag(v)
// (nil without D) and the scalar factors of α (2XᵀX is (2Xᵀ)X).
func (f *fnGen) symProduct(x *ast.Binary) (l, v ast.Expr, coef []ast.Expr, ok bool) {
	var fs []ast.Expr
	var flat func(e ast.Expr)
	flat = func(e ast.Expr) {
		switch b := e.(type) {
		case *ast.Binary:
			if b.Op == ast.Mul {
				switch {
				case f.shape(b.X).IsScalar():
					coef = append(coef, b.X)
					flat(b.Y)
					return
				case f.shape(b.Y).IsScalar():
					coef = append(coef, b.Y)
					flat(b.X)
					return
				}
				flat(b.X)
				flat(b.Y)
				return
			}
		case *ast.Unary:
			if b.Op == ast.Neg && !f.shape(b.X).IsScalar() {
				coef = append(coef, &ast.Number{Value: -1})
				flat(b.X)
				return
			}
		case *ast.Transpose:
			// (2X)ᵀ: the transpose of a scaled matrix.
			if in, ok := b.X.(*ast.Binary); ok && in.Op == ast.Mul && f.shape(in.X).IsScalar() {
				coef = append(coef, in.X)
				flat(transposeOf(in.Y))
				return
			}
		}
		fs = append(fs, e)
	}
	flat(x)
	switch len(fs) {
	case 2:
	case 3:
		d, ok := f.diagArg(fs[1])
		if !ok {
			return nil, nil, nil, false
		}
		v = d
	default:
		return nil, nil, nil, false
	}
	a, b := fs[0], fs[len(fs)-1]
	s := f.shape(a)
	if s.IsVector() || s.IsRow() || s.IsScalar() || !ast.Equal(transposeOf(a), b) {
		return nil, nil, nil, false
	}
	return a, v, coef, true
}

// transposeOf is eᵀ without a double transpose.
func transposeOf(e ast.Expr) ast.Expr {
	if t, ok := e.(*ast.Transpose); ok {
		return t.X
	}
	return &ast.Transpose{X: e}
}

// nonNegative reports whether every entry of e is known to be ≥ 0: a
// non-negative number, a built-in marked non-negative (σ, σ′, exp), a sum,
// quotient or square root of such, or a product whose factors are each
// non-negative or appear an even number of times (y ∘ σ′(z) ∘ y).
func nonNegative(e ast.Expr) bool {
	switch x := e.(type) {
	case *ast.Number:
		return x.Value >= 0
	case *ast.Call:
		return x.IsElementwise() && op.NonNegative(x)
	case *ast.Transpose:
		return nonNegative(x.X)
	case *ast.Binary:
		switch x.Op {
		case ast.Add, ast.Div, ast.ElemDiv:
			return nonNegative(x.X) && nonNegative(x.Y)
		case ast.Pow, ast.ElemPow:
			if n, ok := x.Y.(*ast.Number); ok && n.Value == math.Trunc(n.Value) && math.Mod(n.Value, 2) == 0 {
				return true
			}
			return nonNegative(x.X)
		case ast.Hadamard, ast.Mul:
			var fs []ast.Expr
			var flat func(e ast.Expr)
			flat = func(e ast.Expr) {
				if b, ok := e.(*ast.Binary); ok && b.Op == x.Op {
					flat(b.X)
					flat(b.Y)
					return
				}
				if u, ok := e.(*ast.Unary); ok && u.Op == ast.Neg {
					fs = append(fs, &ast.Number{Value: -1})
					flat(u.X)
					return
				}
				fs = append(fs, e)
			}
			flat(x)
			// Pair equal factors (their product is a square); every
			// factor left must be non-negative on its own.
			used := make([]bool, len(fs))
			for i := range fs {
				if used[i] {
					continue
				}
				for j := i + 1; j < len(fs); j++ {
					if !used[j] && ast.Equal(fs[i], fs[j]) {
						used[i], used[j] = true, true
						break
					}
				}
			}
			neg := 0
			for i, g := range fs {
				if used[i] {
					continue
				}
				if n, ok := g.(*ast.Number); ok && n.Value == -1 {
					neg++
					continue
				}
				if !nonNegative(g) {
					return false
				}
			}
			return neg%2 == 0
		}
	}
	return false
}

// symmetric writes α L D Lᵀ into the matrix dst (see symProduct).
func (f *fnGen) symmetric(l, v ast.Expr, coef []ast.Expr, dst *operand) error {
	var alpha []string
	for _, c := range coef {
		x, err := f.scalar(c)
		if err != nil {
			return err
		}
		alpha = append(alpha, paren(x))
	}
	lo, err := f.operandOf(l)
	if err != nil {
		return err
	}
	var vd string
	root := false
	if v != nil {
		vo, err := f.operandOf(v)
		if err != nil {
			return err
		}
		vd = f.vecData(vo)
		root = nonNegative(v)
	}
	s := f.shape(l)
	packed := ast.Shape{Rows: s.Rows, Cols: s.Cols}
	// L's rows as rows of a buffer: copied when L is a transposed matrix,
	// scaled when D is given.
	a := lo.expr + ".RawMatrix()"
	if lo.t || v != nil && root {
		p := f.newBuf("packed", packed, "", true)
		vs := "nil"
		if v != nil && root {
			vs = vd
		}
		f.line("%s(%s.RawMatrix(), %s, %t, %s, %t)", f.g.use("packRows"), p.expr, a, lo.t, vs, root)
		a = p.expr + ".RawMatrix()"
	}
	b := a
	if v != nil && !root {
		q := f.newBuf("scaled", packed, "", true)
		f.line("%s(%s.RawMatrix(), %s, %t, %s, false)", f.g.use("packRows"), q.expr, lo.expr+".RawMatrix()", lo.t, vd)
		b = q.expr + ".RawMatrix()"
	}
	if len(alpha) == 0 {
		alpha = []string{"1"}
	}
	f.line("%s(%s.RawMatrix(), %s, %s, %s)", f.g.use("symMul"), dst.expr, strings.Join(alpha, " * "), a, b)
	return nil
}

// The helpers of symmetric: packRows copies (and scales) the rows of L,
// symMul computes the product a bᵀ that is known to be symmetric.
var symHelperSrc = map[string]string{
	"packRows": `// NAME sets dst (r×k) to L diag(s), where L is a (r×k) or, with trans,
// aᵀ (a k×r), and s is v, √v (root) or 1 (v nil). A transposed a is
// copied in tiles, so that both matrices are walked along their rows.
func NAME(dst, a blas64.General, trans bool, v []float64, root bool) {
	scale := func(i int) float64 {
		switch {
		case v == nil:
			return 1
		case root:
			return math.Sqrt(v[i])
		}
		return v[i]
	}
	if !trans {
		for r := 0; r < dst.Rows; r++ {
			d := dst.Data[r*dst.Stride : r*dst.Stride+dst.Cols]
			src := a.Data[r*a.Stride : r*a.Stride+len(d)]
			if v == nil {
				copy(d, src)
				continue
			}
			for i, x := range src {
				d[i] = scale(i) * x
			}
		}
		return
	}
	const tile = 32
	var s [tile]float64
	for i0 := 0; i0 < a.Rows; i0 += tile {
		i1 := i0 + tile
		if i1 > a.Rows {
			i1 = a.Rows
		}
		for i := i0; i < i1; i++ {
			s[i-i0] = scale(i)
		}
		for j0 := 0; j0 < a.Cols; j0 += tile {
			j1 := j0 + tile
			if j1 > a.Cols {
				j1 = a.Cols
			}
			for j := j0; j < j1; j++ {
				d := dst.Data[j*dst.Stride+i0 : j*dst.Stride+i1]
				for i := range d {
					d[i] = s[i] * a.Data[(i0+i)*a.Stride+j]
				}
			}
		}
	}
}
`,
	"symMul": `// NAME sets c (r×r) to α a bᵀ for a and b (r×k) whose product is
// symmetric (b = a diag(v) with a = L diag(√v), or b = a): it computes the
// upper triangle in tiles (BLAS Syrk on the diagonal when b is a, Gemm
// elsewhere), summing over k in panels that stay in cache, then mirrors it.
func NAME(c blas64.General, alpha float64, a, b blas64.General) {
	const nb, kb = 64, 512
	n, k := a.Rows, a.Cols
	if n == 0 {
		return
	}
	if k == 0 {
		for i := 0; i < n; i++ {
			row := c.Data[i*c.Stride : i*c.Stride+n]
			for j := range row {
				row[j] = 0
			}
		}
		return
	}
	same := &a.Data[0] == &b.Data[0] && a.Stride == b.Stride
	sub := func(m blas64.General, i0, i1, k0, k1 int) blas64.General {
		return blas64.General{Rows: i1 - i0, Cols: k1 - k0, Stride: m.Stride, Data: m.Data[i0*m.Stride+k0:]}
	}
	for k0 := 0; k0 < k; k0 += kb {
		k1 := k0 + kb
		if k1 > k {
			k1 = k
		}
		beta := 1.0
		if k0 == 0 {
			beta = 0
		}
		for i0 := 0; i0 < n; i0 += nb {
			i1 := i0 + nb
			if i1 > n {
				i1 = n
			}
			ai := sub(a, i0, i1, k0, k1)
			for j0 := i0; j0 < n; j0 += nb {
				j1 := j0 + nb
				if j1 > n {
					j1 = n
				}
				cij := blas64.General{Rows: i1 - i0, Cols: j1 - j0, Stride: c.Stride, Data: c.Data[i0*c.Stride+j0:]}
				if j0 == i0 && same {
					blas64.Syrk(blas.NoTrans, alpha, ai, beta, blas64.Symmetric{Uplo: blas.Upper, N: i1 - i0, Stride: c.Stride, Data: cij.Data})
					continue
				}
				blas64.Gemm(blas.NoTrans, blas.Trans, alpha, ai, sub(b, j0, j1, k0, k1), beta, cij)
			}
		}
	}
	// The lower triangle, tile by tile.
	const tile = 32
	for i0 := 0; i0 < n; i0 += tile {
		for j0 := i0; j0 < n; j0 += tile {
			for i := i0; i < i0+tile && i < n; i++ {
				for j := j0; j < j0+tile && j < n; j++ {
					if j > i {
						c.Data[j*c.Stride+i] = c.Data[i*c.Stride+j]
					}
				}
			}
		}
	}
}
`,
}
