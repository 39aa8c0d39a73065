package render

import (
	"math"
	"slices"
	"sort"

	"github.com/matcalc/matcalc/eval"
	"github.com/matcalc/matcalc/graph"
)

// The layout of SVG: a layered (Sugiyama-style) drawing, left to right as
// DOT's rankdir=LR.
//
//  1. Ranks. A gate's rank is the longest path from the inputs (1 + the
//     largest rank of its inputs); a leaf (variable or constant) sits one
//     rank before its first user, so that it stands next to it. Node layers
//     are the even layers 2·rank; the odd layers between them hold the edge
//     labels. The output's extra edge ends at an invisible point one rank
//     further right.
//  2. Long edges are cut at every layer they cross: the first odd layer
//     after the middle holds the edge's label, the others a waypoint, so
//     that no edge runs through a box or a label.
//  3. Order within a layer: the barycenter heuristic, sweeping down and up
//     a few times and keeping the order with the fewest crossings, then
//     swapping neighbours while that removes crossings.
//  4. Vertical positions: each sweep moves every item to the mean height of
//     its neighbours in the previous layer, keeping the order and the
//     minimum gaps (isotonic regression by pooling adjacent violators).
//  5. Horizontal positions: every layer is a column as wide as its widest
//     item; the gap between two columns grows with the steepest edge that
//     crosses it. Edges run straight through the columns and bend as cubic
//     Bézier curves with horizontal tangents in the gaps, so that they leave
//     and enter the boxes horizontally.
//
// Every step is deterministic: ties keep the order of the node IDs and of
// the edges.

// Sizes in px.
const (
	titleSize   = 14  // a box's first line
	textSize    = 12  // values and gradients
	costSize    = 11  // the operation counts under the picture
	lineSpacing = 1.3 // line height / font size
	boxPadX     = 10  // text to the box's side
	boxPadY     = 6   // text to the box's top and bottom
	labelPadX   = 6   // room beside an edge label
	labelGap    = 3   // edge to the label's text, above and below
	minColGap   = 34  // between two columns
	gapSlope    = 0.5 // a gap is at least this fraction of the steepest rise across it
	portStep    = 10  // between the edges that leave or enter one side of a box
	svgMargin   = 16
)

type itemKind uint8

const (
	itemNode  itemKind = iota
	itemLabel          // an edge's label: the value above the edge, the gradient below
	itemPoint          // a waypoint of a long edge
	itemEnd            // the invisible end of the output's edge
)

// A svgLine is one line of text in a box or a label.
type svgLine struct {
	text  string
	size  float64
	color string
}

// An item takes room in a layer: a node's box, an edge label or a waypoint.
type item struct {
	kind         itemKind
	node         int // the node's ID, for itemNode
	edge         int // the edge's index, for the others
	layer        int
	w, h         float64
	x, y         float64 // the centre
	lines        []svgLine
	preds, succs []int // neighbouring items in the previous and next layer
}

// A layEdge is one edge of the DOT output, cut into a chain of items.
type layEdge struct {
	from, to    int // node IDs; to is -1 for the output's edge
	value, grad string
	chain       []int     // item indices, from the source's box to the target's box or end
	portOut     float64   // the height at which the edge leaves its source
	portIn      float64   // and enters its target
	label       int       // the label's item index, or -1
	points      []float64 // the path's points, x y x y …, once placed
}

type layout struct {
	g        *graph.Graph
	items    []item
	edges    []layEdge
	layers   [][]int // item indices per layer, in order
	nodeItem []int   // node ID → item index
	colX     []float64
	colW     []float64
	width    float64
	height   float64
	costY    float64 // baseline of the operation counts, 0 for none
}

func lineHeight(size float64) float64 { return size * lineSpacing }

// newLayout lays out g.
func newLayout(g *graph.Graph) *layout {
	l := &layout{g: g}
	ranks := nodeRanks(g)
	nLayers := 2*ranks[g.Output] + 3
	l.layers = make([][]int, nLayers)
	add := func(it item) int {
		l.items = append(l.items, it)
		i := len(l.items) - 1
		l.layers[it.layer] = append(l.layers[it.layer], i)
		return i
	}
	l.nodeItem = make([]int, len(g.Nodes))
	for _, n := range g.Nodes {
		it := item{kind: itemNode, node: n.ID, layer: 2 * ranks[n.ID], lines: nodeLines(n)}
		it.w, it.h = linesSize(it.lines)
		it.w += 2 * boxPadX
		it.h += 2 * boxPadY
		it.w = max(it.w, it.h, 36)
		l.nodeItem[n.ID] = add(it)
	}
	end := add(item{kind: itemEnd, node: -1, layer: nLayers - 1})

	// The edges in the order of the DOT output.
	for _, n := range g.Nodes {
		for slot, in := range n.Inputs {
			var grad string
			if slot < len(n.Edges) {
				grad = eval.Compact(n.Edges[slot].Downstream)
			}
			l.edges = append(l.edges, layEdge{from: in, to: n.ID, value: compactValue(g.Nodes[in]), grad: grad})
		}
	}
	out := g.Nodes[g.Output]
	var seed string
	if len(out.Branches) == 1 {
		seed = eval.Compact(out.Branches[0])
	}
	l.edges = append(l.edges, layEdge{from: out.ID, to: -1, value: compactValue(out), grad: seed})

	for ei := range l.edges {
		e := &l.edges[ei]
		first := l.nodeItem[e.from]
		last := end
		if e.to >= 0 {
			last = l.nodeItem[e.to]
		}
		lo, hi := l.items[first].layer, l.items[last].layer
		labelLayer := lo + 1 + 2*((hi-lo-1)/4)
		e.label = -1
		e.chain = []int{first}
		for layer := lo + 1; layer < hi; layer++ {
			it := item{kind: itemPoint, node: -1, edge: ei, layer: layer}
			if layer == labelLayer && (e.value != "" || e.grad != "") {
				it.kind = itemLabel
				if e.value != "" {
					it.lines = append(it.lines, svgLine{e.value, textSize, ValueColor})
				}
				if e.grad != "" {
					it.lines = append(it.lines, svgLine{e.grad, textSize, GradColor})
				}
				w, _ := linesSize(it.lines)
				it.w = w + 2*labelPadX
				it.h = 2 * (lineHeight(textSize) + labelGap)
			}
			i := add(it)
			if it.kind == itemLabel {
				e.label = i
			}
			e.chain = append(e.chain, i)
		}
		e.chain = append(e.chain, last)
		for k := 1; k < len(e.chain); k++ {
			a, b := e.chain[k-1], e.chain[k]
			l.items[a].succs = append(l.items[a].succs, b)
			l.items[b].preds = append(l.items[b].preds, a)
		}
	}

	l.order()
	l.placeY()
	l.placePorts()
	l.placeX()
	l.route()
	return l
}

// nodeRanks returns every node's rank: 0 for the inputs, and for a gate the
// longest path from them; a leaf is then moved to one rank before its first
// user.
func nodeRanks(g *graph.Graph) []int {
	ranks := make([]int, len(g.Nodes))
	for _, n := range g.Nodes { // topological order
		for _, in := range n.Inputs {
			ranks[n.ID] = max(ranks[n.ID], ranks[in]+1)
		}
	}
	for _, n := range g.Nodes {
		if !n.IsLeaf() || len(n.Users) == 0 {
			continue
		}
		r := math.MaxInt
		for _, u := range n.Users {
			r = min(r, ranks[u])
		}
		ranks[n.ID] = r - 1
	}
	return ranks
}

func compactValue(n *graph.Node) string {
	if n.Value == nil {
		return ""
	}
	return eval.Compact(n.Value)
}

// nodeLines is the text of a box: the node's name and operation (a = x + y),
// its value in green and its gradient in red (a sum where it feeds several
// others).
func nodeLines(n *graph.Node) []svgLine {
	lines := []svgLine{{n.Label(), titleSize, "#222222"}}
	if v := compactValue(n); v != "" {
		lines = append(lines, svgLine{v, textSize, ValueColor})
	}
	if gr := n.GradText(); gr != "" {
		lines = append(lines, svgLine{gr, textSize, GradColor})
	}
	return lines
}

func linesSize(lines []svgLine) (w, h float64) {
	for _, ln := range lines {
		w = max(w, textWidth(ln.text, ln.size))
		h += lineHeight(ln.size)
	}
	return w, h
}

// order sorts every layer by the barycenter heuristic.
func (l *layout) order() {
	pos := make([]float64, len(l.items))
	setPos := func(layer []int) {
		for p, i := range layer {
			pos[i] = float64(p)
		}
	}
	for _, layer := range l.layers {
		setPos(layer)
	}
	sweep := func(down bool) {
		start, stop, step := 1, len(l.layers), 1
		if !down {
			start, stop, step = len(l.layers)-2, -1, -1
		}
		for k := start; k != stop; k += step {
			layer := l.layers[k]
			bary := make(map[int]float64, len(layer))
			for _, i := range layer {
				nb := l.items[i].preds
				if !down {
					nb = l.items[i].succs
				}
				if len(nb) == 0 {
					bary[i] = pos[i]
					continue
				}
				s := 0.0
				for _, j := range nb {
					s += pos[j]
				}
				bary[i] = s / float64(len(nb))
			}
			sort.SliceStable(layer, func(a, b int) bool { return bary[layer[a]] < bary[layer[b]] })
			setPos(layer)
		}
	}
	best := l.copyLayers()
	bestCross := l.crossings()
	for iter := 0; iter < 6 && bestCross > 0; iter++ {
		sweep(iter%2 == 0)
		if c := l.crossings(); c < bestCross {
			best, bestCross = l.copyLayers(), c
		}
	}
	l.layers = best
	l.transpose()
}

func (l *layout) copyLayers() [][]int {
	c := make([][]int, len(l.layers))
	for k, layer := range l.layers {
		c[k] = slices.Clone(layer)
	}
	return c
}

// crossings counts the pairs of edge segments that cross.
func (l *layout) crossings() int {
	n := 0
	pos := l.positions() // once: per layer it made the count quadratic
	for k := 0; k+1 < len(l.layers); k++ {
		n += l.crossingsBetween(pos, k)
	}
	return n
}

func (l *layout) positions() []int {
	pos := make([]int, len(l.items))
	for _, layer := range l.layers {
		for p, i := range layer {
			pos[i] = p
		}
	}
	return pos
}

// crossingsBetween counts the crossings between layers k and k+1, pos
// giving every item's place in its layer.
func (l *layout) crossingsBetween(pos []int, k int) int {
	type seg struct{ a, b int }
	var segs []seg
	for _, i := range l.layers[k] {
		for _, j := range l.items[i].succs {
			segs = append(segs, seg{pos[i], pos[j]})
		}
	}
	n := 0
	for x := range segs {
		for y := x + 1; y < len(segs); y++ {
			s, t := segs[x], segs[y]
			if (s.a-t.a)*(s.b-t.b) < 0 {
				n++
			}
		}
	}
	return n
}

// pairCrossings counts the crossings of the segments of items u and v with
// their neighbours when u stands above v.
func (l *layout) pairCrossings(pos []int, u, v int) int {
	n := 0
	for _, nb := range [2]func(int) []int{
		func(i int) []int { return l.items[i].preds },
		func(i int) []int { return l.items[i].succs },
	} {
		for _, a := range nb(u) {
			for _, b := range nb(v) {
				if pos[a] > pos[b] {
					n++
				}
			}
		}
	}
	return n
}

// transpose swaps neighbours in a layer while that removes crossings.
func (l *layout) transpose() {
	for pass := 0; pass < 20; pass++ {
		improved := false
		pos := l.positions() // kept up to date by the swaps below
		for _, layer := range l.layers {
			for p := 0; p+1 < len(layer); p++ {
				u, v := layer[p], layer[p+1]
				if l.pairCrossings(pos, v, u) < l.pairCrossings(pos, u, v) {
					layer[p], layer[p+1] = v, u
					pos[u], pos[v] = p+1, p
					improved = true
				}
			}
		}
		if !improved {
			return
		}
	}
}

// pad is half the least gap between an item and its neighbour in a layer.
func (it *item) pad() float64 {
	switch it.kind {
	case itemNode:
		return 11
	case itemLabel:
		return 6
	case itemPoint:
		return 5
	}
	return 0
}

// placeY sets every item's vertical centre.
func (l *layout) placeY() {
	for _, layer := range l.layers {
		y := 0.0
		for p, i := range layer {
			it := &l.items[i]
			if p > 0 {
				prev := &l.items[layer[p-1]]
				y += prev.h/2 + prev.pad() + it.pad() + it.h/2
			}
			it.y = y
		}
	}
	var want []float64
	for iter := 0; iter < 12; iter++ {
		down, both := iter%2 == 0, iter >= 8
		for c := range l.layers {
			k := c
			if !down {
				k = len(l.layers) - 1 - c
			}
			layer := l.layers[k]
			want = want[:0]
			for _, i := range layer {
				it := &l.items[i]
				first, second := it.preds, it.succs
				if !down {
					first, second = second, first
				}
				nb := first
				if both {
					nb = append(slices.Clone(first), second...)
				} else if len(nb) == 0 {
					nb = second
				}
				if len(nb) == 0 {
					want = append(want, it.y)
					continue
				}
				s := 0.0
				for _, j := range nb {
					s += l.items[j].y
				}
				want = append(want, s/float64(len(nb)))
			}
			l.fit(layer, want)
		}
	}
	top := math.Inf(1)
	for i := range l.items {
		top = min(top, l.items[i].y-l.items[i].h/2)
	}
	for i := range l.items {
		l.items[i].y += svgMargin - top
	}
}

// fit places the items of layer as near their wanted heights as it can in
// the least-squares sense while keeping their order and gaps: with the gaps
// taken out, that is an isotonic regression, solved by pooling adjacent
// violators.
func (l *layout) fit(layer []int, want []float64) {
	off := make([]float64, len(layer)) // the least distance from the first item
	for p := 1; p < len(layer); p++ {
		a, b := &l.items[layer[p-1]], &l.items[layer[p]]
		off[p] = off[p-1] + a.h/2 + a.pad() + b.pad() + b.h/2
	}
	type block struct {
		sum   float64
		count int
	}
	var blocks []block
	for p := range layer {
		blocks = append(blocks, block{want[p] - off[p], 1})
		for len(blocks) > 1 {
			a, b := blocks[len(blocks)-2], blocks[len(blocks)-1]
			if a.sum/float64(a.count) <= b.sum/float64(b.count) {
				break
			}
			blocks = blocks[:len(blocks)-2]
			blocks = append(blocks, block{a.sum + b.sum, a.count + b.count})
		}
	}
	p := 0
	for _, bl := range blocks {
		z := bl.sum / float64(bl.count)
		for k := 0; k < bl.count; k++ {
			l.items[layer[p]].y = z + off[p]
			p++
		}
	}
}

// placePorts spreads the edges that leave or enter one side of a box in the
// order of the heights they come from or go to.
func (l *layout) placePorts() {
	outs := make(map[int][]int) // item → edges leaving it
	ins := make(map[int][]int)
	for ei, e := range l.edges {
		outs[e.chain[0]] = append(outs[e.chain[0]], ei)
		ins[e.chain[len(e.chain)-1]] = append(ins[e.chain[len(e.chain)-1]], ei)
	}
	spread := func(it int, edges []int, next func(e *layEdge) int, set func(e *layEdge, y float64)) {
		sort.SliceStable(edges, func(a, b int) bool {
			return l.items[next(&l.edges[edges[a]])].y < l.items[next(&l.edges[edges[b]])].y
		})
		box := &l.items[it]
		step := 0.0
		if k := len(edges); k > 1 {
			step = min(portStep, (box.h-8)/float64(k-1))
		}
		for p, ei := range edges {
			set(&l.edges[ei], box.y+(float64(p)-float64(len(edges)-1)/2)*step)
		}
	}
	for i := range l.items {
		if es := outs[i]; len(es) > 0 {
			spread(i, es, func(e *layEdge) int { return e.chain[1] }, func(e *layEdge, y float64) { e.portOut = y })
		}
		if es := ins[i]; len(es) > 0 {
			spread(i, es, func(e *layEdge) int { return e.chain[len(e.chain)-2] }, func(e *layEdge, y float64) { e.portIn = y })
		}
	}
}

// segY is the height of chain item k of e where the edge passes it.
func (l *layout) segY(e *layEdge, k int) float64 {
	switch k {
	case 0:
		return e.portOut
	case len(e.chain) - 1:
		return e.portIn
	}
	return l.items[e.chain[k]].y
}

// placeX sets the columns and every item's horizontal centre.
func (l *layout) placeX() {
	n := len(l.layers)
	l.colW = make([]float64, n)
	for k, layer := range l.layers {
		for _, i := range layer {
			l.colW[k] = max(l.colW[k], l.items[i].w)
		}
	}
	gaps := make([]float64, n)
	for ei := range l.edges {
		e := &l.edges[ei]
		for k := 1; k < len(e.chain); k++ {
			layer := l.items[e.chain[k-1]].layer
			rise := math.Abs(l.segY(e, k) - l.segY(e, k-1))
			gaps[layer] = max(gaps[layer], gapSlope*rise)
		}
	}
	l.colX = make([]float64, n)
	x := float64(svgMargin)
	for k := range l.layers {
		l.colX[k] = x
		x += l.colW[k] + max(minColGap, gaps[k])
		for _, i := range l.layers[k] {
			l.items[i].x = l.colX[k] + l.colW[k]/2
		}
	}
	l.width = l.colX[n-1] + svgMargin
	bottom := 0.0
	for i := range l.items {
		bottom = max(bottom, l.items[i].y+l.items[i].h/2)
	}
	l.height = bottom + svgMargin
	if l.g.ForwardFlops > 0 {
		cost := l.g.CostLine()
		l.costY = l.height + costSize
		l.height = l.costY + svgMargin
		l.width = max(l.width, textWidth(cost, costSize)+2*svgMargin)
	}
}

// route sets the points of every edge: straight through the columns,
// horizontal at the ports.
func (l *layout) route() {
	for ei := range l.edges {
		e := &l.edges[ei]
		var pts []float64
		addPt := func(x, y float64) {
			if n := len(pts); n >= 2 && pts[n-2] == x && pts[n-1] == y {
				return
			}
			pts = append(pts, x, y)
		}
		for k, i := range e.chain {
			it := &l.items[i]
			left, right := l.colX[it.layer], l.colX[it.layer]+l.colW[it.layer]
			y := l.segY(e, k)
			switch {
			case it.kind == itemEnd:
				addPt(left, y)
			case k == 0:
				addPt(it.x+it.w/2, y)
				addPt(right, y)
			case k == len(e.chain)-1:
				addPt(left, y)
				addPt(it.x-it.w/2, y)
			default:
				addPt(left, y)
				addPt(right, y)
			}
		}
		e.points = pts
	}
}
