package simplify

// Nameable is exported for the tests.
var Nameable = nameable
