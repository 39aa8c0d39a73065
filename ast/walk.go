package ast

import (
	"fmt"
	"math"
)

// Children returns the direct subexpressions of e in source order. It panics
// on a node type it does not know, so that a new kind of node cannot be
// skipped silently.
func Children(e Expr) []Expr {
	switch e := e.(type) {
	case *Ident, *Number, *Identity, *Ones:
		return nil
	case *Unary:
		return []Expr{e.X}
	case *Binary:
		return []Expr{e.X, e.Y}
	case *Transpose:
		return []Expr{e.X}
	case *Call:
		return e.Args
	case *Indicator:
		return []Expr{e.X, e.Y}
	}
	panic(fmt.Sprintf("ast: unknown node %T", e))
}

// Inspect traverses e depth-first, parents before children. If f returns
// false, the children of that node are skipped.
func Inspect(e Expr, f func(Expr) bool) {
	if !f(e) {
		return
	}
	for _, c := range Children(e) {
		Inspect(c, f)
	}
}

// WithChildren returns a copy of e whose direct subexpressions are kids (in
// the order of Children). Positions are kept.
func WithChildren(e Expr, kids []Expr) Expr {
	switch e := e.(type) {
	case *Ident, *Number, *Identity, *Ones:
		return e
	case *Unary:
		c := *e
		c.X = kids[0]
		return &c
	case *Binary:
		c := *e
		c.X, c.Y = kids[0], kids[1]
		return &c
	case *Transpose:
		c := *e
		c.X = kids[0]
		return &c
	case *Call:
		c := *e
		c.Args = append([]Expr(nil), kids...)
		return &c
	case *Indicator:
		c := *e
		c.X, c.Y = kids[0], kids[1]
		return &c
	}
	panic(fmt.Sprintf("ast: unknown node %T", e))
}

// Rewrite applies f bottom-up: children first, then f on the node rebuilt
// from the rewritten children.
func Rewrite(e Expr, f func(Expr) Expr) Expr {
	kids := Children(e)
	if len(kids) > 0 {
		nk := make([]Expr, len(kids))
		changed := false
		for i, k := range kids {
			nk[i] = Rewrite(k, f)
			changed = changed || nk[i] != k
		}
		if changed {
			e = WithChildren(e, nk)
		}
	}
	return f(e)
}

// Equal reports whether a and b are the same tree, ignoring positions.
// The sizes of I and 𝟙 are compared only where both are known: they are
// annotations, not part of what is written.
func Equal(a, b Expr) bool {
	if a == b {
		return true
	}
	switch a := a.(type) {
	case *Ident:
		b, ok := b.(*Ident)
		return ok && a.Name == b.Name
	case *Number:
		b, ok := b.(*Number)
		return ok && (a.Value == b.Value || math.IsNaN(a.Value) && math.IsNaN(b.Value))
	case *Identity:
		b, ok := b.(*Identity)
		return ok && (!a.N.Known() || !b.N.Known() || a.N == b.N)
	case *Ones:
		b, ok := b.(*Ones)
		return ok && sameShape(a.Shape, b.Shape)
	case *Unary:
		b, ok := b.(*Unary)
		return ok && a.Op == b.Op && Equal(a.X, b.X)
	case *Binary:
		b, ok := b.(*Binary)
		return ok && a.Op == b.Op && Equal(a.X, b.X) && Equal(a.Y, b.Y)
	case *Transpose:
		b, ok := b.(*Transpose)
		return ok && Equal(a.X, b.X)
	case *Call:
		b, ok := b.(*Call)
		if !ok || a.Fun != b.Fun || a.Primes != b.Primes || len(a.Args) != len(b.Args) {
			return false
		}
		for i := range a.Args {
			if !Equal(a.Args[i], b.Args[i]) {
				return false
			}
		}
		return true
	case *Indicator:
		b, ok := b.(*Indicator)
		return ok && a.Op == b.Op && Equal(a.X, b.X) && Equal(a.Y, b.Y)
	}
	panic(fmt.Sprintf("ast: unknown node %T", a))
}

// Vars lists the names of the variables of e in order of first appearance.
func Vars(e Expr) []string {
	var names []string
	seen := map[string]bool{}
	Inspect(e, func(n Expr) bool {
		if id, ok := n.(*Ident); ok && !seen[id.Name] {
			seen[id.Name] = true
			names = append(names, id.Name)
		}
		return true
	})
	return names
}
