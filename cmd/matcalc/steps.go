package main

import (
	"errors"

	"github.com/matcalc/matcalc/derive"
	"github.com/matcalc/matcalc/render"
)

func stepsText(f *formula, res *derive.Result) (string, error) {
	return "", errors.New("--steps is not available yet")
}

func stepsLaTeX(f *formula, res *derive.Result, o render.LaTeXOptions) (string, error) {
	return "", errors.New("--steps is not available yet")
}
