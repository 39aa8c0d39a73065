package derive_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/matcalc/matcalc/ast"
	"github.com/matcalc/matcalc/derive"
	"github.com/matcalc/matcalc/parser"
)

func TestDeriveContext(t *testing.T) {
	cfg := parser.Config{Decls: []ast.Decl{{Names: []string{"x"}, Kind: ast.DeclScalar}}}
	e, err := cfg.ParseExpr(strings.Repeat("tanh(", 400) + "x" + strings.Repeat(")", 400))
	if err != nil {
		t.Fatal(err)
	}
	info, err := ast.Infer(e, cfg.Decls, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := derive.DeriveContext(ctx, e, info, derive.Options{Order: 2}); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled before: got %v", err)
	}
	ctx, cancel = context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = derive.DeriveContext(ctx, e, info, derive.Options{Order: 2})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v after %v, want the deadline's error", err, time.Since(start))
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("returned %v after the 50 ms deadline", d)
	}
	// Without a context, a small formula derives as before.
	small, _ := cfg.ParseExpr("tanh(tanh(x))")
	info, _ = ast.Infer(small, cfg.Decls, nil)
	if _, err := derive.DeriveContext(context.Background(), small, info, derive.Options{Order: 2}); err != nil {
		t.Errorf("tanh(tanh(x)): %v", err)
	}
}
