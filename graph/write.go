package graph

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/matcalc/matcalc/eval"
	"gonum.org/v1/gonum/mat"
)

// GradText writes n's gradient compactly; where n feeds several others it
// writes the sum over the branches, "2 + 3 = 5".
func (n *Node) GradText() string {
	if n.Grad == nil {
		return ""
	}
	if len(n.Branches) < 2 {
		return eval.Compact(n.Grad)
	}
	parts := make([]string, len(n.Branches))
	for i, b := range n.Branches {
		parts[i] = eval.Compact(b)
	}
	return strings.Join(parts, " + ") + " = " + eval.Compact(n.Grad)
}

// Label is the node as the table and the picture name it: "x", "3",
// "a = x + y".
func (n *Node) Label() string {
	if n.IsLeaf() || n.Name == n.Def {
		return n.Name
	}
	return n.Name + " = " + n.Def
}

// WriteTable writes the graph after Forward and Backward as a text table,
// one row per node in forward order: id, node (its name and operation on
// its inputs' names), op, the full formula of the node, value and gradient
// (as a sum over branches where the node feeds several others), and the
// rule the gate applied on the way back. Under every gate one line per
// input shows what went back along that edge: upstream gradient, local
// gradient, downstream gradient. A last line counts the operations of both
// passes.
func (g *Graph) WriteTable(w io.Writer) error {
	if !g.backward {
		return errors.New("graph: WriteTable before Forward and Backward")
	}
	var buf bytes.Buffer
	tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "id\tnode\top\ttext\tvalue\tgradient\trule")
	for _, n := range g.Nodes {
		// A sum of scalar branches fits the gradient column; a sum of
		// vectors or matrices goes to the last column, which may be long.
		grad, rule := n.GradText(), n.Rule
		if len(n.Branches) > 1 && !isScalar(n.Grad) {
			grad = eval.Compact(n.Grad)
			sum := "sum over the branches: " + n.GradText()
			if rule == "" {
				rule = sum
			} else {
				rule += "; " + sum
			}
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", n.ID, n.Label(), n.Op, n.Text,
			eval.Compact(n.Value), grad, rule)
		for _, e := range n.Edges {
			fmt.Fprintf(tw, "\t  ↳ %s\t\t\t\t\t%s\n", g.Nodes[e.From].Name, g.edgeText(e))
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, line := range strings.SplitAfter(buf.String(), "\n") {
		if line == "" {
			continue
		}
		if _, err := io.WriteString(w, strings.TrimRight(line, " \n")+"\n"); err != nil {
			return err
		}
	}
	out := g.Nodes[g.Output]
	if !isScalar(out.Value) {
		fmt.Fprintf(w, "the output is %s: the backward pass starts from 𝟙, the gradient of the sum of its entries\n", dims(out.Value))
	}
	_, err := fmt.Fprintln(w, g.CostLine())
	return err
}

// edgeText writes one backward step: upstream × local = downstream.
func (g *Graph) edgeText(e Edge) string {
	to := g.Nodes[e.To]
	s := fmt.Sprintf("gets %s: upstream Ḡ = ∂f/∂%s = %s, local: %s", eval.Compact(e.Downstream), to.Name, eval.Compact(e.Upstream), e.Local)
	if e.LocalValue != nil && !isScalar(e.LocalValue) {
		s += fmt.Sprintf(" (%s)", eval.Compact(e.LocalValue))
	}
	return s
}

// CostLine says how many operations the two passes took.
func (g *Graph) CostLine() string {
	s := fmt.Sprintf("operations: forward pass %d, backward pass %d", g.ForwardFlops, g.BackwardFlops)
	if g.ForwardFlops > 0 {
		s += fmt.Sprintf(" (%.2g× the forward pass)", float64(g.BackwardFlops)/float64(g.ForwardFlops))
	}
	return s
}

// JSON returns the graph as docs/cli.md prints it:
//
//	{"nodes": [{"id": 0, "op": "+", "text": "x + y", "inputs": [..], "value": ..., "grad": ...}, ...],
//	 "output": <id>, "gradients": {"x": 2, "y": 5, "z": 0}}
//
// with values encoded as docs/cli.md (a number, an array, an array of rows) and
// the gradients in the variables' order of first appearance. A value that
// is NaN or infinite is an error, since JSON cannot hold it.
func (g *Graph) JSON() ([]byte, error) {
	if !g.backward {
		return nil, errors.New("graph: JSON before Forward and Backward")
	}
	type jsonNode struct {
		ID     int    `json:"id"`
		Op     string `json:"op"`
		Text   string `json:"text"`
		Inputs []int  `json:"inputs"`
		Value  any    `json:"value"`
		Grad   any    `json:"grad"`
	}
	var doc struct {
		Nodes     []jsonNode    `json:"nodes"`
		Output    int           `json:"output"`
		Gradients orderedValues `json:"gradients"`
	}
	encode := func(what string, n *Node, v *mat.Dense) (any, error) {
		x, err := eval.EncodeChecked(v)
		if err != nil {
			return nil, fmt.Errorf("the %s of %s %s", what, n.Label(), err)
		}
		return x, nil
	}
	for _, n := range g.Nodes {
		jn := jsonNode{ID: n.ID, Op: n.Op, Text: n.Text, Inputs: n.Inputs}
		if jn.Inputs == nil {
			jn.Inputs = []int{}
		}
		var err error
		if jn.Value, err = encode("value", n, n.Value); err != nil {
			return nil, err
		}
		if jn.Grad, err = encode("gradient", n, n.Grad); err != nil {
			return nil, err
		}
		doc.Nodes = append(doc.Nodes, jn)
	}
	doc.Output = g.Output
	for _, vg := range g.Gradients() {
		v, err := eval.EncodeChecked(vg.Grad)
		if err != nil {
			return nil, fmt.Errorf("the gradient of %s %s", vg.Name, err)
		}
		doc.Gradients = append(doc.Gradients, namedValue{vg.Name, v})
	}
	return json.MarshalIndent(doc, "", "  ")
}

type namedValue struct {
	name  string
	value any
}

// orderedValues is a JSON object that keeps its keys in order.
type orderedValues []namedValue

func (o orderedValues) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, kv := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(kv.name)
		if err != nil {
			return nil, err
		}
		v, err := json.Marshal(kv.value)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}
