package ast

import (
	"sort"
	"strconv"
	"strings"
)

// A Dim is one dimension of a shape: a size (N > 0), a symbolic name
// ("n", "m"), or unknown (the zero value).
type Dim struct {
	N    int
	Name string
}

// One is the dimension of size 1.
var One = Dim{N: 1}

// Size returns the dimension of size n.
func Size(n int) Dim { return Dim{N: n} }

// Sym returns the symbolic dimension called name.
func Sym(name string) Dim { return Dim{Name: name} }

// Known reports whether d is a size or a name.
func (d Dim) Known() bool { return d.N > 0 || d.Name != "" }

// IsOne reports whether d is the size 1.
func (d Dim) IsOne() bool { return d.N == 1 }

func (d Dim) String() string {
	switch {
	case d.N > 0:
		return strconv.Itoa(d.N)
	case d.Name != "":
		return d.Name
	}
	return "?"
}

// A Shape is the shape of a value: Rows×Cols. A scalar is 1×1, a (column)
// vector n×1, a row vector 1×n (only as an intermediate such as xᵀ).
type Shape struct {
	Rows, Cols Dim
}

// Scalar is the shape of a scalar.
var Scalar = Shape{One, One}

// Vector returns the shape of a column vector of dimension n.
func Vector(n Dim) Shape { return Shape{n, One} }

// Matrix returns the shape of an r×c matrix.
func Matrix(r, c Dim) Shape { return Shape{r, c} }

// IsScalar reports whether both dimensions are 1.
func (s Shape) IsScalar() bool { return s.Rows.IsOne() && s.Cols.IsOne() }

// IsVector reports whether s is a column vector (n×1 with n not 1).
func (s Shape) IsVector() bool { return s.Cols.IsOne() && !s.Rows.IsOne() }

// IsRow reports whether s is a row vector (1×n with n not 1).
func (s Shape) IsRow() bool { return s.Rows.IsOne() && !s.Cols.IsOne() }

// IsMatrix reports whether neither dimension is 1.
func (s Shape) IsMatrix() bool { return !s.Rows.IsOne() && !s.Cols.IsOne() }

// IsSquare reports whether the dimensions are equal.
func (s Shape) IsSquare() bool { return s.Rows == s.Cols }

// T returns the shape of the transpose.
func (s Shape) T() Shape { return Shape{s.Cols, s.Rows} }

// Dims lists the dimensions as JSON and text show them: [] for a scalar,
// [n] for a vector, [1, n] for a row vector, [r, c] for a matrix.
func (s Shape) Dims() []Dim {
	switch {
	case s.IsScalar():
		return []Dim{}
	case s.IsVector():
		return []Dim{s.Rows}
	}
	return []Dim{s.Rows, s.Cols}
}

// String returns "scalar", "n" for a vector, "1×n" for a row vector and
// "n×m" for a matrix.
func (s Shape) String() string {
	switch {
	case s.IsScalar():
		return "scalar"
	case s.IsVector():
		return s.Rows.String()
	}
	return inShape(s.Rows) + "×" + inShape(s.Cols)
}

// inShape writes a dimension as a shape shows it: a product in brackets,
// (n·m)×k.
func inShape(d Dim) string {
	if len(d.Factors()) > 1 {
		return "(" + d.String() + ")"
	}
	return d.String()
}

// A VarInfo describes one variable of a formula after shape inference.
type VarInfo struct {
	Name      string // canonical spelling
	Shape     Shape
	Symmetric bool // declared symmetric(n)
}

// Info is the result of shape inference over a formula.
type Info struct {
	// Vars lists the variables in order of first appearance.
	Vars []VarInfo
	// Shapes holds the shape of every node of the inferred tree.
	Shapes map[Expr]Shape
	// Funcs lists the declared generic function names (besides f g h φ ψ).
	Funcs []string
	// Notes say where inference went against a default, so that the user
	// hears of it: a lowercase Greek letter that a sum makes a vector
	// (Xw + β), where a scalar would have broadcast.
	Notes []string
}

// Var returns the variable called name, or nil.
func (in *Info) Var(name string) *VarInfo {
	for i := range in.Vars {
		if in.Vars[i].Name == name {
			return &in.Vars[i]
		}
	}
	return nil
}

// Env maps variable names to their shapes.
func (in *Info) Env() map[string]Shape {
	env := make(map[string]Shape, len(in.Vars))
	for _, v := range in.Vars {
		env[v.Name] = v.Shape
	}
	return env
}

// DeclKind is what a declaration declares.
type DeclKind int

const (
	DeclScalar DeclKind = iota + 1
	DeclVector
	DeclMatrix
	DeclSymmetric
	DeclFunction
)

// A Decl is one declaration, `x, y: scalar`, `W: matrix(n, m)`,
// `x: vector(3)`, `S: symmetric(n)` or `k: function`. Dims holds the
// dimensions given (none, one or two; unknown dims are open).
type Decl struct {
	DeclPos Pos
	Names   []string // canonical spellings
	Kind    DeclKind
	Dims    []Dim
}

// A Tensor is the shape of an array of any rank, as its dimensions in
// order: none for a scalar, one for a vector, two for a matrix, and three
// or four for the derivatives of vectors and matrices by matrices.
type Tensor []Dim

// Indices returns the dimensions of the indices of a value of shape s: none
// for a scalar, [n] for a vector or a row vector, [r, c] for a matrix.
func (s Shape) Indices() Tensor {
	switch {
	case s.IsScalar():
		return Tensor{}
	case s.IsVector():
		return Tensor{s.Rows}
	case s.IsRow():
		return Tensor{s.Cols}
	}
	return Tensor{s.Rows, s.Cols}
}

// Rank is the number of indices.
func (t Tensor) Rank() int { return len(t) }

// String returns "scalar", or the dimensions joined by ×: "n×m×n".
func (t Tensor) String() string {
	if len(t) == 0 {
		return "scalar"
	}
	s := inShape(t[0])
	for _, d := range t[1:] {
		s += "×" + inShape(d)
	}
	return s
}

// DerivTensor returns the shape of the order-th derivative of a function of
// shape fn by a variable of shape v: the function's indices first, then the
// variable's once per order (numerator layout). ∂F/∂X for F p×q and X r×s
// is p×q×r×s; the Hessian of a scalar by an n-vector is n×n.
func DerivTensor(fn, v Shape, order int) Tensor {
	t := append(Tensor{}, fn.Indices()...)
	for range order {
		t = append(t, v.Indices()...)
	}
	return t
}

// prodSep joins the factors of a symbolic product dimension: vec(X) of an
// n×m matrix has n·m entries.
const prodSep = "·"

// MulDim returns the product of two dimensions, the dimension of vec(X) and
// of a Kronecker product: a size when both are sizes, else the symbolic
// product "n·m" of the factors in a canonical order (a size first, then the
// names sorted), so that equal products compare equal. A product with an
// unknown factor is unknown.
func MulDim(a, b Dim) Dim {
	if !a.Known() || !b.Known() {
		return Dim{}
	}
	n := 1
	var names []string
	for _, d := range append(a.Factors(), b.Factors()...) {
		if d.N > 0 {
			n *= d.N
		} else {
			names = append(names, d.Name)
		}
	}
	if len(names) == 0 {
		return Size(n)
	}
	sort.Strings(names)
	if n != 1 {
		names = append([]string{strconv.Itoa(n)}, names...)
	}
	return Sym(strings.Join(names, prodSep))
}

// Factors returns the factors of a product dimension (n·m gives n and m), or
// d itself.
func (d Dim) Factors() []Dim {
	if d.N > 0 || !strings.Contains(d.Name, prodSep) {
		return []Dim{d}
	}
	var fs []Dim
	for _, f := range strings.Split(d.Name, prodSep) {
		if n, err := strconv.Atoi(f); err == nil && n > 0 {
			fs = append(fs, Size(n))
		} else {
			fs = append(fs, Sym(f))
		}
	}
	return fs
}

// SizeIn returns the size of d given the sizes of symbolic dimensions (a
// product multiplies its factors'), or 0 when one is missing.
func (d Dim) SizeIn(sizes map[string]int) int {
	if d.N > 0 {
		return d.N
	}
	if d.Name == "" {
		return 0
	}
	n := 1
	for _, f := range d.Factors() {
		switch {
		case f.N > 0:
			n *= f.N
		case sizes[f.Name] > 0:
			n *= sizes[f.Name]
		default:
			return 0
		}
	}
	return n
}

// SpellProduct writes a product dimension in code, its factors' names (as
// bound gives them) joined by times: (n*m) in Go, (dim_n * dim_m) in
// Python. It reports false for a dimension that is no product, or when a
// factor is not bound.
func (d Dim) SpellProduct(bound func(name string) (string, bool), times string) (string, bool) {
	fs := d.Factors()
	if len(fs) < 2 {
		return "", false
	}
	parts := make([]string, len(fs))
	for i, f := range fs {
		if f.N > 0 {
			parts[i] = strconv.Itoa(f.N)
			continue
		}
		n, ok := bound(f.Name)
		if !ok {
			return "", false
		}
		parts[i] = n
	}
	return "(" + strings.Join(parts, times) + ")", true
}
