package render

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/matcalc/matcalc/eval"
	"github.com/matcalc/matcalc/graph"
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

func TestSVG(t *testing.T) {
	for _, c := range []struct {
		name string
		g    *graph.Graph
	}{
		{"lecture", lectureGraph(t)},
		{"vector", vectorGraph(t)},
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
		if !strings.Contains(text, c.g.CostLine()) {
			t.Errorf("%s: the SVG's text lacks the operation counts %q", c.name, c.g.CostLine())
		}
		if c.name == "lecture" && !strings.Contains(text, "2 + 3 = 5") {
			t.Errorf("lecture: the SVG's text lacks the branch sum of y")
		}
	}
}
