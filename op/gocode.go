package op

// The Go code of the built-ins: what render/gocode asks of an entry. An
// elementwise function is data (Elementwise.Go); a structural one
// implements the interfaces below for the operands it supports, and Go
// output reports the others as not supported.

// A GoWriter is what the Go code of a built-in may ask of the emitter.
type GoWriter interface {
	// Bind names expr, computed once where it is needed, and returns
	// the name.
	Bind(expr string) string
	// Value returns the function's own value f(x) when the emitter holds
	// it (tanh′ = 1 − h² for h = tanh(z)), else Bind(expr).
	Value(expr string) string
	// Bool returns a float64 expression: 1 where cond holds, else 0.
	Bool(cond string) string
	// Helper declares a package-level helper function of the generated
	// file and returns its name.
	Helper(h GoHelper) string
	// Line writes a statement.
	Line(format string, args ...any)
	// Fresh returns a new local name like want.
	Fresh(want string) string
	// Paren wraps the Go expression x in brackets unless it is a primary.
	Paren(x string) string
}

// A GoHelper is a package-level function of a generated file, emitted only
// when used; NAME in Source stands for the name it gets.
type GoHelper struct {
	Name   string // the name it would like
	Source string
}

// GoScalar is implemented by a structural function of a scalar argument a:
// its value as a Go expression (sum(a) = a, inv(a) = 1 / a).
type GoScalar interface {
	GoScalar(w GoWriter, a string) string
}

// A Reduction computes a function to a scalar in one loop over the entries
// (or the diagonal) of its argument: acc += Term(x), then Finish(acc, n) for n terms.
type Reduction struct {
	Acc      string                            // the accumulator's name: sum, sumSq
	Diagonal bool                              // over the diagonal only (tr)
	Term     func(w GoWriter, x string) string // the entry's contribution
	Finish   func(acc, n string) string        // the value from the sum of n terms, or nil
}

// GoReducer is implemented by a function to a scalar computed by a
// Reduction (sum, tr, norm, norm1).
type GoReducer interface {
	GoReduce() Reduction
}

// GoOfMatrix is implemented by a function to a scalar of a square matrix,
// given the *mat.Dense a (det, logdet).
type GoOfMatrix interface {
	GoOfMatrix(w GoWriter, a string) string
}

// GoOfVector is implemented by a function to a scalar of a vector, given
// its entries as the []float64 x (logsumexp).
type GoOfVector interface {
	GoOfVector(w GoWriter, x string) string
}

// GoMatrixInto is implemented by a function from a square matrix to one of
// the same shape: it writes the value of the mat.Matrix a into the
// *mat.Dense dst (inv).
type GoMatrixInto interface {
	GoMatrixInto(w GoWriter, dst, a string)
}

// GoVectorInto is implemented by a function from a vector to a vector: it
// writes the value of the []float64 x into the []float64 dst (softmax).
type GoVectorInto interface {
	GoVectorInto(w GoWriter, dst, x string)
}

// GoHelpers lists the helpers of every built-in, in the order of All, so
// that the emitter can keep their names free.
func GoHelpers() []GoHelper {
	var hs []GoHelper
	for _, o := range all {
		if h, ok := o.(interface{ goHelper() GoHelper }); ok {
			hs = append(hs, h.goHelper())
		}
	}
	return hs
}

// A GoArg is an argument of a GoInto function: a Go expression that is a
// mat.Matrix, or with Scalar a float64.
type GoArg struct {
	Expr   string
	Scalar bool
}

// GoInto is implemented by a function whose value Go output writes into
// dst, a *mat.Dense or, with vec, a *mat.VecDense (vec, ⊗, comm).
type GoInto interface {
	GoInto(w GoWriter, dst string, vec bool, args []GoArg)
}
