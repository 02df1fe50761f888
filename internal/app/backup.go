package app

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"database/sql"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// BackupSummary says what a backup holds.
type BackupSummary struct {
	Files int
	Bytes int64
}

// Backup writes a gzipped tar of the cooperative's data folder to out: a
// consistent copy of the database, the blobs and the transparency log.
//
// It leaves out every key. The member and content keys are deleted from the
// database copy (and the copy is vacuumed, so they are not in its free
// pages either), and the vault and log key files are not included. That is
// what makes erasure irreversible: content erased after this backup was
// made stays unreadable in it, because its key is gone everywhere. Restoring
// a backup therefore needs the live keys (vault.key, log.key and the two key
// tables), which are backed up separately — see docs/backup.md.
func (a *App) Backup(ctx context.Context, out string) (BackupSummary, error) {
	tmp, err := os.MkdirTemp(filepath.Dir(out), ".allmende-backup-")
	if err != nil {
		return BackupSummary{}, fmt.Errorf("backup: %w", err)
	}
	defer os.RemoveAll(tmp)
	snap := filepath.Join(tmp, "allmende.db")
	if err := a.DB.Snapshot(ctx, snap); err != nil {
		return BackupSummary{}, fmt.Errorf("backup: %w", err)
	}
	if err := scrubKeys(ctx, snap); err != nil {
		return BackupSummary{}, fmt.Errorf("backup: %w", err)
	}

	f, err := os.CreateTemp(filepath.Dir(out), ".backup-*.tar.gz")
	if err != nil {
		return BackupSummary{}, fmt.Errorf("backup: %w", err)
	}
	defer os.Remove(f.Name())
	zw := gzip.NewWriter(f)
	tw := tar.NewWriter(zw)
	var sum BackupSummary
	add := func(path, name string) error {
		st, err := os.Stat(path)
		if err != nil {
			return err
		}
		hdr, err := tar.FileInfoHeader(st, "")
		if err != nil {
			return err
		}
		hdr.Name = filepath.ToSlash(name)
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if st.IsDir() {
			return nil
		}
		src, err := os.Open(path)
		if err != nil {
			return err
		}
		defer src.Close()
		n, err := io.Copy(tw, src)
		sum.Files++
		sum.Bytes += n
		return err
	}
	if err := add(snap, "allmende.db"); err != nil {
		return BackupSummary{}, fmt.Errorf("backup: %w", err)
	}
	for _, dir := range []string{"blobs", "log"} {
		root := filepath.Join(a.cfg.DataDir, dir)
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(a.cfg.DataDir, p)
			// Temporary files of writes in progress are not data.
			if strings.HasPrefix(d.Name(), ".put-") {
				return nil
			}
			return add(p, rel)
		})
		if err != nil && !os.IsNotExist(err) {
			return BackupSummary{}, fmt.Errorf("backup %s: %w", dir, err)
		}
	}
	if err := tw.Close(); err != nil {
		return BackupSummary{}, fmt.Errorf("backup: %w", err)
	}
	if err := zw.Close(); err != nil {
		return BackupSummary{}, fmt.Errorf("backup: %w", err)
	}
	if err := f.Sync(); err != nil {
		return BackupSummary{}, fmt.Errorf("backup: %w", err)
	}
	f.Close()
	if err := os.Rename(f.Name(), out); err != nil {
		return BackupSummary{}, fmt.Errorf("backup: %w", err)
	}
	return sum, nil
}

// scrubKeys removes the keys and the sessions from a database copy and
// vacuums it, so that nothing of them is left in the file.
func scrubKeys(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=secure_delete(1)")
	if err != nil {
		return err
	}
	defer db.Close()
	for _, stmt := range []string{
		`DELETE FROM content_keys`, `DELETE FROM member_keys`, `DELETE FROM sessions`, `VACUUM`,
	} {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("scrub %q: %w", stmt, err)
		}
	}
	return nil
}
