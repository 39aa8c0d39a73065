package ast

// Check computes the shape of every node of e bottom-up, given the shapes of
// its variables. It is the checker for trees whose variable shapes are all
// known, such as derivatives; parsed formulas go through inference first.
// Identity nodes of unknown dimension take it from the other operand.
func Check(e Expr, env map[string]Shape) (map[Expr]Shape, error) {
	c := checker{env: env, shapes: map[Expr]Shape{}}
	if _, err := c.shape(e); err != nil {
		return nil, err
	}
	return c.shapes, nil
}

// ShapeOf returns the shape of e given its variables' shapes.
func ShapeOf(e Expr, env map[string]Shape) (Shape, error) {
	c := checker{env: env, shapes: map[Expr]Shape{}}
	return c.shape(e)
}

// A Checker computes shapes like Check and remembers them by node, so that
// asking for the shape of a new node whose children it has seen costs
// constant time. Nodes are immutable, so the memory stays valid.
type Checker struct{ c checker }

// NewChecker returns a Checker for variables of the shapes in env.
func NewChecker(env map[string]Shape) *Checker {
	return &Checker{checker{env: env, shapes: map[Expr]Shape{}}}
}

// Shape returns the shape of e.
func (c *Checker) Shape(e Expr) (Shape, error) { return c.c.shape(e) }

type checker struct {
	env    map[string]Shape
	shapes map[Expr]Shape
}

func sameDim(a, b Dim) bool { return !a.Known() || !b.Known() || a == b }

func sameShape(a, b Shape) bool { return sameDim(a.Rows, b.Rows) && sameDim(a.Cols, b.Cols) }

func merge(a, b Shape) Shape {
	if !a.Rows.Known() {
		a.Rows = b.Rows
	}
	if !a.Cols.Known() {
		a.Cols = b.Cols
	}
	return a
}

// broadcast is the shape rule of + − ∘ ./ max min: equal shapes, or a scalar
// with anything.
func broadcast(x, y Shape) (Shape, bool) {
	switch {
	case x.IsScalar():
		return y, true
	case y.IsScalar():
		return x, true
	case sameShape(x, y):
		return merge(x, y), true
	}
	return Shape{}, false
}

func (c *checker) shape(e Expr) (s Shape, err error) {
	if s, ok := c.shapes[e]; ok {
		return s, nil
	}
	defer func() {
		if err == nil {
			c.shapes[e] = s
		}
	}()
	switch e := e.(type) {
	case *Ident:
		s, ok := c.env[e.Name]
		if !ok {
			return Shape{}, Errorf(e.Pos(), "unknown variable %s", e.Name)
		}
		return s, nil
	case *Number:
		return Scalar, nil
	case *Identity:
		return Shape{e.N, e.N}, nil
	case *Ones:
		return e.Shape, nil
	}
	kids := Children(e)
	ks := make([]Shape, len(kids))
	for i, k := range kids {
		if ks[i], err = c.shape(k); err != nil {
			return Shape{}, err
		}
	}
	bad := func(format string, args ...any) (Shape, error) {
		return Shape{}, Errorf(e.Pos(), format, args...)
	}
	switch e := e.(type) {
	case *Unary:
		return ks[0], nil
	case *Transpose:
		return ks[0].T(), nil
	case *Indicator:
		if s, ok := broadcast(ks[0], ks[1]); ok {
			return s, nil
		}
		return bad("cannot compare %s (%v) with %s (%v)", String(e.X), ks[0], String(e.Y), ks[1])
	case *Binary:
		x, y := ks[0], ks[1]
		switch e.Op {
		case Add, Sub, Hadamard, ElemDiv:
			if s, ok := broadcast(x, y); ok {
				return s, nil
			}
			return bad("cannot combine %s (%v) and %s (%v) with %s: shapes differ", String(e.X), x, String(e.Y), y, e.Op)
		case Mul:
			switch {
			case x.IsScalar():
				return y, nil
			case y.IsScalar():
				return x, nil
			case sameDim(x.Cols, y.Rows):
				return Shape{x.Rows, y.Cols}, nil
			}
			return bad("cannot multiply %s (%v) by %s (%v): inner dimensions %v and %v differ", String(e.X), x, String(e.Y), y, x.Cols, y.Rows)
		case Div:
			if s, ok := broadcast(x, y); ok {
				return s, nil
			}
			return bad("cannot divide %s (%v) by %s (%v)", String(e.X), x, String(e.Y), y)
		case Pow:
			if !y.IsScalar() {
				return bad("exponent %s must be a scalar, not %v", String(e.Y), y)
			}
			if x.IsScalar() || x.IsSquare() && x.Rows.Known() {
				return x, nil
			}
			return bad("%s (%v) is not square: use %s.^…, %s∘%s or ‖%s‖²", String(e.X), x, String(e.X), String(e.X), String(e.X), String(e.X))
		case ElemPow:
			if s, ok := broadcast(x, y); ok {
				return s, nil
			}
			return bad("cannot raise %s (%v) to %s (%v) elementwise", String(e.X), x, String(e.Y), y)
		}
	case *Call:
		if e.IsElementwise() {
			if len(ks) == 1 {
				return ks[0], nil
			}
			if len(ks) == 2 {
				if s, ok := broadcast(ks[0], ks[1]); ok {
					return s, nil
				}
				return bad("%s of %s (%v) and %s (%v): shapes differ", e.Fun, String(e.Args[0]), ks[0], String(e.Args[1]), ks[1])
			}
			return bad("%s takes one argument", e.Fun)
		}
		x := ks[0]
		f := funcs[e.Fun]
		if len(ks) != f.Arity() {
			return bad("%s takes %d arguments, not %d", e.Fun, f.Arity(), len(ks))
		}
		switch f.ShapeRule() {
		case ToScalar:
			return Scalar, nil
		case PairToScalar:
			if !sameShape(x, ks[1]) {
				return bad("%s of %s (%v) and %s (%v): shapes differ", e.Fun, String(e.Args[0]), x, String(e.Args[1]), ks[1])
			}
			return Scalar, nil
		case SquareToScalar:
			if !x.IsSquare() {
				return bad("%s needs a square matrix, not %s (%v)", e.Fun, String(e.Args[0]), x)
			}
			return Scalar, nil
		case SquareToSquare:
			if !x.IsSquare() {
				if f.Notation() == InverseNotation {
					return bad("cannot invert %s (%v): not square", String(e.Args[0]), x)
				}
				return bad("%s needs a square matrix, not %s (%v)", e.Fun, String(e.Args[0]), x)
			}
			return x, nil
		case Diagonal:
			switch {
			case x.IsScalar():
				return x, nil
			case x.IsVector():
				return Shape{x.Rows, x.Rows}, nil
			case x.IsSquare():
				return Vector(x.Rows), nil
			}
			return bad("%s needs a vector or a square matrix, not %s (%v)", e.Fun, String(e.Args[0]), x)
		case VectorToVector:
			if x.IsMatrix() || x.IsRow() {
				return bad("%s needs a vector, not %s (%v)", e.Fun, String(e.Args[0]), x)
			}
			return x, nil
		}
	}
	return bad("no shape rule for %s", String(e))
}
