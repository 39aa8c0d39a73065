package parser

import (
	"github.com/matcalc/matcalc/ast"
)

// The limits of the notation. Every later stage (shape inference, derive,
// simplify, render, eval) walks the tree recursively, so the parser refuses
// a tree deeper than MaxTreeDepth — brackets, signs and operator chains
// alike: x+x+…+x with n terms is n deep — and a source longer than
// MaxSourceBytes, before the tree is built.
const (
	// MaxSourceBytes bounds a formula, a --let and a formula file.
	MaxSourceBytes = 1 << 20
	// MaxTreeDepth bounds the depth of a parsed tree (see Depth).
	MaxTreeDepth = 5000
	// MaxNodes bounds the number of nodes of a parsed tree.
	MaxNodes = 100000
)

// Depth returns the depth of e (a leaf is 1) and its number of nodes,
// without recursion, so that it is safe on any tree.
func Depth(e ast.Expr) (depth, nodes int) {
	type item struct {
		e ast.Expr
		d int
	}
	stack := []item{{e, 1}}
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		nodes++
		if it.d > depth {
			depth = it.d
		}
		for _, c := range ast.Children(it.e) {
			stack = append(stack, item{c, it.d + 1})
		}
	}
	return depth, nodes
}

// CheckTree returns an error at e's position when e is deeper than
// MaxTreeDepth or has more than MaxNodes nodes. ParseExpr and ParseFile
// call it; a caller that builds a tree from parsed pieces (inlining a
// file's definitions) calls it on the result.
func CheckTree(e ast.Expr) error {
	d, n := Depth(e)
	switch {
	case d > MaxTreeDepth:
		return ast.Errorf(e.Pos(), "formula nested too deeply: depth %d, the limit is %d (an operator chain a+b+…+z of n terms is n deep)", d, MaxTreeDepth)
	case n > MaxNodes:
		return ast.Errorf(e.Pos(), "formula too large: %d nodes, the limit is %d", n, MaxNodes)
	}
	return nil
}

// checkSource refuses a source longer than MaxSourceBytes.
func checkSource(src string) error {
	if len(src) > MaxSourceBytes {
		return ast.Errorf(0, "input too large: %d bytes, the limit is %d", len(src), MaxSourceBytes)
	}
	return nil
}
