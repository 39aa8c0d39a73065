package parser

import (
	"github.com/alecthomas/participle/v2/lexer"
	"github.com/matcalc/matcalc/ast"
)

// A File is a parsed formula file (.mc): declarations, named definitions
// and derivation requests, each in file order.
type File struct {
	Decls    []ast.Decl
	Defs     []Def
	Requests []Request
}

// A Def is a named definition `z = Wx + b`. Later definitions refer to it
// by name, as a variable.
type Def struct {
	Name string // canonical
	Expr ast.Expr
	Pos  ast.Pos // of the name
}

// A Request is `derive s wrt W, b, x [order 2]`. Wrt is empty when the
// request names no variables (derive with respect to all of them); Order
// is 1 unless given.
type Request struct {
	Func  string   // a defined name, canonical
	Wrt   []string // canonical
	Order int      // 1 or 2
	Pos   ast.Pos  // of "derive"
}

// ParseFile parses a formula file. Statements are separated by newlines or
// ";", and "#" starts a comment. A statement is a declaration
// (`x: vector(m)`), a definition (`z = Wx + b`) or a request
// (`derive s wrt W, b order 2`). Every declaration of the file applies to
// every definition, and a defined name is read whole, as a variable, in the
// definitions that follow it.
//
// A UTF-8 byte order mark and CR, CRLF or LF line ends are accepted (see
// NormalizeSource: positions are byte offsets into the normalized text). A
// file with a NUL byte, another control character or invalid UTF-8 is not
// a formula file: ParseFile stops at the first such line.
//
// On error, ParseFile returns what it could parse and an ast.ErrorList with
// at most one error per line, in source order, and at most MaxFileErrors
// of them.
func ParseFile(src string) (*File, error) {
	f := &File{}
	if err := checkSource(src); err != nil {
		return f, err
	}
	src = NormalizeSource(src)
	if err := checkBinary(src); err != nil {
		return f, err
	}
	var errs ast.ErrorList
	fail := func(err error) { errs = append(errs, asError(err)) }

	type stmt struct {
		span
		kind int
	}
	const (
		stDecl = iota
		stDef
		stRequest
	)
	var stmts []stmt
	for _, st := range statements(src, true) {
		toks := lexRaw(src, st.start, st.end)
		switch {
		case len(toks) > 2 && toks[0].typ == symWord && toks[0].text == "derive" && toks[1].typ == symWord:
			stmts = append(stmts, stmt{st, stRequest})
		case hasOp(toks, "="):
			stmts = append(stmts, stmt{st, stDef})
		case hasOp(toks, ":"):
			stmts = append(stmts, stmt{st, stDecl})
		default:
			fail(ast.Errorf(ast.Pos(st.start), "expected a declaration (x: vector(n)), a definition (z = Wx + b) or a request (derive s wrt x)"))
		}
	}
	for _, st := range stmts {
		if st.kind != stDecl {
			continue
		}
		d, err := parseDecl(src, st.start, st.end)
		if err != nil {
			fail(err)
			continue
		}
		f.Decls = append(f.Decls, d)
	}
	defined := map[string]bool{}
	declared := map[string]bool{}
	for _, d := range f.Decls {
		if d.Kind != ast.DeclFunction {
			for _, n := range d.Names {
				declared[n] = true
			}
		}
	}
	usedAt := map[string]ast.Pos{} // a name read as a variable, where first
	refused := map[string]bool{}   // definitions refused (not to be reported again)
	cfg := newConfig(f.Decls, nil)
	for _, st := range stmts {
		switch st.kind {
		case stDef:
			def, err := parseDef(src, st.span, cfg)
			if err != nil {
				fail(err)
				continue
			}
			if err := checkDefName(src, def, defined, declared, usedAt); err != nil {
				fail(err)
				refused[def.Name] = true
				continue
			}
			ast.Inspect(def.Expr, func(n ast.Expr) bool {
				if id, ok := n.(*ast.Ident); ok && !defined[id.Name] {
					if _, seen := usedAt[id.Name]; !seen {
						usedAt[id.Name] = id.Pos()
					}
				}
				return true
			})
			defined[def.Name] = true
			cfg.add(def.Name, false)
			f.Defs = append(f.Defs, def)
		case stRequest:
			r, err := parseRequest(src, st.span)
			if err != nil {
				fail(err)
				continue
			}
			f.Requests = append(f.Requests, r)
		}
	}
	for _, r := range f.Requests {
		if !defined[r.Func] && !refused[r.Func] {
			fail(ast.Errorf(r.Pos, "cannot derive %s: it is not defined in this file (define it first: %s = …)", r.Func, r.Func))
		}
	}
	errs.Sort()
	return f, capErrors(src, errs).Err()
}

// checkDefName refuses a definition whose name is already something else:
// defined before, declared as a variable, read as a variable by an earlier
// definition, or read by its own formula (s = sx).
func checkDefName(src string, def Def, defined, declared map[string]bool, usedAt map[string]ast.Pos) error {
	switch {
	case defined[def.Name]:
		return ast.Errorf(def.Pos, "%s is defined twice", def.Name)
	case declared[def.Name]:
		return ast.Errorf(def.Pos, "%s is declared as a variable in this file and cannot also be defined: rename the definition or the variable", def.Name)
	}
	if p, ok := usedAt[def.Name]; ok {
		line, _ := ast.Position(src, p)
		return ast.Errorf(def.Pos, "%s is read as a variable on line %d, before this definition: define it before its first use, or give the definition another name", def.Name, line)
	}
	var self *ast.Ident
	ast.Inspect(def.Expr, func(n ast.Expr) bool {
		if id, ok := n.(*ast.Ident); ok && id.Name == def.Name && self == nil {
			self = id
		}
		return self == nil
	})
	if self != nil {
		return ast.Errorf(self.Pos(), "%s is defined in terms of itself: a definition names a formula of other variables (write %s = … with another name on the left, or rename the variable)", def.Name, def.Name)
	}
	return nil
}

func hasOp(toks []rawToken, op string) bool {
	for _, t := range toks {
		if t.typ == symOp && t.text == op {
			return true
		}
	}
	return false
}

// parseDef parses `name = expr`.
func parseDef(src string, st span, cfg *config) (Def, error) {
	d := &declParser{toks: lexRaw(src, st.start, st.end)}
	name, pos, err := d.name("a name to define")
	if err != nil {
		return Def{}, err
	}
	if !d.isOp("=") {
		return Def{}, d.unexpected(`"="`)
	}
	eq := d.next()
	x, err := cfg.parseExpr(src, int(eq.pos)+1, st.end)
	if err != nil {
		if e := asError(err); e.Msg == "empty input" {
			return Def{}, ast.Errorf(eq.pos, "expected a formula after \"=\"")
		}
		return Def{}, err
	}
	return Def{Name: name, Expr: x, Pos: pos}, nil
}

// parseRequest parses `derive name [wrt name {"," name}] [order n]`.
func parseRequest(src string, st span) (Request, error) {
	d := &declParser{toks: lexRaw(src, st.start, st.end)}
	r := Request{Pos: d.next().pos, Order: 1}
	name, _, err := d.name("the name of a definition")
	if err != nil {
		return r, err
	}
	r.Func = name
	seenOrder := false
	for {
		t := d.peek()
		switch {
		case t.typ == symWord && t.text == "wrt" && r.Wrt == nil:
			d.next()
			for {
				n, _, err := d.name("a variable")
				if err != nil {
					return r, err
				}
				r.Wrt = append(r.Wrt, n)
				if !d.isOp(",") {
					break
				}
				d.next()
			}
			continue
		case t.typ == symWord && t.text == "order" && !seenOrder:
			d.next()
			n := d.peek()
			if n.typ != symNumber || (n.text != "1" && n.text != "2") {
				return r, d.unexpected("the order 1 or 2")
			}
			d.next()
			r.Order = int(n.text[0] - '0')
			seenOrder = true
			continue
		}
		break
	}
	if t := d.peek(); t.typ != lexer.EOF {
		return r, d.unexpected(`"wrt", "order" or the end of the request`)
	}
	return r, nil
}
