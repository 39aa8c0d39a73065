package render

import (
	"fmt"
	"html"
	"strings"
	"unicode/utf8"

	"github.com/matcalc/matcalc/eval"
	"github.com/matcalc/matcalc/graph"
)

// The lecture slides' colours: forward values in green above the edges,
// gradients in red below them.
const (
	ValueColor = "#1b7f1b"
	GradColor  = "#c62828"
)

// DOT returns the computational graph g for Graphviz, left to right, after
// its forward and backward passes: variables and constants as plain labels,
// gates as circles (boxes for long names such as softmax) with their short
// names beside them, and on every edge the value that flows forward (green,
// above) and the gradient that flows back along that edge (red, below). An
// extra edge leaves the output with its value and the seed gradient. Where a
// node feeds several others, the sum of its branches is written beside it
// (2 + 3 = 5), under the name for a variable. Before Forward only the
// structure is drawn.
func DOT(g *graph.Graph) string {
	var b strings.Builder
	b.WriteString("digraph backprop {\n")
	b.WriteString("\trankdir=LR;\n")
	b.WriteString("\tnodesep=0.5;\n")
	b.WriteString("\tranksep=1.1;\n")
	b.WriteString("\tnode [fontname=\"Helvetica\", fontsize=14];\n")
	b.WriteString("\tedge [fontname=\"Helvetica\", fontsize=12, arrowsize=0.7];\n")
	for _, n := range g.Nodes {
		attrs := []string{}
		switch {
		case n.IsLeaf() && len(n.Branches) > 1:
			// The sum goes under the name, where the lecture writes a
			// variable's gradient.
			attrs = append(attrs, "shape=plaintext", "label=<"+html.EscapeString(n.Name)+`<br/><font point-size="12" color="`+GradColor+`">`+html.EscapeString(n.GradText())+"</font>>")
		case n.IsLeaf():
			attrs = append(attrs, "shape=plaintext", "label="+quote(n.Name))
		default:
			shape := "circle"
			if utf8.RuneCountInString(n.Op) > 3 {
				shape = "box, style=rounded"
			}
			attrs = append(attrs, "shape="+shape, "label="+quote(n.Op))
		}
		var beside []string
		if !n.IsLeaf() {
			beside = append(beside, html.EscapeString(n.Name))
		}
		if len(n.Branches) > 1 && !n.IsLeaf() {
			beside = append(beside, font(GradColor, n.GradText()))
		}
		if len(beside) > 0 {
			attrs = append(attrs, "xlabel=<"+strings.Join(beside, "<br/>")+">")
		}
		tip := n.Label()
		if n.Value != nil {
			tip += " = " + eval.Compact(n.Value)
		}
		if n.Text != n.Def {
			tip += " (" + n.Text + ")"
		}
		attrs = append(attrs, "tooltip="+quote(tip))
		fmt.Fprintf(&b, "\tn%d [%s];\n", n.ID, strings.Join(attrs, ", "))
	}
	for _, n := range g.Nodes {
		for slot, in := range n.Inputs {
			from := g.Nodes[in]
			var grad string
			if slot < len(n.Edges) {
				grad = eval.Compact(n.Edges[slot].Downstream)
			}
			fmt.Fprintf(&b, "\tn%d -> n%d [label=%s];\n", in, n.ID, edgeLabel(from, grad))
		}
	}
	out := g.Nodes[g.Output]
	b.WriteString("\tout [shape=point, style=invis];\n")
	var seed string
	if len(out.Branches) == 1 {
		seed = eval.Compact(out.Branches[0])
	}
	fmt.Fprintf(&b, "\tn%d -> out [label=%s];\n", out.ID, edgeLabel(out, seed))
	if g.ForwardFlops > 0 {
		// The cost line of the table, small, under the picture.
		fmt.Fprintf(&b, "\tlabel=%s;\n\tlabelloc=b;\n\tfontname=\"Helvetica\";\n\tfontsize=10;\n\tfontcolor=\"#555555\";\n", quote(g.CostLine()))
	}
	b.WriteString("}\n")
	return b.String()
}

// edgeLabel writes the value of from above the gradient, as an HTML label.
func edgeLabel(from *graph.Node, grad string) string {
	var lines []string
	if from.Value != nil {
		lines = append(lines, font(ValueColor, eval.Compact(from.Value)))
	}
	if grad != "" {
		lines = append(lines, font(GradColor, grad))
	}
	if len(lines) == 0 {
		return `""`
	}
	return "<" + strings.Join(lines, "<br/>") + ">"
}

func font(color, text string) string {
	return `<font color="` + color + `">` + html.EscapeString(text) + `</font>`
}

// quote writes s as a DOT string.
func quote(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	s = strings.ReplaceAll(s, `"`, `\"`)
	s = strings.ReplaceAll(s, "\n", `\n`)
	return `"` + s + `"`
}
