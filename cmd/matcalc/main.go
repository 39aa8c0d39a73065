// Command matcalc derives gradients, Jacobians and Hessians of matrix
// formulas written as in lecture notes, evaluates and checks them, renders
// them as text, LaTeX, JSON or Go, and shows backprop on the computational
// graph.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run executes matcalc with args and returns the exit status: 0, 1 for a
// bad formula or a failed check, 2 for bad usage.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRootCmd()
	root.SetArgs(negativeFormulas(root, args))
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.Execute()
	if err == nil {
		return 0
	}
	if errors.Is(err, errCheckFailed) {
		return 1
	}
	msg := err.Error()
	fmt.Fprintln(stderr, "matcalc: "+msg)
	var u *usageError
	var se *sourceError
	// cobra's own errors (an unknown command or flag) are untyped: they are
	// known by their text, but never when the error is about the formula,
	// whose text could say anything.
	if errors.As(err, &u) || !errors.As(err, &se) && isCobraUsage(msg) {
		fmt.Fprintln(stderr, "Run 'matcalc --help' for usage.")
		return 2
	}
	return 1
}

// negativeFormulas moves formulas that start with "-", such as
// -yᵀlog(softmax(z)), behind a "--", so that they are not read as flags.
// An argument is such a formula when it starts with a single "-" and either
// the letter after it is no shorthand flag of the command, or it holds a
// character no flag holds ("(", "ᵀ", a space, …). "matcalc derive -- '-xᵀx'"
// (docs/conventions.md) keeps working: arguments are left alone once a "--" is there.
func negativeFormulas(root *cobra.Command, args []string) []string {
	cmd, _, err := root.Find(args)
	if err != nil || cmd == root {
		return args
	}
	if i := slices.Index(args, "--"); i >= 0 {
		return flagsBeforeDashes(cmd, args[:i], args[i+1:])
	}
	var keep, moved []string
	takesValue := false // the previous argument is a flag that takes a value
	for _, a := range args {
		switch {
		case takesValue:
			takesValue = false
		case len(a) > 1 && a[0] == '-' && a[1] != '-':
			f := cmd.Flags().ShorthandLookup(a[1:2])
			if f == nil || strings.ContainsFunc(a, notFlagChar) {
				moved = append(moved, a)
				continue
			}
			takesValue = f.NoOptDefVal == "" && len(a) == 2
		case strings.HasPrefix(a, "--") && !strings.Contains(a, "="):
			f := cmd.Flags().Lookup(a[2:])
			takesValue = f != nil && f.NoOptDefVal == ""
		}
		keep = append(keep, a)
	}
	if len(moved) == 0 {
		return args
	}
	return append(append(keep, "--"), moved...)
}

// flagsBeforeDashes moves the long flags that follow "--" before it:
// "derive -- '-xᵀx' --wrt x" means what "derive --wrt x -- '-xᵀx'" means,
// since no formula starts with "--".
func flagsBeforeDashes(cmd *cobra.Command, before, after []string) []string {
	var flags, rest []string
	for i := 0; i < len(after); i++ {
		a := after[i]
		name, _, hasValue := strings.Cut(strings.TrimPrefix(a, "--"), "=")
		f := cmd.Flags().Lookup(name)
		if !strings.HasPrefix(a, "--") || f == nil {
			rest = append(rest, a)
			continue
		}
		flags = append(flags, a)
		if !hasValue && f.NoOptDefVal == "" && i+1 < len(after) {
			i++
			flags = append(flags, after[i])
		}
	}
	out := append(append(slices.Clone(before), flags...), "--")
	return append(out, rest...)
}

// notFlagChar reports whether r cannot occur in a flag or its glued value.
func notFlagChar(r rune) bool {
	return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._/=:,-+", r))
}

// isCobraUsage recognises cobra's own argument errors.
func isCobraUsage(msg string) bool {
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "flag needs an argument", "invalid argument", "accepts ", "requires at least", "required flag"} {
		if strings.HasPrefix(msg, p) || strings.Contains(msg, " "+p) {
			return true
		}
	}
	return false
}
