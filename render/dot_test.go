package render

import (
	"flag"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/eval"
	"github.com/matcalc/matcalc/graph"
	"gonum.org/v1/gonum/graph/formats/dot"
	dotast "gonum.org/v1/gonum/graph/formats/dot/ast"
	"gonum.org/v1/gonum/mat"
)

// -update rewrites the golden files under testdata/dot. Other test files
// of this package may declare the flag too: whoever comes first does.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite the golden files under testdata/")
	}
}

func updatingDOT() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

func scalarEnv(kv map[string]float64) *eval.Env {
	env := &eval.Env{Vars: map[string]*mat.Dense{}}
	for k, v := range kv {
		env.Vars[k] = mat.NewDense(1, 1, []float64{v})
	}
	return env
}

// lectureGraph is (x+y)*max(y,z) at x=1, y=2, z=0 after both passes.
func lectureGraph(t testing.TB) *graph.Graph {
	x, y, z := ast.Var("x"), ast.Var("y"), ast.Var("z")
	e := ast.Bin(ast.Mul, ast.Bin(ast.Add, x, y), ast.Fn("max", 0, y, z))
	return passes(t, e, scalarEnv(map[string]float64{"x": 1, "y": 2, "z": 0}))
}

func passes(t testing.TB, e ast.Expr, env *eval.Env) *graph.Graph {
	t.Helper()
	g, err := graph.Build(e, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Forward(env); err != nil {
		t.Fatal(err)
	}
	if err := g.Backward(); err != nil {
		t.Fatal(err)
	}
	return g
}

// vectorGraph is uᵀσ(Wx+b) at random values.
func vectorGraph(t testing.TB) *graph.Graph {
	rng := rand.New(rand.NewPCG(1, 1))
	rnd := func(r, c int) *mat.Dense {
		m := mat.NewDense(r, c, nil)
		for i := 0; i < r; i++ {
			for j := 0; j < c; j++ {
				m.Set(i, j, float64(rng.IntN(19)-9)/4)
			}
		}
		return m
	}
	u, W, x, b := ast.Var("u"), ast.Var("W"), ast.Var("x"), ast.Var("b")
	e := ast.Bin(ast.Mul, ast.T(u), ast.Fn("σ", 0, ast.Bin(ast.Add, ast.Bin(ast.Mul, W, x), b)))
	return passes(t, e, &eval.Env{Vars: map[string]*mat.Dense{
		"u": rnd(2, 1), "W": rnd(2, 3), "x": rnd(3, 1), "b": rnd(2, 1),
	}})
}

type parsedEdge struct {
	from, to string
	attrs    map[string]string
}

// parseDOT reads src with gonum's Graphviz parser and returns the node IDs
// and the edges with their attributes.
func parseDOT(t *testing.T, src string) (map[string]map[string]string, []parsedEdge) {
	t.Helper()
	f, err := dot.ParseString(src)
	if err != nil {
		t.Fatalf("gonum's DOT parser rejects the output: %v\n%s", err, src)
	}
	if len(f.Graphs) != 1 || !f.Graphs[0].Directed {
		t.Fatalf("want one digraph, got %d graphs", len(f.Graphs))
	}
	nodes := map[string]map[string]string{}
	var edges []parsedEdge
	attrs := func(list []*dotast.Attr) map[string]string {
		m := map[string]string{}
		for _, a := range list {
			m[a.Key] = a.Val
		}
		return m
	}
	for _, st := range f.Graphs[0].Stmts {
		switch st := st.(type) {
		case *dotast.NodeStmt:
			nodes[st.Node.ID] = attrs(st.Attrs)
		case *dotast.EdgeStmt:
			from := st.From.(*dotast.Node).ID
			to := st.To.Vertex.(*dotast.Node).ID
			if st.To.To != nil {
				t.Fatalf("edge chains are not expected: %v", st)
			}
			edges = append(edges, parsedEdge{from, to, attrs(st.Attrs)})
		}
	}
	return nodes, edges
}

func TestDOTLecture(t *testing.T) {
	g := lectureGraph(t)
	src := DOT(g)
	nodes, edges := parseDOT(t, src)
	if len(nodes) != len(g.Nodes)+1 {
		t.Errorf("%d nodes, want %d and the output's end", len(nodes), len(g.Nodes))
	}
	// Every edge: the value of its source in green, then the gradient
	// along it in red.
	want := map[string][2]string{
		"n0->n2":  {"1", "2"}, // x → a
		"n1->n2":  {"2", "2"}, // y → a
		"n1->n4":  {"2", "3"}, // y → b (max routes 3 to y)
		"n3->n4":  {"0", "0"}, // z → b
		"n2->n5":  {"3", "2"}, // a → f: a gets b = 2
		"n4->n5":  {"2", "3"}, // b → f: b gets a = 3
		"n5->out": {"6", "1"}, // the output and the seed
	}
	if len(edges) != len(want) {
		t.Errorf("%d edges, want %d", len(edges), len(want))
	}
	for _, e := range edges {
		key := e.from + "->" + e.to
		w, ok := want[key]
		if !ok {
			t.Errorf("unexpected edge %s", key)
			continue
		}
		label := e.attrs["label"]
		wantLabel := `<<font color="` + ValueColor + `">` + w[0] + `</font><br/><font color="` + GradColor + `">` + w[1] + `</font>>`
		if label != wantLabel {
			t.Errorf("edge %s: label %s, want %s", key, label, wantLabel)
		}
	}
	if got := nodes["n4"]["label"]; got != `"max"` {
		t.Errorf("gate b: label %s, want \"max\"", got)
	}
	if got := nodes["n1"]["label"]; !strings.Contains(got, "2 + 3 = 5") {
		t.Errorf("y: label %s, want the branch sum 2 + 3 = 5", got)
	}
	goldenDOT(t, "lecture.dot", src)
}

func TestDOTVector(t *testing.T) {
	g := vectorGraph(t)
	src := DOT(g)
	_, edges := parseDOT(t, src)
	n := 1 // the output's edge
	for _, node := range g.Nodes {
		n += len(node.Inputs)
	}
	if len(edges) != n {
		t.Errorf("%d edges, want %d", len(edges), n)
	}
	for _, node := range g.Nodes {
		if !strings.Contains(src, eval.Compact(node.Value)) {
			t.Errorf("the DOT lacks the value %s of %s", eval.Compact(node.Value), node.Name)
		}
	}
	goldenDOT(t, "vector.dot", src)
}

func TestDOTBeforeForward(t *testing.T) {
	g, err := graph.Build(ast.Bin(ast.Add, ast.Var("x"), ast.Var("y")), nil)
	if err != nil {
		t.Fatal(err)
	}
	_, edges := parseDOT(t, DOT(g))
	if len(edges) != 3 {
		t.Errorf("%d edges, want 3", len(edges))
	}
}

func goldenDOT(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "dot", name)
	if updatingDOT() {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run DOT ./render -update)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the golden file:\n%s", name, got)
	}
}
