package render

import (
	"bytes"
	"context"
	"fmt"

	"github.com/goccy/go-graphviz"

	"github.com/matcalc/matcalc/graph"
)

// SVG renders DOT(g) as an SVG document with Graphviz's dot layout. Graphviz
// is embedded (github.com/goccy/go-graphviz runs it as WebAssembly), so the
// user installs nothing.
func SVG(g *graph.Graph) ([]byte, error) {
	return renderDOT(DOT(g), graphviz.SVG)
}

func renderDOT(src string, format graphviz.Format) (out []byte, err error) {
	ctx := context.Background()
	gv, err := graphviz.New(ctx)
	if err != nil {
		return nil, fmt.Errorf("render: starting Graphviz: %w", err)
	}
	defer func() {
		if cerr := gv.Close(); err == nil && cerr != nil {
			err = cerr
		}
	}()
	parsed, err := graphviz.ParseBytes([]byte(src))
	if err != nil {
		return nil, fmt.Errorf("render: Graphviz cannot read the graph: %w", err)
	}
	defer func() {
		if cerr := parsed.Close(); err == nil && cerr != nil {
			err = cerr
		}
	}()
	var buf bytes.Buffer
	if err := gv.Render(ctx, parsed, format, &buf); err != nil {
		return nil, fmt.Errorf("render: Graphviz: %w", err)
	}
	return buf.Bytes(), nil
}
