package eval

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

// FuzzParseValues: no panics; every value parsed is non-empty and finite,
// and re-encoding what was parsed parses back to the same values.
func FuzzParseValues(f *testing.F) {
	for _, s := range []string{
		`{"x": 1, "v": [1, 2], "A": [[1, 2], [3, 4]]}`, `x=1,y=-2`, `{"A": [[1], [2, 3]]}`,
		`{"x": []}`, `[1]`, `{"x": 1e999}`, `x=`, `=1`, `{"x":1,"x":2}`, `{"a":[[[]]]}`, "-",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		if !strings.HasPrefix(strings.TrimSpace(spec), "{") && !strings.Contains(spec, "=") && strings.TrimSpace(spec) != "-" {
			return // a file path: do not touch the file system
		}
		vals, err := ParseValues(spec, strings.NewReader(spec))
		if err != nil {
			return
		}
		enc := map[string]any{}
		for name, v := range vals {
			if v.IsEmpty() {
				t.Fatalf("%q: %s is empty", spec, name)
			}
			for _, x := range v.RawMatrix().Data {
				if math.IsNaN(x) || math.IsInf(x, 0) {
					t.Fatalf("%q: %s has %v", spec, name, x)
				}
			}
			enc[name] = Encode(v)
		}
		data, err := json.Marshal(enc)
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParseValues(string(data), nil)
		if err != nil {
			t.Fatalf("%q: re-encoded %s does not parse: %v", spec, data, err)
		}
		for name, v := range vals {
			if w, ok := back[name]; !ok || !sameValue(w, v) {
				t.Fatalf("%q: %s changed in a round trip", spec, name)
			}
		}
	})
}
