package eval

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/matcalc/matcalc/ast"
	"gonum.org/v1/gonum/mat"
)

func TestRandom(t *testing.T) {
	vars := []ast.VarInfo{
		vi("x", dm, one), vi("W", dn, dm), vi("b", dn, one), vi("α", one, one),
		vi("v", ast.Size(5), one), vi("C", ast.Sym("k"), ast.Sym("k")),
		{Name: "S", Shape: ast.Matrix(dn, dn), Symmetric: true},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	vals, sizes := Random(vars, nil, rng, false)
	// Sizes in order of first appearance: m, n, k get 3, 4, 2.
	if sizes["m"] != 3 || sizes["n"] != 4 || sizes["k"] != 2 || len(sizes) != 3 {
		t.Errorf("sizes = %v, want m:3 n:4 k:2", sizes)
	}
	dims := map[string][2]int{"x": {3, 1}, "W": {4, 3}, "b": {4, 1}, "α": {1, 1}, "v": {5, 1}, "C": {2, 2}, "S": {4, 4}}
	for name, d := range dims {
		r, c := vals[name].Dims()
		if r != d[0] || c != d[1] {
			t.Errorf("%s is %d×%d, want %d×%d", name, r, c, d[0], d[1])
		}
	}
	inRange := func(name string, lo, hi float64) {
		eachEntry(vals[name], func(v float64) {
			if v < lo || v > hi {
				t.Errorf("%s has entry %v outside [%v, %v]", name, v, lo, hi)
			}
		})
	}
	inRange("x", -1, 1)
	inRange("W", -1, 1)
	inRange("α", -1, 1)
	// Square matrices are diagonally dominant: n·I added to entries in [−1, 1].
	for _, name := range []string{"C", "S"} {
		m := vals[name]
		r, _ := m.Dims()
		for i := 0; i < r; i++ {
			off := 0.0
			for j := 0; j < r; j++ {
				if j != i {
					off += math.Abs(m.At(i, j))
				}
			}
			if m.At(i, i) <= off {
				t.Errorf("%s row %d is not diagonally dominant: %s", name, i, Compact(m))
			}
		}
	}
	if !mat.Equal(vals["S"], vals["S"].T()) {
		t.Errorf("S is not symmetric: %s", Compact(vals["S"]))
	}
	// Given sizes are kept, and fresh ones avoid them.
	_, sizes = Random(vars, map[string]int{"n": 3}, rng, false)
	if sizes["n"] != 3 || sizes["m"] != 4 || sizes["k"] != 2 {
		t.Errorf("sizes with n=3 given = %v, want n:3 m:4 k:2", sizes)
	}
	// Positive entries lie in [0.2, 1.2].
	vals, _ = Random(vars, nil, rng, true)
	for _, name := range []string{"x", "W", "b", "α", "v"} {
		inRange(name, 0.2, 1.2)
	}
	// The same seed gives the same values.
	a, _ := Random(vars, nil, rand.New(rand.NewPCG(9, 9)), false)
	c, _ := Random(vars, nil, rand.New(rand.NewPCG(9, 9)), false)
	for name := range a {
		if !mat.Equal(a[name], c[name]) {
			t.Errorf("%s differs between two draws with one seed", name)
		}
	}
}

func TestRandomMakesInverseWellConditioned(t *testing.T) {
	vars := []ast.VarInfo{vi("X", dn, dn)}
	env := &Env{}
	for seed := uint64(0); seed < 50; seed++ {
		env.Vars, env.Sizes = Random(vars, map[string]int{"n": 6}, rand.New(rand.NewPCG(seed, 0)), false)
		if _, err := Eval(fn("inv", X), env); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if c := mat.Cond(env.Vars["X"], 2); c > 10 {
			t.Errorf("seed %d: condition number %g", seed, c)
		}
	}
}

func TestBindSizes(t *testing.T) {
	vars := []ast.VarInfo{vi("W", dn, dm), vi("x", dm, one), vi("b", dn, one), vi("α", one, one)}
	sizes, err := BindSizes(vars, map[string]*mat.Dense{
		"W": mtx(2, 3, 1, 2, 3, 4, 5, 6), "x": vec(1, 2, 3), "b": vec(1, 2), "α": num(1)})
	if err != nil {
		t.Fatal(err)
	}
	if sizes["n"] != 2 || sizes["m"] != 3 || len(sizes) != 2 {
		t.Errorf("sizes = %v, want n:2 m:3", sizes)
	}
	tests := []struct {
		vals map[string]*mat.Dense
		want string
	}{
		{map[string]*mat.Dense{"W": mtx(2, 3, 1, 2, 3, 4, 5, 6), "x": vec(1, 2), "b": vec(1, 2), "α": num(1)},
			"the value of x (2) does not fit its shape m: m is 3 from W"},
		{map[string]*mat.Dense{"W": mtx(2, 3, 1, 2, 3, 4, 5, 6), "x": vec(1, 2, 3), "b": vec(1, 2), "α": vec(1, 2)},
			"the value of α (2) does not fit its shape scalar"},
		{map[string]*mat.Dense{"W": mtx(2, 3, 1, 2, 3, 4, 5, 6), "x": vec(1, 2, 3), "α": num(1)},
			"no value for b"},
	}
	for _, tt := range tests {
		_, err := BindSizes(vars, tt.vals)
		if err == nil || err.Error() != tt.want {
			t.Errorf("got %v\nwant %s", err, tt.want)
		}
	}
}
