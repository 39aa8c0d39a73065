package parser

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/matcalc/matcalc/ast"
)

// MaxFileErrors bounds the errors ParseFile reports; one more says how many
// were left out.
const MaxFileErrors = 20

// NormalizeSource returns src with a leading UTF-8 byte order mark blanked
// and every CR that does not start a CRLF turned into LF, without changing
// any byte offset, so that positions found in the result point into the
// original text too and CR-only files (classic Mac) read line by line.
func NormalizeSource(src string) string {
	if strings.HasPrefix(src, "\uFEFF") {
		src = "   " + src[len("\uFEFF"):]
	}
	if !strings.Contains(src, "\r") {
		return src
	}
	b := []byte(src)
	for i, c := range b {
		if c == '\r' && (i+1 == len(b) || b[i+1] != '\n') {
			b[i] = '\n'
		}
	}
	return string(b)
}

// checkBinary refuses a source holding a NUL or another control character
// (tabs and line ends aside) or invalid UTF-8, at the first such byte: a
// binary file would otherwise give one error per line.
func checkBinary(src string) error {
	for i := 0; i < len(src); {
		r, size := utf8.DecodeRuneInString(src[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			return ast.Errorf(ast.Pos(i), "invalid UTF-8 byte %#02x: this is not a formula file (a text file in UTF-8)", src[i])
		case r < 0x20 && r != '\t' && r != '\n' && r != '\r', r == 0x7f:
			return ast.Errorf(ast.Pos(i), "control character %#02x: this is not a formula file (a text file in UTF-8)", r)
		}
		i += size
	}
	return nil
}

// capErrors keeps the first error of each line of src (errs is sorted) and
// at most MaxFileErrors of them, then one saying how many more there were.
func capErrors(src string, errs ast.ErrorList) ast.ErrorList {
	var out ast.ErrorList
	lastLine, dropped := -1, 0
	line, counted := 0, 0 // line is the line of src[counted]
	for _, e := range errs {
		if e.Pos < 0 || int(e.Pos) > len(src) || int(e.Pos) < counted {
			out = append(out, e) // not placed in src: keep it
			continue
		}
		line += strings.Count(src[counted:e.Pos], "\n")
		counted = int(e.Pos)
		if line == lastLine {
			continue
		}
		lastLine = line
		if len(out) == MaxFileErrors {
			dropped++
			continue
		}
		out = append(out, e)
	}
	if dropped > 0 {
		last := out[len(out)-1]
		out = append(out, &ast.Error{Pos: last.Pos, Msg: fmt.Sprintf("%d more errors not shown", dropped)})
	}
	return out
}
