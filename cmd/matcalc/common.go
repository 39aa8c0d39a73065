package main

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/derive"
	"github.com/matcalc/matcalc/eval"
	"github.com/matcalc/matcalc/parser"
	"github.com/spf13/cobra"
	"gonum.org/v1/gonum/mat"
)

// A usageError is a mistake in how the command was called: exit status 2.
type usageError struct{ err error }

func (u *usageError) Error() string { return u.err.Error() }
func (u *usageError) Unwrap() error { return u.err }

func usagef(format string, args ...any) error {
	return &usageError{fmt.Errorf(format, args...)}
}

// A sourceError is an error positioned in a piece of input (the formula, a
// --let declaration, a formula file), printed with the line and a caret.
type sourceError struct {
	what string // "formula", "--let", a file name
	src  string
	err  error
}

func (s *sourceError) Error() string {
	if s.what != "" && s.what != "formula" {
		return ast.FormatErrorIn(s.what, s.src, s.err)
	}
	return ast.FormatError(s.src, s.err)
}

func (s *sourceError) Unwrap() error { return s.err }

// errCheckFailed marks a check whose error was above tolerance: exit 1,
// nothing more to say.
var errCheckFailed = errors.New("check failed")

// common holds the flags every formula command shares.
type common struct {
	// fset maps positions to the formula (or formula file) and to each
	// --let, so that an error is shown against the source it is in.
	fset    *ast.FileSet
	lets    []string
	at      string
	funcs   []string      // generic function bindings, "f=tanh"
	timeout time.Duration // bounds a derivation (--timeout)
}

func (c *common) addTimeout(cmd *cobra.Command) {
	cmd.Flags().DurationVar(&c.timeout, "timeout", 60*time.Second, "stop a derivation that takes longer than this (0: no limit)")
}

// context returns the context that bounds a derivation by --timeout.
func (c *common) context(cmd *cobra.Command) (context.Context, context.CancelFunc) {
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	if c.timeout > 0 {
		return context.WithTimeout(ctx, c.timeout)
	}
	return context.WithCancel(ctx)
}

// timeoutErr explains a derivation stopped by --timeout.
func (c *common) timeoutErr(err error) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("stopped after %v (--timeout): the derivatives of this formula take longer; raise --timeout (0: no limit)", c.timeout)
	}
	return err
}

func (c *common) addLet(cmd *cobra.Command) {
	cmd.Flags().StringArrayVar(&c.lets, "let", nil, "declare shapes: 'W: matrix(n,m)', 'x,y: scalar', 'S: symmetric(n)', 'k: function' (repeatable)")
}

func (c *common) addAt(cmd *cobra.Command, usage string) {
	cmd.Flags().StringVar(&c.at, "at", "", usage)
}

func (c *common) addFun(cmd *cobra.Command) {
	cmd.Flags().StringArrayVar(&c.funcs, "fun", nil, "give a generic function a built-in meaning for evaluation: 'f=tanh' (repeatable)")
}

// formula is a parsed, shape-checked formula with its values.
type formula struct {
	src      string
	expr     ast.Expr
	decls    []ast.Decl
	info     *ast.Info
	vals     map[string]*mat.Dense // canonical names; nil without --at
	funcs    map[string]string
	funcName string
	wrt      []string     // from a formula file's request, or --wrt
	order    int          // from a formula file's request
	names    []derive.Def // the file's definitions the function uses
	reqLine  int          // the line of the file's request, or 0
}

// readFormula returns the formula text of args: the argument, or stdin for "-".
func readFormula(cmd *cobra.Command, args []string) (string, error) {
	if len(args) != 1 {
		return "", usagef("give one formula (use - to read it from stdin)")
	}
	if args[0] == "-" {
		b, err := readLimited(cmd.InOrStdin(), "stdin", parser.MaxSourceBytes)
		if err != nil {
			return "", err
		}
		return strings.TrimRight(string(b), "\r\n"), nil
	}
	return args[0], nil
}

func (c *common) decls() ([]ast.Decl, error) {
	var decls []ast.Decl
	if c.fset == nil {
		c.fset = ast.NewFileSet()
	}
	for _, l := range c.lets {
		d, err := parser.ParseDecls(l)
		if err != nil {
			return nil, &sourceError{what: "--let", src: l, err: err}
		}
		f := c.fset.AddFile("--let", l)
		for k := range d {
			// Positions in a --let are the FileSet's, so that an error
			// there is shown against the --let.
			d[k].DeclPos += f.Base()
		}
		decls = append(decls, d...)
	}
	return decls, nil
}

// sourceErr returns err, found while reading the formula src, as a
// sourceError against src, or against the --let it points into.
func (c *common) sourceErr(src string, err error) error {
	if c.fset != nil {
		if f, local := c.fset.Localize(err); f != nil && f.Name() == "--let" {
			return &sourceError{what: "--let", src: f.Src(), err: local}
		}
	}
	return &sourceError{what: "formula", src: src, err: err}
}

// load parses the formula, the declarations and the values, and infers the
// shapes. stdinUsed says whether the formula came from stdin (then --at -
// cannot read it too).
func (c *common) load(cmd *cobra.Command, src string, extra []ast.Decl) (*formula, error) {
	c.fset = ast.NewFileSet()
	c.fset.AddFile("formula", src)
	decls, err := c.decls()
	if err != nil {
		return nil, err
	}
	decls = append(extra, decls...)
	// "s = uᵀx" names the function, as a formula file's definition does.
	name, e, err := (&parser.Config{Decls: decls}).ParseNamed(src)
	if err != nil {
		return nil, &sourceError{what: "formula", src: src, err: err}
	}
	f, err := c.finish(cmd, src, e, decls)
	if err == nil && name != "" {
		f.funcName = name
	}
	return f, err
}

func (c *common) finish(cmd *cobra.Command, src string, e ast.Expr, decls []ast.Decl) (*formula, error) {
	f := &formula{src: src, expr: e, decls: decls, funcName: "s"}
	var err error
	if f.funcs, err = c.bindings(); err != nil {
		return nil, err
	}
	var fixed map[string]ast.Shape
	if c.at != "" {
		raw, err := eval.ParseValues(c.at, cmd.InOrStdin())
		if err != nil {
			return nil, fmt.Errorf("--at: %v", err)
		}
		f.vals = map[string]*mat.Dense{}
		fixed = map[string]ast.Shape{}
		names := ast.Vars(e)
		known := map[string]bool{}
		for _, n := range names {
			known[n] = true
		}
		keys := make([]string, 0, len(raw))
		for k := range raw {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			name, err := parser.CanonicalName(k)
			if err != nil {
				return nil, fmt.Errorf("--at: %q is not a variable name: %v", k, err)
			}
			if !known[name] {
				return nil, fmt.Errorf("--at: %s is not a variable of the formula (its variables are %s)", name, strings.Join(names, ", "))
			}
			if _, dup := f.vals[name]; dup {
				return nil, fmt.Errorf("--at: %s is given twice", name)
			}
			v := raw[k]
			f.vals[name] = v
			r, cc := v.Dims()
			switch {
			case r == 1 && cc == 1:
				fixed[name] = ast.Scalar
			case cc == 1:
				fixed[name] = ast.Vector(ast.Size(r))
			default:
				fixed[name] = ast.Matrix(ast.Size(r), ast.Size(cc))
			}
		}
	}
	if f.info, err = ast.Infer(e, decls, fixed); err != nil {
		return nil, c.sourceErr(src, err)
	}
	if f.vals != nil {
		for _, v := range f.info.Vars {
			if _, ok := f.vals[v.Name]; !ok {
				return nil, fmt.Errorf("--at: no value for %s (%v)", v.Name, v.Shape)
			}
		}
	}
	return f, nil
}

// loadFile reads a formula file: its declarations, its definitions (each
// inlined into the later ones) and its derive requests, a formula each.
func (o *common) loadFile(cmd *cobra.Command, path string) ([]*formula, error) {
	var data []byte
	var err error
	if path == "-" {
		data, err = readAll(cmd)
	} else {
		data, err = readFileLimited(path, parser.MaxSourceBytes)
	}
	if err != nil {
		return nil, err
	}
	src := parser.NormalizeSource(string(data))
	file, err := parser.ParseFile(src)
	if err != nil {
		return nil, &sourceError{what: path, src: src, err: err}
	}
	if len(file.Requests) == 0 {
		return nil, fmt.Errorf("%s: no 'derive NAME wrt …' request", path)
	}
	inlined := map[string]ast.Expr{}
	byName := map[string]parser.Def{}
	for _, d := range file.Defs {
		inlined[d.Name] = ast.Rewrite(d.Expr, func(n ast.Expr) ast.Expr {
			if id, ok := n.(*ast.Ident); ok {
				if x, ok := inlined[id.Name]; ok {
					return x
				}
			}
			return n
		})
		byName[d.Name] = d
	}
	var out []*formula
	for _, req := range file.Requests {
		fexpr := inlined[req.Func]
		if fexpr == nil {
			return nil, &sourceError{what: path, src: src, err: ast.Errorf(req.Pos, "derive %s: %s is not defined in the file", req.Func, req.Func)}
		}
		if err := parser.CheckTree(fexpr); err != nil {
			// Inlining the definitions can nest deeper than any one of them.
			return nil, &sourceError{what: path, src: src, err: ast.Errorf(req.Pos, "derive %s: with its definitions inlined, %v", req.Func, err.(*ast.Error).Msg)}
		}
		o.fset = ast.NewFileSet()
		o.fset.AddFile(path, src)
		decls, err := o.decls()
		if err != nil {
			return nil, err
		}
		decls = append(file.Decls, decls...)
		f, err := o.finish(cmd, src, fexpr, decls)
		if se, ok := err.(*sourceError); ok && se.what == "formula" {
			se.what = path
		}
		if err != nil {
			return nil, err
		}
		f.funcName = req.Func
		f.wrt = req.Wrt
		f.order = req.Order
		f.names = userNames(file.Defs, byName[req.Func])
		f.reqLine, _ = ast.Position(src, req.Pos)
		out = append(out, f)
	}
	return out, nil
}

// userNames returns the definitions that fn's formula uses, directly or
// through each other, in file order: the names the results keep.
func userNames(defs []parser.Def, fn parser.Def) []derive.Def {
	var all []derive.Def
	for _, d := range defs {
		if d.Name != fn.Name {
			all = append(all, derive.Def{Name: d.Name, Expr: d.Expr})
		}
	}
	return derive.UsedDefs(all, fn.Expr)
}

// loadRequests loads the formula of the argument (or stdin), or every
// request of a formula file, and the variables to differentiate by:
// --wrt, else the file's request, else none (every variable).
func (c *common) loadRequests(cmd *cobra.Command, args []string, file string, wrtFlag []string) ([]*formula, error) {
	var fs []*formula
	if file != "" {
		if len(args) > 0 {
			return nil, usagef("give a formula or -f FILE, not both")
		}
		var err error
		if fs, err = c.loadFile(cmd, file); err != nil {
			return nil, err
		}
	} else {
		f, err := c.loadArg(cmd, args)
		if err != nil {
			return nil, err
		}
		fs = []*formula{f}
	}
	wrt, err := canonicalWrt(wrtFlag)
	if err != nil {
		return nil, err
	}
	if len(wrt) > 0 {
		for _, f := range fs {
			f.wrt = wrt
		}
	}
	return fs, nil
}

// loadArg loads the formula given as the argument, or on stdin for "-".
func (c *common) loadArg(cmd *cobra.Command, args []string) (*formula, error) {
	src, err := readFormula(cmd, args)
	if err != nil {
		return nil, err
	}
	return c.load(cmd, src, nil)
}

// bindings parses --fun f=tanh.
func (c *common) bindings() (map[string]string, error) {
	out := map[string]string{}
	for _, b := range c.funcs {
		for _, part := range strings.Split(b, ",") {
			name, fn, ok := strings.Cut(part, "=")
			name, fn = strings.TrimSpace(name), strings.TrimSpace(fn)
			if !ok || name == "" || fn == "" {
				return nil, usagef("--fun %q: write NAME=BUILTIN, for example f=tanh", part)
			}
			bi := ast.LookupFunc(fn)
			if bi == nil || !bi.Elementwise() || bi.Arity() != 1 {
				return nil, usagef("--fun %s=%s: %s is not a built-in elementwise function of one argument (exp log sin cos tan tanh sigmoid relu softplus sqrt abs)", name, fn, fn)
			}
			if cn, err := parser.CanonicalName(name); err == nil {
				name = cn
			}
			if ast.LookupFunc(name) != nil {
				return nil, usagef("--fun %s=%s: %s is a built-in function already; --fun gives a meaning to generic ones (f, g, h, φ, ψ or declared)", name, fn, name)
			}
			out[name] = bi.Name()
		}
	}
	return out, nil
}

// env returns the evaluation environment of the formula's values.
func (f *formula) env() (*eval.Env, error) {
	sizes, err := eval.BindSizes(f.info.Vars, f.vals)
	if err != nil {
		return nil, err
	}
	return &eval.Env{Vars: f.vals, Funcs: f.funcs, Sizes: sizes}, nil
}

// canonicalWrt maps --wrt spellings to canonical names.
func canonicalWrt(list []string) ([]string, error) {
	var out []string
	for _, item := range list {
		for _, w := range strings.Split(item, ",") {
			w = strings.TrimSpace(w)
			if w == "" {
				continue
			}
			n, err := parser.CanonicalName(w)
			if err != nil {
				return nil, usagef("--wrt %q: %v", w, err)
			}
			out = append(out, n)
		}
	}
	return out, nil
}
