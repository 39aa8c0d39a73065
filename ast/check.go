package ast

// Check computes the shape of every node of e bottom-up, given the shapes of
// its variables. It is the checker for trees whose variable shapes are all
// known, such as derivatives; parsed formulas go through inference first.
// Identity nodes of unknown dimension take it from the other operand.
func Check(e Expr, env map[string]Shape) (map[Expr]Shape, error) {
	c := newChecker(env)
	if _, err := c.shape(e); err != nil {
		return nil, err
	}
	out := make(map[Expr]Shape, len(c.in.shapes))
	for n, s := range c.in.shapes {
		out[n] = c.in.resolve(s, nil)
	}
	return out, nil
}

// ShapeOf returns the shape of e given its variables' shapes.
func ShapeOf(e Expr, env map[string]Shape) (Shape, error) {
	return newChecker(env).shape(e)
}

// A Checker computes shapes like Check and remembers them by node, so that
// asking for the shape of a new node whose children it has seen costs
// constant time. Nodes are immutable, so the memory stays valid.
type Checker struct{ c *checker }

// NewChecker returns a Checker for variables of the shapes in env.
func NewChecker(env map[string]Shape) *Checker {
	return &Checker{newChecker(env)}
}

// Shape returns the shape of e.
func (c *Checker) Shape(e Expr) (Shape, error) { return c.c.shape(e) }

// A checker is the shape inferer of Infer with every variable's shape
// given: one set of shape rules serves parsed formulas and derived trees.
// Its dimensions are rigid where env gives them; the dimension of an I or
// 𝟙 of unknown size is unified with what it combines with.
type checker struct {
	in *inferer
	// resolved memoizes the shapes handed out: with every variable's
	// shape given, a node's shape does not change once known.
	resolved map[Expr]Shape
}

func newChecker(env map[string]Shape) *checker {
	// Only what shape() needs: collect, declarations and naming are
	// Infer's.
	in := &inferer{
		vars:     map[string]*varState{},
		named:    map[string]int{},
		taken:    map[string]bool{},
		shapes:   map[Expr]shp{},
		constant: map[Expr]bool{},
	}
	const dims = 16 // room for the dimensions of a typical derivation
	in.dims = dimTable{parent: make([]int, 0, dims), size: make([]int, 0, dims), name: make([]string, 0, dims), flags: make([]dimFlag, 0, dims)}
	in.dims.fresh(0) // index 0 is the constant dimension 1
	in.dims.size[0] = 1
	in.env = env
	if in.env == nil {
		in.env = map[string]Shape{}
	}
	return &checker{in: in, resolved: map[Expr]Shape{}}
}

func (c *checker) shape(e Expr) (Shape, error) {
	if s, ok := c.resolved[e]; ok {
		return s, nil
	}
	s, err := c.in.shape(e)
	if err != nil {
		return Shape{}, err
	}
	r := c.in.resolve(s, nil)
	if r.Rows.Known() && r.Cols.Known() {
		c.resolved[e] = r
	}
	return r, nil
}

func sameDim(a, b Dim) bool { return !a.Known() || !b.Known() || a == b }

func sameShape(a, b Shape) bool { return sameDim(a.Rows, b.Rows) && sameDim(a.Cols, b.Cols) }
