package main

import (
	"bytes"
	"strings"
	"testing"
)

// cliVariants are the subcommand and format combinations FuzzCLI drives:
// every subcommand with every format it has.
var cliVariants = [][]string{
	{"parse"}, {"parse", "--format", "json"},
	{"derive"}, {"derive", "--format", "latex"}, {"derive", "--format", "json"}, {"derive", "--format", "go"},
	{"derive", "--steps"}, {"derive", "--order", "2"}, {"derive", "--format", "go", "--workspace"},
	{"derive", "--format", "latex", "--standalone", "--style", "plain"},
	{"eval", "--fun", "f=tanh"}, {"eval", "--format", "json", "--fun", "f=tanh"},
	{"check", "--trials", "1"}, {"check", "--order", "2", "--trials", "1"},
	{"backprop"}, {"backprop", "--format", "json"}, {"backprop", "--format", "dot"}, {"backprop", "--format", "svg"},
}

// FuzzCLI runs the command line in-process (the cobra root, through run)
// with a fuzzed formula, --at values and --let, on every subcommand and
// format: it may fail with exit status 1 or 2 and a message, never panic,
// and a message always goes with a failure.
func FuzzCLI(f *testing.F) {
	for i, s := range []string{"uᵀf(Wx+b)", "(x+y)*max(y,z)", "xᵀAx", "log(x)", "x/x", "‖Ax−b‖² + λ‖x‖²", "softmax(θ)", "tr(I + λ)"} {
		f.Add(s, "x=1,y=2,z=0", "", uint8(i))
	}
	f.Add("xᵀAx", `{"x":[1,2],"A":[[1,0],[0,2]]}`, "A: symmetric(2)", uint8(3))
	f.Add("W x", "", "W: matrix(n,m)", uint8(2))
	f.Add("vec(X)ᵀ(A ⊗ B)vec(X)", "", "", uint8(1))
	f.Add("uᵀ(x ⊗ y)", `{"u":[1,2,3,4],"x":[1,2],"y":[3,4]}`, "", uint8(4))
	f.Fuzz(func(t *testing.T, src, at, let string, variant uint8) {
		if len(src) > 100 || len(at) > 200 || len(let) > 100 {
			return
		}
		v := cliVariants[int(variant)%len(cliVariants)]
		args := append([]string{}, v...)
		args = append(args, "--", src)
		if at != "" && (v[0] == "eval" || v[0] == "backprop" || v[0] == "derive" || v[0] == "check") {
			if strings.HasPrefix(strings.TrimSpace(at), "{") || strings.Contains(at, "=") {
				args = append([]string{v[0], "--at", at}, args[1:]...)
			}
		}
		if let != "" && v[0] != "parse" {
			args = append([]string{v[0], "--let", let}, args[1:]...)
		}
		var out, errb bytes.Buffer
		code := run(args, strings.NewReader(""), &out, &errb)
		switch {
		case code != 0 && code != 1 && code != 2:
			t.Fatalf("%q: exit %d", args, code)
		case code != 0 && errb.Len() == 0 && !strings.Contains(out.String(), "FAIL"):
			t.Fatalf("%q: exit %d with no message", args, code)
		case strings.Contains(errb.String(), "internal error"):
			t.Fatalf("%q: %s", args, errb.String())
		}
	})
}
