//go:build ignore

// gen.go re-emits internal/lowrank, the Hessian-vector product of
// ‖T − UVᵀ‖² by U (issue 13): `matcalc derive '‖T − UVᵀ‖²' --wrt U
// --order 2 --format go --workspace`.
package main

import (
	"os"
	"os/exec"
)

func main() {
	cmd := exec.Command("go", "run", "../../cmd/matcalc", "derive",
		"‖T − UVᵀ‖²", "--wrt", "U", "--order", "2",
		"--format", "go", "--workspace", "--package", "lowrank",
		"-o", "internal/lowrank/hvp.go")
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		os.Exit(1)
	}
}
