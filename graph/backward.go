package graph

import (
	"errors"
	"fmt"
	"math"
	"sort"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/eval"
	"github.com/matcalc/matcalc/op"
	"gonum.org/v1/gonum/mat"
)

// Backward runs the backward pass after Forward: the output gets gradient 1
// (an all-ones seed when the output is not a scalar, which gives the
// gradients of the sum of its entries), and every gate, from the output
// down, hands each input its gradient times the local gradient. A node that
// feeds several others gets the sum of what arrives along each use; the
// parts stay in Branches. It counts the operations in BackwardFlops.
func (g *Graph) Backward() error {
	if !g.forward {
		return errors.New("graph: Backward before Forward")
	}
	fl := &flops{}
	arrived := make([][]Edge, len(g.Nodes)) // edges into each node, by input
	for _, n := range g.Nodes {
		n.Grad, n.Branches, n.Edges, n.Rule = nil, nil, nil, ""
	}
	out := g.Nodes[g.Output]
	r, c := out.Value.Dims()
	out.Branches = []*mat.Dense{ones(r, c)}
	for i := len(g.Nodes) - 1; i >= 0; i-- {
		n := g.Nodes[i]
		if i != g.Output {
			es := arrived[i]
			sort.SliceStable(es, func(a, b int) bool {
				if es[a].To != es[b].To {
					return es[a].To < es[b].To
				}
				return es[a].Slot < es[b].Slot
			})
			for _, e := range es {
				n.Branches = append(n.Branches, e.Downstream)
			}
		}
		if len(n.Branches) == 0 {
			// Unreachable from the output: cannot happen for a graph made
			// by Build, but keep the gradient well defined.
			r, c := n.Value.Dims()
			n.Grad = mat.NewDense(r, c, nil)
		} else {
			n.Grad = mat.DenseCopyOf(n.Branches[0])
			for _, b := range n.Branches[1:] {
				if !same(b, n.Grad) {
					return fmt.Errorf("graph: gradient of %s is %s along one branch and %s along another", n.Name, dims(n.Grad), dims(b))
				}
				n.Grad.Add(n.Grad, b)
				fl.Add(size(b))
			}
		}
		if n.IsLeaf() {
			continue
		}
		if err := g.gate(n, fl); err != nil {
			return ast.Errorf(n.Expr.Pos(), "backward pass at %s: %v", n.Text, err)
		}
		for _, e := range n.Edges {
			if in := g.Nodes[e.From]; !same(e.Downstream, in.Value) {
				return fmt.Errorf("graph: internal error: %s hands %s a %s gradient for a %s value", n.Name, in.Name, dims(e.Downstream), dims(in.Value))
			}
			arrived[e.From] = append(arrived[e.From], e)
		}
	}
	g.BackwardFlops = fl.N
	g.backward = true
	return nil
}

// Gradients returns the gradient of the output with respect to every
// variable, in order of first appearance. For a variable that Build's Info
// declares symmetric it is the symmetric gradient (G + Gᵀ)/2 (docs/conventions.md).
func (g *Graph) Gradients() []VarGrad {
	var out []VarGrad
	for _, n := range g.Variables() {
		grad := n.Grad
		if g.info != nil && grad != nil {
			if v := g.info.Var(n.Name); v != nil && v.Symmetric {
				var s mat.Dense
				s.Add(grad, grad.T())
				s.Scale(0.5, &s)
				grad = &s
			}
		}
		out = append(out, VarGrad{Name: n.Name, Grad: grad})
	}
	return out
}

// A VarGrad is the gradient of the output with respect to one variable.
type VarGrad struct {
	Name string
	Grad *mat.Dense
}

// gate fills n.Edges and n.Rule from n.Grad and the values.
func (g *Graph) gate(n *Node, fl *flops) error {
	G := n.Grad
	vals := make([]*mat.Dense, len(n.Inputs))
	names := make([]string, len(n.Inputs))
	for i, in := range n.Inputs {
		vals[i] = g.Nodes[in].Value
		names[i] = g.Nodes[in].Name
	}
	edge := func(slot int, local string, localValue, down *mat.Dense) {
		if localValue != nil && size(localValue) > maxShownLocal {
			localValue = nil
		}
		n.Edges = append(n.Edges, Edge{
			From: n.Inputs[slot], To: n.ID, Slot: slot,
			Upstream: G, Local: local, LocalValue: localValue, Downstream: down,
		})
	}
	// elementwise handles every gate that works entry by entry with
	// broadcast scalars: partial[i] gives ∂z/∂(input i) at one entry, and
	// text[i] writes it.
	elementwise := func(rule string, text []string, partial ...func(x, y, z float64) float64) error {
		n.Rule = rule
		r, c := n.Value.Dims()
		at2 := func(i, j int) (float64, float64) {
			x := at(vals[0], i, j)
			if len(vals) == 1 {
				return x, 0
			}
			return x, at(vals[1], i, j)
		}
		for k, d := range partial {
			local := mat.NewDense(r, c, nil)
			for i := 0; i < r; i++ {
				for j := 0; j < c; j++ {
					x, y := at2(i, j)
					local.Set(i, j, d(x, y, n.Value.At(i, j)))
				}
			}
			var down mat.Dense
			down.MulElem(G, local)
			switch text[k] {
			case "1": // Ḡ passes through: nothing to compute
			case "−1":
				fl.Add(r * c)
			default:
				fl.Add(2 * r * c) // the local gradient, then the product
			}
			shown := local
			if text[k] == "1" || text[k] == "−1" {
				shown = nil // the description says it all
			}
			edge(k, describeElementwise(text[k], vals[k], n.Value, local), shown, reduceTo(&down, vals[k], fl))
		}
		return nil
	}
	one := func(x, y, z float64) float64 { return 1 }

	switch e := n.Expr.(type) {
	case *ast.Unary:
		return elementwise("negation: hands back −Ḡ", []string{"−1"},
			func(x, y, z float64) float64 { return -1 })
	case *ast.Transpose:
		n.Rule = "transpose: transposes the gradient"
		edge(0, "Ḡᵀ", nil, transpose(G))
		return nil
	case *ast.Indicator:
		n.Rule = "indicator: piecewise constant, hands back 0"
		for k := range vals {
			r, c := vals[k].Dims()
			edge(k, "0", nil, mat.NewDense(r, c, nil))
		}
		return nil
	case *ast.Binary:
		x, y := vals[0], vals[1]
		a, b := names[0], names[1]
		switch e.Op {
		case ast.Add:
			return elementwise("sum: hands the gradient to every input"+broadcastNote(vals, n.Value), []string{"1", "1"}, one, one)
		case ast.Sub:
			return elementwise(fmt.Sprintf("difference: hands Ḡ to %s and −Ḡ to %s", a, b)+broadcastNote(vals, n.Value), []string{"1", "−1"},
				one, func(x, y, z float64) float64 { return -1 })
		case ast.Hadamard:
			return elementwise("product: swaps, each input gets Ḡ ∘ the other input", []string{b, a},
				func(x, y, z float64) float64 { return y }, func(x, y, z float64) float64 { return x })
		case ast.Mul:
			if isScalar(x) || isScalar(y) {
				return elementwise("product: swaps, each input gets the gradient times the other input"+broadcastNote(vals, n.Value), []string{b, a},
					func(x, y, z float64) float64 { return y }, func(x, y, z float64) float64 { return x })
			}
			n.Rule = fmt.Sprintf("product: swaps, %s gets Ḡ %sᵀ and %s gets %sᵀ Ḡ", a, b, b, a)
			edge(0, "Ḡ "+b+"ᵀ", smallTranspose(y), mul(G, y.T(), fl))
			edge(1, a+"ᵀ Ḡ", smallTranspose(x), mul(x.T(), G, fl))
			return nil
		case ast.Div, ast.ElemDiv:
			return elementwise(fmt.Sprintf("quotient: %s gets Ḡ / %s, %s gets −Ḡ %s / %s²", a, b, b, a, b)+broadcastNote(vals, n.Value),
				[]string{"1 / " + b, "−" + a + " / " + b + "²"},
				func(x, y, z float64) float64 { return 1 / y }, func(x, y, z float64) float64 { return -x / (y * y) })
		case ast.ElemPow:
			return g.powerGate(n, elementwise, a, b)
		case ast.Pow:
			if isScalar(x) {
				return g.powerGate(n, elementwise, a, b)
			}
			return g.matrixPowerGate(n, edge, fl)
		}
	case *ast.Call:
		return g.callGate(n, e, vals, names, edge, elementwise, fl)
	}
	return fmt.Errorf("no backward rule for %s", n.Text)
}

// maxShownLocal is the largest number of entries a local gradient may have
// to be kept on an edge.
const maxShownLocal = 16

type edgeFunc func(slot int, local string, localValue, down *mat.Dense)
type elementwiseFunc func(rule string, text []string, partial ...func(x, y, z float64) float64) error

func (g *Graph) powerGate(n *Node, elementwise elementwiseFunc, a, b string) error {
	return elementwise(fmt.Sprintf("power: %s gets Ḡ %s %s^(%s−1), %s gets Ḡ %s^%s log %s", a, b, a, b, b, a, b, a),
		[]string{b + " " + a + "^(" + b + "−1)", a + "^" + b + " log " + a},
		func(x, y, z float64) float64 {
			if y == 0 {
				return 0
			}
			return y * math.Pow(x, y-1)
		},
		func(x, y, z float64) float64 {
			if x <= 0 {
				return 0 // the exponent is a constant in practice; x^y is not smooth in y here
			}
			return z * math.Log(x)
		})
}

// matrixPowerGate: Z = Aᵖ, Ḡ_A = Σₖ (Aᵏ)ᵀ Ḡ (Aᵖ⁻¹⁻ᵏ)ᵀ; the integer exponent
// gets 0.
func (g *Graph) matrixPowerGate(n *Node, edge edgeFunc, fl *flops) error {
	a := g.Nodes[n.Inputs[0]]
	A := a.Value
	p := int(g.Nodes[n.Inputs[1]].Value.At(0, 0))
	r, _ := A.Dims()
	powers := []*mat.Dense{identity(r)}
	for k := 1; k < p; k++ {
		if k == 1 {
			powers = append(powers, A)
			continue
		}
		powers = append(powers, mul(powers[k-1], A, fl))
	}
	down := mat.NewDense(r, r, nil)
	for k := 0; k < p; k++ {
		term := n.Grad
		if k > 0 { // A⁰ = I: nothing to multiply
			term = mul(powers[k].T(), term, fl)
		}
		if p-1-k > 0 {
			term = mul(term, powers[p-1-k].T(), fl)
		}
		if k == 0 {
			down = mat.DenseCopyOf(term)
		} else {
			down = plus(down, term, fl)
		}
	}
	n.Rule = fmt.Sprintf("matrix power: %s gets Σₖ (%sᵏ)ᵀ Ḡ (%s^(p−1−k))ᵀ, the integer exponent gets 0", a.Name, a.Name, a.Name)
	edge(0, fmt.Sprintf("Σₖ (%sᵏ)ᵀ Ḡ (%s^(p−1−k))ᵀ", a.Name, a.Name), nil, down)
	edge(1, "0", nil, num(0))
	return nil
}

func (g *Graph) callGate(n *Node, e *ast.Call, vals []*mat.Dense, names []string, edge edgeFunc, elementwise elementwiseFunc, fl *flops) error {
	G := n.Grad
	x := vals[0]
	a := names[0]
	if len(vals) == 2 && (e.Fun == "max" || e.Fun == "min") {
		first := func(x, y, z float64) float64 {
			if x >= y && e.Fun == "max" || x <= y && e.Fun == "min" {
				return 1
			}
			return 0
		}
		other := func(x, y, z float64) float64 { return 1 - first(x, y, z) }
		larger := "larger"
		if e.Fun == "min" {
			larger = "smaller"
		}
		rule := fmt.Sprintf("%s: routes the gradient to the %s input (to %s on a tie)", e.Fun, larger, a)
		if isScalar(n.Value) {
			winner := names[1]
			if first(x.At(0, 0), vals[1].At(0, 0), 0) == 1 {
				winner = a
			}
			rule = fmt.Sprintf("%s: routes the gradient to the %s input, %s", e.Fun, larger, winner)
		}
		op := "≥"
		if e.Fun == "min" {
			op = "≤"
		}
		return elementwise(rule+broadcastNote(vals, n.Value),
			[]string{fmt.Sprintf("[%s %s %s]", a, op, names[1]), fmt.Sprintf("1 − [%s %s %s]", a, op, names[1])},
			first, other)
	}
	if e.IsElementwise() {
		fun, err := g.builtinOf(e)
		if err != nil {
			return err
		}
		d, err := derivative(fun, e.Primes+1)
		if err != nil {
			return err
		}
		prime := e.Fun + primes(e.Primes+1)
		rule := fmt.Sprintf("elementwise %s: multiplies by %s", e.Fun+primes(e.Primes), prime)
		if fun != e.Fun {
			rule += fmt.Sprintf(" (%s is %s)", e.Fun, fun)
		}
		return elementwise(rule, []string{prime + "(" + a + ")"}, func(x, y, z float64) float64 { return d(x) })
	}
	if p, ok := op.Of(e).(op.Pair); ok {
		dx, dy, rule, label := p.Gate2(vals[0], vals[1], G)
		xr, xc := vals[0].Dims()
		yr, yc := vals[1].Dims()
		fl.Add(2 * p.Flops2(xr, xc, yr, yc))
		n.Rule = rule
		edge(0, label, nil, dx)
		edge(1, label, nil, dy)
		return nil
	}
	f, ok := op.Of(e).(op.Structural)
	if !ok {
		return fmt.Errorf("no backward rule for %s", e.Fun)
	}
	gate, err := f.Gate(x, n.Value, G, a)
	if err != nil {
		return err
	}
	fl.Add(gate.Flops)
	n.Rule = gate.Rule
	local := gate.Local
	if local != nil {
		local = smallOrNil(local)
	}
	edge(0, gate.Label, local, gate.Down)
	return nil
}

func primes(k int) string { return ast.PrimeMarks(k) }

// smallTranspose returns mᵀ to show on an edge, or nil when m is too large
// to be shown.
func smallTranspose(m *mat.Dense) *mat.Dense {
	if size(m) > maxShownLocal {
		return nil
	}
	return transpose(m)
}

func smallOrNil(m *mat.Dense) *mat.Dense {
	if size(m) > maxShownLocal {
		return nil
	}
	return m
}

// broadcastNote says that a scalar operand of a larger result gets the sum
// of its gradient's entries.
func broadcastNote(vals []*mat.Dense, out *mat.Dense) string {
	if isScalar(out) {
		return ""
	}
	for _, v := range vals {
		if isScalar(v) {
			return "; a broadcast scalar gets the sum of the entries"
		}
	}
	return ""
}

// describeElementwise writes the local gradient of an elementwise gate:
// the partial derivative itself for scalars, else the downstream gradient in
// terms of Ḡ.
func describeElementwise(partial string, operand, out, local *mat.Dense) string {
	if isScalar(out) {
		v := eval.Compact(local)
		if v == partial || partial == "−1" {
			return v
		}
		return partial + " = " + v
	}
	var s string
	switch partial {
	case "1":
		s = "Ḡ"
	case "−1":
		s = "−Ḡ"
	default:
		s = "Ḡ ∘ " + partial
	}
	if isScalar(operand) {
		return "sum(" + s + ")"
	}
	return s
}
