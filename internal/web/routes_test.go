package web_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/web"
	"github.com/allmende/allmende/internal/web/route"
)

// routeFile is the file a route's handler must be in, by the convention
// of DESIGN.md ("Where does a change go"):
//
//   - /api/v1/<resource>/… is in web/api/<resource>.go, and
//     /api/v1/members/{id}/<resource>… in web/api/<resource>.go;
//   - /v1/<name>/… (the OpenAI-compatible endpoints) in web/openai/<name>.go;
//   - /healthz and /log/ in web/healthz.go and web/log.go;
//   - every other path is a page in web/pages: the first segment with a
//     final "s" dropped ("ies" read as "y"), "_", and the action — the literal segments after
//     it, or for none "show" (GET with an id), "create" (POST) or "update"
//     (POST with an id); a GET without id or action is named for its path
//     as written (/datanets: datanets.go), and / is home.go.
//
// A "-" in a segment is "_" in the file name.
func routeFile(pattern string) string {
	method, path, ok := strings.Cut(pattern, " ")
	if !ok {
		method, path = "", pattern
	}
	var segs []string
	for _, s := range strings.Split(path, "/") {
		if s != "" && s != "{$}" {
			segs = append(segs, strings.ReplaceAll(s, "-", "_"))
		}
	}
	wildcard := func(s string) bool { return strings.HasPrefix(s, "{") }
	switch {
	case path == "/api/":
		return "web/api/api.go"
	case strings.HasPrefix(path, "/api/v1/"):
		res := segs[2]
		if res == "members" && len(segs) > 4 {
			res = segs[4]
		}
		return "web/api/" + strings.TrimSuffix(res, ".json") + ".go"
	case strings.HasPrefix(path, "/v1/"):
		return "web/openai/" + segs[1] + ".go"
	case path == "/healthz", path == "/log/":
		return "web/" + segs[0] + ".go"
	case len(segs) == 0:
		return "web/pages/home.go"
	}
	var actions []string
	id := false
	for _, s := range segs[1:] {
		if wildcard(s) {
			id = true
		} else {
			actions = append(actions, s)
		}
	}
	if len(actions) == 0 {
		switch {
		case method == "GET" && !id:
			return "web/pages/" + segs[0] + ".go"
		case method == "GET":
			actions = []string{"show"}
		case method == "POST" && id:
			actions = []string{"update"}
		case method == "POST":
			actions = []string{"create"}
		default:
			actions = []string{strings.ToLower(method)}
		}
	}
	resource := segs[0]
	switch {
	case strings.HasSuffix(resource, "ies"): // bounties: bounty_show.go
		resource = strings.TrimSuffix(resource, "ies") + "y"
	case strings.HasSuffix(resource, "s") && !strings.HasSuffix(resource, "ss"):
		resource = strings.TrimSuffix(resource, "s")
	}
	return "web/pages/" + resource + "_" + strings.Join(actions, "_") + ".go"
}

func TestRouteFile(t *testing.T) {
	for pattern, want := range map[string]string{
		"GET /datanets/{slug}":                     "web/pages/datanet_show.go",
		"POST /tasks/{id}/submit":                  "web/pages/task_submit.go",
		"POST /datanets":                           "web/pages/datanet_create.go",
		"GET /datanets/new":                        "web/pages/datanet_new.go",
		"GET /datanets":                            "web/pages/datanets.go",
		"POST /members/{id}":                       "web/pages/member_update.go",
		"POST /members/{id}/deposit":               "web/pages/member_deposit.go",
		"POST /contributions/erase-all":            "web/pages/contribution_erase_all.go",
		"GET /my-data":                             "web/pages/my_data.go",
		"GET /{$}":                                 "web/pages/home.go",
		"GET /static/":                             "web/pages/static.go",
		"POST /api/v1/tasks/{id}/submit":           "web/api/tasks.go",
		"GET /api/v1/members/{id}/keys":            "web/api/keys.go",
		"DELETE /api/v1/members/{id}/keys/{key}":   "web/api/keys.go",
		"GET /api/v1/members/{id}/record-earnings": "web/api/record_earnings.go",
		"GET /api/v1/members/{id}":                 "web/api/members.go",
		"GET /api/v1/openapi.json":                 "web/api/openapi.go",
		"/api/":                                    "web/api/api.go",
		"POST /v1/chat/completions":                "web/openai/chat.go",
		"GET /healthz":                             "web/healthz.go",
	} {
		if got := routeFile(pattern); got != want {
			t.Errorf("routeFile(%q) = %s, want %s", pattern, got, want)
		}
	}
}

// methods maps each method declared under internal/web, named as the
// runtime names it ("internal/web/api.(*API).keyList"), to its file
// ("web/api/keys.go"). The runtime knows a method value only by a
// generated wrapper, so its file is read from the source.
func methods(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		pkg := "internal/web"
		if dir := filepath.Dir(path); dir != "." {
			pkg += "/" + filepath.ToSlash(dir)
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Recv == nil {
				continue
			}
			recv := ""
			switch x := fn.Recv.List[0].Type.(type) {
			case *ast.StarExpr:
				recv = "(*" + x.X.(*ast.Ident).Name + ")"
			case *ast.Ident:
				recv = x.Name
			}
			out[pkg+"."+recv+"."+fn.Name.Name] = "web/" + filepath.ToSlash(path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// handlerFile is the file of the function written for a handler.
func handlerFile(h any, methods map[string]string) (string, error) {
	pc := reflect.ValueOf(h).Pointer()
	fn := runtime.FuncForPC(pc)
	if fn == nil {
		return "", fmt.Errorf("%T is not a function", h)
	}
	name := fn.Name()
	_, name, _ = strings.Cut(name, "/allmende/allmende/")
	if method, ok := strings.CutSuffix(name, "-fm"); ok {
		file, ok := methods[method]
		if !ok {
			return "", fmt.Errorf("no source for %s", method)
		}
		return file, nil
	}
	file, _ := fn.FileLine(fn.Entry())
	_, rel, _ := strings.Cut(filepath.ToSlash(file), "/internal/")
	return rel, nil
}

// TestHandlersLiveWhereTheirRouteSays: the handler of every route is in
// the file its path names, so a newcomer finds it in one guess.
func TestHandlersLiveWhereTheirRouteSays(t *testing.T) {
	ms := methods(t)
	routes := web.Routes(t)
	if len(routes) < 140 {
		t.Fatalf("only %d routes recorded", len(routes))
	}
	for _, r := range routes {
		got, err := handlerFile(route.Func(r.Handler), ms)
		if err != nil {
			t.Errorf("%s: %v", r.Pattern, err)
			continue
		}
		if want := routeFile(r.Pattern); got != want {
			t.Errorf("%s is handled in %s, want %s", r.Pattern, got, want)
		}
	}
}

// The check finds a handler in the wrong file: a route served by another
// route's handler — as /members/{id}/deposit once was by a file for
// models — is reported.
func TestHandlerInTheWrongFileIsFound(t *testing.T) {
	ms := methods(t)
	byPattern := map[string]any{}
	for _, r := range web.Routes(t) {
		byPattern[r.Pattern] = route.Func(r.Handler)
	}
	for _, tt := range []struct{ pattern, servedBy string }{
		{"POST /members/{id}/deposit", "GET /models"},
		{"POST /api/v1/members/{id}/deposits", "GET /api/v1/models"},
		{"POST /tasks/{id}/reject", "GET /projects/{slug}"},
	} {
		got, err := handlerFile(byPattern[tt.servedBy], ms)
		if err != nil {
			t.Fatal(err)
		}
		if got == routeFile(tt.pattern) {
			t.Errorf("%s served from %s is not reported", tt.pattern, got)
		}
	}
}
