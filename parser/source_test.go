package parser

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/matcalc/matcalc/ast"
)

func TestParseFileLineEnds(t *testing.T) {
	base := []string{"x: vector(n)", "s = xᵀx", "derive s wrt x"}
	for name, src := range map[string]string{
		"LF":     strings.Join(base, "\n"),
		"CRLF":   strings.Join(base, "\r\n") + "\r\n",
		"CR":     strings.Join(base, "\r") + "\r",
		"BOM":    "\uFEFF" + strings.Join(base, "\n"),
		"BOM+CR": "\uFEFF" + strings.Join(base, "\r"),
	} {
		f, err := ParseFile(src)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if len(f.Decls) != 1 || len(f.Defs) != 1 || len(f.Requests) != 1 || ast.String(f.Defs[0].Expr) != "xᵀx" {
			t.Errorf("%s: got %d decls, %d defs, %d requests", name, len(f.Decls), len(f.Defs), len(f.Requests))
		}
	}
}

func TestParseFileCRErrorLine(t *testing.T) {
	src := "s = x\r t = +\r"
	_, err := ParseFile(src)
	var l ast.ErrorList
	if !errors.As(err, &l) || len(l) != 1 {
		t.Fatalf("got %v", err)
	}
	if line, _ := ast.Position(NormalizeSource(src), l[0].Pos); line != 2 {
		t.Errorf("error on line %d, want 2: %v", line, err)
	}
}

func TestParseFileBinary(t *testing.T) {
	for _, src := range []string{
		"s = x\n\x00\x00\x00\x01\x02\n" + strings.Repeat("\x00", 1000),
		"s = x\nt = \xff\xfe y\n" + strings.Repeat("\xff\n", 1000),
	} {
		_, err := ParseFile(src)
		var l ast.ErrorList
		var e *ast.Error
		switch {
		case errors.As(err, &l):
			t.Fatalf("a list of %d errors for a binary file, want one: %v", len(l), err)
		case !errors.As(err, &e):
			t.Fatalf("got %v, want an *ast.Error", err)
		}
		if line, _ := ast.Position(src, e.Pos); line != 2 || !strings.Contains(e.Msg, "not a formula file") {
			t.Errorf("line %d: %v", line, e)
		}
	}
}

func TestParseFileErrorCap(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 500; i++ {
		fmt.Fprintf(&b, "a%d = ) ) ; b%d = ( ; what\n", i, i)
	}
	_, err := ParseFile(b.String())
	var l ast.ErrorList
	if !errors.As(err, &l) {
		t.Fatalf("got %v", err)
	}
	if len(l) != MaxFileErrors+1 || !strings.Contains(l[len(l)-1].Msg, "more errors not shown") {
		t.Fatalf("%d errors, want %d and a last one counting the rest: %v", len(l), MaxFileErrors+1, l[len(l)-1])
	}
	seen := map[int]bool{}
	for _, e := range l[:MaxFileErrors] {
		line, _ := ast.Position(b.String(), e.Pos)
		if seen[line] {
			t.Errorf("two errors on line %d", line)
		}
		seen[line] = true
	}
}

func TestParseFileManyDefinitions(t *testing.T) {
	// 20 000 definitions, each using the one before: the configuration
	// grows by one name per definition instead of being rebuilt.
	var b strings.Builder
	b.WriteString("x: scalar\nz0 = x\n")
	for i := 1; i < 20000; i++ {
		fmt.Fprintf(&b, "z%d = z%d + x\n", i, i-1)
	}
	f, err := ParseFile(b.String())
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Defs) != 20000 {
		t.Fatalf("%d definitions", len(f.Defs))
	}
}

func TestParseLimits(t *testing.T) {
	for _, src := range []string{
		strings.Repeat("x+", 40000) + "y",
		strings.Repeat("x*", 40000) + "y",
		"x" + strings.Repeat("'", 100000),
		strings.Repeat("x", 100000),
		strings.Repeat("x.*", 100000) + "x",
		strings.Repeat("-", 5000) + "x",
		strings.Repeat("(", 5000) + "x" + strings.Repeat(")", 5000),
		strings.Repeat("x", MaxSourceBytes+1),
	} {
		_, err := ParseExpr(src)
		if err == nil || !strings.Contains(err.Error(), "limit") && !strings.Contains(err.Error(), "nested too deeply") {
			t.Errorf("%.20q…: got %v, want an error at a limit", src, err)
		}
	}
	x, err := ParseExpr(strings.Repeat("x+", MaxTreeDepth-1) + "x")
	if err != nil {
		t.Fatalf("a chain within the limit: %v", err)
	}
	if d, _ := Depth(x); d != MaxTreeDepth {
		t.Errorf("depth %d, want %d", d, MaxTreeDepth)
	}
}
