package render

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/eval"
	"github.com/matcalc/matcalc/graph"
	"github.com/matcalc/matcalc/parser"
)

// svgText checks that data is well-formed XML with an <svg> root and
// returns its character data.
func svgText(t *testing.T, data []byte) string {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(data))
	var text strings.Builder
	root := ""
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("the SVG is not well-formed XML: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if root == "" {
				root = tok.Name.Local
			}
		case xml.CharData:
			text.Write(tok)
			text.WriteString("\n")
		}
	}
	if root != "svg" {
		t.Fatalf("root element %q, want svg", root)
	}
	return text.String()
}

// An svgElem is an element of the SVG with its attributes, its own
// character data and the class of the group it stands in.
type svgElem struct {
	name   string
	attrs  map[string]string
	text   string
	parent string // class of the nearest enclosing element that has one
}

// svgElems decodes data with encoding/xml into a flat list of elements.
func svgElems(t *testing.T, data []byte) []*svgElem {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(data))
	var all, stack []*svgElem
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("the SVG is not well-formed XML: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			e := &svgElem{name: tok.Name.Local, attrs: map[string]string{}}
			for _, a := range tok.Attr {
				e.attrs[a.Name.Local] = a.Value
			}
			for k := len(stack) - 1; k >= 0; k-- {
				if c := stack[k].attrs["class"]; c != "" {
					e.parent = c
					break
				}
			}
			all = append(all, e)
			stack = append(stack, e)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text += string(tok)
			}
		}
	}
	if len(all) == 0 || all[0].name != "svg" {
		t.Fatalf("no <svg> root")
	}
	return all
}

func (e *svgElem) num(t *testing.T, attr string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(e.attrs[attr], 64)
	if err != nil {
		t.Fatalf("<%s %s=%q>: %v", e.name, attr, e.attrs[attr], err)
	}
	return v
}

type box struct{ x0, y0, x1, y1 float64 }

func (a box) overlaps(b box) bool {
	const eps = 0.05
	return a.x0 < b.x1-eps && b.x0 < a.x1-eps && a.y0 < b.y1-eps && b.y0 < a.y1-eps
}

func (a box) contains(x, y float64) bool {
	const eps = 0.05
	return x >= a.x0-eps && x <= a.x1+eps && y >= a.y0-eps && y <= a.y1+eps
}

func (a box) String() string { return fmt.Sprintf("[%g,%g]×[%g,%g]", a.x0, a.x1, a.y0, a.y1) }

// pathPoints returns all coordinates of an SVG path made of M, L and C.
func pathPoints(t *testing.T, d string) [][2]float64 {
	t.Helper()
	var nums []float64
	for _, f := range strings.Fields(d) {
		f = strings.TrimLeft(f, "MLC")
		v, err := strconv.ParseFloat(f, 64)
		if err != nil {
			t.Fatalf("path %q: %v", d, err)
		}
		nums = append(nums, v)
	}
	if len(nums) < 4 || len(nums)%2 != 0 {
		t.Fatalf("path %q: want at least two points", d)
	}
	var pts [][2]float64
	for k := 0; k < len(nums); k += 2 {
		pts = append(pts, [2]float64{nums[k], nums[k+1]})
	}
	return pts
}

// pathSamples returns points along an SVG path made of M, L and C, 16 per
// segment.
func pathSamples(t *testing.T, d string) [][2]float64 {
	t.Helper()
	var out [][2]float64
	var cur [2]float64
	fields := strings.Fields(d)
	arg := func(k int) [2]float64 {
		var p [2]float64
		for j := range 2 {
			v, err := strconv.ParseFloat(strings.TrimLeft(fields[k+j], "MLC"), 64)
			if err != nil {
				t.Fatalf("path %q: %v", d, err)
			}
			p[j] = v
		}
		return p
	}
	for k := 0; k < len(fields); {
		switch fields[k][0] {
		case 'M':
			cur = arg(k)
			out = append(out, cur)
			k += 2
		case 'L':
			p := arg(k)
			for s := 1; s <= 16; s++ {
				u := float64(s) / 16
				out = append(out, [2]float64{cur[0] + u*(p[0]-cur[0]), cur[1] + u*(p[1]-cur[1])})
			}
			cur = p
			k += 2
		case 'C':
			c1, c2, p := arg(k), arg(k+2), arg(k+4)
			for s := 1; s <= 16; s++ {
				u := float64(s) / 16
				v := 1 - u
				var q [2]float64
				for j := range 2 {
					q[j] = v*v*v*cur[j] + 3*v*v*u*c1[j] + 3*v*u*u*c2[j] + u*u*u*p[j]
				}
				out = append(out, q)
			}
			cur = p
			k += 6
		default:
			t.Fatalf("path %q: unexpected %q", d, fields[k])
		}
	}
	return out
}

// checkSVG checks the picture of g: well-formed XML, every node's name,
// value and gradient as the text of an element, one box per node with no
// two overlapping, one path with an arrowhead per edge of DOT(g), from the
// source's right side to the target's left side and through no box, edge
// labels that overlap no box and no other label, and everything inside the
// viewBox.
func checkSVG(t *testing.T, name string, g *graph.Graph, data []byte) {
	t.Helper()
	elems := svgElems(t, data)
	root := elems[0]
	view := strings.Fields(root.attrs["viewBox"])
	if len(view) != 4 || view[0] != "0" || view[1] != "0" || view[2] != root.attrs["width"] || view[3] != root.attrs["height"] {
		t.Fatalf("%s: viewBox %q, width %q, height %q", name, root.attrs["viewBox"], root.attrs["width"], root.attrs["height"])
	}
	frame := box{0, 0, root.num(t, "width"), root.num(t, "height")}

	texts := map[string]bool{}
	boxes := map[string]box{}
	var boxIDs []string
	var labels []box
	var edges []*svgElem
	arrow := false
	for _, e := range elems {
		switch {
		case e.name == "text":
			texts[e.text] = true
			if e.parent == "edge-label" {
				x, y := e.num(t, "x"), e.num(t, "y")
				w := textWidth(e.text, textSize)
				labels = append(labels, box{x - w/2, y - 0.8*textSize, x + w/2, y + 0.25*textSize})
				if !frame.contains(x-w/2, y-textSize) || !frame.contains(x+w/2, y+0.25*textSize) {
					t.Errorf("%s: edge label %q at (%g, %g) leaves the viewBox %v", name, e.text, x, y, frame)
				}
			}
		case e.name == "rect" && e.attrs["class"] == "node":
			b := box{e.num(t, "x"), e.num(t, "y"), 0, 0}
			b.x1, b.y1 = b.x0+e.num(t, "width"), b.y0+e.num(t, "height")
			id := e.parent
			for _, p := range elems { // the enclosing <g class="node" id="nK">
				if p.name == "g" && p.attrs["class"] == "node" {
					id = p.attrs["id"]
				}
				if p == e {
					break
				}
			}
			if _, dup := boxes[id]; dup {
				t.Errorf("%s: two boxes for %s", name, id)
			}
			boxes[id] = b
			boxIDs = append(boxIDs, id)
			if !frame.contains(b.x0, b.y0) || !frame.contains(b.x1, b.y1) {
				t.Errorf("%s: box %s %v leaves the viewBox %v", name, id, b, frame)
			}
		case e.name == "path" && e.attrs["class"] == "edge":
			edges = append(edges, e)
		case e.name == "marker" && e.attrs["id"] == "arrow":
			arrow = true
		}
	}
	if !arrow {
		t.Errorf("%s: no arrowhead marker", name)
	}

	// The text.
	for _, n := range g.Nodes {
		want := []string{n.Label()}
		if n.Value != nil {
			want = append(want, eval.Compact(n.Value))
		}
		if n.Grad != nil {
			want = append(want, n.GradText())
		}
		for _, s := range want {
			if !texts[s] {
				t.Errorf("%s: no text element reads %q (node %s)", name, s, n.Name)
			}
		}
	}
	if g.ForwardFlops > 0 && !texts[g.CostLine()] {
		t.Errorf("%s: no text element reads %q", name, g.CostLine())
	}

	// The boxes.
	if len(boxes) != len(g.Nodes) {
		t.Errorf("%s: %d boxes for %d nodes", name, len(boxes), len(g.Nodes))
	}
	for i, a := range boxIDs {
		for _, b := range boxIDs[i+1:] {
			if boxes[a].overlaps(boxes[b]) {
				t.Errorf("%s: boxes %s %v and %s %v overlap", name, a, boxes[a], b, boxes[b])
			}
		}
		for _, lb := range labels {
			if boxes[a].overlaps(lb) {
				t.Errorf("%s: box %s %v and an edge label %v overlap", name, a, boxes[a], lb)
			}
		}
	}
	for i, a := range labels {
		for _, b := range labels[i+1:] {
			if a.overlaps(b) {
				t.Errorf("%s: edge labels %v and %v overlap", name, a, b)
			}
		}
	}

	// The edges, in the order of DOT(g).
	type edge struct{ from, to string }
	var want []edge
	for _, n := range g.Nodes {
		for _, in := range n.Inputs {
			want = append(want, edge{fmt.Sprintf("n%d", in), fmt.Sprintf("n%d", n.ID)})
		}
	}
	want = append(want, edge{fmt.Sprintf("n%d", g.Output), "out"})
	if len(edges) != len(want) {
		t.Fatalf("%s: %d paths, want one per edge, %d", name, len(edges), len(want))
	}
	for k, e := range edges {
		got := edge{e.attrs["data-from"], e.attrs["data-to"]}
		if got != want[k] {
			t.Errorf("%s: path %d goes %v, want %v", name, k, got, want[k])
		}
		if e.attrs["marker-end"] != "url(#arrow)" {
			t.Errorf("%s: path %d has no arrowhead", name, k)
		}
		pts := pathPoints(t, e.attrs["d"])
		for _, p := range pts {
			if !frame.contains(p[0], p[1]) {
				t.Errorf("%s: path %d leaves the viewBox at %v", name, k, p)
			}
		}
		for _, p := range pathSamples(t, e.attrs["d"]) {
			for _, id := range boxIDs {
				b := boxes[id]
				if (box{b.x0 + 0.5, b.y0 + 0.5, b.x1 - 0.5, b.y1 - 0.5}).contains(p[0], p[1]) {
					t.Errorf("%s: path %d (%s → %s) runs through box %s at %v", name, k, got.from, got.to, id, p)
					break
				}
			}
		}
		start, end := pts[0], pts[len(pts)-1]
		src := boxes[got.from]
		if !(abs(start[0]-src.x1) < 0.15 && start[1] > src.y0 && start[1] < src.y1) {
			t.Errorf("%s: path %d starts at %v, not on the right side of %s %v", name, k, start, got.from, src)
		}
		if got.to == "out" {
			if end[0] <= src.x1+minColGap || end[1] <= src.y0 || end[1] >= src.y1 {
				t.Errorf("%s: the output's edge ends at %v, not right of the output %v", name, end, src)
			}
			continue
		}
		dst := boxes[got.to]
		if !(abs(end[0]-dst.x0) < 0.15 && end[1] > dst.y0 && end[1] < dst.y1) {
			t.Errorf("%s: path %d ends at %v, not on the left side of %s %v", name, k, end, got.to, dst)
		}
		if end[0] <= start[0] {
			t.Errorf("%s: path %d runs right to left", name, k)
		}
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// parsedGraph builds the graph of src and runs both passes at the scalar
// values kv.
func parsedGraph(t testing.TB, src string, kv map[string]float64) *graph.Graph {
	t.Helper()
	e, err := parser.ParseExpr(src)
	if err != nil {
		t.Fatal(err)
	}
	return passes(t, e, scalarEnv(kv))
}

func TestSVG(t *testing.T) {
	xyz := map[string]float64{"x": 1, "y": 2, "z": 0.5, "w": -1.5}
	for _, c := range []struct {
		name string
		g    *graph.Graph
	}{
		{"lecture", lectureGraph(t)},
		{"vector", vectorGraph(t)},
		{"cube", parsedGraph(t, "x^3", map[string]float64{"x": 4})},
		{"square", parsedGraph(t, "x*x", xyz)},
		{"leaf", parsedGraph(t, "x", xyz)},
		{"mixed", parsedGraph(t, "x^3 + x*y + max(x, y)*z/(x+1) + exp(-y)", xyz)},
		{"shared", parsedGraph(t, "tanh(x*y + z) * tanh(x*y + z) + (x*y) * w - tanh(x*y + z)", xyz)},
	} {
		data, err := SVG(c.g)
		if err != nil {
			t.Fatal(err)
		}
		text := svgText(t, data)
		for _, n := range c.g.Nodes {
			if v := eval.Compact(n.Value); !strings.Contains(text, v) {
				t.Errorf("%s: the SVG's text lacks the value %s of %s", c.name, v, n.Name)
			}
		}
		if c.g.ForwardFlops > 0 && !strings.Contains(text, c.g.CostLine()) {
			t.Errorf("%s: the SVG's text lacks the operation counts %q", c.name, c.g.CostLine())
		}
		if c.name == "lecture" && !strings.Contains(text, "2 + 3 = 5") {
			t.Errorf("lecture: the SVG's text lacks the branch sum of y")
		}
		checkSVG(t, c.name, c.g, data)
		again, err := SVG(c.g)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(data, again) {
			t.Errorf("%s: two renderings differ", c.name)
		}
	}
}

// TestSVGLecture pins the lecture's picture: the golden file, the same
// bytes from a graph built anew, the edge labels' text in DOT's colours,
// Unicode as it is, and no crossing.
func TestSVGLecture(t *testing.T) {
	data, err := SVG(lectureGraph(t))
	if err != nil {
		t.Fatal(err)
	}
	again, err := SVG(lectureGraph(t))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, again) {
		t.Error("two graphs of the same formula render differently")
	}
	// The edge y → b carries y's value 2 (green) and the gradient 3 (red)
	// that max routes to y.
	var lab []string
	for _, e := range svgElems(t, data) {
		if e.name == "text" && e.parent == "edge-label" {
			lab = append(lab, e.attrs["fill"]+" "+e.text)
		}
	}
	wantLab := []string{
		ValueColor + " 1", GradColor + " 2", // x → a
		ValueColor + " 2", GradColor + " 2", // y → a
		ValueColor + " 2", GradColor + " 3", // y → b
		ValueColor + " 0", GradColor + " 0", // z → b
		ValueColor + " 3", GradColor + " 2", // a → f
		ValueColor + " 2", GradColor + " 3", // b → f
		ValueColor + " 6", GradColor + " 1", // f → the end
	}
	if strings.Join(lab, "|") != strings.Join(wantLab, "|") {
		t.Errorf("edge labels\n%q, want\n%q", lab, wantLab)
	}
	if l := newLayout(lectureGraph(t)); l.crossings() != 0 {
		t.Errorf("%d crossings, want none", l.crossings())
	}
	goldenSVG(t, "lecture.svg", data)

	// Unicode stays as it is: uᵀσ(Wx+b) shows a = uᵀ and e = σ(d).
	v, err := SVG(vectorGraph(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{">a = uᵀ<", ">e = σ(d)<"} {
		if !bytes.Contains(v, []byte(s)) {
			t.Errorf("the vector graph's SVG lacks %s", s)
		}
	}
}

func goldenSVG(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "svg", name)
	if updatingDOT() {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run SVG ./render -update)", err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("%s differs from the golden file (go test -run SVG ./render -update rewrites it):\n%s", name, got)
	}
}

func TestSVGBeforeForward(t *testing.T) {
	g, err := graph.Build(ast.Bin(ast.Mul, ast.Bin(ast.Add, ast.Var("x"), ast.Var("y")), ast.Var("x")), nil)
	if err != nil {
		t.Fatal(err)
	}
	data, err := SVG(g)
	if err != nil {
		t.Fatal(err)
	}
	checkSVG(t, "before Forward", g, data)
	if bytes.Contains(data, []byte(`class="edge-label"`)) {
		t.Error("edge labels before Forward")
	}
}

// TestSVGRandom draws random formulas over x, y, z, w with shared
// subexpressions and checks every picture.
func TestSVGRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	leaves := []string{"x", "y", "z", "w", "2", "x*y", "tanh(z)"}
	var gen func(depth int) string
	gen = func(depth int) string {
		if depth == 0 || rng.IntN(4) == 0 {
			return leaves[rng.IntN(len(leaves))]
		}
		a, b := gen(depth-1), gen(depth-1)
		switch rng.IntN(6) {
		case 0:
			return "(" + a + " + " + b + ")"
		case 1:
			return "(" + a + " - " + b + ")"
		case 2:
			return "(" + a + ")*(" + b + ")"
		case 3:
			return "max(" + a + ", " + b + ")"
		case 4:
			return "tanh(" + a + ")"
		default:
			return "sin(" + a + " + " + b + ")"
		}
	}
	vals := map[string]float64{"x": 0.5, "y": -1.25, "z": 2, "w": 0.75}
	n := 40
	if testing.Short() {
		n = 10
	}
	for i := 0; i < n; i++ {
		src := gen(2 + i%5)
		g := parsedGraph(t, src, vals)
		data, err := SVG(g)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		checkSVG(t, src, g, data)
	}
}

func TestXMLEscape(t *testing.T) {
	in := "a<b & \"c\" 'd' > ∂f/∂xᵀ x₁ \x01 \xff"
	doc := `<t a="` + xmlEscape(in) + `">` + xmlEscape(in) + `</t>`
	var v struct {
		A    string `xml:"a,attr"`
		Text string `xml:",chardata"`
	}
	if err := xml.Unmarshal([]byte(doc), &v); err != nil {
		t.Fatalf("%s: %v", doc, err)
	}
	want := "a<b & \"c\" 'd' > ∂f/∂xᵀ x₁ \uFFFD \uFFFD"
	if v.A != want || v.Text != want {
		t.Errorf("attribute %q, text %q, want %q", v.A, v.Text, want)
	}
	if !strings.Contains(doc, "∂f/∂xᵀ x₁") {
		t.Errorf("Unicode escaped: %s", doc)
	}
}

func TestTextWidth(t *testing.T) {
	for _, c := range []struct {
		a, b string // a is wider than b
	}{
		{"WWW", "iii"},
		{"∂f/∂x", "f/x"},
		{"x₁₂", "x"},
		{"漢字", "ab"},
	} {
		if textWidth(c.a, 12) <= textWidth(c.b, 12) {
			t.Errorf("%q is estimated no wider than %q", c.a, c.b)
		}
	}
	if textWidth("e\u0301", 10) != textWidth("e", 10) {
		t.Error("a combining accent takes room")
	}
}
