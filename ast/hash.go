package ast

import (
	"fmt"
	"hash/maphash"
	"math"
)

// A Hasher computes structural hashes of expressions, remembering the hash
// of every node it has seen, so that hashing a tree that shares subtrees
// with trees hashed before costs only its new nodes. Equal trees have equal
// hashes (Equal(a, b) implies Hash(a) == Hash(b)), so comparing hashes first
// turns a search for an equal tree among n trees from n calls of Equal into
// one, on deeply nested trees where each Equal would walk a long way.
type Hasher struct {
	seed maphash.Seed
	memo map[Expr]uint64
}

// NewHasher returns an empty Hasher.
func NewHasher() *Hasher {
	return &Hasher{seed: maphash.MakeSeed(), memo: map[Expr]uint64{}}
}

// Hash returns the structural hash of e. Positions, the size of an
// identity and the shape of a vector of ones are left out, as Equal ignores
// them where they are unknown.
func (h *Hasher) Hash(e Expr) uint64 {
	if v, ok := h.memo[e]; ok {
		return v
	}
	var m maphash.Hash
	m.SetSeed(h.seed)
	switch e := e.(type) {
	case *Ident:
		m.WriteString("id:")
		m.WriteString(e.Name)
	case *Number:
		v := e.Value
		switch {
		case v == 0:
			v = 0 // -0 == 0
		case math.IsNaN(v):
			v = math.NaN()
		}
		fmt.Fprintf(&m, "n:%x", math.Float64bits(v))
	case *Identity:
		m.WriteString("I")
	case *Ones:
		m.WriteString("1")
	case *Unary:
		fmt.Fprintf(&m, "u%d", e.Op)
	case *Binary:
		fmt.Fprintf(&m, "b%d", e.Op)
	case *Transpose:
		m.WriteString("T")
	case *Call:
		fmt.Fprintf(&m, "c:%s:%d", e.Fun, e.Primes)
	case *Indicator:
		fmt.Fprintf(&m, "i%d", e.Op)
	default:
		panic(fmt.Sprintf("ast: unknown node %T", e))
	}
	for _, c := range Children(e) {
		v := h.Hash(c)
		var b [8]byte
		for i := range b {
			b[i] = byte(v >> (8 * i))
		}
		m.Write(b[:])
	}
	v := m.Sum64()
	h.memo[e] = v
	return v
}
