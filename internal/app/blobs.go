package app

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/allmende/allmende/internal/store"
)

// openBlobs opens where the cooperative keeps its files: the folder blobs
// in the data folder, or the S3-compatible bucket cfg.Blobs names, with
// the credentials from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and
// AWS_SESSION_TOKEN, if set). The credentials are read here and nowhere
// else, so that no configuration that is printed or logged holds them.
func openBlobs(ctx context.Context, cfg Config, log *slog.Logger) (store.Blobs, error) {
	if cfg.Blobs == "" {
		return store.OpenBlobs(filepath.Join(cfg.DataDir, "blobs"))
	}
	s3, err := store.ParseS3URL(cfg.Blobs)
	if err != nil {
		return nil, fmt.Errorf("--blobs: %w", err)
	}
	s3.AccessKey, s3.SecretKey = os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY")
	s3.SessionToken = os.Getenv("AWS_SESSION_TOKEN")
	s3.MustExist = cfg.MustExist
	b, err := store.OpenS3Blobs(ctx, s3)
	if err != nil {
		return nil, err
	}
	log.Info("files are kept in an S3-compatible bucket", "blobs", s3.String())
	return b, nil
}
