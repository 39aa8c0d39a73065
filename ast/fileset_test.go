package ast_test

import (
	"testing"

	"github.com/matcalc/matcalc/ast"
)

func TestFileSet(t *testing.T) {
	s := ast.NewFileSet()
	formula := s.AddFile("formula", "uᵀf(Wx+b)")
	let1 := s.AddFile("--let", "W: matrix(n,m)")
	file := s.AddFile("model.mc", "x: vector(m)\nz = Wx + b\n")
	if formula.Base() != 0 {
		t.Errorf("the first file has base %d, want 0", formula.Base())
	}
	for _, c := range []struct {
		pos       ast.Pos
		name      string
		line, col int
	}{
		{0, "formula", 1, 1},
		{formula.Base() + 4, "formula", 1, 3}, // uᵀ is four bytes, two runes
		{let1.Base() + 3, "--let", 1, 4},
		{file.Base() + 13, "model.mc", 2, 1},
		{file.Base() + 18, "model.mc", 2, 6},
	} {
		name, line, col := s.Position(c.pos)
		if name != c.name || line != c.line || col != c.col {
			t.Errorf("Position(%d) = %s:%d:%d, want %s:%d:%d", c.pos, name, line, col, c.name, c.line, c.col)
		}
	}
	f, err := s.Localize(ast.Errorf(let1.Base()+11, "bad"))
	if f != let1 || err.(*ast.Error).Pos != 11 {
		t.Errorf("Localize: %v %v, want the --let at offset 11", f, err)
	}
	if f, _ := s.Localize(ast.Errorf(1000, "far")); f != nil {
		t.Errorf("Localize of a position past every file: %s", f.Name())
	}
}
