package uv

import (
	"go/ast"
	"go/build"
	"go/doc"
	"go/parser"
	"go/token"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// parsePackage parses the package's Go files that this build compiles (test files only when
// tests is set) and returns them with their file set.
func parsePackage(t *testing.T, tests bool) (*token.FileSet, []*ast.File) {
	t.Helper()
	bp, err := build.Default.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	names := append(append([]string(nil), bp.GoFiles...), bp.CgoFiles...)
	if tests {
		names = append(append([]string(nil), bp.TestGoFiles...), bp.XTestGoFiles...)
	}
	fset := token.NewFileSet()
	var files []*ast.File
	for _, name := range names {
		f, err := parser.ParseFile(fset, filepath.Join(bp.Dir, name), nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	return fset, files
}

// undocumented lists every exported name of the package that go/doc shows without a doc
// comment: constants, variables, functions, types, methods (those promoted from embedded types
// included), exported struct fields and interface methods.
func undocumented(t *testing.T) []string {
	fset, files := parsePackage(t, false)
	p, err := doc.NewFromFiles(fset, files, "github.com/go-libuv/uv", doc.AllMethods)
	if err != nil {
		t.Fatal(err)
	}
	var missing []string
	values := func(vs []*doc.Value) {
		for _, v := range vs {
			if v.Doc != "" {
				continue // a group's comment documents all its names
			}
			for _, spec := range v.Decl.Specs {
				vs := spec.(*ast.ValueSpec)
				if vs.Doc != nil || vs.Comment != nil {
					continue
				}
				for _, n := range vs.Names {
					if n.IsExported() {
						missing = append(missing, n.Name)
					}
				}
			}
		}
	}
	funcs := func(recv string, fs []*doc.Func) {
		for _, f := range fs {
			if f.Doc == "" && ast.IsExported(f.Name) {
				missing = append(missing, recv+f.Name)
			}
		}
	}
	values(p.Consts)
	values(p.Vars)
	funcs("", p.Funcs)
	for _, typ := range p.Types {
		if typ.Doc == "" {
			missing = append(missing, typ.Name)
		}
		values(typ.Consts)
		values(typ.Vars)
		funcs("", typ.Funcs)
		funcs(typ.Name+".", typ.Methods)
		for _, spec := range typ.Decl.Specs {
			ts := spec.(*ast.TypeSpec)
			var fields *ast.FieldList
			switch x := ts.Type.(type) {
			case *ast.StructType:
				fields = x.Fields
			case *ast.InterfaceType:
				fields = x.Methods
			}
			if fields == nil {
				continue
			}
			for _, fld := range fields.List {
				if fld.Doc != nil || fld.Comment != nil {
					continue
				}
				for _, n := range fld.Names {
					if n.IsExported() {
						missing = append(missing, typ.Name+"."+n.Name)
					}
				}
			}
		}
	}
	sort.Strings(missing)
	return missing
}

// TestDocComments fails on every exported name without a doc comment, so that go doc prints
// text for each of them.
func TestDocComments(t *testing.T) {
	if missing := undocumented(t); len(missing) > 0 {
		t.Errorf("%d exported names have no doc comment:\n\t%s", len(missing), strings.Join(missing, "\n\t"))
	}
}

// TestExamplesHaveOutput fails on every Example function without an // Output: comment, so
// that go test runs (and checks) each of them.
func TestExamplesHaveOutput(t *testing.T) {
	_, files := parsePackage(t, true)
	n := 0
	for _, f := range files {
		for _, ex := range doc.Examples(f) {
			n++
			if ex.Output == "" && !ex.EmptyOutput {
				t.Errorf("Example%s has no // Output: comment", ex.Name)
			}
		}
	}
	if n == 0 {
		t.Error("no Example functions found")
	}
}
