// Package ast declares the expression tree of matcalc formulas, their shapes,
// and the errors that point into the source.
//
// Nodes are immutable once built: derive and simplify return new trees and may
// share subtrees between them. Positions are byte offsets into the source;
// nodes built by the program (not parsed) carry NoPos.
package ast

import "fmt"

// Pos is a byte offset into the source of a formula, or NoPos.
type Pos int

// NoPos marks a node that was not parsed from source.
const NoPos Pos = -1

// IsValid reports whether p points into a source.
func (p Pos) IsValid() bool { return p >= 0 }

// A Node is any node of the tree.
type Node interface {
	Pos() Pos // first byte of the node
	End() Pos // byte just after the node
}

// An Expr is an expression node. The interface is sealed: only the types of
// this package implement it.
type Expr interface {
	Node
	exprNode()
}

// An Ident node is a variable. Name is the canonical Unicode spelling:
// subscript digits as ₀…₉ (x1, x_1 and x₁ are all "x₁"), Greek letters as
// letters (alpha is "α"), other subscripts after an underscore ("W_L").
type Ident struct {
	NamePos Pos
	Name    string
	NameEnd Pos
}

// A Number node is a numeric literal.
type Number struct {
	ValuePos Pos
	Value    float64
	ValueEnd Pos
}

// An Identity node is the identity matrix I. N is its dimension when known
// (set by derive); parsed identities leave it zero and take it from context.
type Identity struct {
	IPos Pos
	N    Dim
}

// A Ones node is the vector or matrix whose entries are all 1 (𝟙, ASCII
// "ones"), the gradient of sum(x). Shape is set when known.
type Ones struct {
	OnesPos Pos
	OnesEnd Pos // end of its spelling: 𝟙, ones, or the 1 of 1ᵀ; NoPos if built
	Shape   Shape
}

// A Unary node is a negation -X.
type Unary struct {
	OpPos Pos
	Op    Op // Neg
	X     Expr
}

// A Binary node is X Op Y for the operators Add … ElemPow.
//
// Mul is the matrix product, or scalar multiplication when either side is a
// scalar. Div divides by a scalar, or elementwise when both sides have the
// same non-scalar shape. Pow is the power of a scalar or the matrix power of
// a square matrix by a non-negative integer. ElemPow is elementwise.
type Binary struct {
	X     Expr
	OpPos Pos
	Op    Op
	Y     Expr
}

// A Transpose node is Xᵀ.
type Transpose struct {
	X     Expr
	OpEnd Pos // byte just after the transpose mark
}

// A Call node is a function application Fun(Args…), built-in or generic.
// Primes counts the derivative marks: f′(z) has Primes 1, f″(z) 2. Built-in
// elementwise functions may carry primes too (tanh′(z), relu′(z)).
// The inverse A⁻¹ is Call{Fun: "inv"}, the norms ‖x‖ and norm(x) are
// Call{Fun: "norm"}.
type Call struct {
	FunPos Pos
	Fun    string // canonical name: "σ" for sigmoid, "tr" for trace
	Primes int
	Args   []Expr
	Rparen Pos // position of the closing bracket (or closing ‖)
}

// An Indicator node is the Iverson bracket [X ≥ Y] or [X > Y], elementwise:
// 1 where the comparison holds, else 0. It is the derivative of max and min.
type Indicator struct {
	Lbrack Pos
	X      Expr
	Op     Op // GE or GT
	Y      Expr
	Rbrack Pos
}

func (x *Ident) Pos() Pos     { return x.NamePos }
func (x *Number) Pos() Pos    { return x.ValuePos }
func (x *Identity) Pos() Pos  { return x.IPos }
func (x *Ones) Pos() Pos      { return x.OnesPos }
func (x *Unary) Pos() Pos     { return x.OpPos }
func (x *Binary) Pos() Pos    { return x.X.Pos() }
func (x *Transpose) Pos() Pos { return x.X.Pos() }
func (x *Call) Pos() Pos {
	if x.IsInfix() {
		return x.Args[0].Pos()
	}
	return x.FunPos
}
func (x *Indicator) Pos() Pos { return x.Lbrack }

func (x *Ident) End() Pos { return x.NameEnd }
func (x *Number) End() Pos {
	return x.ValueEnd
}
func (x *Identity) End() Pos {
	if !x.IPos.IsValid() {
		return NoPos
	}
	return x.IPos + 1
}
func (x *Ones) End() Pos {
	if !x.OnesPos.IsValid() {
		return NoPos
	}
	if x.OnesEnd.IsValid() {
		return x.OnesEnd
	}
	return x.OnesPos + 4
}
func (x *Unary) End() Pos     { return x.X.End() }
func (x *Binary) End() Pos    { return x.Y.End() }
func (x *Transpose) End() Pos { return x.OpEnd }
func (x *Call) End() Pos {
	if x.IsInfix() {
		return x.Args[1].End()
	}
	if !x.Rparen.IsValid() {
		return NoPos
	}
	return x.Rparen + 1
}
func (x *Indicator) End() Pos {
	if !x.Rbrack.IsValid() {
		return NoPos
	}
	return x.Rbrack + 1
}

func (*Ident) exprNode()     {}
func (*Number) exprNode()    {}
func (*Identity) exprNode()  {}
func (*Ones) exprNode()      {}
func (*Unary) exprNode()     {}
func (*Binary) exprNode()    {}
func (*Transpose) exprNode() {}
func (*Call) exprNode()      {}
func (*Indicator) exprNode() {}

// Op is an operator of a Unary, Binary or Indicator node.
type Op int

// The operators, loosest binding last in each group.
const (
	Invalid  Op = iota
	Neg         // -x
	Add         // x + y
	Sub         // x - y
	Mul         // x y, x * y
	Div         // x / y
	Hadamard    // x ∘ y, x .* y
	ElemDiv     // x ./ y
	Pow         // x^y, x²
	ElemPow     // x.^y
	GE          // ≥ inside an Indicator
	GT          // > inside an Indicator
)

var opText = [...][2]string{
	Invalid:  {"?", "?"},
	Neg:      {"-", "-"},
	Add:      {"+", "+"},
	Sub:      {"−", "-"},
	Mul:      {"", "*"},
	Div:      {"/", "/"},
	Hadamard: {"∘", ".*"},
	ElemDiv:  {"./", "./"},
	Pow:      {"^", "^"},
	ElemPow:  {".^", ".^"},
	GE:       {"≥", ">="},
	GT:       {">", ">"},
}

// String returns the operator's Unicode spelling ("" for juxtaposition).
func (op Op) String() string {
	if op < 0 || int(op) >= len(opText) {
		return fmt.Sprintf("Op(%d)", int(op))
	}
	return opText[op][0]
}

// ASCII returns the operator's ASCII spelling.
func (op Op) ASCII() string {
	if op < 0 || int(op) >= len(opText) {
		return fmt.Sprintf("Op(%d)", int(op))
	}
	return opText[op][1]
}

// Precedence levels, tightest highest (docs/conventions.md).
const (
	PrecSum      = 1 // + -
	PrecHadamard = 2 // ∘ ⊙ .* ./
	PrecProduct  = 3 // juxtaposition * /
	PrecUnary    = 4 // -x
	PrecPostfix  = 5 // ᵀ ^ .^ superscripts, primes
	PrecPrimary  = 6 // names, numbers, calls, brackets
)

// Precedence returns how tightly e binds when printed.
func Precedence(e Expr) int {
	switch e := e.(type) {
	case *Binary:
		switch e.Op {
		case Add, Sub:
			return PrecSum
		case Hadamard, ElemDiv:
			return PrecHadamard
		case Mul, Div:
			return PrecProduct
		case Pow, ElemPow:
			return PrecPostfix
		}
	case *Unary:
		return PrecUnary
	case *Call:
		if e.IsInfix() {
			return PrecHadamard
		}
	case *Transpose:
		return PrecPostfix
	case *Number:
		if e.Value < 0 {
			return PrecUnary
		}
	}
	return PrecPrimary
}
