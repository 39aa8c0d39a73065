package graph

import (
	"fmt"
	"math"
	"strconv"

	"github.com/matcalc/matcalc/eval"
	"gonum.org/v1/gonum/mat"
)

// GradientWarnings returns, after Backward, one warning for each
// variable whose gradient is NaN or ±Inf, naming the step of the backward
// pass where that first happened: the gate that handed a gradient that is
// not finite to an input while its own gradient was finite, and the local
// gradient it applied ("∂f/∂y is NaN, first where f = x/y hands y −Ḡ x / y²
// = NaN"). A value that is not finite in the forward pass is the caller's to
// report (eval.NonFiniteWarning on the formula), as eval does.
func (g *Graph) GradientWarnings() []string {
	if !g.backward {
		return nil
	}
	var out []string
	for _, v := range g.Gradients() {
		x, bad := firstNonFinite(v.Grad)
		if !bad {
			continue
		}
		msg := fmt.Sprintf("∂f/∂%s is %s", v.Name, formatFloat(x))
		if e := g.firstNonFiniteEdge(g.ByName(v.Name)); e != nil {
			to, from := g.Nodes[e.To], g.Nodes[e.From]
			d, _ := firstNonFinite(e.Downstream)
			msg += fmt.Sprintf(", first where %s = %s hands %s %s", to.Name, to.Text, from.Name, formatFloat(d))
			if e.Local != "" {
				msg += " (local gradient " + e.Local + ")"
			}
		}
		out = append(out, msg)
	}
	return out
}

// firstNonFiniteEdge returns the first edge of the backward pass, from the
// output down, on a path to the node v, that hands back a gradient that is
// not finite while the gradient it received is finite; nil if there is
// none.
func (g *Graph) firstNonFiniteEdge(v *Node) *Edge {
	if v == nil {
		return nil
	}
	reaches := make([]bool, len(g.Nodes)) // v is the node or below it
	for _, n := range g.Nodes {
		reaches[n.ID] = n == v
		for _, in := range n.Inputs {
			reaches[n.ID] = reaches[n.ID] || reaches[in]
		}
	}
	for i := len(g.Nodes) - 1; i >= 0; i-- {
		n := g.Nodes[i]
		for k := range n.Edges {
			e := &n.Edges[k]
			if !reaches[e.From] {
				continue
			}
			if _, up := firstNonFinite(e.Upstream); up {
				continue
			}
			if _, down := firstNonFinite(e.Downstream); down {
				return e
			}
		}
	}
	return nil
}

// firstNonFinite returns the first entry of v that is NaN or ±Inf, and
// whether there is one.
func firstNonFinite(v *mat.Dense) (float64, bool) {
	if v == nil || eval.IsFinite(v) {
		return 0, false
	}
	r, c := v.Dims()
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			if x := v.At(i, j); math.IsNaN(x) || math.IsInf(x, 0) {
				return x, true
			}
		}
	}
	return 0, false
}

func formatFloat(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
