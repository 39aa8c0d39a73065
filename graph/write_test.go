package graph

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/eval"
	"gonum.org/v1/gonum/mat"
)

func TestJSONLecture(t *testing.T) {
	g := run(t, lecture, scalars("x", 1, "y", 2, "z", 0))
	data, err := g.JSON()
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range doc {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if got := strings.Join(keys, ","); got != "gradients,nodes,output" {
		t.Errorf("keys %s", got)
	}
	var nodes []map[string]any
	if err := json.Unmarshal(doc["nodes"], &nodes); err != nil {
		t.Fatal(err)
	}
	want := []map[string]any{
		{"id": 0.0, "op": "var", "text": "x", "inputs": []any{}, "value": 1.0, "grad": 2.0},
		{"id": 1.0, "op": "var", "text": "y", "inputs": []any{}, "value": 2.0, "grad": 5.0},
		{"id": 2.0, "op": "+", "text": "x + y", "inputs": []any{0.0, 1.0}, "value": 3.0, "grad": 2.0},
		{"id": 3.0, "op": "var", "text": "z", "inputs": []any{}, "value": 0.0, "grad": 0.0},
		{"id": 4.0, "op": "max", "text": "max(y, z)", "inputs": []any{1.0, 3.0}, "value": 2.0, "grad": 3.0},
		{"id": 5.0, "op": "*", "text": "(x + y)max(y, z)", "inputs": []any{2.0, 4.0}, "value": 6.0, "grad": 1.0},
	}
	if !reflect.DeepEqual(nodes, want) {
		t.Errorf("nodes\n got %v\nwant %v", nodes, want)
	}
	if got := string(doc["output"]); got != "5" {
		t.Errorf("output %s, want 5", got)
	}
	if got := strings.Join(strings.Fields(string(doc["gradients"])), ""); got != `{"x":2,"y":5,"z":0}` {
		t.Errorf("gradients %s", got)
	}
}

func TestJSONShapes(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	e := tmul(ast.T(u), fn("σ", tadd(tmul(W, x), b)))
	env := &eval.Env{Vars: map[string]*mat.Dense{
		"u": randDense(rng, 2, 1), "W": randDense(rng, 2, 3), "x": randDense(rng, 3, 1), "b": randDense(rng, 2, 1),
	}}
	g := run(t, e, env)
	data, err := g.JSON()
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Gradients map[string]json.RawMessage
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	var wv [][]float64
	var xv []float64
	if err := json.Unmarshal(doc.Gradients["W"], &wv); err != nil || len(wv) != 2 || len(wv[0]) != 3 {
		t.Errorf("W gradient %s: want 2 rows of 3 (%v)", doc.Gradients["W"], err)
	}
	if err := json.Unmarshal(doc.Gradients["x"], &xv); err != nil || len(xv) != 3 {
		t.Errorf("x gradient %s: want an array of 3 (%v)", doc.Gradients["x"], err)
	}
	if wv != nil && wv[1][2] != g.ByName("W").Grad.At(1, 2) {
		t.Errorf("W gradient does not round-trip: %v vs %v", wv[1][2], g.ByName("W").Grad.At(1, 2))
	}
}

func TestJSONRejectsNaN(t *testing.T) {
	g := run(t, fn("log", x), &eval.Env{Vars: map[string]*mat.Dense{"x": num(-1)}})
	if _, err := g.JSON(); err == nil || !strings.Contains(err.Error(), "NaN") {
		t.Errorf("log(−1): error %v, want one that names NaN", err)
	}
}

func TestTableVector(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	e := tmul(ast.T(u), fn("σ", tadd(tmul(W, x), b)))
	env := &eval.Env{Vars: map[string]*mat.Dense{
		"u": randDense(rng, 2, 1), "W": randDense(rng, 2, 3), "x": randDense(rng, 3, 1), "b": randDense(rng, 2, 1),
	}}
	g := run(t, e, env)
	var buf bytes.Buffer
	if err := g.WriteTable(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"Ḡ ∘ σ′(", "product: swaps", "Ḡ xᵀ", "Wᵀ Ḡ", "operations: forward pass"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	t.Log("\n" + out)
}
