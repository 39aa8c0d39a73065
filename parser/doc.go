// Package parser reads matcalc formulas, declarations and formula files into
// ast trees.
package parser
