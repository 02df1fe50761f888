package web_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/app"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, to create and drop databases
)

// Setting up the fixture's cooperative — migrating a new database, three
// argon2 password hashes and three sign-ins — took longer than most tests
// that use it: four to eight seconds on a busy two-core machine, more than
// a hundred times per run of this package. So it is set up once per
// dialect, as newFixture used to set it up for each test, and each test
// gets a copy of it: of the data folder, and on PostgreSQL of the database
// (CREATE DATABASE … TEMPLATE). A copy is the same cooperative — the same
// members, sessions, keys and open epoch — that no other test touches.

// eachDialect runs fn once per dialect that storetest.Each runs on, as
// subtests of the same names. The tests of this package need only the
// dialect: their fixture opens its own database, so the fresh, migrated
// database storetest.Each opens for each subtest went unused (and cost
// a migration per subtest, seconds on PostgreSQL). A top-level test that
// calls it runs in parallel with the others that set up a cooperative of
// their own (parallel).
func eachDialect(t *testing.T, fn func(t *testing.T, dialect store.Dialect)) {
	t.Helper()
	parallel(t)
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) { fn(t, d) })
	}
}

// fixtureTemplate is the fixture's cooperative, closed, to be copied.
type fixtureTemplate struct {
	dir    string // the data folder
	db     string // on PostgreSQL, the template database's name
	tokens map[string]string
	ids    map[string]string
}

var fixtureTemplates struct {
	mu    sync.Mutex
	built map[store.Dialect]*fixtureTemplate
	err   map[store.Dialect]error
}

// fixtureConfig is the configuration of the fixture's cooperative.
func fixtureConfig(dir string) app.Config {
	return app.Config{DataDir: dir, LogCheckpointInterval: 100 * time.Millisecond, ReplayAllowPrivate: true, UpstreamAllowPrivate: true}
}

// fixtureTemplateOf returns the template of dialect d, built on first use.
func fixtureTemplateOf(d store.Dialect) (*fixtureTemplate, error) {
	fixtureTemplates.mu.Lock()
	defer fixtureTemplates.mu.Unlock()
	if fixtureTemplates.built == nil {
		fixtureTemplates.built = map[store.Dialect]*fixtureTemplate{}
		fixtureTemplates.err = map[store.Dialect]error{}
	}
	if tmpl, ok := fixtureTemplates.built[d]; ok {
		return tmpl, fixtureTemplates.err[d]
	}
	tmpl, err := buildFixtureTemplate(d)
	fixtureTemplates.built[d], fixtureTemplates.err[d] = tmpl, err
	return tmpl, err
}

// buildFixtureTemplate sets the fixture's cooperative up as a test would
// have: a steward (stella), two members (ada, bob) who joined by
// invitation, and a session token for each, with the background jobs
// running until the first epoch is open.
func buildFixtureTemplate(d store.Dialect) (tmpl *fixtureTemplate, err error) {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "allmende-fixture-")
	if err != nil {
		return nil, err
	}
	tmpl = &fixtureTemplate{dir: dir, tokens: map[string]string{}, ids: map[string]string{}}
	cfg := fixtureConfig(dir)
	if d == store.Postgres {
		if tmpl.db, err = templateDatabase(ctx, "allmende_fixture_", &cfg); err != nil {
			return nil, err
		}
	}
	a, err := app.Open(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return nil, err
	}
	bg, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { a.Background(bg); close(done) }()
	defer func() {
		stop()
		<-done
		err = errors.Join(err, a.Close(), settle(dir))
	}()
	// The background jobs open the first epoch at once; wait for it, so
	// that tests of epochs start from one state.
	for i := 0; ; i++ {
		if _, open, err := a.Reward.OpenEpoch(ctx); err == nil && open {
			break
		} else if i == 400 {
			return nil, fmt.Errorf("the first epoch did not open: %v", err)
		}
		time.Sleep(25 * time.Millisecond)
	}
	stella, err := a.Members.Found(ctx, "stella@example.org", "Stella", password, member.RoleSteward)
	if err != nil {
		return nil, err
	}
	tmpl.ids["stella"] = stella.PublicID
	for _, name := range []string{"ada", "bob"} {
		inv, err := a.Members.Invite(ctx, stella, member.RoleMember)
		if err != nil {
			return nil, err
		}
		m, err := a.Members.SignUp(ctx, member.SignUp{Code: inv.Code, Email: name + "@example.org", Name: name, Password: password})
		if err != nil {
			return nil, err
		}
		tmpl.ids[name] = m.PublicID
	}
	for _, name := range []string{"stella", "ada", "bob"} {
		sess, err := a.Members.SignIn(ctx, name+"@example.org", password)
		if err != nil {
			return nil, err
		}
		tmpl.tokens[name] = sess.Token
	}
	return tmpl, nil
}

// settle waits until the files under dir stop changing: the log's
// background goroutines may still finish a file just after it is closed
// (see dataDir), and a copy must not catch one half written.
func settle(dir string) error {
	prev := ""
	for range 100 {
		var b strings.Builder
		err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			info, err := e.Info()
			if err != nil {
				return err
			}
			fmt.Fprintf(&b, "%s %d %d\n", p, info.Size(), info.ModTime().UnixNano())
			return nil
		})
		if err != nil {
			return err
		}
		if b.String() == prev {
			return nil
		}
		prev = b.String()
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("the files in %s kept changing after the cooperative closed", dir)
}

// copyDir copies the data folder src into dst, which exists, leaving out
// the folder's lock.
func copyDir(src, dst string) error {
	return filepath.WalkDir(src, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		switch {
		case rel == ".":
			return nil
		case rel == ".lock":
			return nil
		case e.IsDir():
			return os.MkdirAll(target, 0o750)
		case !e.Type().IsRegular():
			return fmt.Errorf("copy %s: not a file", p)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		info, err := e.Info()
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, info.Mode().Perm())
	})
}

// postgresURL is the URL of database name on the server that
// ALLMENDE_TEST_POSTGRES names.
func postgresURL(name string) (string, error) {
	base := os.Getenv(storetest.EnvPostgres)
	if base == "" {
		return "", fmt.Errorf("%s is not set", storetest.EnvPostgres)
	}
	u, err := url.Parse(base)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	return u.String(), nil
}

// execPostgres runs one statement on the server's own database.
func execPostgres(ctx context.Context, stmt string) error {
	base := os.Getenv(storetest.EnvPostgres)
	if base == "" {
		return fmt.Errorf("%s is not set", storetest.EnvPostgres)
	}
	db, err := sql.Open("pgx", base)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, stmt); err != nil {
		return fmt.Errorf("%s: %w", stmt, err)
	}
	return nil
}

// cloneDatabase creates a copy of the template database for the test,
// dropped when it ends, and returns its URL.
func cloneDatabase(t testing.TB, template string) string {
	t.Helper()
	name := "allmende_test_" + strings.ToLower(rand.Text()[:12])
	if err := execPostgres(context.Background(), "CREATE DATABASE "+name+" TEMPLATE "+template); err != nil {
		t.Fatal(err)
	}
	// Dropping a database takes a second or more; the test need not wait
	// for it (removeFixtureTemplates waits for the drops at the end).
	t.Cleanup(func() {
		drops.Add(1)
		go func() {
			defer drops.Done()
			_ = execPostgres(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		}()
	})
	u, err := postgresURL(name)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// drops are the test databases being dropped.
var drops sync.WaitGroup

// removeFixtureTemplates removes the templates' folders and databases when
// the package's tests are done.
func removeFixtureTemplates() {
	drops.Wait()
	fixtureTemplates.mu.Lock()
	defer fixtureTemplates.mu.Unlock()
	for _, tmpl := range fixtureTemplates.built {
		if tmpl == nil {
			continue
		}
		_ = os.RemoveAll(tmpl.dir)
		if tmpl.db != "" {
			_ = execPostgres(context.Background(), "DROP DATABASE IF EXISTS "+tmpl.db+" WITH (FORCE)")
		}
	}
}

// parallel lets a test that sets up a cooperative of its own — a fixture,
// the demo, the annotation harness's server — run beside the other such
// tests (go test's -parallel, two on
// two cores): they share nothing, and the package's tests were the longest
// of `go test ./...`. Only a top-level test is marked, and once: a
// subtest's parent may check what its subtests did after they ran. (A
// parallel test cannot call t.Setenv; one that must, calls it before.)
func parallel(tb testing.TB) {
	t, ok := tb.(*testing.T)
	if !ok || strings.Contains(t.Name(), "/") {
		return
	}
	parallelTests.mu.Lock()
	if parallelTests.marked == nil {
		parallelTests.marked = map[*testing.T]bool{}
	}
	marked := parallelTests.marked[t]
	parallelTests.marked[t] = true
	// Not under the lock: Parallel waits until the sequential tests are
	// done, and they may call parallel too.
	parallelTests.mu.Unlock()
	if !marked {
		runInParallel(t)
	}
}

// runInParallel calls t.Parallel, unless the test cannot be parallel: it
// called t.Parallel itself already, or t.Setenv or t.Chdir. Then it stays
// as it is.
func runInParallel(t *testing.T) {
	defer func() {
		if r := recover(); r != nil {
			if msg, ok := r.(string); !ok || !strings.HasPrefix(msg, "testing: t.Parallel called multiple times") && !strings.Contains(msg, "can not use t.Parallel") {
				panic(r)
			}
		}
	}()
	t.Parallel()
}

var parallelTests struct {
	mu     sync.Mutex
	marked map[*testing.T]bool
}

// templateDatabase makes a PostgreSQL database named prefix+random for a
// template cooperative and points cfg at it. A cooperative on PostgreSQL
// is given its keys (issue 18); they live in cfg's data folder, so that
// each copy of the template has them.
func templateDatabase(ctx context.Context, prefix string, cfg *app.Config) (string, error) {
	db := prefix + strings.ToLower(rand.Text()[:12])
	if err := execPostgres(ctx, "CREATE DATABASE "+db); err != nil {
		return db, err
	}
	url, err := postgresURL(db)
	if err != nil {
		return db, err
	}
	keys, err := app.InitKeys(cfg.DataDir, "")
	if err != nil {
		return db, err
	}
	cfg.DB, cfg.VaultKeyFile, cfg.LogKeyFile = url, keys.VaultFile, keys.LogFile
	return db, nil
}
