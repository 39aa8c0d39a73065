package gocode

import (
	"fmt"

	"github.com/matcalc/matcalc/derive"
	"github.com/matcalc/matcalc/op"
)

// goUnsupported lists the registry checks (formula and order) whose Go
// output is known to be missing, with the reason; their failure is logged.
var goUnsupported = map[string]string{
	"logsumexp(X) 1": "Go output computes logsumexp of vectors only",
}

// registryCases turns every op.Check of every built-in into a goCase, so
// that TestGoCompileRun compiles and runs the Go code of each registry
// entry and compares it with package eval and central differences.
func registryCases() []goCase {
	var cs []goCase
	for _, o := range op.All() {
		for i, c := range op.Checks(o) {
			name := fmt.Sprintf("op_%s_%d", goIdent(o.ASCIIName()), i)
			cs = append(cs, goCase{
				name:     name,
				src:      c.Src,
				opts:     derive.Options{Wrt: c.Wrt, Order: c.Order},
				positive: c.Positive,
				knownBug: goUnsupported[fmt.Sprintf("%s %d", c.Src, c.Order)],
			})
		}
	}
	return cs
}
