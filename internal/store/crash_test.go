package store_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"testing"

	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

const crashChildEnv = "ALLMENDE_CRASH_CHILD_DB"

// TestKillMidWrite runs a writer in a child process, kills it with SIGKILL
// while it is committing as fast as it can, and checks that every
// transaction the child saw commit is in the database, that the database is
// intact, and that writing continues after the restart.
func TestKillMidWrite(t *testing.T) {
	if u := os.Getenv(crashChildEnv); u != "" {
		crashChild(u)
		return
	}
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			u := storetest.URL(t, d)
			cmd := exec.Command(os.Args[0], "-test.run=^TestKillMidWrite$")
			cmd.Env = append(os.Environ(), crashChildEnv+"="+u)
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			cmd.Stderr = os.Stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			var committed []int
			lines := bufio.NewScanner(out)
			for lines.Scan() && len(committed) < 300 {
				if n, err := strconv.Atoi(lines.Text()); err == nil {
					committed = append(committed, n)
				}
			}
			if err := cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			_ = cmd.Wait()
			if len(committed) < 300 {
				t.Fatalf("child committed only %d transactions before it stopped", len(committed))
			}

			db, err := store.Open(t.Context(), u, store.Options{})
			if err != nil {
				t.Fatalf("reopen after kill: %v", err)
			}
			defer db.Close()
			if d == store.SQLite {
				var check string
				if err := db.Read().QueryRowContext(t.Context(), "PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
					t.Fatalf("integrity_check = %q, %v", check, err)
				}
			}
			for _, n := range committed {
				var got int
				err := db.Read().QueryRowContext(t.Context(), `SELECT count(*) FROM members WHERE email = $1`, fmt.Sprintf("m%d@example.org", n)).Scan(&got)
				if err != nil || got != 1 {
					t.Fatalf("committed row %d: found %d (%v)", n, got, err)
				}
			}
			// Each child transaction wrote a member and a job together:
			// neither may exist without the other.
			var members, jobs int
			_ = db.Read().QueryRowContext(t.Context(), `SELECT count(*) FROM members`).Scan(&members)
			_ = db.Read().QueryRowContext(t.Context(), `SELECT count(*) FROM jobs`).Scan(&jobs)
			if members != jobs {
				t.Fatalf("half-written transactions: %d members, %d jobs", members, jobs)
			}
			insertMember(t, db, "after-restart@example.org")
		})
	}
}

// crashChild commits small transactions in a loop and reports each one on
// stdout after it has committed, until it is killed.
func crashChild(u string) {
	ctx := context.Background()
	db, err := store.Open(ctx, u, store.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for i := 0; ; i++ {
		err := db.InTx(ctx, func(tx *store.Tx) error {
			if _, err := tx.ExecContext(ctx, insertMemberSQL, fmt.Sprint("p", i), fmt.Sprintf("m%d@example.org", i), store.Now()); err != nil {
				return err
			}
			return store.Enqueue(ctx, tx, "welcome", []byte(strconv.Itoa(i)), store.JobOptions{})
		})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Println(i)
	}
}
