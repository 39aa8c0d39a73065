package ast

import "errors"

// A FileSet maps positions to the sources they come from, as go/token's
// FileSet does: each source (the formula, each --let, a formula file) is a
// File with a base, and a position in it is base + byte offset. The first
// source added has base 0, so that a formula alone keeps plain offsets.
type FileSet struct {
	files []*File
	next  Pos
}

// A File is one source of a FileSet.
type File struct {
	name string
	base Pos
	src  string
}

// NewFileSet returns an empty FileSet.
func NewFileSet() *FileSet { return &FileSet{} }

// AddFile adds the source src under name ("formula", "--let", a file's
// path) and returns it; its positions follow those of the files before it.
func (s *FileSet) AddFile(name, src string) *File {
	f := &File{name: name, base: s.next, src: src}
	s.files = append(s.files, f)
	s.next += Pos(len(src)) + 1 // one past the end is still the file's
	return f
}

// File returns the file that holds p, or nil.
func (s *FileSet) File(p Pos) *File {
	for i := len(s.files) - 1; i >= 0; i-- {
		if f := s.files[i]; p >= f.base && p <= f.base+Pos(len(f.src)) {
			return f
		}
	}
	return nil
}

// Name is the name the file was added under.
func (f *File) Name() string { return f.name }

// Base is the position of the file's first byte.
func (f *File) Base() Pos { return f.base }

// Src is the file's source.
func (f *File) Src() string { return f.src }

// Offset returns p as a byte offset into the file.
func (f *File) Offset(p Pos) Pos { return p - f.base }

// Position returns the file, line and column (in runes, from 1) of p.
func (s *FileSet) Position(p Pos) (name string, line, col int) {
	f := s.File(p)
	if f == nil {
		return "", 0, 0
	}
	line, col = Position(f.src, f.Offset(p))
	return f.name, line, col
}

// Localize returns err with its position made relative to the file that
// holds it, and that file; err itself and nil when it has no position in
// the set.
func (s *FileSet) Localize(err error) (*File, error) {
	var e *Error
	if !errors.As(err, &e) {
		return nil, err
	}
	f := s.File(e.Pos)
	if f == nil {
		return nil, err
	}
	return f, Errorf(f.Offset(e.Pos), "%s", e.Msg)
}
