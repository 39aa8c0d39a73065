package render

import (
	"fmt"
	"strings"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/derive"
)

// RuleText says in words what a simplification rule of package simplify did.
func RuleText(rule string) string {
	switch rule {
	case "row-diag", "rowexpr-diag", "diag-vector":
		return "diagonal → Hadamard: uᵀdiag(v) = (u ∘ v)ᵀ"
	case "diag-diag":
		return "diag(a)diag(b) = diag(a ∘ b)"
	case "diag-plus-diag", "diag-minus-diag":
		return "diag(a) ± diag(b) = diag(a ± b)"
	case "identity-left", "identity-T":
		return "I changes nothing"
	case "T-T":
		return "(aᵀ)ᵀ = a"
	case "T-scalar":
		return "a scalar is its own transpose"
	case "T-product", "T-scale":
		return "(AB)ᵀ = BᵀAᵀ"
	case "T-sum", "T-diff", "T-neg":
		return "transpose each term"
	case "fold":
		return "arithmetic on constants"
	case "number-front", "number-assoc", "number-out", "number-out-hadamard", "number-out-hadamard-left", "scalar-front":
		return "scalars to the front"
	case "collect":
		return "collect like terms"
	case "inner-order":
		return "aᵀb = bᵀa"
	case "factor-right", "factor-right-minus":
		return "common factor: AC + BC = (A + B)C"
	case "ones-inner", "inner-ones":
		return "𝟙ᵀa = sum(a)"
	case "hadamard-ones", "ones-hadamard":
		return "a ∘ 𝟙 = a"
	case "outer-times-vector":
		return "(abᵀ)c = a(bᵀc)"
	}
	switch {
	case strings.Contains(rule, "zero"):
		return "zero terms vanish"
	case strings.Contains(rule, "one"):
		return "multiplying by 1 changes nothing"
	case strings.Contains(rule, "neg"):
		return "move the minus sign out"
	}
	return rule
}

func partialText(of, by string) string { return "∂" + of + "/∂" + by }

func shapeText(s ast.Shape) string {
	if !s.Rows.Known() || !s.Cols.Known() {
		return ""
	}
	return fmt.Sprintf("%v×%v", s.Rows, s.Cols)
}

// StepsText writes derivations as plain text, one block per variable.
func StepsText(ds []derive.Derivation, res *derive.Result) string {
	var b strings.Builder
	fn := res.FuncName
	for _, d := range ds {
		label := partialText(fn, d.Wrt)
		if d.Deriv.Wrt != "" {
			label = d.Deriv.Label(fn)
		}
		fmt.Fprintf(&b, "%s, step by step\n", label)
		if d.Note != "" {
			fmt.Fprintf(&b, "  %s\n", d.Note)
		}
		for bi, br := range d.Branches {
			if len(d.Branches) > 1 {
				fmt.Fprintf(&b, "  branch %d:\n", bi+1)
			}
			for _, n := range br.Names {
				fmt.Fprintf(&b, "  %s = %s\n", n.Name, ast.String(n.Expr))
			}
			if len(br.Chain) > 0 {
				end := br.Chain[len(br.Chain)-1].By
				var parts []string
				for _, f := range br.Chain {
					parts = append(parts, partialText(f.Of, f.By))
				}
				if len(parts) > 1 {
					fmt.Fprintf(&b, "  chain rule: %s = %s\n", partialText(fn, end), strings.Join(parts, " · "))
				}
				rows := make([][3]string, len(br.Chain))
				for i, f := range br.Chain {
					rows[i] = [3]string{partialText(f.Of, f.By) + " = " + ast.String(f.Expr), shapeText(f.Shape), f.Rule}
				}
				writeTable(&b, "    ", rows)
				if len(br.Chain) > 1 {
					fmt.Fprintf(&b, "  product: %s = %s\n", partialText(fn, end), ast.String(br.Product))
				}
				if len(br.Rewrites) > 0 {
					rows := make([][3]string, len(br.Rewrites))
					for i, r := range br.Rewrites {
						rows[i] = [3]string{ast.String(r.Before) + " = " + ast.String(r.After), "", RuleText(r.Rule)}
					}
					writeTable(&b, "    ", rows)
				}
				if br.Row != nil {
					fmt.Fprintf(&b, "  %s = %s\n", partialText(fn, end), ast.String(br.Row))
				}
			}
			if br.Named != "" && br.At != "" {
				def := ""
				if br.Signal.Expr != nil {
					def = " = " + ast.String(br.Signal.Expr)
				}
				fmt.Fprintf(&b, "  %s%s = (%s)ᵀ: the signal at %s, reused by every variable below it (%s)\n",
					br.Named, def, partialText(fn, br.At), br.At, strings.Join(br.Below, ", "))
			}
			for _, f := range br.Adjoint {
				fmt.Fprintf(&b, "  through %s (%v): %s = %s   %s\n", f.By, f.Shape, partialText(fn, f.By), ast.String(f.Expr), f.Rule)
			}
		}
		switch dd := d.Deriv; {
		case dd.IsTensor():
			fmt.Fprintf(&b, "  %s = %s\n\n", dd.DiffLabel(fn), ast.String(d.Result))
			continue
		case dd.Order == 2:
			fmt.Fprintf(&b, "  %s = %s", dd.Label(fn), ast.String(d.Result))
			if !ast.Equal(d.Expanded, d.Result) {
				fmt.Fprintf(&b, " = %s", ast.String(d.Expanded))
			}
			b.WriteString("\n\n")
			continue
		}
		v := res.Env()[d.Wrt]
		conv := "the gradient has the shape of " + d.Wrt
		switch {
		case res.FuncShape.IsRow() && !v.IsScalar():
			conv = fmt.Sprintf("numerator layout: the Jacobian is %v×%v", res.FuncShape.Cols, v.Rows)
		case !res.FuncShape.IsScalar() && !res.FuncShape.IsVector():
			conv = "the derivative by a scalar has the shape of " + fn
		case !res.FuncShape.IsScalar():
			conv = fmt.Sprintf("numerator layout: the Jacobian is %v×%v", res.FuncShape.Rows, v.Rows)
		case v.IsVector():
			conv = fmt.Sprintf("shape convention: the gradient is the transpose of the 1×%v Jacobian", v.Rows)
		}
		fmt.Fprintf(&b, "  %s\n", conv)
		fmt.Fprintf(&b, "  %s = %s", partialText(fn, d.Wrt), ast.String(d.Sum))
		if !ast.Equal(d.Sum, d.Result) {
			fmt.Fprintf(&b, " = %s", ast.String(d.Result))
		}
		if !ast.Equal(d.Expanded, d.Result) {
			fmt.Fprintf(&b, " = %s", ast.String(d.Expanded))
		}
		b.WriteString("\n\n")
	}
	return b.String()
}

// writeTable writes rows of (text, shape, rule) in aligned columns.
func writeTable(b *strings.Builder, indent string, rows [][3]string) {
	w0, w1 := 0, 0
	for _, r := range rows {
		w0 = max(w0, len([]rune(r[0])))
		w1 = max(w1, len([]rune(r[1])))
	}
	for _, r := range rows {
		line := indent + pad(r[0], w0)
		if w1 > 0 {
			line += "   " + pad(r[1], w1)
		}
		if r[2] != "" {
			line += "   " + r[2]
		}
		b.WriteString(strings.TrimRight(line, " ") + "\n")
	}
}

func pad(s string, w int) string {
	return s + strings.Repeat(" ", w-len([]rune(s)))
}

// StepsLaTeX writes derivations as LaTeX aligned blocks, one per variable,
// separated by blank lines (each its own display).
func StepsLaTeX(ds []derive.Derivation, res *derive.Result, o LaTeXOptions) string {
	return strings.Join(StepsLaTeXBlocks(ds, res, o), "\n\n")
}

// StepsLaTeXBlocks returns the aligned block of each derivation.
func StepsLaTeXBlocks(ds []derive.Derivation, res *derive.Result, o LaTeXOptions) []string {
	o = resultOptions(res, o)
	fn := res.FuncName
	var blocks []string
	for _, d := range ds {
		for _, br := range d.Branches {
			for _, n := range br.Names {
				if _, ok := o.Shapes[n.Name]; !ok {
					o.Shapes[n.Name] = n.Shape
				}
			}
			if br.Signal.Name != "" {
				o.Shapes[br.Signal.Name] = br.Signal.Shape
			}
		}
		var steps []Step
		for _, br := range d.Branches {
			for _, n := range br.Names {
				steps = append(steps, Step{Label: Name(n.Name, o), Expr: n.Expr, Shape: n.Shape})
			}
			for _, f := range br.Chain {
				steps = append(steps, Step{Label: Partial(f.Of, f.By, 1, o), Expr: f.Expr, Shape: f.Shape, Rule: f.Rule})
			}
			if br.Product != nil && len(br.Chain) > 1 {
				end := br.Chain[len(br.Chain)-1].By
				steps = append(steps, Step{Label: Partial(fn, end, 1, o), Expr: br.Product, Rule: "product of the chain"})
			}
			for _, r := range br.Rewrites {
				steps = append(steps, Step{Label: LaTeX(r.Before, o), Expr: r.After, Rule: RuleText(r.Rule)})
			}
			if br.Named != "" && br.At != "" {
				if br.Signal.Expr != nil {
					steps = append(steps, Step{Label: Name(br.Named, o), Expr: br.Signal.Expr, Shape: br.Signal.Shape, Rule: "the signal at " + br.At + ", reused below it"})
				}
			}
			for _, f := range br.Adjoint {
				steps = append(steps, Step{Label: Partial(fn, f.By, 1, o), Expr: f.Expr, Shape: f.Shape, Rule: f.Rule})
			}
		}
		if d.Differential != nil || d.Deriv.IsTensor() {
			blocks = append(blocks, LaTeXSteps(differentialSteps(fn, d, o), o))
			continue
		}
		rule := "in the shape of " + d.Wrt
		if len(d.Branches) == 0 && d.Note != "" {
			rule = "no steps shown yet: the path passes through a matrix that depends on " + d.Wrt
		}
		steps = append(steps, Step{Label: Partial(fn, d.Wrt, 1, o), Expr: d.Sum, Rule: rule})
		if !ast.Equal(d.Expanded, d.Sum) {
			steps = append(steps, Step{Expr: d.Expanded})
		}
		blocks = append(blocks, LaTeXSteps(steps, o))
	}
	return blocks
}

// differentialSteps are the LaTeX steps of a derivative read off a
// differential: the first derivative or differential it starts from, its
// differential along the direction, and the derivative.
func differentialSteps(fn string, d derive.Derivation, o LaTeXOptions) []Step {
	dd := d.Deriv
	var steps []Step
	if d.Of != nil && dd.Order == 2 {
		label, rule := Partial(fn, dd.Wrt, 1, o), "the first derivative"
		if dd.Kind == derive.SecondDifferential {
			label, rule = `\mathrm{d}`+Name(fn, o), "the first differential, along d"+dd.Wrt
		}
		steps = append(steps, Step{Label: label, Expr: d.Of, Rule: rule})
	}
	if d.Differential != nil {
		label := `\mathrm{d}` + Name(fn, o)
		switch {
		case dd.Kind == derive.SecondDifferential:
			label = `\mathrm{d}^{2}` + Name(fn, o)
		case dd.Order == 2:
			label = `\mathrm{d}\left(` + Partial(fn, dd.Wrt, 1, o) + `\right)`
		}
		steps = append(steps, Step{Label: label, Expr: d.Differential, Rule: "its differential along " + d.Dir})
	}
	rule := "the derivative"
	if dd.IsTensor() {
		rule = "the tensor, by its differential"
	}
	steps = append(steps, Step{Label: DerivLabel(fn, dd, o), Expr: d.Result, Rule: rule})
	if !ast.Equal(d.Expanded, d.Result) {
		steps = append(steps, Step{Expr: d.Expanded})
	}
	return steps
}
