package op_test

import (
	"math"
	"testing"

	"github.com/matcalc/matcalc/op"
)

// TestNonNeg checks every NonNeg flag against the float functions on a
// grid that reaches past the kinks and into the tails.
func TestNonNeg(t *testing.T) {
	for _, o := range op.All() {
		e, ok := o.(*op.Elementwise)
		if !ok {
			continue
		}
		for k, nn := range e.NonNeg {
			if !nn {
				continue
			}
			for x := -40.0; x <= 40; x += 0.0625 {
				if v := e.F[k](x); v < 0 || math.IsInf(v, -1) {
					t.Errorf("%s with %d primes is marked ≥ 0 but is %v at %v", e.Name(), k, v, x)
					break
				}
			}
		}
	}
}
