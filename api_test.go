package uv

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// TestAPICallbacksLast checks the package's argument convention: in every exported function,
// method (also of an unexported type, whose methods are promoted) and interface method, no
// parameter that is not a func follows a func parameter. Several callbacks may end the list
// (QueueWork's work, then after).
func TestAPICallbacksLast(t *testing.T) {
	newTestLoop(t) // the leak check
	fset := token.NewFileSet()
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		if f.Name.Name == "uv" {
			files = append(files, f)
		}
	}
	// The package's named func types (type F func(...)) count as funcs.
	funcTypes := map[string]bool{}
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			if ts, ok := n.(*ast.TypeSpec); ok {
				if _, ok := ts.Type.(*ast.FuncType); ok {
					funcTypes[ts.Name.Name] = true
				}
			}
			return true
		})
	}
	isFunc := func(e ast.Expr) bool {
		switch e := e.(type) {
		case *ast.FuncType:
			return true
		case *ast.Ident:
			return funcTypes[e.Name]
		}
		return false
	}
	check := func(name string, ft *ast.FuncType, pos token.Pos) {
		sawFunc := false
		for _, field := range ft.Params.List {
			if isFunc(field.Type) {
				sawFunc = true
			} else if sawFunc {
				t.Errorf("%s: %s has a non-func parameter after a func parameter", fset.Position(pos), name)
				return
			}
		}
	}
	checked := 0
	for _, f := range files {
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if !d.Name.IsExported() {
					continue
				}
				name := d.Name.Name
				if d.Recv != nil {
					name = recvName(d.Recv.List[0].Type) + "." + name
				}
				check(name, d.Type, d.Pos())
				checked++
			case *ast.GenDecl:
				for _, s := range d.Specs {
					ts, ok := s.(*ast.TypeSpec)
					if !ok || !ts.Name.IsExported() {
						continue
					}
					it, ok := ts.Type.(*ast.InterfaceType)
					if !ok {
						continue
					}
					for _, m := range it.Methods.List {
						ft, ok := m.Type.(*ast.FuncType)
						if !ok || len(m.Names) == 0 || !m.Names[0].IsExported() {
							continue
						}
						check(ts.Name.Name+"."+m.Names[0].Name, ft, m.Pos())
						checked++
					}
				}
			}
		}
	}
	if checked < 100 {
		t.Errorf("checked only %d functions and methods: the walk misses the package", checked)
	}
}

// recvName is the type name of a method's receiver.
func recvName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.StarExpr:
		return recvName(e.X)
	case *ast.IndexExpr:
		return recvName(e.X)
	case *ast.Ident:
		return e.Name
	}
	return "?"
}
