package graph

import (
	"fmt"
	"strings"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/eval"
	"github.com/matcalc/matcalc/op"
	"gonum.org/v1/gonum/mat"
)

// Forward computes the value of every node from the values of the variables
// in env, inputs before the nodes that use them, and counts the operations
// in ForwardFlops. It clears the results of an earlier backward pass.
//
// Each gate is evaluated by package eval on the gate alone, with its
// inputs' values bound to placeholders, so that a node's value can be
// changed and the nodes downstream computed again (see Recompute).
func (g *Graph) Forward(env *eval.Env) error {
	if env == nil {
		env = &eval.Env{}
	}
	g.funcs = env.Funcs
	g.forward, g.backward = false, false
	for _, n := range g.Nodes {
		n.Value, n.Grad, n.Branches, n.Edges, n.Rule = nil, nil, nil, nil, ""
	}
	for _, n := range g.Nodes {
		if n.IsLeaf() {
			v, err := g.leafValue(n, env)
			if err != nil {
				return err
			}
			n.Value = v
		}
	}
	g.ForwardFlops = 0
	if err := g.Recompute(0); err != nil {
		return err
	}
	g.forward = true
	return nil
}

// Recompute computes again the value of every gate (non-leaf node) from the
// node with ID from on, from the values of their inputs as they are now. It
// is what a change of one node's value needs: set that node's Value, then
// Recompute(id+1). It adds to ForwardFlops.
func (g *Graph) Recompute(from int) error {
	for _, n := range g.Nodes[from:] {
		if n.IsLeaf() {
			continue
		}
		vals, err := g.inputValues(n)
		if err != nil {
			return err
		}
		v, err := g.evalGate(n, vals)
		if err != nil {
			return err
		}
		n.Value = v
		g.ForwardFlops += forwardCost(n, vals, v)
	}
	return nil
}

func (g *Graph) leafValue(n *Node, env *eval.Env) (*mat.Dense, error) {
	switch e := n.Expr.(type) {
	case *ast.Ident:
		v, ok := env.Vars[e.Name]
		if !ok || v == nil {
			return nil, fmt.Errorf("no value for %s", e.Name)
		}
		if n.Shape.Rows.N > 0 && n.Shape.Cols.N > 0 {
			if r, c := v.Dims(); r != n.Shape.Rows.N || c != n.Shape.Cols.N {
				return nil, fmt.Errorf("the value of %s is %d×%d, but %s is %v", e.Name, r, c, e.Name, n.Shape)
			}
		}
		return mat.DenseCopyOf(v), nil
	case *ast.Number:
		return num(e.Value), nil
	case *ast.Identity:
		for _, d := range []ast.Dim{e.N, n.Shape.Rows} {
			if k := sizeOf(d, env); k > 0 {
				return identity(k), nil
			}
		}
		return nil, nil // sized by the node that uses it
	case *ast.Ones:
		for _, s := range []ast.Shape{e.Shape, n.Shape} {
			if r, c := sizeOf(s.Rows, env), sizeOf(s.Cols, env); r > 0 && c > 0 {
				return ones(r, c), nil
			}
		}
		return nil, nil
	}
	return nil, fmt.Errorf("graph: %s is not a leaf", n.Text)
}

// inputValues returns the values of n's inputs, giving an identity or
// all-ones leaf of unknown size the size its place in n requires.
func (g *Graph) inputValues(n *Node) ([]*mat.Dense, error) {
	vals := make([]*mat.Dense, len(n.Inputs))
	for i, in := range n.Inputs {
		vals[i] = g.Nodes[in].Value
	}
	for i, in := range n.Inputs {
		if vals[i] != nil {
			continue
		}
		leaf := g.Nodes[in]
		if len(vals) != 2 || vals[1-i] == nil {
			return nil, fmt.Errorf("cannot tell the size of %s in %s", leaf.Text, n.Text)
		}
		other := vals[1-i]
		r, c := other.Dims()
		if b, ok := n.Expr.(*ast.Binary); ok && b.Op == ast.Mul && !isScalar(other) {
			if _, isI := leaf.Expr.(*ast.Identity); !isI {
				return nil, fmt.Errorf("cannot tell the size of %s in %s", leaf.Text, n.Text)
			}
			if i == 0 {
				c = r
			} else {
				r = c
			}
		}
		if _, isI := leaf.Expr.(*ast.Identity); isI {
			if r != c {
				return nil, fmt.Errorf("%s would have to be %d×%d in %s", leaf.Text, r, c, n.Text)
			}
			leaf.Value = identity(r)
		} else {
			leaf.Value = ones(r, c)
		}
		vals[i] = leaf.Value
	}
	return vals, nil
}

// evalGate evaluates the gate n alone on the values of its inputs, with
// package eval: the inputs become placeholder variables.
func (g *Graph) evalGate(n *Node, vals []*mat.Dense) (*mat.Dense, error) {
	kids := make([]ast.Expr, len(vals))
	env := &eval.Env{Vars: map[string]*mat.Dense{}, Funcs: g.funcs}
	for i, v := range vals {
		name := fmt.Sprintf("⟨%d⟩", i)
		kids[i] = ast.Var(name)
		env.Vars[name] = v
	}
	v, err := eval.Eval(ast.WithChildren(n.Expr, kids), env)
	if err != nil {
		// Name the inputs as the formula writes them, and point at the
		// gate in the source.
		msg := err.Error()
		for i := range vals {
			msg = strings.ReplaceAll(msg, fmt.Sprintf("⟨%d⟩", i), g.Nodes[n.Inputs[i]].Text)
		}
		return nil, ast.Errorf(n.Expr.Pos(), "%s", msg)
	}
	return v, nil
}

// forwardCost counts the operations of one gate: one per entry for
// elementwise work, 2mnk for a product, 2n³/3 for a determinant (LU), 2n³
// for an inverse, k−1 products for the power A^k.
func forwardCost(n *Node, vals []*mat.Dense, out *mat.Dense) int {
	switch e := n.Expr.(type) {
	case *ast.Transpose:
		return 0
	case *ast.Binary:
		x, y := vals[0], vals[1]
		switch e.Op {
		case ast.Mul:
			if isScalar(x) || isScalar(y) {
				return size(out)
			}
			r, k := x.Dims()
			_, c := y.Dims()
			return 2 * r * k * c
		case ast.Pow:
			if isScalar(x) {
				return 1
			}
			k := int(y.At(0, 0))
			r, _ := x.Dims()
			if k < 2 {
				return 0
			}
			return 2 * r * r * r * (k - 1) // k−1 products
		}
		return size(out)
	case *ast.Call:
		if f, ok := op.Of(e).(op.Structural); ok {
			return f.Flops(vals[0].Dims())
		}
		if p, ok := op.Of(e).(op.Pair); ok {
			xr, xc := vals[0].Dims()
			yr, yc := vals[1].Dims()
			return p.Flops2(xr, xc, yr, yc)
		}
		return size(out)
	}
	return size(out)
}

// sizeOf returns the size of d, through env.Sizes for a symbolic
// dimension, or 0 when it is not known.
func sizeOf(d ast.Dim, env *eval.Env) int { return d.SizeIn(env.Sizes) }
