package ast

// FuncKind says how a built-in function maps shapes.
type FuncKind int

const (
	// Elementwise functions apply entry by entry; the result has the shape
	// of the argument (of both, broadcasting scalars, for max and min).
	Elementwise FuncKind = iota + 1
	// Structural functions have their own shape rule (sum, tr, det, …).
	Structural
)

// A Builtin describes a built-in function.
type Builtin struct {
	Name  string // canonical name
	Arity int
	Kind  FuncKind
}

// Builtins maps every accepted spelling of a built-in function to its
// description. Canonical names: "σ" (sigmoid), "tr" (trace); the rest are
// spelled as written.
var Builtins = map[string]*Builtin{}

// BuiltinNames lists the canonical names of the built-in functions.
var BuiltinNames []string

func init() {
	add := func(kind FuncKind, arity int, names ...string) {
		b := &Builtin{Name: names[0], Arity: arity, Kind: kind}
		BuiltinNames = append(BuiltinNames, b.Name)
		for _, n := range names {
			Builtins[n] = b
		}
	}
	for _, n := range []string{"exp", "log", "sin", "cos", "tan", "tanh", "relu", "softplus", "sqrt", "abs", "sign"} {
		add(Elementwise, 1, n)
	}
	add(Elementwise, 1, "σ", "sigmoid")
	add(Elementwise, 2, "max")
	add(Elementwise, 2, "min")
	add(Structural, 1, "sum")
	add(Structural, 1, "tr", "trace")
	add(Structural, 1, "det")
	add(Structural, 1, "logdet")
	add(Structural, 1, "inv")
	add(Structural, 1, "diag")
	add(Structural, 1, "softmax")
	add(Structural, 1, "logsumexp")
	add(Structural, 1, "norm")
	add(Structural, 1, "norm1")
}

// IsGeneric reports whether a call's function is a generic (user) function
// rather than a built-in. Generic functions are elementwise.
func (c *Call) IsGeneric() bool { return Builtins[c.Fun] == nil }

// IsElementwise reports whether the call applies its function entry by entry.
func (c *Call) IsElementwise() bool {
	b := Builtins[c.Fun]
	return b == nil || b.Kind == Elementwise
}

// GenericFuncLetters are the letters that, followed directly by "(", are
// generic elementwise functions without a declaration.
var GenericFuncLetters = []string{"f", "g", "h", "φ", "ψ"}

// GreekNames maps the ASCII names of Greek letters to the letters.
var GreekNames = map[string]string{
	"alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε",
	"zeta": "ζ", "eta": "η", "theta": "θ", "iota": "ι", "kappa": "κ",
	"lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "rho": "ρ",
	"sigma": "σ", "tau": "τ", "upsilon": "υ", "phi": "φ", "chi": "χ",
	"psi": "ψ", "omega": "ω",
	"Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ",
	"Pi": "Π", "Sigma": "Σ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
}
