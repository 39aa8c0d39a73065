package derive

import (
	"strings"
	"unicode/utf8"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/op"
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

// A KronWriter spells the pieces of the Kronecker and index views, as
// text (TextKron) or LaTeX (package render): IndexWith walks the terms
// once for both; the Kronecker view is a formula (KroneckerExpr).
type KronWriter interface {
	Sign(first, neg bool) string        // between terms: "−", " + ", " − "
	Factor(e ast.Expr) string           // a factor, bracketed where needed
	Sub(e ast.Expr, a, b string) string // a factor with its indices
	Delta(a, b string) string           // δ with two indices
}

// KroneckerExpr returns ∂vec(F)/∂vec(X)ᵀ = Σ ±c diag(v)(Rᵀ ⊗ L)comm(X) as
// a formula of matcalc's notation, which parses back: Rᵀ simplified in env,
// a missing L or R the identity (of the size the product gives it), a
// matrix v as diag(vec(V)), and comm(X) the commutation matrix of the
// variable X (K vec(X) = vec(Xᵀ)). fs and xs are the shapes of F and X.
func KroneckerExpr(terms []KronTerm, fs, xs ast.Shape, wrt string, env map[string]ast.Shape) ast.Expr {
	kron := op.Lookup("kron")
	var sum ast.Expr
	for _, t := range terms {
		var term ast.Expr
		times := func(f ast.Expr) {
			if term == nil {
				term = f
			} else {
				term = ast.Bin(ast.Mul, term, f)
			}
		}
		if t.Coef != nil {
			times(t.Coef)
		}
		if t.Diag != nil {
			v := t.Diag
			if s, err := ast.ShapeOf(v, env); err != nil || !s.IsVector() {
				v = op.Call(op.Vec, v)
			}
			times(op.Call(op.Diag, v))
		}
		if t.Right != nil || t.Left != nil {
			// L dX R: L has F's rows, R F's columns.
			var r, l ast.Expr = ast.Eye(fs.Cols), ast.Eye(fs.Rows)
			if t.Right != nil {
				r = simplify.Simplify(ast.T(t.Right), env)
			}
			if t.Left != nil {
				l = t.Left
			}
			switch {
			case t.Right == nil && fs.Cols.IsOne():
				times(l) // 1 ⊗ L = L
			case t.Left == nil && fs.Rows.IsOne():
				times(r)
			default:
				times(op.Call(kron, r, l))
			}
		}
		if t.Commute && xs.IsMatrix() { // K is I for a vector
			times(op.Call(op.Comm, ast.Var(wrt)))
		}
		switch {
		case term == nil:
			term = ast.Eye(ast.Dim{}) // (I ⊗ I) = I
		case t.Diag == nil && t.Left == nil && t.Right == nil && !t.Commute:
			term = ast.Bin(ast.Mul, term, ast.Eye(ast.Dim{})) // 2I
		}
		switch {
		case sum == nil && t.Neg:
			sum = negFirst(term)
		case sum == nil:
			sum = term
		case t.Neg:
			sum = ast.Bin(ast.Sub, sum, term)
		default:
			sum = ast.Bin(ast.Add, sum, term)
		}
	}
	return sum
}

// TensorIndices names the indices of a tensor derivative of a function of
// shape fs by a variable of shape xs: i, j for the function, k, l for the
// variable, "" where a dimension is 1 (a vector has one index).
func TensorIndices(fs, xs ast.Shape) (i, j, k, l string) {
	i, j, k, l = "i", "j", "k", "l"
	if fs.Cols.N == 1 {
		j = ""
	}
	if fs.IsScalar() {
		i = ""
	}
	if xs.Cols.N == 1 {
		l = ""
	}
	return i, j, k, l
}

// IndexWith writes the terms in index notation, the function's indices
// first: ∂Fᵢⱼ/∂Xₖₗ = AᵢₖBₗⱼ for d(AXB) = A dX B, δ where L or R is the
// identity. L dX R: L's rows are F's rows and its columns X's rows (k), or
// with dXᵀ X's columns (l); R likewise on the other side.
func IndexWith(terms []KronTerm, fs, xs ast.Shape, env map[string]ast.Shape, w KronWriter) string {
	fi, fj, xk, xl := TensorIndices(fs, xs)
	sub := func(e ast.Expr, a, b string) string {
		if s, err := ast.ShapeOf(e, env); err == nil {
			if s.Rows.N == 1 {
				a = ""
			}
			if s.Cols.N == 1 {
				b = ""
			}
		}
		return w.Sub(e, a, b)
	}
	delta := func(a, b string) string {
		if a == "" || b == "" {
			return ""
		}
		return w.Delta(a, b)
	}
	var out strings.Builder
	for i, t := range terms {
		out.WriteString(w.Sign(i == 0, t.Neg))
		if t.Coef != nil {
			out.WriteString(w.Factor(t.Coef))
		}
		if t.Diag != nil {
			out.WriteString(sub(t.Diag, fi, fj))
		}
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

// TextKron writes the views as matcalc's text: (Bᵀ ⊗ A), AᵢₖBₗⱼ.
type TextKron struct{}

func (TextKron) Sign(first, neg bool) string {
	switch {
	case first && neg:
		return "−"
	case neg:
		return " − "
	case !first:
		return " + "
	}
	return ""
}

// Factor brackets all but names, numbers, calls, their transposes and
// products: a product binds tighter than ⊗ (VᵀV ⊗ I).
func (TextKron) Factor(e ast.Expr) string { return paren(e) }

var indexSub = map[string]string{
	"i": "ᵢ", "j": "ⱼ", "k": "ₖ", "l": "ₗ", "m": "ₘ", "n": "ₙ", "p": "ₚ", "r": "ᵣ", "s": "ₛ",
	"t": "ₜ", "u": "ᵤ", "v": "ᵥ", "a": "ₐ", "e": "ₑ", "o": "ₒ", "h": "ₕ", "x": "ₓ",
}

var indexLetter = func() map[rune]bool {
	m := map[rune]bool{}
	for _, s := range indexSub {
		r, _ := utf8.DecodeRuneInString(s)
		m[r] = true
	}
	return m
}()

// Subscripts writes index letters as subscripts: "i", "k" → "ᵢₖ".
func Subscripts(idx ...string) string {
	var b strings.Builder
	for _, x := range idx {
		b.WriteString(indexSub[x])
	}
	return b.String()
}

// Sub writes a name with its indices, anything else bracketed: Aᵢₖ,
// (X⁻¹)ᵢₖ, (VᵀV)ₗⱼ.
func (TextKron) Sub(e ast.Expr, a, b string) string {
	if id, ok := e.(*ast.Ident); ok && id.Name != "δ" { // δᵢⱼ is Kronecker's
		return ast.String(e) + Subscripts(a, b)
	}
	if _, ok := e.(*ast.Ident); ok && (a == "" || b == "") { // a vector δᵢ
		return ast.String(e) + Subscripts(a, b)
	}
	return "(" + ast.String(e) + ")" + Subscripts(a, b)
}

func (TextKron) Delta(a, b string) string { return "δ" + Subscripts(a, b) }

// KroneckerString writes the Kronecker view of d as text (KroneckerExpr).
func KroneckerString(d Deriv, terms []KronTerm, env map[string]ast.Shape) string {
	return ast.String(KroneckerExpr(terms, d.Shape, env[d.By()], d.By(), env))
}

// IndexString writes the index view as text.
func IndexString(terms []KronTerm, fs, xs ast.Shape, env map[string]ast.Shape) string {
	return IndexWith(terms, fs, xs, env, TextKron{})
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

// negFirst negates the first factor of a product: −(A ⊗ B)comm(X) rather
// than −((A ⊗ B)comm(X)).
func negFirst(e ast.Expr) ast.Expr {
	if b, ok := e.(*ast.Binary); ok && b.Op == ast.Mul {
		return ast.Bin(ast.Mul, negFirst(b.X), b.Y)
	}
	return ast.Negate(e)
}
