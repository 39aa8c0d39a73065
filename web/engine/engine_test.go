package engine

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestErrorsPointIntoTheirField(t *testing.T) {
	for _, tc := range []struct {
		name  string
		req   Request
		field string
		at    string // the error is at the first occurrence of this text after skip
		skip  int
	}{
		// Wx + b is a vector and W a matrix: the second + cannot add them.
		{"shape", Request{Formula: "uᵀf(Wx + b + W)"}, "f", "+ W", 0},
		// The same behind a name: the column counts "J = " too.
		{"named", Request{Formula: "J = uᵀf(Wx + b + W)"}, "f", "+ W", 0},
		// W is declared 4×5 and x has 3 entries: the error points at x.
		{"declared", Request{Formula: "uᵀf(Wx+b)", Decls: "x: vector(3)\nW: matrix(4,5)"}, "f", "x+b", 0},
		{"syntax", Request{Formula: "uᵀf(Wx+b"}, "f", "(", 0},
		{"declaration", Request{Formula: "Wx", Decls: "x: vector(3)\nW: matrx(3,3)"}, "let", "matrx", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Derive(tc.req)
			e, ok := err.(*Error)
			if !ok {
				t.Fatalf("error %v (%T), want an *Error", err, err)
			}
			src := tc.req.Formula
			if tc.field == "let" {
				src = tc.req.Decls
			}
			want := strings.Index(src, tc.at)
			if e.Field != tc.field || e.Offset != want {
				t.Fatalf("error in %q at byte %d, want %q at byte %d (%q): %s", e.Field, e.Offset, tc.field, want, tc.at, e.Text)
			}
			line := strings.Count(src[:want], "\n") + 1
			col := utf8.RuneCountInString(src[strings.LastIndex(src[:want], "\n")+1:want]) + 1
			if e.Line != line || e.Col != col {
				t.Errorf("line %d col %d, want %d:%d", e.Line, e.Col, line, col)
			}
		})
	}
}

func TestLimits(t *testing.T) {
	for _, req := range []Request{
		{Formula: strings.Repeat("x+", MaxFormula/2) + "x"},
		{Formula: "x", Decls: strings.Repeat("x: vector(3)\n", MaxDecls/10)},
		{Formula: "sum(x)", Values: `{"x":[` + strings.Repeat("1,", MaxEntries) + `1]}`},
	} {
		if _, err := Derive(req); err == nil || !strings.Contains(err.Error(), "at most") {
			t.Errorf("%.40q…: error %v, want one about the limit", req.Formula+req.Decls+req.Values, err)
		}
	}
}

// TestCheckTab runs the check tab on the page's examples: every derivative
// agrees with central finite differences.
func TestCheckTab(t *testing.T) {
	for _, req := range []Request{
		{Formula: "uᵀf(Wx+b)"},
		{Formula: "J = -yᵀlog(softmax(U relu(Wx+b₁)+b₂))", Decls: "x: vector(d); W: matrix(h,d); b₁: vector(h)\nU: matrix(c,h); b₂, y: vector(c)"},
		{Formula: "L = -(yᵀlog(σ(Xw)) + (1 - y)ᵀlog(1 - σ(Xw)))", Wrt: "w", Order: 2},
		{Formula: "tr(AXB) + aᵀX⁻¹b + logdet(X)", Decls: "A, B, X: matrix(n,n); a, b: vector(n)", Wrt: "X"},
		{Formula: "‖Ax−b‖² + λ‖x‖²", Values: `{"A":[[1,2],[3,4]],"b":[1,0],"x":[0.5,-1],"λ":0.1}`},
	} {
		c, err := Check(req)
		if err != nil {
			t.Fatalf("%s: %v", req.Formula, err)
		}
		if len(c.Rows) == 0 {
			t.Errorf("%s: no derivative checked", req.Formula)
		}
		for _, r := range c.Rows {
			if !r.OK {
				t.Errorf("%s: %s max rel. error %g", req.Formula, r.Name, r.MaxRel)
			}
		}
	}
}

// TestHandle: the JSON protocol of the worker, and a panic or a bad request
// answered as an error.
func TestHandle(t *testing.T) {
	var resp struct {
		Tab    string          `json:"tab"`
		Error  *Error          `json:"error"`
		Result json.RawMessage `json:"result"`
	}
	if err := json.Unmarshal([]byte(Handle("latex", `{"f":"xᵀAx","wrt":"x"}`)), &resp); err != nil {
		t.Fatal(err)
	}
	var latex string
	json.Unmarshal(resp.Result, &latex)
	if resp.Error != nil || !strings.HasPrefix(latex, `\begin{aligned}`) {
		t.Errorf("latex tab: %+v %q", resp.Error, latex)
	}
	for _, bad := range [][2]string{{"nosuchtab", `{"f":"x"}`}, {"result", `{"f":`}} {
		resp.Error = nil
		json.Unmarshal([]byte(Handle(bad[0], bad[1])), &resp)
		if resp.Error == nil {
			t.Errorf("Handle(%q, %q) gave no error", bad[0], bad[1])
		}
	}
}

// TestNoNullLists: the page iterates over every list of an answer, so none
// is null in JSON, also when it is empty (no definition with --wrt b).
func TestNoNullLists(t *testing.T) {
	for _, tab := range []string{"result", "steps", "check"} {
		out := Handle(tab, `{"f":"uᵀf(Wx+b)","wrt":"b"}`)
		if strings.Contains(out, ":null") {
			t.Errorf("%s: %s", tab, out)
		}
	}
}

// TestGoTensors checks the Go tab as the CLI writes it: a tensor
// derivative asked for by name is its vec-layout matrix with a
// directional-derivative function; without wrt it is left out; by several
// variables at order 2 only the blocks by each variable are written.
func TestGoTensors(t *testing.T) {
	for _, tc := range []struct {
		req       Request
		want, not []string
	}{
		{Request{Formula: "AXB", Wrt: "X"}, []string{"func F(A *mat.Dense, X *mat.Dense, B *mat.Dense) (s *mat.Dense, dX *mat.Dense)", "func FJVPX("}, nil},
		{Request{Formula: "σ(Wx+b)"}, []string{"func F("}, []string{"JVP"}},
		{Request{Formula: "‖T − UVᵀ‖²", Wrt: "U, V", Order: 2}, []string{"func FHVPU(", "func FHVPV("}, []string{"FHVPUV"}},
	} {
		src, err := Go(tc.req)
		if err != nil {
			t.Errorf("%s: %v", tc.req.Formula, err)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(src, w) {
				t.Errorf("%s (wrt %q): no %q in\n%s", tc.req.Formula, tc.req.Wrt, w, src)
			}
		}
		for _, w := range tc.not {
			if strings.Contains(src, w) {
				t.Errorf("%s (wrt %q): %q in\n%s", tc.req.Formula, tc.req.Wrt, w, src)
			}
		}
	}
}
