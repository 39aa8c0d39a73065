package derive

import (
	"strings"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/simplify"
)

// A KronTerm is one term of the vec/Kronecker form of a tensor derivative
// (Magnus–Neudecker): Coef · diag(vec(Diag)) · (Rightᵀ ⊗ Left) · K, where
// a nil Coef is 1, a nil Diag is no diagonal factor, a nil Left or Right is
// the identity, and Commute adds the commutation matrix K (vec(dXᵀ) =
// K vec(dX)). The term comes from Coef · (Diag ∘ (Left dX Right)), or
// with dXᵀ for Commute, in the differential.
type KronTerm struct {
	Coef, Diag, Left, Right ast.Expr
	Commute                 bool
	Neg                     bool
}

// Kronecker returns the vec/Kronecker form ∂vec(F)/∂vec(X)ᵀ of the
// differential d (a Differential), term by term, when every term of dF is
// linear in the direction in one of the forms KronTerm reads; env gives
// the shapes (Result.Env). ok is false otherwise: the differential is then
// the only view.
func Kronecker(d Deriv, env map[string]ast.Shape) (terms []KronTerm, ok bool) {
	if d.Kind != Differential {
		return nil, false
	}
	var walk func(e ast.Expr, neg bool) bool
	walk = func(e ast.Expr, neg bool) bool {
		switch x := e.(type) {
		case *ast.Binary:
			switch x.Op {
			case ast.Add:
				return walk(x.X, neg) && walk(x.Y, neg)
			case ast.Sub:
				return walk(x.X, neg) && walk(x.Y, !neg)
			}
		case *ast.Unary:
			return walk(x.X, !neg)
		}
		t, ok := kronTerm(e, d.Dir, env)
		if !ok {
			return false
		}
		t.Neg = t.Neg != neg
		terms = append(terms, t)
		return true
	}
	if !walk(d.Expr, false) {
		return nil, false
	}
	return terms, true
}

func mentions(e ast.Expr, name string) bool {
	found := false
	ast.Inspect(e, func(n ast.Expr) bool {
		if id, ok := n.(*ast.Ident); ok && id.Name == name {
			found = true
		}
		return !found
	})
	return found
}

// kronTerm reads one term: [c ·] [v ∘] (L dX R) with dX or dXᵀ.
func kronTerm(e ast.Expr, dir string, env map[string]ast.Shape) (KronTerm, bool) {
	var t KronTerm
	if u, ok := e.(*ast.Unary); ok {
		t.Neg = true
		e = u.X
	}
	if b, ok := e.(*ast.Binary); ok && b.Op == ast.Hadamard {
		switch {
		case !mentions(b.X, dir) && mentions(b.Y, dir):
			t.Diag, e = b.X, b.Y
		case mentions(b.X, dir) && !mentions(b.Y, dir):
			t.Diag, e = b.Y, b.X
		default:
			return t, false
		}
		if s, err := ast.ShapeOf(t.Diag, env); err != nil || s.IsScalar() {
			if err != nil {
				return t, false
			}
			t.Coef, t.Diag = t.Diag, nil // a scalar ∘ is a product
		}
	}
	var factors []ast.Expr
	var flatten func(e ast.Expr)
	flatten = func(e ast.Expr) {
		if b, ok := e.(*ast.Binary); ok && b.Op == ast.Mul {
			flatten(b.X)
			flatten(b.Y)
			return
		}
		if u, ok := e.(*ast.Unary); ok {
			t.Neg = !t.Neg
			flatten(u.X)
			return
		}
		factors = append(factors, e)
	}
	flatten(e)
	at := -1
	for i, f := range factors {
		if !mentions(f, dir) {
			continue
		}
		if at >= 0 {
			return t, false
		}
		switch x := f.(type) {
		case *ast.Ident:
		case *ast.Transpose:
			if id, ok := x.X.(*ast.Ident); !ok || id.Name != dir {
				return t, false
			}
			t.Commute = true
		default:
			return t, false
		}
		at = i
	}
	if at < 0 {
		return t, false
	}
	// Scalar factors are a coefficient; the others form L and R, which
	// with dX must be a chain of matrix products (dxᵀx I is not: a scalar
	// times I).
	var left, right []ast.Expr
	var prev *ast.Shape
	for i, f := range factors {
		s, err := ast.ShapeOf(f, env)
		if err != nil {
			return t, false
		}
		if s.IsScalar() && i != at {
			t.Coef = product(t.Coef, f)
			continue
		}
		if prev != nil && prev.Cols != s.Rows {
			return t, false
		}
		prev = &s
		if i == at {
			continue
		}
		if i < at {
			left = append(left, f)
		} else {
			right = append(right, f)
		}
	}
	for _, f := range left {
		t.Left = product(t.Left, f)
	}
	for _, f := range right {
		t.Right = product(t.Right, f)
	}
	return t, true
}

func product(a, b ast.Expr) ast.Expr {
	if a == nil {
		return b
	}
	return ast.Bin(ast.Mul, a, b)
}

// KroneckerString writes the form: ∂vec(F)/∂vec(X)ᵀ = Σ ±c diag(v)(Rᵀ ⊗ L)K,
// with Rᵀ simplified in env.
func KroneckerString(terms []KronTerm, env map[string]ast.Shape) string {
	var b strings.Builder
	for i, t := range terms {
		switch {
		case i == 0 && t.Neg:
			b.WriteString("−")
		case i > 0 && t.Neg:
			b.WriteString(" − ")
		case i > 0:
			b.WriteString(" + ")
		}
		if t.Coef != nil {
			b.WriteString(paren(t.Coef))
		}
		if t.Diag != nil {
			if s, err := ast.ShapeOf(t.Diag, env); err == nil && s.IsVector() {
				b.WriteString("diag(" + ast.String(t.Diag) + ")")
			} else {
				b.WriteString("diag(vec(" + ast.String(t.Diag) + "))")
			}
		}
		r, l := "I", "I"
		if t.Right != nil {
			r = paren(simplify.Simplify(ast.T(t.Right), env))
		}
		if t.Left != nil {
			l = paren(t.Left)
		}
		if t.Right != nil || t.Left != nil || t.Diag == nil && t.Coef == nil {
			b.WriteString("(" + r + " ⊗ " + l + ")")
		}
		if t.Commute {
			b.WriteString("K")
		}
	}
	return b.String()
}

func paren(e ast.Expr) string {
	s := ast.String(e)
	switch x := e.(type) {
	case *ast.Ident, *ast.Number, *ast.Call:
		return s
	case *ast.Transpose:
		if paren(x.X) == ast.String(x.X) {
			return s
		}
	case *ast.Binary:
		if x.Op == ast.Mul && !strings.HasPrefix(s, "−") {
			return s // a product binds tighter than ⊗: VᵀV ⊗ I
		}
	}
	return "(" + s + ")"
}

// IndexString writes the Kronecker form's terms in index notation, the
// function's indices i, j first, the variable's k, l: ∂Fᵢⱼ/∂Xₖₗ = AᵢₖBₗⱼ
// for d(AXB) = A dX B. An index runs over a dimension of size 1 only
// where the shape says so, and is then left out (a vector has one index).
func IndexString(terms []KronTerm, fs, xs ast.Shape, env map[string]ast.Shape) string {
	fi, fj := "ᵢ", "ⱼ"
	xk, xl := "ₖ", "ₗ"
	if fs.Cols.N == 1 {
		fj = ""
	}
	if fs.Rows.N == 1 && fs.Cols.N == 1 {
		fi = ""
	}
	if xs.Cols.N == 1 {
		xl = ""
	}
	sub := func(e ast.Expr, a, b string) string {
		s, err := ast.ShapeOf(e, env)
		name := paren(e)
		if strings.ContainsAny(name, " ") || !isSimple(e) {
			name = "(" + ast.String(e) + ")"
		}
		if err == nil {
			if s.Rows.N == 1 {
				a = ""
			}
			if s.Cols.N == 1 {
				b = ""
			}
		}
		return name + a + b
	}
	delta := func(a, b string) string {
		if a == "" || b == "" {
			return ""
		}
		return "δ" + a + b
	}
	var out strings.Builder
	for i, t := range terms {
		switch {
		case i == 0 && t.Neg:
			out.WriteString("−")
		case i > 0 && t.Neg:
			out.WriteString(" − ")
		case i > 0:
			out.WriteString(" + ")
		}
		if t.Coef != nil {
			out.WriteString(paren(t.Coef))
		}
		if t.Diag != nil {
			out.WriteString(sub(t.Diag, fi, fj))
		}
		// L dX R: L's rows are F's rows, its columns X's rows (k), or with
		// dXᵀ X's columns (l); R likewise on the other side.
		lk, rl := xk, xl
		if t.Commute {
			lk, rl = xl, xk
		}
		if t.Left != nil {
			out.WriteString(sub(t.Left, fi, lk))
		} else {
			out.WriteString(delta(fi, lk))
		}
		if t.Right != nil {
			out.WriteString(sub(t.Right, rl, fj))
		} else {
			out.WriteString(delta(rl, fj))
		}
	}
	return out.String()
}

func isSimple(e ast.Expr) bool {
	_, ok := e.(*ast.Ident)
	return ok
}
