package eval

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"gonum.org/v1/gonum/mat"
)

// ParseValues reads the values of --at (docs/cli.md, §7): "{…}" is inline JSON,
// "name=number,…" inline scalars, "-" a JSON object read from stdin, and
// anything else the path of a JSON file. In JSON a number is a scalar (1×1),
// an array of numbers a vector (n×1) and an array of arrays a matrix, row by
// row. Keys are returned as written.
func ParseValues(spec string, stdin io.Reader) (map[string]*mat.Dense, error) {
	trimmed := strings.TrimSpace(spec)
	switch {
	case trimmed == "":
		return nil, errors.New("no values given")
	case strings.HasPrefix(trimmed, "{"), strings.HasPrefix(trimmed, "["):
		return parseJSONValues([]byte(spec), "")
	case trimmed == "-":
		if stdin == nil {
			return nil, errors.New("stdin: nothing to read")
		}
		data, err := readValueBytes(stdin)
		if err != nil {
			return nil, fmt.Errorf("stdin: %v", err)
		}
		return parseJSONValues(data, "stdin: ")
	case looksLikeAssignments(trimmed):
		return parseAssignments(trimmed)
	}
	data, err := readValueFile(spec)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) && strings.Contains(spec, "=") {
			_, err := parseAssignments(trimmed) // say what is wrong with it
			return nil, err
		}
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%s: no such file (values are {…} JSON, name=number,… or a file)", spec)
		}
		return nil, err
	}
	return parseJSONValues(data, spec+": ")
}

// looksLikeAssignments reports whether s reads as name=value,…: every
// comma-separated item has an '=' after a non-empty name. The values are
// checked by parseAssignments, so that "x=abc" is an error about x rather
// than a missing file.
func looksLikeAssignments(s string) bool {
	for _, item := range strings.Split(s, ",") {
		if strings.TrimSpace(item) == "" {
			continue // x=1,,y=2 and a trailing comma are harmless
		}
		name, _, ok := strings.Cut(item, "=")
		if !ok || strings.TrimSpace(name) == "" || strings.ContainsAny(name, "/\\") {
			return false
		}
	}
	return true
}

func parseAssignments(s string) (map[string]*mat.Dense, error) {
	vals := map[string]*mat.Dense{}
	for _, item := range strings.Split(s, ",") {
		if strings.TrimSpace(item) == "" {
			continue
		}
		name, text, ok := strings.Cut(item, "=")
		name, text = strings.TrimSpace(name), strings.TrimSpace(text)
		if !ok || name == "" {
			return nil, fmt.Errorf("%q is not name=number (inline values are name=number,…)", strings.TrimSpace(item))
		}
		if !utf8.ValidString(name) {
			return nil, fmt.Errorf("%q: a name must be UTF-8 text", name)
		}
		if _, dup := vals[name]; dup {
			return nil, fmt.Errorf("%s: given twice", name)
		}
		text = strings.Replace(text, "−", "-", 1) // U+2212, as formulas accept it
		v, err := strconv.ParseFloat(text, 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			var ne *strconv.NumError
			if errors.As(err, &ne) && ne.Err == strconv.ErrRange {
				return nil, fmt.Errorf("%s: %s is out of range", name, text)
			}
			return nil, fmt.Errorf("%s: %q is not a number (inline values are scalars: use {…} JSON for vectors and matrices)", name, text)
		}
		vals[name] = scalar(v)
	}
	return vals, nil
}

// parseJSONValues decodes one JSON object of values. prefix names the
// source in errors ("stdin: ", "vals.json: ").
func parseJSONValues(data []byte, prefix string) (map[string]*mat.Dense, error) {
	// A first pass finds syntax errors with encoding/json's clearest
	// messages; the second walks the object in order to catch repeated keys.
	var whole json.RawMessage
	if err := json.Unmarshal(data, &whole); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			off := int(se.Offset)
			if off > 0 && off <= len(data) && !strings.Contains(se.Error(), "end of JSON input") {
				off-- // Offset counts the bytes read, the bad one included
			}
			line, col := lineCol(data, off)
			return nil, fmt.Errorf("%sinvalid JSON at line %d, column %d (offset %d): %v", prefix, line, col, off, se)
		}
		return nil, fmt.Errorf("%sinvalid JSON: %v", prefix, err)
	}
	if whole[0] != '{' {
		var probe any
		json.Unmarshal(whole, &probe) //nolint:errcheck // valid: only its kind matters
		return nil, fmt.Errorf("%svalues must be a JSON object {\"name\": value, …}, not %s", prefix, jsonKind(probe))
	}
	dec := json.NewDecoder(bytes.NewReader(whole))
	dec.UseNumber()
	if _, err := dec.Token(); err != nil { // the opening {
		return nil, fmt.Errorf("%sinvalid JSON: %v", prefix, err)
	}
	vals := map[string]*mat.Dense{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("%sinvalid JSON: %v", prefix, err)
		}
		name, _ := tok.(string)
		var raw any
		if err := dec.Decode(&raw); err != nil {
			return nil, fmt.Errorf("%sinvalid JSON: %v", prefix, err)
		}
		if _, dup := vals[name]; dup {
			return nil, fmt.Errorf("%s%s: given twice", prefix, name)
		}
		v, err := toDense(raw)
		if err != nil {
			return nil, fmt.Errorf("%s%s: %v", prefix, name, err)
		}
		vals[name] = v
	}
	return vals, nil
}

// lineCol returns the 1-based line and column (in runes) of byte offset off.
func lineCol(data []byte, off int) (line, col int) {
	before := data[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	if i := bytes.LastIndexByte(before, '\n'); i >= 0 {
		before = before[i+1:]
	}
	return line, len([]rune(string(before))) + 1
}

// jsonKind names the kind of a decoded JSON value or token for errors.
func jsonKind(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case string:
		return "a string"
	case json.Number, float64:
		return "a number"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	case json.Delim:
		switch v {
		case '[':
			return "an array"
		case '{':
			return "an object"
		}
	}
	return fmt.Sprintf("%T", v)
}

func jsonNumber(v any) (float64, error) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, fmt.Errorf("is %s, not a number", jsonKind(v))
	}
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil {
		return 0, fmt.Errorf("%s is out of range", n)
	}
	return f, nil
}

// toDense converts a decoded JSON value: a number to 1×1, an array of
// numbers to n×1, an array of arrays to a matrix of those rows.
func toDense(raw any) (*mat.Dense, error) {
	switch v := raw.(type) {
	case json.Number:
		f, err := jsonNumber(v)
		if err != nil {
			return nil, err
		}
		return scalar(f), nil
	case []any:
		if len(v) == 0 {
			return nil, errors.New("empty array")
		}
		if _, isRow := v[0].([]any); !isRow {
			data := make([]float64, len(v))
			for i, x := range v {
				f, err := jsonNumber(x)
				if err != nil {
					return nil, fmt.Errorf("entry %d %v", i+1, err)
				}
				data[i] = f
			}
			return mat.NewDense(len(v), 1, data), nil
		}
		var data []float64
		cols := 0
		for i, row := range v {
			entries, ok := row.([]any)
			if !ok {
				return nil, fmt.Errorf("row %d is %s, not an array (a matrix is an array of rows)", i+1, jsonKind(row))
			}
			if len(entries) == 0 {
				return nil, fmt.Errorf("row %d is empty", i+1)
			}
			if i == 0 {
				cols = len(entries)
			} else if len(entries) != cols {
				return nil, fmt.Errorf("ragged rows: row %d has %d entr%s, row 1 has %d", i+1, len(entries), ies(len(entries)), cols)
			}
			for j, x := range entries {
				f, err := jsonNumber(x)
				if err != nil {
					return nil, fmt.Errorf("row %d, entry %d %v", i+1, j+1, err)
				}
				data = append(data, f)
			}
		}
		return mat.NewDense(len(v), cols, data), nil
	}
	return nil, fmt.Errorf("expected a number, an array of numbers or an array of rows, not %s", jsonKind(raw))
}

// Encode returns v in the JSON encoding of docs/cli.md, for encoding/json:
// float64 for 1×1, []float64 for n×1, [][]float64 (rows) otherwise.
// encoding/json prints float64 in the shortest form that round-trips, but
// fails on NaN and ±Inf: use EncodeChecked where they may occur.
func Encode(v *mat.Dense) any {
	r, c := v.Dims()
	switch {
	case r == 1 && c == 1:
		return v.At(0, 0)
	case c == 1:
		out := make([]float64, r)
		for i := range out {
			out[i] = v.At(i, 0)
		}
		return out
	}
	out := make([][]float64, r)
	for i := range out {
		out[i] = make([]float64, c)
		for j := range out[i] {
			out[i][j] = v.At(i, j)
		}
	}
	return out
}

// EncodeChecked is Encode, with an error naming the first entry that is NaN
// or infinite ("is NaN", "entry 2 is +Inf", "entry (1,2) is -Inf"), which
// JSON cannot represent.
func EncodeChecked(v *mat.Dense) (any, error) {
	r, c := v.Dims()
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			x := v.At(i, j)
			if !math.IsNaN(x) && !math.IsInf(x, 0) {
				continue
			}
			s := strconv.FormatFloat(x, 'g', -1, 64)
			switch {
			case r == 1 && c == 1:
				return nil, fmt.Errorf("is %s", s)
			case c == 1:
				return nil, fmt.Errorf("entry %d is %s", i+1, s)
			}
			return nil, fmt.Errorf("entry (%d,%d) is %s", i+1, j+1, s)
		}
	}
	return Encode(v), nil
}

// Compact shows vectors of up to compactEntries entries whole, longer ones
// as their first compactHead and last compactTail entries around "…"; the
// rows of a matrix likewise with compactRows, compactRowHead, compactRowTail.
const (
	compactEntries, compactHead, compactTail    = 8, 4, 2
	compactRows, compactRowHead, compactRowTail = 6, 3, 2
)

// Compact returns a short human-readable form of v: "3", "[1 2 3]",
// "[[1 2] [3 4]]", with at most 6 significant digits and long vectors and
// matrices elided with "…".
func Compact(v *mat.Dense) string {
	r, c := v.Dims()
	if r == 1 && c == 1 {
		return compactNumber(v.At(0, 0))
	}
	entries := func(n int, at func(int) float64) string {
		return compactList(n, func(i int) string { return compactNumber(at(i)) }, compactEntries, compactHead, compactTail)
	}
	if c == 1 {
		return entries(r, func(i int) float64 { return v.At(i, 0) })
	}
	return compactList(r, func(i int) string {
		return entries(c, func(j int) float64 { return v.At(i, j) })
	}, compactRows, compactRowHead, compactRowTail)
}

// compactList brackets n items, or the first head and last tail of them
// around "…" when n > max.
func compactList(n int, item func(int) string, max, head, tail int) string {
	var parts []string
	for i := 0; i < n; i++ {
		if n > max && i == head {
			parts = append(parts, "…")
			i = n - tail
		}
		parts = append(parts, item(i))
	}
	return "[" + strings.Join(parts, " ") + "]"
}

func compactNumber(x float64) string {
	if x == 0 {
		return "0" // also −0
	}
	s := strconv.FormatFloat(x, 'g', 6, 64)
	if short := strconv.FormatFloat(x, 'g', -1, 64); len(short) < len(s) {
		s = short
	}
	return s
}

func ies(n int) string {
	if n == 1 {
		return "y"
	}
	return "ies"
}
