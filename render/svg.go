package render

import (
	"bytes"
	"fmt"
	"math"
	"strconv"

	"github.com/matcalc/matcalc/eval"
	"github.com/matcalc/matcalc/graph"
)

// SVG draws the computational graph g as an SVG document, left to right
// like DOT(g) and with the same content: one box per node with its name and
// operation (a = x + y), its forward value in green and its gradient in red
// (the sum over the branches where it feeds several others), and on every
// edge an arrow with the value that flows forward above it and the gradient
// that flows back along it below. An extra arrow leaves the output with its
// value and the seed gradient, and the operation counts go under the
// picture. Before Forward only the structure is drawn.
//
// The layout is our own (see svg_layout.go): layered by the longest path
// from the inputs, ordered by the barycenter heuristic, boxes sized to an
// estimate of their text's width. The output depends on g alone: the same
// graph gives the same bytes.
func SVG(g *graph.Graph) ([]byte, error) {
	if g == nil || len(g.Nodes) == 0 || g.Output < 0 || g.Output >= len(g.Nodes) {
		return nil, fmt.Errorf("render: SVG of an empty graph")
	}
	l := newLayout(g)
	var b bytes.Buffer
	w, h := num(l.width), num(l.height)
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%s" height="%s" viewBox="0 0 %s %s" font-family="%s">`+"\n", w, h, w, h, svgFont)
	fmt.Fprintf(&b, "<title>%s</title>\n", xmlEscape("computational graph of "+g.Nodes[g.Output].Text))
	b.WriteString(`<defs><marker id="arrow" viewBox="0 0 10 8" refX="10" refY="4" markerUnits="userSpaceOnUse" markerWidth="10" markerHeight="8" orient="auto"><path d="M0,0 L10,4 L0,8 z" fill="#333333"/></marker></defs>` + "\n")
	fmt.Fprintf(&b, `<rect class="background" x="0" y="0" width="%s" height="%s" fill="#ffffff"/>`+"\n", w, h)

	b.WriteString(`<g class="edges" fill="none" stroke="#333333" stroke-width="1.2">` + "\n")
	for ei := range l.edges {
		e := &l.edges[ei]
		to, toID := "the output's end", "out"
		if e.to >= 0 {
			to, toID = g.Nodes[e.to].Name, "n"+strconv.Itoa(e.to)
		}
		fmt.Fprintf(&b, `<path class="edge" id="e%d" data-from="n%d" data-to="%s" d="%s" marker-end="url(#arrow)"><title>%s</title></path>`+"\n",
			ei, e.from, toID, pathData(e.points), xmlEscape(g.Nodes[e.from].Name+" → "+to))
	}
	b.WriteString("</g>\n")

	b.WriteString(`<g class="edge-labels" text-anchor="middle" font-size="` + num(textSize) + `">` + "\n")
	for ei := range l.edges {
		e := &l.edges[ei]
		if e.label < 0 {
			continue
		}
		it := &l.items[e.label]
		fmt.Fprintf(&b, `<g class="edge-label" id="e%d-label">`, ei)
		if e.value != "" {
			// Above the edge: the baseline a little over it.
			fmt.Fprintf(&b, `<text x="%s" y="%s" fill="%s">%s</text>`, num(it.x), num(it.y-labelGap-0.25*textSize), ValueColor, xmlEscape(e.value))
		}
		if e.grad != "" {
			fmt.Fprintf(&b, `<text x="%s" y="%s" fill="%s">%s</text>`, num(it.x), num(it.y+labelGap+0.95*textSize), GradColor, xmlEscape(e.grad))
		}
		b.WriteString("</g>\n")
	}
	b.WriteString("</g>\n")

	b.WriteString(`<g class="nodes" text-anchor="middle">` + "\n")
	for _, n := range g.Nodes {
		it := &l.items[l.nodeItem[n.ID]]
		fill := "#ffffff"
		if n.IsLeaf() {
			fill = "#f1f4f8"
		}
		fmt.Fprintf(&b, `<g class="node" id="n%d"><title>%s</title>`, n.ID, xmlEscape(nodeTip(n)))
		fmt.Fprintf(&b, `<rect class="node" x="%s" y="%s" width="%s" height="%s" rx="6" fill="%s" stroke="#444444" stroke-width="1.2"/>`,
			num(it.x-it.w/2), num(it.y-it.h/2), num(it.w), num(it.h), fill)
		y := it.y - it.h/2 + boxPadY
		for _, ln := range it.lines {
			lh := lineHeight(ln.size)
			// The baseline, with the glyphs centred in the line.
			fmt.Fprintf(&b, `<text x="%s" y="%s" font-size="%s" fill="%s">%s</text>`,
				num(it.x), num(y+lh/2+0.35*ln.size), num(ln.size), ln.color, xmlEscape(ln.text))
			y += lh
		}
		b.WriteString("</g>\n")
	}
	b.WriteString("</g>\n")

	if l.costY > 0 {
		fmt.Fprintf(&b, `<text class="cost" x="%s" y="%s" text-anchor="middle" font-size="%s" fill="#555555">%s</text>`+"\n",
			num(l.width/2), num(l.costY), num(costSize), xmlEscape(g.CostLine()))
	}
	b.WriteString("</svg>\n")
	return b.Bytes(), nil
}

// nodeTip is the tooltip of DOT(g): a = x + y = 3 (the full formula).
func nodeTip(n *graph.Node) string {
	tip := n.Label()
	if n.Value != nil {
		tip += " = " + eval.Compact(n.Value)
	}
	if n.Text != n.Def {
		tip += " (" + n.Text + ")"
	}
	return tip
}

// pathData writes the points x y x y … as an SVG path: a straight line
// where two points are level, else a cubic Bézier curve with horizontal
// tangents at both ends.
func pathData(pts []float64) string {
	var b bytes.Buffer
	b.WriteString("M" + num(pts[0]) + " " + num(pts[1]))
	for k := 2; k+1 < len(pts); k += 2 {
		x0, y0, x1, y1 := pts[k-2], pts[k-1], pts[k], pts[k+1]
		if y0 == y1 {
			b.WriteString(" L" + num(x1) + " " + num(y1))
			continue
		}
		mx := num((x0 + x1) / 2)
		b.WriteString(" C" + mx + " " + num(y0) + " " + mx + " " + num(y1) + " " + num(x1) + " " + num(y1))
	}
	return b.String()
}

// num writes a coordinate rounded to 0.1 px.
func num(v float64) string {
	v = math.Round(v*10) / 10
	if v == 0 {
		v = 0 // no -0
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}
