package parser

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/matcalc/matcalc/ast"
)

// seedFormulas returns the formulas of testdata/formulas.txt, of the
// spelling table, and the right-hand sides of the definitions in
// ../examples/*.mc.
func seedFormulas(t testing.TB) []string {
	var out []string
	data, err := os.ReadFile(filepath.Join("testdata", "formulas.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			out = append(out, line)
		}
	}
	for _, tc := range spellings {
		out = append(out, tc.forms...)
	}
	files, _ := filepath.Glob(filepath.Join("..", "examples", "*.mc"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(data), "\n") {
			if i := strings.Index(line, "="); i >= 0 {
				out = append(out, strings.TrimSpace(line[i+1:]))
			}
		}
	}
	return out
}

func FuzzParseExpr(f *testing.F) {
	for _, s := range seedFormulas(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		e, err := ParseExpr(src)
		if err != nil {
			_ = ast.FormatError(src, err) // must not panic either
			if e != nil {
				t.Fatalf("%q: a tree and an error", src)
			}
			return
		}
		checkPositions(t, src, e)
	})
}

func FuzzRoundTrip(f *testing.F) {
	for _, s := range seedFormulas(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		e, err := ParseExpr(src)
		if err != nil {
			return
		}
		for _, printed := range []string{ast.String(e), ast.ASCII(e)} {
			back, err := ParseExpr(printed)
			if err != nil && strings.Contains(err.Error(), "nested too deeply") && strings.Count(printed, "(") > maxDepth/2 {
				continue // printing added brackets past the parser's limit
			}
			if err != nil {
				t.Fatalf("%q printed as %q: %v", src, printed, ast.FormatError(printed, err))
			}
			if !ast.Equal(back, e) {
				t.Fatalf("%q printed as %q parses to %s", src, printed, ast.String(back))
			}
		}
	})
}

// TestSeedsRoundTrip runs the round trip on every seed without fuzzing.
func TestSeedsRoundTrip(t *testing.T) {
	for _, src := range seedFormulas(t) {
		e, err := ParseExpr(src)
		if err != nil {
			continue
		}
		checkRoundTrip(t, src, e)
	}
}

// FuzzParseFile checks that no file or declaration list makes the parser
// panic, and that errors point into the source.
func FuzzParseFile(f *testing.F) {
	f.Add("# net\nx: vector(m); W: matrix(n,m); b, u: vector(n)\nz = Wx + b\ns = uᵀ σ(z)\nderive s wrt W, b, x order 2\n")
	f.Add("W: matrix(n,m); x,y: scalar; x_2: vector(3); S: symmetric(n); k: function")
	f.Add("loss: function\nL = loss(Xw) + lambda‖w‖²\nderive L")
	f.Fuzz(func(t *testing.T, src string) {
		for _, err := range []error{fileErr(src), declErr(src)} {
			if err == nil {
				continue
			}
			var list ast.ErrorList
			if errors.As(err, &list) {
				for _, e := range list {
					if e.Pos < 0 || int(e.Pos) > len(src) {
						t.Fatalf("%q: error %q at %d", src, e.Msg, e.Pos)
					}
				}
			}
			_ = ast.FormatError(src, err)
		}
	})
}

func fileErr(src string) error {
	_, err := ParseFile(src)
	return err
}

func declErr(src string) error {
	_, err := ParseDecls(src)
	return err
}
