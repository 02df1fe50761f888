package storetest

import (
	"context"
	"crypto/rand"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/allmende/allmende/internal/store"
)

// EnvS3 names the environment variable holding the HOST:PORT of an
// S3-compatible server for tests (plain HTTP). .ci/run starts Versity
// Gateway and sets it. Without it, S3 starts a server itself when the
// versitygw binary is on PATH or where .ci/run installs it; with neither,
// tests of S3 storage skip.
const EnvS3 = "ALLMENDE_TEST_S3"

// The credentials of the test server: .ci/run starts its server with
// these (scripts/s3-server.sh). AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, when set, take
// their place, for a developer's own server.
const (
	S3AccessKey = "allmendetest"
	S3SecretKey = "allmendetestsecret"
)

// VersityGW is where .ci/run installs Versity Gateway's binary.
func VersityGW() string {
	cache := os.Getenv("XDG_CACHE_HOME")
	if cache == "" {
		home, _ := os.UserHomeDir()
		cache = filepath.Join(home, ".cache")
	}
	return filepath.Join(cache, "allmende-s3", "bin", "versitygw")
}

// S3 returns the configuration of a new, empty bucket of its own on the
// test S3 server, removed with its objects when the test ends.
func S3(t testing.TB) store.S3Config {
	t.Helper()
	cfg := store.S3Config{Insecure: true, Region: "us-east-1", AccessKey: S3AccessKey, SecretKey: S3SecretKey}
	if k, s := os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY"); k != "" && s != "" {
		cfg.AccessKey, cfg.SecretKey = k, s
	}
	if cfg.Endpoint = os.Getenv(EnvS3); cfg.Endpoint == "" {
		cfg.Endpoint = startVersity(t, cfg)
	}
	return NewBucket(t, cfg)
}

// NewBucket returns cfg with a new, empty bucket of its own on the same
// server, removed with its objects when the test ends.
func NewBucket(t testing.TB, cfg store.S3Config) store.S3Config {
	t.Helper()
	cfg.Bucket = "allmende-test-" + strings.ToLower(rand.Text()[:12])
	client := S3Client(t, cfg)
	if err := client.MakeBucket(t.Context(), cfg.Bucket, minio.MakeBucketOptions{Region: cfg.Region}); err != nil {
		t.Fatalf("create bucket %s on %s (%s): %v", cfg.Bucket, cfg.Endpoint, EnvS3, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		for obj := range client.ListObjects(ctx, cfg.Bucket, minio.ListObjectsOptions{Recursive: true}) {
			if obj.Err == nil {
				_ = client.RemoveObject(ctx, cfg.Bucket, obj.Key, minio.RemoveObjectOptions{})
			}
		}
		_ = client.RemoveBucket(ctx, cfg.Bucket)
	})
	return cfg
}

// S3Client is a client of cfg's server, for tests that look into a bucket
// behind the store's back.
func S3Client(t testing.TB, cfg store.S3Config) *minio.Client {
	t.Helper()
	client, err := minio.New(cfg.Endpoint, &minio.Options{
		Creds: credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""), Secure: !cfg.Insecure, Region: cfg.Region,
	})
	if err != nil {
		t.Fatal(err)
	}
	return client
}

// S3Keys lists every key in cfg's bucket.
func S3Keys(t testing.TB, cfg store.S3Config) []string {
	t.Helper()
	var keys []string
	for obj := range S3Client(t, cfg).ListObjects(t.Context(), cfg.Bucket, minio.ListObjectsOptions{Recursive: true}) {
		if obj.Err != nil {
			t.Fatalf("list %s: %v", cfg.Bucket, obj.Err)
		}
		keys = append(keys, obj.Key)
	}
	return keys
}

// startVersity runs a Versity Gateway of the test's own on a free port,
// over a temporary folder, and stops it when the test ends; without the
// binary the test skips.
func startVersity(t testing.TB, cfg store.S3Config) string {
	t.Helper()
	bin, err := exec.LookPath("versitygw")
	if err != nil {
		bin = VersityGW()
		if _, err := os.Stat(bin); err != nil {
			t.Skipf("no S3 server: set %s to HOST:PORT of one, or install Versity Gateway (go install github.com/versity/versitygw/cmd/versitygw@latest, or bash .ci/run)", EnvS3)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	dir := t.TempDir()
	logPath := filepath.Join(t.TempDir(), "versitygw.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close()
	output := func() string { b, _ := os.ReadFile(logPath); return string(b) }
	cmd := exec.Command(bin, "--port", addr, "--quiet", "posix", "--versioning-dir", t.TempDir(), dir)
	cmd.Env = append(os.Environ(), "ROOT_ACCESS_KEY_ID="+cfg.AccessKey, "ROOT_SECRET_ACCESS_KEY="+cfg.SecretKey)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	var waitErr error
	exited := make(chan struct{})
	go func() { waitErr = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})
	deadline := time.Now().Add(20 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return addr
		}
		select {
		case <-exited:
			t.Fatalf("versitygw exited: %v\n%s", waitErr, output())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("versitygw does not answer on %s after 20s:\n%s", addr, output())
		}
	}
}
