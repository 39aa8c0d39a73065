package render

import (
	"fmt"
	"os"
	"testing"

	"github.com/matcalc/matcalc/ast"
)

func TestDbgCase(t *testing.T) {
	name := os.Getenv("CASE")
	if name == "" {
		t.Skip()
	}
	for _, c := range goCases {
		if c.name != name {
			continue
		}
		r, _, err := c.build()
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range r.Vars {
			fmt.Println("var", v.Name, v.Shape)
		}
		for _, d := range r.Defs {
			fmt.Println("def", d.Name, "=", ast.String(d.Expr), d.Shape)
		}
		fmt.Println("func", ast.String(r.Func), r.FuncShape)
		for _, d := range r.Derivs {
			fmt.Println("d/d", d.Wrt, d.Kind, "=", ast.String(d.Expr), d.Shape)
		}
		src, err := Go(r, GoOptions{Workspace: os.Getenv("WS") != ""})
		os.Stdout.Write(src)
		if err != nil {
			t.Fatal(err)
		}
	}
}
