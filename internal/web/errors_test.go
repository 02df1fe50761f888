package web_test

import (
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// writers are the files allowed to write an error status: the one table
// and the API's writer, the pages' writer, and the middleware's answer to
// a panic.
var writers = map[string]string{
	"response/status.go": "the one table",
	"response/errors.go": "the API's error writer",
	"pages/errors.go":    "the pages' error writer",
	"middleware.go":      "the plain-text 500 after a panic, when nothing that renders is to be trusted",
	"healthz.go":         "a load balancer's 503, in the health check's own shape rather than a person's problem",
}

// errorStatuses are net/http's status constants from 400 up, read from
// the standard library's source.
func errorStatuses(t *testing.T) map[string]int {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), filepath.Join(build.Default.GOROOT, "src", "net", "http", "status.go"), nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	ast.Inspect(f, func(n ast.Node) bool {
		if vs, ok := n.(*ast.ValueSpec); ok && len(vs.Values) == 1 {
			if lit, ok := vs.Values[0].(*ast.BasicLit); ok && lit.Kind == token.INT {
				if v, err := strconv.Atoi(lit.Value); err == nil && v >= 400 {
					out[vs.Names[0].Name] = v
				}
			}
		}
		return true
	})
	if out["StatusUnprocessableEntity"] != 422 || out["StatusInternalServerError"] != 500 {
		t.Fatalf("could not read net/http's status codes: %v", out)
	}
	return out
}

// TestNoHandlerWritesAnErrorStatus: no file of the web layer but the error
// writers names an error status (http.StatusNotFound, 422, …) or calls
// http.Error. A handler returns its error; the one writer chooses the
// status from the one table.
func TestNoHandlerWritesAnErrorStatus(t *testing.T) {
	statuses := errorStatuses(t)
	fset := token.NewFileSet()
	files := 0
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		files++
		if _, ok := writers[filepath.ToSlash(path)]; ok {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.SelectorExpr:
				if pkg, ok := x.X.(*ast.Ident); ok && pkg.Name == "http" {
					if code, ok := statuses[x.Sel.Name]; ok {
						t.Errorf("%s: writes the error status %d itself (http.%s)", fset.Position(x.Pos()), code, x.Sel.Name)
					}
					if x.Sel.Name == "Error" {
						t.Errorf("%s: writes an error with http.Error", fset.Position(x.Pos()))
					}
				}
			case *ast.CallExpr:
				for _, arg := range x.Args {
					if lit, ok := arg.(*ast.BasicLit); ok && lit.Kind == token.INT {
						if v, err := strconv.Atoi(lit.Value); err == nil && v >= 400 && v < 600 {
							t.Errorf("%s: %d is passed as an error status written by hand", fset.Position(lit.Pos()), v)
						}
					}
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 100 {
		t.Fatalf("only %d files of the web layer read", files)
	}
}
