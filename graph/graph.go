// Package graph builds the computational graph of a matcalc formula and runs
// the forward and backward passes on it, node by node, with numbers, the way
// backpropagation is taught.
//
// Build turns a formula into a graph with one node per operation: variables
// and constants are leaves, and structurally equal subtrees (ast.Equal) are
// one node, so a node may feed several others. Forward computes every node's
// value with package eval; Backward starts from gradient 1 at the output and
// hands each node's inputs the upstream gradient times the local gradient,
// summing where a node feeds several others. Every edge keeps what passed
// along it (upstream, local and downstream gradient) and every node keeps the
// gradient of each branch before the sum, so both can be shown: WriteTable
// writes a text table, JSON the object of docs/cli.md, and package render draws
// the graph.
//
// Values are *mat.Dense as in package eval: a scalar is 1×1, a vector n×1.
package graph

import (
	"fmt"
	"strings"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/op"
	"gonum.org/v1/gonum/mat"
)

// A Graph is the computational graph of one formula.
type Graph struct {
	// Nodes in topological order: every node comes after its inputs. A
	// node's ID is its index.
	Nodes []*Node
	// Output is the ID of the node whose value is the formula's.
	Output int

	// ForwardFlops and BackwardFlops count the floating-point operations of
	// the last forward and backward pass (a multiply-add counts two).
	ForwardFlops, BackwardFlops int

	info     *ast.Info
	funcs    map[string]string // generic function → built-in, from the Env
	forward  bool              // Forward has run
	backward bool              // Backward has run
}

// A Node is one operation of the formula, or a leaf.
type Node struct {
	ID int
	// Name is the short name the lecture uses: the variable's name for a
	// variable, the number for a constant, f for the output, and a, b, c, …
	// for the intermediate nodes in forward order (skipping f g h φ ψ and
	// the names of the formula's variables and functions).
	Name string
	// Op names the operation: "var", "const", "I", "𝟙", "neg", "+", "−",
	// "*", "/", "∘", "./", "^", ".^", "ᵀ", "[≥]", "[>]", or the function's
	// name with its primes ("σ", "tanh′", "sum", "max", "det", …).
	Op string
	// Text is the node's subtree as matcalc prints it (ast.String).
	Text string
	// Def is the operation applied to the inputs' names ("a b" for f = a b).
	// It equals Text for leaves.
	Def string
	// Expr is the subtree; for a shared node, its first occurrence.
	Expr ast.Expr
	// Shape is the inferred shape (possibly symbolic), or the zero Shape
	// when Build had no Info for the node.
	Shape ast.Shape
	// Inputs lists the IDs of the operands, in operand order. A node may
	// appear twice (x * x).
	Inputs []int
	// Users lists the IDs of the nodes that take this one as an input,
	// once per use, in increasing order.
	Users []int

	// Value is set by Forward.
	Value *mat.Dense
	// Grad is the gradient of the output with respect to this node's value
	// (same shape as the value), set by Backward: the sum of Branches.
	Grad *mat.Dense
	// Branches holds the gradient that arrived along each use of the
	// node, in the order of Users; there are several where the node feeds
	// several others, and Grad is their sum. The output has one branch, the
	// seed.
	Branches []*mat.Dense
	// Rule says how this gate handed its gradient to its inputs.
	Rule string
	// Edges holds, per input in operand order, what went back along it.
	Edges []Edge
}

// An Edge records one step of the backward pass: the gradient that node To
// handed back to its input From.
type Edge struct {
	From, To int // the input and the node that uses it
	Slot     int // operand position of From in To
	// Upstream is To's gradient.
	Upstream *mat.Dense
	// Local describes the local gradient ∂To/∂From as it is applied:
	// a number for scalars, else a formula in which Ḡ is the upstream
	// gradient, such as "Ḡ ∘ σ′(a)" or "Wᵀ Ḡ".
	Local string
	// LocalValue is the value of the local factor when it is one (a
	// number, the vector f′(z), the matrix the gradient is multiplied by),
	// else nil.
	LocalValue *mat.Dense
	// Downstream is the gradient handed to From along this edge.
	Downstream *mat.Dense
}

// IsLeaf reports whether the node has no inputs.
func (n *Node) IsLeaf() bool { return len(n.Inputs) == 0 }

// IsVar reports whether the node is a variable.
func (n *Node) IsVar() bool { _, ok := n.Expr.(*ast.Ident); return ok }

// Build returns the graph of e. info holds the shapes of the nodes of e
// from shape inference (ast.Infer or ast.Check); it may be nil, in which
// case shapes come from the values alone.
func Build(e ast.Expr, info *ast.Info) (*Graph, error) {
	if e == nil {
		return nil, fmt.Errorf("graph: no formula")
	}
	e = op.ExpandAll(e) // a node per operation of dot(x, y) = sum(x ∘ y)
	g := &Graph{info: info}
	b := builder{g: g, seen: map[string][]*Node{}}
	out, err := b.add(e)
	if err != nil {
		return nil, err
	}
	g.Output = out.ID
	for _, n := range g.Nodes {
		for _, in := range n.Inputs {
			g.Nodes[in].Users = append(g.Nodes[in].Users, n.ID)
		}
	}
	g.name()
	return g, nil
}

type builder struct {
	g    *Graph
	seen map[string][]*Node // ast.String → nodes with that text
}

func (b *builder) add(e ast.Expr) (*Node, error) {
	key := ast.String(e)
	for _, n := range b.seen[key] {
		if ast.Equal(n.Expr, e) {
			return n, nil
		}
	}
	var inputs []int
	for _, k := range ast.Children(e) {
		kn, err := b.add(k)
		if err != nil {
			return nil, err
		}
		inputs = append(inputs, kn.ID)
	}
	op, err := opName(e)
	if err != nil {
		return nil, err
	}
	n := &Node{
		ID:     len(b.g.Nodes),
		Op:     op,
		Text:   key,
		Expr:   e,
		Inputs: inputs,
	}
	if b.g.info != nil {
		n.Shape = b.g.info.Shapes[e]
	}
	b.g.Nodes = append(b.g.Nodes, n)
	b.seen[key] = append(b.seen[key], n)
	return n, nil
}

func opName(e ast.Expr) (string, error) {
	switch e := e.(type) {
	case *ast.Ident:
		return "var", nil
	case *ast.Number:
		return "const", nil
	case *ast.Identity:
		return "I", nil
	case *ast.Ones:
		return "𝟙", nil
	case *ast.Unary:
		if e.Op == ast.Neg {
			return "neg", nil
		}
	case *ast.Binary:
		switch e.Op {
		case ast.Add, ast.Sub, ast.Div, ast.Hadamard, ast.ElemDiv, ast.Pow, ast.ElemPow:
			return e.Op.String(), nil
		case ast.Mul:
			return "*", nil
		}
	case *ast.Transpose:
		return "ᵀ", nil
	case *ast.Indicator:
		return "[" + e.Op.String() + "]", nil
	case *ast.Call:
		return e.Fun + strings.Repeat("′", e.Primes), nil
	}
	return "", fmt.Errorf("graph: no gate for %s", ast.String(e))
}

// name gives every node its short name and its Def.
func (g *Graph) name() {
	taken := map[string]bool{}
	for _, n := range g.Nodes {
		switch e := n.Expr.(type) {
		case *ast.Ident:
			taken[e.Name] = true
		case *ast.Call:
			taken[e.Fun] = true
		}
	}
	for _, fn := range ast.GenericFuncLetters() {
		taken[fn] = true // g = … would read as a function
	}
	next := 0
	fresh := func() string {
		for {
			var s string
			if next < 26 {
				s = string(rune('a' + next))
			} else {
				s = fmt.Sprintf("a_%d", next-25)
			}
			next++
			if !taken[s] {
				return s
			}
		}
	}
	for _, n := range g.Nodes {
		switch {
		case n.IsLeaf():
			n.Name = n.Text
		case n.ID == g.Output:
			n.Name = "f"
			if g.nameUsed("f") {
				n.Name = fresh()
			}
		default:
			n.Name = fresh()
		}
	}
	for _, n := range g.Nodes {
		if n.IsLeaf() {
			n.Def = n.Text
			continue
		}
		kids := make([]ast.Expr, len(n.Inputs))
		for i, in := range n.Inputs {
			kids[i] = ast.Var(g.Nodes[in].Name)
			if m := g.Nodes[in]; m.IsLeaf() {
				kids[i] = m.Expr
			}
		}
		n.Def = ast.String(ast.WithChildren(n.Expr, kids))
	}
}

// nameUsed reports whether a variable or a function of the formula is
// called name.
func (g *Graph) nameUsed(name string) bool {
	for _, n := range g.Nodes {
		switch e := n.Expr.(type) {
		case *ast.Ident:
			if e.Name == name {
				return true
			}
		case *ast.Call:
			if e.Fun == name {
				return true
			}
		}
	}
	return false
}

// ByName returns the node called name, or nil.
func (g *Graph) ByName(name string) *Node {
	for _, n := range g.Nodes {
		if n.Name == name {
			return n
		}
	}
	return nil
}

// Variables returns the variable leaves in order of first appearance.
func (g *Graph) Variables() []*Node {
	var vs []*Node
	for _, n := range g.Nodes {
		if n.IsVar() {
			vs = append(vs, n)
		}
	}
	return vs
}
