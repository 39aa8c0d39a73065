package ast

// Constructors for nodes built by the program (positions NoPos). Num never
// builds a negative Number: it returns the negation of a positive one, the
// tree that parsing "−2" gives.

// Var returns the variable called name.
func Var(name string) *Ident { return &Ident{NamePos: NoPos, Name: name, NameEnd: NoPos} }

// Num returns the constant v.
func Num(v float64) Expr {
	if v < 0 {
		return Negate(&Number{ValuePos: NoPos, Value: -v, ValueEnd: NoPos})
	}
	return &Number{ValuePos: NoPos, Value: v, ValueEnd: NoPos}
}

// Eye returns the n×n identity.
func Eye(n Dim) *Identity { return &Identity{IPos: NoPos, N: n} }

// OnesOf returns the all-ones value of shape s.
func OnesOf(s Shape) *Ones { return &Ones{OnesPos: NoPos, Shape: s} }

// Negate returns -x.
func Negate(x Expr) *Unary { return &Unary{OpPos: NoPos, Op: Neg, X: x} }

// Bin returns x op y.
func Bin(op Op, x, y Expr) *Binary { return &Binary{X: x, OpPos: NoPos, Op: op, Y: y} }

// T returns xᵀ.
func T(x Expr) *Transpose { return &Transpose{X: x, OpEnd: NoPos} }

// Fn returns fun(args…) with the given number of primes.
func Fn(fun string, primes int, args ...Expr) *Call {
	return &Call{FunPos: NoPos, Fun: fun, Primes: primes, Args: args, Rparen: NoPos}
}

// Ind returns the indicator [x op y].
func Ind(op Op, x, y Expr) *Indicator {
	return &Indicator{Lbrack: NoPos, X: x, Op: op, Y: y, Rbrack: NoPos}
}
