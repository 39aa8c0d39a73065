package main

import (
	"runtime/debug"

	"github.com/spf13/cobra"
)

// version is set by -ldflags "-X main.version=…"; otherwise the module
// version from the build info.
var version = ""

func versionString() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "matcalc",
		Short: "Symbolic matrix calculus: gradients, Jacobians and Hessians of formulas as written in notes",
		Long: `matcalc reads a formula the way lecture notes write it — uᵀf(Wx+b),
-yᵀlog(softmax(U relu(Wx+b₁)+b₂)), ‖Ax−b‖² + λ‖x‖² — in Unicode or ASCII,
infers every shape, and derives, evaluates, checks and renders its derivatives.`,
		Example: `  matcalc parse 'uᵀf(Wx+b)'
  matcalc derive "u'*f(W*x+b)"
  matcalc derive 'xᵀAx' --wrt x --order 2
  matcalc check '‖Ax−b‖² + λ‖x‖²'
  matcalc backprop '(x+y)*max(y,z)' --at 'x=1,y=2,z=0'`,
		Version:       versionString(),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &usageError{err}
	})
	root.AddCommand(newCmdParse(), newCmdDerive(), newCmdEval(), newCmdCheck(), newCmdBackprop(), newCmdServe())
	return root
}
