package simplify

import "context"

// canceled is the panic value of a Simplifier whose context is done.
type canceled struct{ err error }

// WithContext makes s stop once ctx is done: Simplify then panics with a
// value that RecoverCanceled, deferred by the caller, turns into ctx's
// error. Simplify keeps its signature, and callers that never cancel pay
// one counter increment per node.
func (s *Simplifier) WithContext(ctx context.Context) *Simplifier {
	s.ctx = ctx
	return s
}

// checkCanceled panics when s's context is done, looking every 256 calls.
func (s *Simplifier) checkCanceled() {
	if s.ctx == nil {
		return
	}
	s.calls++
	if s.calls%256 != 0 {
		return
	}
	if err := s.ctx.Err(); err != nil {
		panic(canceled{err})
	}
}

// RecoverCanceled, deferred, turns the panic of a canceled Simplifier into
// *err (context.Canceled or context.DeadlineExceeded) and lets any other
// panic through.
func RecoverCanceled(err *error) {
	if r := recover(); r != nil {
		if c, ok := r.(canceled); ok {
			*err = c.err
			return
		}
		panic(r)
	}
}
