package eval

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestParseValuesGood(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "vals.json")
	if err := os.WriteFile(file, []byte("\n  {\"W\": [[1, 2], [3, 4], [5, 6]],\n   \"b\": [0.5, -1e-3]}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		spec, stdin string
		want        map[string]*mat.Dense
	}{
		{`{"x": 1, "v": [1, 2], "A": [[1, 2], [3, 4]]}`, "",
			map[string]*mat.Dense{"x": num(1), "v": vec(1, 2), "A": mtx(2, 2, 1, 2, 3, 4)}},
		{`{"row": [[1, 2, 3]], "col": [[1], [2]], "one": [7]}`, "",
			map[string]*mat.Dense{"row": row(1, 2, 3), "col": vec(1, 2), "one": vec(7)}},
		{`{"x_1": 2, "θ": -0.25, "alpha": 1e3}`, "", // keys as written
			map[string]*mat.Dense{"x_1": num(2), "θ": num(-0.25), "alpha": num(1000)}},
		{"x=1,y=2,z=0", "", map[string]*mat.Dense{"x": num(1), "y": num(2), "z": num(0)}},
		{" x = -1.5 , lambda=1e-3, y=−2,", "", map[string]*mat.Dense{"x": num(-1.5), "lambda": num(1e-3), "y": num(-2)}},
		{"-", `{"x": [3, 4]}`, map[string]*mat.Dense{"x": vec(3, 4)}},
		{file, "", map[string]*mat.Dense{"W": mtx(3, 2, 1, 2, 3, 4, 5, 6), "b": vec(0.5, -1e-3)}},
		{"{}", "", map[string]*mat.Dense{}},
	}
	for _, tt := range tests {
		got, err := ParseValues(tt.spec, strings.NewReader(tt.stdin))
		if err != nil {
			t.Errorf("ParseValues(%q): %v", tt.spec, err)
			continue
		}
		if len(got) != len(tt.want) {
			t.Errorf("ParseValues(%q) has %d values, want %d", tt.spec, len(got), len(tt.want))
		}
		for k, w := range tt.want {
			if g, ok := got[k]; !ok || !near(g, w, 0) {
				t.Errorf("ParseValues(%q)[%q] = %v, want %s", tt.spec, k, g, Compact(w))
			}
		}
	}
}

func TestParseValuesErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte("{\n  \"x\": [1,\n        2 3]\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.json")
	tests := []struct{ spec, want string }{
		{`{"x": [1, 2,]}`, "invalid JSON at line 1, column 13 (offset 12): invalid character ']' looking for beginning of value"},
		{`{"x": 1`, "invalid JSON at line 1, column 8 (offset 7): unexpected end of JSON input"},
		{`{x: 1}`, "invalid JSON at line 1, column 2 (offset 1): invalid character 'x' looking for beginning of object key string"},
		{`{"x": 1} 2`, "invalid JSON at line 1, column 10 (offset 9): invalid character '2' after top-level value"},
		{bad, bad + ": invalid JSON at line 3, column 11 (offset 23): invalid character '3' after array element"},
		{`[1, 2]`, `values must be a JSON object {"name": value, …}, not an array`},
		{`{"A": [[1, 2], [3]]}`, "A: ragged rows: row 2 has 1 entry, row 1 has 2"},
		{`{"A": [[1], [2, 3]]}`, "A: ragged rows: row 2 has 2 entries, row 1 has 1"},
		{`{"x": []}`, "x: empty array"},
		{`{"A": [[]]}`, "A: row 1 is empty"},
		{`{"x": "a"}`, "x: expected a number, an array of numbers or an array of rows, not a string"},
		{`{"x": {"a": 1}}`, "x: expected a number, an array of numbers or an array of rows, not an object"},
		{`{"x": null}`, "x: expected a number, an array of numbers or an array of rows, not null"},
		{`{"x": [1, "a"]}`, "x: entry 2 is a string, not a number"},
		{`{"x": [1, true]}`, "x: entry 2 is a boolean, not a number"},
		{`{"A": [[1, null]]}`, "A: row 1, entry 2 is null, not a number"},
		{`{"A": [[1], 2]}`, "A: row 2 is a number, not an array (a matrix is an array of rows)"},
		{`{"A": [[[1]]]}`, "A: row 1, entry 1 is an array, not a number"},
		{`{"x": 1e999}`, "x: 1e999 is out of range"},
		{`{"x": 1, "x": 2}`, "x: given twice"},
		{"x=abc", `x: "abc" is not a number (inline values are scalars: use {…} JSON for vectors and matrices)`},
		{"x=1,y=NaN", `y: "NaN" is not a number (inline values are scalars: use {…} JSON for vectors and matrices)`},
		{"x=1e999", "x: 1e999 is out of range"},
		{"x=1,x=2", "x: given twice"},
		{"x=1,y", `"y" is not name=number (inline values are name=number,…)`},
		{missing, missing + ": no such file (values are {…} JSON, name=number,… or a file)"},
		{"", "no values given"},
		{"-", `stdin: invalid JSON at line 1, column 1 (offset 0): invalid character 'o' looking for beginning of value`},
	}
	for _, tt := range tests {
		_, err := ParseValues(tt.spec, strings.NewReader("oops"))
		if err == nil {
			t.Errorf("ParseValues(%q): no error, want %q", tt.spec, tt.want)
			continue
		}
		if err.Error() != tt.want {
			t.Errorf("ParseValues(%q):\n got  %q\n want %q", tt.spec, err, tt.want)
		}
	}
}

func TestEncode(t *testing.T) {
	tests := []struct {
		v    *mat.Dense
		want string
	}{
		{num(0.1), "0.1"},
		{num(1.0 / 3), "0.3333333333333333"},
		{num(-2), "-2"},
		{num(1e-7), "1e-7"},
		{vec(1, 2.5), "[1,2.5]"},
		{row(1, 2), "[[1,2]]"},
		{mtx(2, 2, 1, 2, 3, 4), "[[1,2],[3,4]]"},
	}
	for _, tt := range tests {
		data, err := json.Marshal(Encode(tt.v))
		if err != nil {
			t.Fatal(err)
		}
		if string(data) != tt.want {
			t.Errorf("Encode(%s) = %s, want %s", Compact(tt.v), data, tt.want)
		}
		// Encoding round-trips through ParseValues bit for bit.
		back, err := ParseValues(`{"v": `+string(data)+`}`, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !mat.Equal(back["v"], tt.v) {
			t.Errorf("round trip of %s gives %s", Compact(tt.v), Compact(back["v"]))
		}
	}
}

func TestEncodeChecked(t *testing.T) {
	tests := []struct {
		v    *mat.Dense
		want string
	}{
		{num(math.NaN()), "is NaN"},
		{vec(1, math.Inf(1)), "entry 2 is +Inf"},
		{mtx(2, 2, 1, 2, 3, math.Inf(-1)), "entry (2,2) is -Inf"},
	}
	for _, tt := range tests {
		_, err := EncodeChecked(tt.v)
		if err == nil || err.Error() != tt.want {
			t.Errorf("EncodeChecked(%s) = %v, want %q", Compact(tt.v), err, tt.want)
		}
	}
	v, err := EncodeChecked(vec(1, 2))
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := v.([]float64); !ok || len(got) != 2 {
		t.Errorf("EncodeChecked(vector) = %#v", v)
	}
}

func TestCompact(t *testing.T) {
	long := make([]float64, 12)
	for i := range long {
		long[i] = float64(i + 1)
	}
	big := mat.NewDense(8, 10, nil)
	big.Apply(func(i, j int, _ float64) float64 { return float64(10*i + j) }, big)
	tests := []struct {
		v    *mat.Dense
		want string
	}{
		{num(3), "3"},
		{num(math.Copysign(0, -1)), "0"},
		{num(1.0 / 3), "0.333333"},
		{num(123456789), "1.23457e+08"},
		{num(1e-5), "1e-05"},
		{num(math.NaN()), "NaN"},
		{num(math.Inf(-1)), "-Inf"},
		{vec(1, 2, 3), "[1 2 3]"},
		{row(1, 2), "[[1 2]]"},
		{mtx(2, 2, 1, 2, 3, 4), "[[1 2] [3 4]]"},
		{vec(long[:8]...), "[1 2 3 4 5 6 7 8]"},
		{vec(long...), "[1 2 3 4 … 11 12]"},
		{big, "[[0 1 2 3 … 8 9] [10 11 12 13 … 18 19] [20 21 22 23 … 28 29] … [60 61 62 63 … 68 69] [70 71 72 73 … 78 79]]"},
	}
	for _, tt := range tests {
		if got := Compact(tt.v); got != tt.want {
			t.Errorf("Compact = %q, want %q", got, tt.want)
		}
	}
}
