package simplify

// Nameable is exported for the tests.
var Nameable = nameable

// The tests check the runs of factors Simplify leaves alone (checkMarks),
// in derivations too.
func init() { checkMarks = true }
