package layers

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/mod/modfile"
)

// kind is what DESIGN.md's table says a package is.
type kind string

const (
	pure   kind = "pure"
	domain kind = "domain"
	web    kind = "web"
	other  kind = ""
)

// row is one row of the package table.
type row struct {
	path string // relative to the module: internal/work, cmd/allmende
	kind kind
	may  map[string]bool // internal packages it may import, relative to internal/
}

// forbidden are the standard packages a pure package must not depend on,
// even indirectly: pure packages hold no database, no HTTP and start no
// programs.
var forbidden = []string{"database/sql", "net/http", "os/exec"}

// parseTable reads the package table of DESIGN.md: the table under the
// "## Packages" heading whose rows look like
//
//	| pure: `internal/truth` | what it does | stdlib |
func parseTable(design string) ([]row, error) {
	_, section, ok := strings.Cut(design, "\n## Packages")
	if !ok {
		return nil, errors.New(`DESIGN.md has no "## Packages" section`)
	}
	section, _, _ = strings.Cut(section, "\n## ")
	var rows []row
	for line := range strings.Lines(section) {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "|") || strings.HasPrefix(line, "|---") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		if len(cells) != 3 {
			return nil, fmt.Errorf("a row of the package table without three cells: %s", line)
		}
		first := strings.TrimSpace(cells[0])
		if first == "package" {
			continue // the header
		}
		var r row
		for _, k := range []kind{pure, domain, web} {
			if rest, ok := strings.CutPrefix(first, string(k)+":"); ok {
				r.kind, first = k, strings.TrimSpace(rest)
			}
		}
		path, opened := strings.CutPrefix(first, "`")
		path, closed := strings.CutSuffix(path, "`")
		if !opened || !closed || path == "" || strings.Contains(path, "`") {
			return nil, fmt.Errorf("a row of the package table that names no package in backquotes: %s", line)
		}
		r.path, r.may = path, map[string]bool{}
		for name := range strings.SplitSeq(cells[2], ",") {
			name = strings.TrimSpace(name)
			if i := strings.IndexAny(name, " ("); i >= 0 {
				name = name[:i]
			}
			name = strings.Trim(name, "`")
			if name != "" {
				r.may[name] = true
			}
		}
		rows = append(rows, r)
	}
	if len(rows) == 0 {
		return nil, errors.New("DESIGN.md's package table has no rows")
	}
	return rows, nil
}

// pkg is a package as `go list -json` describes it.
type pkg struct {
	ImportPath string
	Imports    []string // direct, without tests
	Deps       []string // all, without tests
}

// check returns each way the packages break the table's rules, as
// sentences naming the package and the import.
func check(module string, rows []row, pkgs []pkg) []string {
	byPath := map[string]row{}
	for _, r := range rows {
		byPath[r.path] = r
	}
	kindOf := func(rel string) kind {
		if rel == "internal/web" || strings.HasPrefix(rel, "internal/web/") {
			return web
		}
		return byPath[rel].kind
	}
	var bad []string
	seen := map[string]bool{}
	for _, p := range pkgs {
		rel, ok := strings.CutPrefix(p.ImportPath, module+"/")
		if !ok {
			continue
		}
		seen[rel] = true
		r, ok := byPath[rel]
		if !ok {
			bad = append(bad, fmt.Sprintf("%s has no row in DESIGN.md's package table", rel))
			continue
		}
		if r.kind == pure {
			for _, dep := range p.Deps {
				if slices.Contains(forbidden, dep) {
					bad = append(bad, fmt.Sprintf("pure package %s depends on %s", rel, dep))
				}
			}
		}
		if r.kind != pure && r.kind != domain {
			continue
		}
		for _, imp := range p.Imports {
			irel, ok := strings.CutPrefix(imp, module+"/")
			if !ok {
				continue // the standard library (checked in Deps above) and other modules
			}
			switch k := kindOf(irel); {
			case r.kind == pure && (k == domain || k == web):
				bad = append(bad, fmt.Sprintf("pure package %s imports %s package %s", rel, k, irel))
			case r.kind == domain && k == web:
				bad = append(bad, fmt.Sprintf("domain package %s imports web package %s", rel, irel))
			case !r.may[strings.TrimPrefix(irel, "internal/")]:
				bad = append(bad, fmt.Sprintf("%s package %s imports %s, which its row in DESIGN.md does not list", r.kind, rel, irel))
			}
		}
	}
	for _, r := range rows {
		if (strings.HasPrefix(r.path, "internal/") || strings.HasPrefix(r.path, "cmd/")) && !seen[r.path] {
			bad = append(bad, fmt.Sprintf("DESIGN.md's package table lists %s, which is not a package", r.path))
		}
	}
	return bad
}

// TestDesignImportRules checks the module against DESIGN.md.
func TestDesignImportRules(t *testing.T) {
	root := filepath.Join("..", "..")
	design, err := os.ReadFile(filepath.Join(root, "DESIGN.md"))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := parseTable(string(design))
	if err != nil {
		t.Fatal(err)
	}
	// A table whose markers the parser no longer sees would make the
	// rules vacuous: each kind must be there.
	kinds := map[kind]int{}
	for _, r := range rows {
		kinds[r.kind]++
	}
	for _, k := range []kind{pure, domain} {
		if kinds[k] == 0 {
			t.Fatalf("DESIGN.md's package table marks no package %q", k)
		}
	}
	gomod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	module := modfile.ModulePath(gomod)
	pkgs := goList(t, root, module+"/...")
	if len(pkgs) < len(rows)/2 {
		t.Fatalf("go list found %d packages for a table of %d rows", len(pkgs), len(rows))
	}
	for _, problem := range check(module, rows, pkgs) {
		t.Error(problem)
	}
}

// goList describes the packages matching pattern, from dir.
func goList(t *testing.T, dir, pattern string) []pkg {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), "go", "list", "-e", "-json=ImportPath,Imports,Deps", pattern)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.Bytes())
	}
	var pkgs []pkg
	for dec := json.NewDecoder(bytes.NewReader(out)); ; {
		var p pkg
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("go list output: %v", err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

// TestCheckFindsBrokenRules feeds the checker a small table and import
// graph, sound and then broken one way at a time: it must name each
// broken rule, and find nothing in the sound graph.
func TestCheckFindsBrokenRules(t *testing.T) {
	const module = "example.org/coop"
	const table = `# Design

## Packages

| package | role | may import |
|---|---|---|
| ` + "`cmd/coop`" + ` | the binary | everything |
| ` + "`internal/store`" + ` | the database | stdlib, drivers |
| ` + "`internal/web`" + ` | pages | domain packages |
| domain: ` + "`internal/work`" + ` | projects | store, ` + "`truth`" + ` |
| domain: ` + "`internal/pay`" + ` | money | store, work |
| pure: ` + "`internal/truth`" + ` | inference | stdlib, ` + "`stats`" + ` (one function) |
| pure: ` + "`internal/stats`" + ` | statistics | stdlib |

## Decisions
`
	rows, err := parseTable(table)
	if err != nil {
		t.Fatal(err)
	}
	p := func(path string, imports ...string) pkg {
		return pkg{ImportPath: module + "/" + path, Imports: imports, Deps: imports}
	}
	in := func(path string) string { return module + "/" + path }
	sound := func() []pkg {
		return []pkg{
			p("cmd/coop", in("internal/web"), in("internal/work"), "net/http"),
			p("internal/store", "database/sql"),
			p("internal/web", in("internal/work"), in("internal/pay"), "net/http"),
			p("internal/work", in("internal/store"), in("internal/truth"), "context"),
			p("internal/pay", in("internal/store"), in("internal/work")),
			p("internal/truth", in("internal/stats"), "math"),
			p("internal/stats", "sort"),
		}
	}
	if bad := check(module, rows, sound()); len(bad) != 0 {
		t.Fatalf("a sound graph broke rules: %q", bad)
	}
	tests := []struct {
		name    string
		breakIt func([]pkg) []pkg
		want    string
	}{
		{"a pure package imports net/http", func(g []pkg) []pkg {
			g[6].Imports = append(g[6].Imports, "net/http")
			g[6].Deps = append(g[6].Deps, "net/http")
			return g
		}, "pure package internal/stats depends on net/http"},
		{"a pure package reaches database/sql through a dependency", func(g []pkg) []pkg {
			g[5].Deps = append(g[5].Deps, "encoding/json", "database/sql")
			return g
		}, "pure package internal/truth depends on database/sql"},
		{"a pure package starts programs", func(g []pkg) []pkg {
			g[6].Deps = append(g[6].Deps, "os/exec")
			return g
		}, "pure package internal/stats depends on os/exec"},
		{"a pure package imports a domain package", func(g []pkg) []pkg {
			g[6].Imports = append(g[6].Imports, in("internal/work"))
			return g
		}, "pure package internal/stats imports domain package internal/work"},
		{"a pure package imports a web package", func(g []pkg) []pkg {
			g[5].Imports = append(g[5].Imports, in("internal/web/api"))
			return g
		}, "pure package internal/truth imports web package internal/web/api"},
		{"a domain package imports web", func(g []pkg) []pkg {
			g[3].Imports = append(g[3].Imports, in("internal/web"))
			return g
		}, "domain package internal/work imports web package internal/web"},
		{"a domain package imports a web sub-package", func(g []pkg) []pkg {
			g[4].Imports = append(g[4].Imports, in("internal/web/pages"))
			return g
		}, "domain package internal/pay imports web package internal/web/pages"},
		{"a domain package imports what its row does not list", func(g []pkg) []pkg {
			g[3].Imports = append(g[3].Imports, in("internal/stats"))
			return g
		}, "domain package internal/work imports internal/stats, which its row in DESIGN.md does not list"},
		{"a pure package imports another pure one its row does not list", func(g []pkg) []pkg {
			g[6].Imports = append(g[6].Imports, in("internal/truth"))
			return g
		}, "pure package internal/stats imports internal/truth, which its row in DESIGN.md does not list"},
		{"a package with no row", func(g []pkg) []pkg {
			return append(g, p("internal/cache"))
		}, "internal/cache has no row in DESIGN.md's package table"},
		{"a row with no package", func(g []pkg) []pkg {
			return g[:len(g)-1]
		}, "DESIGN.md's package table lists internal/stats, which is not a package"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			bad := check(module, rows, tc.breakIt(sound()))
			if !slices.Contains(bad, tc.want) {
				t.Fatalf("found %q, want %q among them", bad, tc.want)
			}
		})
	}
	for _, broken := range []string{
		"## Packages\n\n| package | role |\n|---|---|\n| `internal/x` | two cells |\n",
		"## Packages\n\n| package | role | may import |\n|---|---|---|\n| internal/x | no backquotes | stdlib |\n",
		"## Packages\n\n| package | role | may import |\n|---|---|---|\n| internal/x` | half quoted | stdlib |\n",
		"## Packages\n\nno table\n",
		"# no packages section\n",
	} {
		if rows, err := parseTable(broken); err == nil {
			t.Errorf("parsed %q into %+v", broken, rows)
		}
	}
}
