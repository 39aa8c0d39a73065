package main

import (
	"github.com/matcalc/matcalc/derive"
	"github.com/matcalc/matcalc/render"
)

func stepsText(f *formula, res *derive.Result) (string, error) {
	ds, err := derive.Steps(f.expr, f.info, res)
	if err != nil {
		return "", err
	}
	return render.StepsText(ds, res), nil
}

func stepsLaTeX(f *formula, res *derive.Result, o render.LaTeXOptions) ([]string, error) {
	ds, err := derive.Steps(f.expr, f.info, res)
	if err != nil {
		return nil, err
	}
	return render.StepsLaTeXBlocks(ds, res, o), nil
}
