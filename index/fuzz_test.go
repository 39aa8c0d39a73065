package index

import (
	"math/rand/v2"
	"testing"

	"github.com/matcalc/matcalc/eval"
	"gonum.org/v1/gonum/mat"
)

// FuzzParse: no input makes Parse or Eval panic; a view that parses prints
// to text that parses, and whose print is stable.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"∂sᵢⱼ/∂Xₖₗ = AᵢₖBₗⱼ",
		"∂sᵢⱼ/∂Xₖₗ = −(X⁻¹)ᵢₖ(X⁻¹)ₗⱼ",
		"∂sᵢⱼ/∂Xₖₗ = δᵢₗXₖⱼ + (Xᵀ)ᵢₖδₗⱼ",
		"∂sᵢ/∂Wₖₗ = (σ′(Wx + b))ᵢδᵢₖxₗ",
		"∂(∂s/∂U)ᵢⱼ/∂Uₖₗ = 2δᵢₖ(VᵀV)ₗⱼ",
		"∂(∂s/∂U)ᵢⱼ/∂Vₖₗ = 2UᵢₗVₖⱼ − 2(T − UVᵀ)ᵢₖδₗⱼ",
		"∂sᵢⱼ/∂xₖ = (tanh′(xyᵀ))ᵢⱼδᵢₖ(yᵀ)ⱼ",
		"∂sᵢⱼ/∂Xₖₗ = 2αAᵢₘBₘₙAₙₖδₗⱼ − Aᵢₖδₗⱼ",
		"∂sᵢⱼ/∂Xₖₗ = (xᵀy)AᵢₖBₗⱼ + ‖x − y‖δᵢₖδₗⱼ + 1e-3Iᵢₖδₗⱼ",
		"∂sᵢⱼ/∂Xₖₗ = f(X)ᵢₖδₗⱼ",
		"∂sᵢⱼ/∂Xₖₗ = (A(ᵢₖ)",
		"∂s/∂x = 2",
	} {
		f.Add(s)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	vals := map[string]*mat.Dense{}
	for _, n := range []string{"A", "B", "X", "T", "U", "V", "W", "s"} {
		vals[n] = random(rng, 2, 2)
	}
	for _, n := range []string{"x", "y", "b"} {
		vals[n] = random(rng, 2, 1)
	}
	vals["α"] = random(rng, 1, 1)
	env := &eval.Env{Vars: vals}
	f.Fuzz(func(t *testing.T, src string) {
		form, err := Parse(src, nil)
		if err != nil {
			return
		}
		_, _ = form.Eval(env)
		s1 := form.String()
		f1, err := Parse(s1, nil)
		if err != nil {
			t.Fatalf("%q parses, but its print %q does not: %v", src, s1, err)
		}
		s2 := f1.String()
		f2, err := Parse(s2, nil)
		if err != nil {
			t.Fatalf("%q: the second print %q does not parse: %v", src, s2, err)
		}
		if s3 := f2.String(); s3 != s2 {
			t.Fatalf("%q: prints %q, then %q, then %q", src, s1, s2, s3)
		}
	})
}
