package ast

import (
	"fmt"
	"sort"
)

// A Func is what the tree, the printer and the shape checker know of a
// built-in function: its names, arity, kind, shape rule and notation.
// Package op implements it for every built-in, together with the
// function's derivatives, value and code, and registers them all with
// Register when it is initialised; every package that reads formulas
// imports op.
type Func interface {
	// Name is the canonical Unicode name: "σ" for sigmoid, "tr" for trace.
	Name() string
	// Spellings lists every accepted spelling, the canonical name first.
	Spellings() []string
	// ASCIIName is the spelling of ASCII output ("sigmoid" for σ).
	ASCIIName() string
	// Arity is the number of arguments.
	Arity() int
	// Elementwise reports whether the function applies entry by entry.
	Elementwise() bool
	// ShapeRule says how the function maps shapes.
	ShapeRule() ShapeRule
	// Notation says how the function prints.
	Notation() Notation
}

// ShapeRule is how a built-in function maps the shapes of its arguments.
type ShapeRule int

const (
	// SameShape: entry by entry, the argument's shape; two arguments
	// broadcast as + does (max, min).
	SameShape ShapeRule = iota + 1
	// ToScalar: any shape to a scalar; an open argument is taken to be a
	// vector (sum, norm, logsumexp).
	ToScalar
	// SquareToScalar: a square matrix to a scalar (tr, det, logdet).
	SquareToScalar
	// SquareToSquare: a square matrix to one of the same shape (inv).
	SquareToSquare
	// VectorToVector: a column vector to one of the same dimension (softmax).
	VectorToVector
	// Diagonal: a vector to the diagonal matrix, a square matrix to the
	// vector of its diagonal, a scalar to itself (diag).
	Diagonal
	// PairToScalar: two arguments of one shape to a scalar (an inner
	// product).
	PairToScalar
	// Vectorize: an r×c matrix to the column vector of its r·c entries,
	// column by column (vec).
	Vectorize
	// KroneckerRule: a p×q and an r×s argument to a (p·r)×(q·s) matrix
	// (the Kronecker product ⊗).
	KroneckerRule
	// CommutationRule: an r×c argument to the (r·c)×(r·c) matrix K with
	// K vec(X) = vec(Xᵀ); only the argument's shape matters.
	CommutationRule
)

// Notation is how a built-in function prints in Unicode.
type Notation int

const (
	// CallNotation prints name(args).
	CallNotation Notation = iota
	// NormNotation prints ‖x‖.
	NormNotation
	// InverseNotation prints x⁻¹.
	InverseNotation
	// InfixNotation prints x ⊗ y: a function of two arguments written as
	// an operator that binds as ∘ does.
	InfixNotation
)

var (
	funcs     = map[string]Func{} // every spelling
	funcNames []string            // canonical names, in registration order
)

// Register makes built-in functions known to the parser, the printer and
// the shape checker. Package op calls it once, when it is initialised; a
// spelling registered twice panics.
func Register(fs ...Func) {
	for _, f := range fs {
		for _, s := range f.Spellings() {
			if _, dup := funcs[s]; dup {
				panic(fmt.Sprintf("ast: built-in %s registered twice", s))
			}
			funcs[s] = f
		}
		funcNames = append(funcNames, f.Name())
	}
}

// LookupFunc returns the built-in function spelled name, or nil.
func LookupFunc(name string) Func { return funcs[name] }

// FuncNames lists the canonical names of the built-in functions.
func FuncNames() []string { return append([]string(nil), funcNames...) }

// FuncSpellings lists every accepted spelling of a built-in, sorted.
func FuncSpellings() []string {
	out := make([]string, 0, len(funcs))
	for s := range funcs {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// IsGeneric reports whether a call's function is a generic (user) function
// rather than a built-in. Generic functions are elementwise.
func (c *Call) IsGeneric() bool { return funcs[c.Fun] == nil }

// IsElementwise reports whether the call applies its function entry by entry.
func (c *Call) IsElementwise() bool {
	f := funcs[c.Fun]
	return f == nil || f.Elementwise()
}

// notation returns how the call's function prints.
func (c *Call) notation() Notation {
	if f := funcs[c.Fun]; f != nil && len(c.Args) == f.Arity() {
		return f.Notation()
	}
	return CallNotation
}

// An Infix built-in of two arguments prints, and parses, as an operator
// at the level of ∘ (InfixNotation): A ⊗ B for kron(A, B).
type Infix interface {
	Func
	// Symbol is the operator: "⊗".
	Symbol() string
}

// LookupInfix returns the built-in whose operator is sym, or nil.
func LookupInfix(sym string) Func {
	for _, f := range funcs {
		if in, ok := f.(Infix); ok && in.Symbol() == sym {
			return f
		}
	}
	return nil
}

// IsInfix reports whether c prints as an operator (A ⊗ B).
func (c *Call) IsInfix() bool { return c.notation() == InfixNotation }

// GenericFuncLetters returns the letters that, followed directly by "(",
// are generic elementwise functions without a declaration.
func GenericFuncLetters() []string { return []string{"f", "g", "h", "φ", "ψ"} }

// GreekLetter returns the Greek letter whose ASCII name is name ("alpha" is
// α), or false.
func GreekLetter(name string) (string, bool) {
	l, ok := greekNames[name]
	return l, ok
}

// GreekNames returns the ASCII names of the Greek letters, sorted.
func GreekNames() []string {
	out := make([]string, 0, len(greekNames))
	for n := range greekNames {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

var greekNames = map[string]string{
	"alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε",
	"zeta": "ζ", "eta": "η", "theta": "θ", "iota": "ι", "kappa": "κ",
	"lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "rho": "ρ",
	"sigma": "σ", "tau": "τ", "upsilon": "υ", "phi": "φ", "chi": "χ",
	"psi": "ψ", "omega": "ω",
	"Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ",
	"Pi": "Π", "Sigma": "Σ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
}
