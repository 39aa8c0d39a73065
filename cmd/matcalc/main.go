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
	"strings"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run executes matcalc with args and returns the exit status: 0, 1 for a
// bad formula or a failed check, 2 for bad usage.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRootCmd()
	root.SetArgs(args)
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
	if errors.As(err, &u) || isCobraUsage(msg) {
		fmt.Fprintln(stderr, "Run 'matcalc --help' for usage.")
		return 2
	}
	return 1
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
