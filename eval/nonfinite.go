package eval

// Finding where a NaN or an infinity first appears, and why.

import (
	"fmt"
	"math"
	"strconv"

	"github.com/matcalc/matcalc/ast"
	"gonum.org/v1/gonum/mat"
)

// A NonFinite says where a value that is NaN or ±Inf first appeared: the
// sub-expression whose value is not finite while every input of it is, and
// the reason read from the operation and those inputs.
type NonFinite struct {
	Expr   ast.Expr // the sub-expression
	Value  float64  // its first entry that is not finite
	Reason string   // "log of a negative number", "division by zero", …
}

func (n *NonFinite) Error() string {
	s := fmt.Sprintf("%s is %s", ast.String(n.Expr), strconv.FormatFloat(n.Value, 'g', -1, 64))
	if n.Reason != "" {
		s += ": " + n.Reason
	}
	return s
}

// IsFinite reports whether every entry of v is finite.
func IsFinite(v *mat.Dense) bool {
	_, ok := firstNonFinite(v)
	return ok
}

func firstNonFinite(v *mat.Dense) (float64, bool) {
	r, c := v.Dims()
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			if x := v.At(i, j); math.IsNaN(x) || math.IsInf(x, 0) {
				return x, false
			}
		}
	}
	return 0, true
}

// FindNonFinite evaluates e and returns nil when its value is finite, else
// where the first NaN or ±Inf appeared (see NonFinite). It walks the tree
// in post-order without recursion, so the first node found is one whose
// inputs are all finite.
func FindNonFinite(e ast.Expr, env *Env, want ast.Shape) (*NonFinite, error) {
	all, err := EvalAllAs(e, env, want)
	if err != nil {
		return nil, err
	}
	if all[e] == nil || IsFinite(all[e]) {
		return nil, nil
	}
	type item struct {
		e    ast.Expr
		done bool
	}
	seen := map[ast.Expr]bool{}
	stack := []item{{e, false}}
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if !it.done {
			if seen[it.e] {
				continue
			}
			seen[it.e] = true
			stack = append(stack, item{it.e, true})
			kids := ast.Children(it.e)
			for i := len(kids) - 1; i >= 0; i-- {
				stack = append(stack, item{kids[i], false})
			}
			continue
		}
		v := all[it.e]
		if v == nil {
			continue
		}
		x, ok := firstNonFinite(v)
		if ok {
			continue
		}
		inputsFinite := true
		var ins []*mat.Dense
		for _, k := range ast.Children(it.e) {
			kv := all[k]
			if kv != nil && !IsFinite(kv) {
				inputsFinite = false
				break
			}
			ins = append(ins, kv)
		}
		if inputsFinite {
			return &NonFinite{Expr: it.e, Value: x, Reason: nonFiniteReason(it.e, ins, env)}, nil
		}
	}
	x, _ := firstNonFinite(all[e])
	return &NonFinite{Expr: e, Value: x}, nil
}

// nonFiniteReason says why the node e gave a value that is not finite
// from finite inputs ins (nil where unknown). This is the one per-operation
// table of the mechanism; the rest is generic.
func nonFiniteReason(e ast.Expr, ins []*mat.Dense, env *Env) string {
	in := func(i int) *mat.Dense {
		if i < len(ins) {
			return ins[i]
		}
		return nil
	}
	switch e := e.(type) {
	case *ast.Ident:
		return "the value given for " + e.Name + " is not finite"
	case *ast.Number:
		return "the number is too large"
	case *ast.Binary:
		switch e.Op {
		case ast.Div, ast.ElemDiv:
			if anyEntry(in(1), func(x float64) bool { return x == 0 }) {
				if anyEntry(in(0), func(x float64) bool { return x == 0 }) {
					return "division of zero by zero"
				}
				return "division by zero"
			}
		case ast.Pow, ast.ElemPow:
			if anyEntry(in(0), func(x float64) bool { return x == 0 }) {
				return "zero to a negative power"
			}
			if anyEntry(in(0), func(x float64) bool { return x < 0 }) {
				return "a negative number to a fractional power"
			}
		case ast.Mul, ast.Hadamard:
			return "overflow in a product"
		}
	case *ast.Call:
		if e.Primes > 0 {
			break
		}
		fun := e.Fun
		if b, ok := env.Funcs[fun]; ok {
			fun = b
		}
		switch fun {
		case "log":
			if anyEntry(in(0), func(x float64) bool { return x < 0 }) {
				return "log of a negative number"
			}
			if anyEntry(in(0), func(x float64) bool { return x == 0 }) {
				return "log of zero"
			}
		case "sqrt":
			if anyEntry(in(0), func(x float64) bool { return x < 0 }) {
				return "square root of a negative number"
			}
		case "inv", "logdet", "det":
			if a := in(0); a != nil {
				if r, c := a.Dims(); r == c {
					d := mat.Det(a)
					switch {
					case d == 0 || math.Abs(d) < 1e-300:
						return "the matrix is singular"
					case fun == "logdet" && d < 0:
						return "the determinant is negative"
					}
				}
			}
		}
	}
	return "overflow or an undefined operation"
}

func anyEntry(v *mat.Dense, f func(float64) bool) bool {
	if v == nil {
		return false
	}
	r, c := v.Dims()
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			if f(v.At(i, j)) {
				return true
			}
		}
	}
	return false
}

// EncodeJSON is Encode for JSON output with entries that may not be finite:
// such an entry is the string "NaN", "+Inf" or "-Inf", which JSON readers
// (Python's json, JavaScript's Number()) turn back into the number.
func EncodeJSON(v *mat.Dense) any {
	if IsFinite(v) {
		return Encode(v)
	}
	enc := func(x float64) any {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return strconv.FormatFloat(x, 'g', -1, 64)
		}
		return x
	}
	r, c := v.Dims()
	switch {
	case r == 1 && c == 1:
		return enc(v.At(0, 0))
	case c == 1:
		out := make([]any, r)
		for i := range out {
			out[i] = enc(v.At(i, 0))
		}
		return out
	}
	out := make([][]any, r)
	for i := range out {
		out[i] = make([]any, c)
		for j := range out[i] {
			out[i][j] = enc(v.At(i, j))
		}
	}
	return out
}

// NonFiniteWarning returns "" when v, the value of e, is finite, and else a
// warning naming where its first NaN or infinity appeared and why:
// "s is NaN: log(x) is NaN: log of a negative number". label names the
// value (s, ∂s/∂x).
func NonFiniteWarning(label string, e ast.Expr, v *mat.Dense, env *Env, want ast.Shape) string {
	if v == nil || IsFinite(v) {
		return ""
	}
	x, _ := firstNonFinite(v)
	msg := fmt.Sprintf("%s is %s", label, strconv.FormatFloat(x, 'g', -1, 64))
	nf, err := FindNonFinite(e, env, want)
	if err != nil || nf == nil {
		return msg
	}
	if nf.Expr == e {
		if nf.Reason != "" {
			msg += ": " + nf.Reason
		}
		return msg
	}
	return msg + ", first at " + nf.Error()
}
