package eval

import (
	"fmt"
	"io"
	"os"

	"github.com/matcalc/matcalc/ast"
	"gonum.org/v1/gonum/mat"
)

// MaxValueBytes bounds the JSON of --at values read from a file or stdin
// (about 3 million numbers), so that --at /dev/zero stops with an error.
const MaxValueBytes = 64 << 20

// readValueBytes reads r whole, or fails past MaxValueBytes.
func readValueBytes(r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxValueBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxValueBytes {
		return nil, fmt.Errorf("more than %d bytes of values, the limit", MaxValueBytes)
	}
	return b, nil
}

// readValueFile reads the file at path with readValueBytes.
func readValueFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return nil, fmt.Errorf("%s: is a directory, not a file of values", path)
	}
	b, err := readValueBytes(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return b, nil
}

// MaxEntries bounds the entries of one dense matrix the evaluator builds
// (2²⁴, 128 MiB of float64): an outer product xxᵀ of a 20 000-entry x, the
// Hessian of a 10⁵-entry vector or diag of it would otherwise take
// gigabytes before anything is printed.
const MaxEntries = 1 << 24

// tooLarge returns an error at pos when an r×c matrix would exceed
// MaxEntries, and nil otherwise.
func tooLarge(pos ast.Pos, what string, r, c int) error {
	if r > 0 && c > 0 && r <= MaxEntries && c <= MaxEntries/r {
		return nil
	}
	if r <= 0 || c <= 0 {
		return nil
	}
	return ast.Errorf(pos, "%s would be %d×%d, more than the limit of %d entries of a dense matrix", what, r, c, MaxEntries)
}

// MaxDiffWork bounds the work of central differences, counted as the
// evaluations they need times the entries of the values each one reads
// (well under a second): by every entry of a 1000×1000 matrix they would
// take 2·10⁶ evaluations of a formula reading 10⁶ numbers.
const MaxDiffWork = 1 << 26

// diffTooCostly returns an error when central differences by wrt, making
// evals evaluations of a formula with value f0, exceed MaxDiffWork.
func diffTooCostly(env *Env, _ string, evals int, f0 *mat.Dense) error {
	per := 0
	for _, v := range env.Vars {
		if v != nil {
			r, c := v.Dims()
			per += r * c
		}
	}
	r, c := f0.Dims()
	per += r * c
	if per > 0 && evals > MaxDiffWork/per {
		return fmt.Errorf("%d evaluations of a formula over %d numbers, more than the limit of %d evaluations × numbers (choose smaller values)", evals, per, MaxDiffWork)
	}
	return nil
}
