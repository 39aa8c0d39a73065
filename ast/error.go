package ast

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// An Error is a syntax or shape error at a place in the source.
type Error struct {
	Pos Pos
	Msg string
}

func (e *Error) Error() string { return e.Msg }

// Errorf returns an *Error at pos.
func Errorf(pos Pos, format string, args ...any) *Error {
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

// ErrorList is a list of errors, sorted by position by Sort.
type ErrorList []*Error

func (l ErrorList) Error() string {
	switch len(l) {
	case 0:
		return "no errors"
	case 1:
		return l[0].Error()
	}
	return fmt.Sprintf("%s (and %d more errors)", l[0], len(l)-1)
}

// Sort sorts the list by position.
func (l ErrorList) Sort() {
	sort.SliceStable(l, func(i, j int) bool { return l[i].Pos < l[j].Pos })
}

// Err returns nil for an empty list, else the list.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

// Position returns the 1-based line and column (in runes) of pos in src.
func Position(src string, pos Pos) (line, col int) {
	if pos < 0 {
		return 0, 0
	}
	if int(pos) > len(src) {
		pos = Pos(len(src))
	}
	before := src[:pos]
	line = strings.Count(before, "\n") + 1
	if i := strings.LastIndexByte(before, '\n'); i >= 0 {
		before = before[i+1:]
	}
	return line, utf8.RuneCountInString(before) + 1
}

// FormatError formats err against the source it came from: for every
// positioned error "line:col: message", the source line, and a caret under
// the place. Other errors are returned as their message.
func FormatError(src string, err error) string {
	return FormatErrorIn("", src, err)
}

// FormatErrorIn is FormatError with every positioned error's line prefixed
// by name (a file's path), so that each of several errors names its file.
func FormatErrorIn(name, src string, err error) string {
	prefix := ""
	if name != "" {
		prefix = name + ":"
	}
	var list ErrorList
	var one *Error
	switch {
	case errors.As(err, &list):
	case errors.As(err, &one):
		list = ErrorList{one}
	default:
		return err.Error()
	}
	var b strings.Builder
	for i, e := range list {
		if i > 0 {
			b.WriteString("\n")
		}
		if !e.Pos.IsValid() {
			b.WriteString(e.Msg)
			continue
		}
		line, col := Position(src, e.Pos)
		fmt.Fprintf(&b, "%s%d:%d: %s\n", prefix, line, col, e.Msg)
		text := strings.Split(src, "\n")[line-1]
		fmt.Fprintf(&b, "  %s\n  %s^", text, strings.Repeat(" ", col-1))
	}
	return b.String()
}
