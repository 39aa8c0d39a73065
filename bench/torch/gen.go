//go:build ignore

// gen.go re-emits internal/logreghess, the Hessian of the logistic loss
// sum(log(1 + exp(−y ∘ (Xw)))) in w, through parser → derive → render/gocode
// (the same path as `matcalc derive --wrt w --order 2 --format go --workspace`).
package main

import (
	"os"
	"os/exec"
)

func main() {
	cmd := exec.Command("go", "run", "../../cmd/matcalc", "derive",
		"sum(log(1 + exp(−y ∘ (Xw))))", "--wrt", "w", "--order", "2",
		"--format", "go", "--workspace", "--package", "logreghess",
		"-o", "internal/logreghess/hess.go")
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		os.Exit(1)
	}
}
