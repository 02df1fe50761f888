package store_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// eachBlobStore runs fn on every implementation of store.Blobs: files in a
// folder, and an S3 bucket on the test server (without and with a key
// prefix). keys lists what the store holds underneath, by its own names.
func eachBlobStore(t *testing.T, fn func(t *testing.T, b store.Blobs, keys func() []string)) {
	t.Run("files", func(t *testing.T) {
		dir := t.TempDir()
		b, err := store.OpenBlobs(dir)
		if err != nil {
			t.Fatal(err)
		}
		fn(t, b, func() []string {
			var keys []string
			filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					rel, _ := filepath.Rel(dir, p)
					keys = append(keys, filepath.ToSlash(rel))
				}
				return err
			})
			return keys
		})
	})
	for _, prefix := range []string{"", "coop/blobs/"} {
		t.Run("s3"+strings.TrimSuffix("/"+prefix, "/"), func(t *testing.T) {
			cfg := storetest.S3(t)
			cfg.Prefix = prefix
			b, err := store.OpenS3Blobs(t.Context(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			fn(t, b, func() []string { return storetest.S3Keys(t, cfg) })
		})
	}
}

func sha(data []byte) string {
	s := sha256.Sum256(data)
	return hex.EncodeToString(s[:])
}

// keyOf is the name a store keeps a blob under, in the form keys lists.
func keyOf(keys []string, hash string) bool {
	return len(keys) == 1 && (keys[0] == hash || strings.HasSuffix(keys[0], "/"+hash))
}

func readBlob(t *testing.T, b store.Blobs, hash string) []byte {
	t.Helper()
	f, err := b.Open(hash)
	if err != nil {
		t.Fatalf("Open(%s): %v", hash, err)
	}
	defer f.Close()
	got, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestBlobsPutOpen(t *testing.T) {
	eachBlobStore(t, func(t *testing.T, b store.Blobs, keys func() []string) {
		hash, size, err := b.Put(strings.NewReader("hello"))
		if err != nil {
			t.Fatal(err)
		}
		if hash != "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824" || size != 5 {
			t.Fatalf("Put = %s, %d", hash, size)
		}
		if got := readBlob(t, b, hash); string(got) != "hello" {
			t.Fatalf("blob content = %q", got)
		}
		f, err := b.Open(hash)
		if err != nil {
			t.Fatal(err)
		}
		if end, err := f.Seek(0, io.SeekEnd); err != nil || end != 5 {
			t.Fatalf("Seek to the end = %d, %v; want 5", end, err)
		}
		if _, err := f.Seek(1, io.SeekStart); err != nil {
			t.Fatal(err)
		}
		rest, _ := io.ReadAll(f)
		f.Close()
		if string(rest) != "ello" {
			t.Fatalf("after Seek(1): %q", rest)
		}
		if !keyOf(keys(), hash) {
			t.Fatalf("the store holds %q, want only the blob named by its hash", keys())
		}
		empty, size, err := b.Put(strings.NewReader(""))
		if err != nil || empty != sha(nil) || size != 0 {
			t.Fatalf("empty Put = %s, %d, %v", empty, size, err)
		}
		if got := readBlob(t, b, empty); len(got) != 0 {
			t.Fatalf("empty blob reads %q", got)
		}
	})
}

func TestBlobsSameContentOnce(t *testing.T) {
	eachBlobStore(t, func(t *testing.T, b store.Blobs, keys func() []string) {
		data := []byte("the same image, sent by two members at once")
		var wg sync.WaitGroup
		hashes := make([]string, 8)
		errs := make([]error, 8)
		for i := range hashes {
			wg.Go(func() { hashes[i], _, errs[i] = b.Put(bytes.NewReader(data)) })
		}
		wg.Wait()
		for i := range hashes {
			if errs[i] != nil || hashes[i] != sha(data) {
				t.Fatalf("Put %d = %s, %v", i, hashes[i], errs[i])
			}
		}
		if !keyOf(keys(), sha(data)) {
			t.Fatalf("the store holds %q, want the blob once", keys())
		}
		if got := readBlob(t, b, sha(data)); !bytes.Equal(got, data) {
			t.Fatalf("content = %q", got)
		}
	})
}

func TestBlobsNotFound(t *testing.T) {
	eachBlobStore(t, func(t *testing.T, b store.Blobs, keys func() []string) {
		for _, name := range []string{
			sha([]byte("never stored")),
			"../../etc/passwd",
			"",
			strings.ToUpper(sha([]byte("x"))),
			sha([]byte("x"))[:63] + "/",
			".put/" + sha(nil)[5:],
		} {
			if _, err := b.Open(name); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("Open(%q): %v, want ErrNotFound", name, err)
			}
		}
	})
}

func TestBlobsDelete(t *testing.T) {
	eachBlobStore(t, func(t *testing.T, b store.Blobs, keys func() []string) {
		hash, _, err := b.Put(strings.NewReader("erase me"))
		if err != nil {
			t.Fatal(err)
		}
		if err := b.Delete(hash); err != nil {
			t.Fatal(err)
		}
		if _, err := b.Open(hash); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("Open after Delete: %v, want ErrNotFound", err)
		}
		if k := keys(); len(k) != 0 {
			t.Fatalf("after Delete the store still holds %q", k)
		}
		if err := b.Delete(hash); err != nil {
			t.Fatalf("deleting a deleted blob: %v", err)
		}
		if err := b.Delete("../" + hash[3:]); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("Delete of a path: %v, want ErrNotFound", err)
		}
	})
}

// pattern yields n bytes that do not compress or repeat, as a plain
// io.Reader (no length, no seeking): what an upload streams.
func pattern(seed uint64, n int64) io.Reader {
	return io.LimitReader(rand.NewChaCha8([32]byte{byte(seed)}), n)
}

// TestBlobsLarge: a blob larger than what S3 sends in one request is
// streamed, arrives whole under its hash, and leaves no temporary object.
func TestBlobsLarge(t *testing.T) {
	const n = store.S3SmallBlob + 100<<10
	data, _ := io.ReadAll(pattern(1, n))
	eachBlobStore(t, func(t *testing.T, b store.Blobs, keys func() []string) {
		hash, size, err := b.Put(pattern(1, n))
		if err != nil {
			t.Fatal(err)
		}
		if hash != sha(data) || size != n {
			t.Fatalf("Put = %s, %d; want %s, %d", hash, size, sha(data), n)
		}
		if got := readBlob(t, b, hash); !bytes.Equal(got, data) {
			t.Fatalf("read back %d bytes that differ from the %d put", len(got), n)
		}
		if !keyOf(keys(), hash) {
			t.Fatalf("the store holds %q, want only the blob", keys())
		}
	})
}

type failingReader struct {
	r    io.Reader
	left int64
}

func (f *failingReader) Read(p []byte) (int, error) {
	if f.left <= 0 {
		return 0, errors.New("the client went away")
	}
	if int64(len(p)) > f.left {
		p = p[:f.left]
	}
	n, err := f.r.Read(p)
	f.left -= int64(n)
	return n, err
}

// TestBlobsFailedPut: an upload that breaks off stores nothing, small or
// streamed.
func TestBlobsFailedPut(t *testing.T) {
	eachBlobStore(t, func(t *testing.T, b store.Blobs, keys func() []string) {
		for _, n := range []int64{1000, store.S3SmallBlob + 1000} {
			_, _, err := b.Put(&failingReader{r: pattern(2, n+10), left: n})
			if err == nil || !strings.Contains(err.Error(), "the client went away") {
				t.Fatalf("Put of a broken %d-byte stream: %v", n, err)
			}
			if k := keys(); len(k) != 0 {
				t.Fatalf("a broken %d-byte Put left %q", n, k)
			}
		}
	})
}

// TestBlobsServeContent: what Open returns serves ranges, as the image
// pages ask of it.
func TestBlobsServeContent(t *testing.T) {
	data, _ := io.ReadAll(pattern(3, 5000))
	eachBlobStore(t, func(t *testing.T, b store.Blobs, keys func() []string) {
		hash, _, err := b.Put(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		f, err := b.Open(hash)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		req := httptest.NewRequest("GET", "/img", nil)
		req.Header.Set("Range", "bytes=1000-1999")
		w := httptest.NewRecorder()
		http.ServeContent(w, req, "", time.Time{}, f)
		if w.Code != http.StatusPartialContent || !bytes.Equal(w.Body.Bytes(), data[1000:2000]) {
			t.Fatalf("range request: %d, %d bytes (%v)", w.Code, w.Body.Len(), bytes.Equal(w.Body.Bytes(), data[1000:2000]))
		}
		if cr := w.Header().Get("Content-Range"); cr != "bytes 1000-1999/5000" {
			t.Fatalf("Content-Range = %q", cr)
		}
	})
}

func TestS3BlobsNeedCredentials(t *testing.T) {
	cfg, err := store.ParseS3URL("s3://coop-files?endpoint=127.0.0.1:1&insecure=1")
	if err != nil {
		t.Fatal(err)
	}
	cfg.SecretKey = "only-a-secret"
	_, err = store.OpenS3Blobs(t.Context(), cfg)
	if err == nil || !strings.Contains(err.Error(), "AWS_ACCESS_KEY_ID") || strings.Contains(err.Error(), "only-a-secret") {
		t.Fatalf("OpenS3Blobs without an access key: %v", err)
	}
}

func TestS3BlobsCreatesBucket(t *testing.T) {
	cfg := storetest.S3(t)
	cfg.Bucket += "-new"
	client := storetest.S3Client(t, cfg)
	t.Cleanup(func() { client.RemoveBucket(t.Context(), cfg.Bucket) })
	must := cfg
	must.MustExist = true
	if _, err := store.OpenS3Blobs(t.Context(), must); err == nil || !strings.Contains(err.Error(), "the bucket does not exist") {
		t.Fatalf("OpenS3Blobs of a missing bucket with MustExist: %v", err)
	}
	if ok, _ := client.BucketExists(t.Context(), cfg.Bucket); ok {
		t.Fatal("OpenS3Blobs with MustExist created the bucket")
	}
	if _, err := store.OpenS3Blobs(t.Context(), cfg); err != nil {
		t.Fatal(err)
	}
	if ok, err := client.BucketExists(t.Context(), cfg.Bucket); err != nil || !ok {
		t.Fatalf("bucket %s after OpenS3Blobs: exists %v, %v", cfg.Bucket, ok, err)
	}
	// A second replica opens the same bucket.
	if _, err := store.OpenS3Blobs(t.Context(), cfg); err != nil {
		t.Fatal(err)
	}
}

func TestS3BlobsBadCredentials(t *testing.T) {
	cfg := storetest.S3(t)
	cfg.SecretKey = "not-the-secret-at-all"
	_, err := store.OpenS3Blobs(t.Context(), cfg)
	if err == nil || !strings.Contains(err.Error(), "check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY") {
		t.Fatalf("OpenS3Blobs with a wrong secret: %v", err)
	}
	if strings.Contains(err.Error(), cfg.SecretKey) {
		t.Fatalf("the error shows the secret: %v", err)
	}
}

// TestS3BlobsRefuseVersionedBucket: a bucket that keeps old versions would
// keep what erasure deletes.
func TestS3BlobsRefuseVersionedBucket(t *testing.T) {
	cfg := storetest.S3(t)
	client := storetest.S3Client(t, cfg)
	if err := client.EnableVersioning(t.Context(), cfg.Bucket); err != nil {
		t.Skipf("this S3 server cannot keep versions (%v), so none can be refused", err)
	}
	_, err := store.OpenS3Blobs(t.Context(), cfg)
	if err == nil || !strings.Contains(err.Error(), "keeps old versions") {
		t.Fatalf("OpenS3Blobs on a versioned bucket: %v", err)
	}
}

// TestS3BlobsSweepDeadPuts: a temporary object older than the limit is
// a streamed Put that died; opening the bucket removes it and nothing else.
func TestS3BlobsSweepDeadPuts(t *testing.T) {
	cfg := storetest.S3(t)
	cfg.Prefix = "p/"
	client := storetest.S3Client(t, cfg)
	for _, k := range []string{"p/.put/dead", "p/" + sha([]byte("kept")), "other/.put/not-ours"} {
		if _, err := client.PutObject(t.Context(), cfg.Bucket, k, strings.NewReader("x"), 1, minio.PutObjectOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := store.OpenS3Blobs(t.Context(), cfg); err != nil {
		t.Fatal(err)
	}
	if k := storetest.S3Keys(t, cfg); len(k) != 3 {
		t.Fatalf("a fresh temporary object was removed: %q", k)
	}
	defer store.SetS3StaleUpload(0)()
	time.Sleep(10 * time.Millisecond)
	if _, err := store.OpenS3Blobs(t.Context(), cfg); err != nil {
		t.Fatal(err)
	}
	got := storetest.S3Keys(t, cfg)
	slices.Sort(got)
	if want := []string{"other/.put/not-ours", "p/" + sha([]byte("kept"))}; !slices.Equal(got, want) {
		t.Fatalf("after the sweep: %q, want %q", got, want)
	}
}

func TestParseS3URL(t *testing.T) {
	good := []struct {
		url  string
		want store.S3Config
	}{
		{"s3://coop-files", store.S3Config{Bucket: "coop-files", Endpoint: store.DefaultS3Endpoint}},
		{"s3://coop-files?endpoint=127.0.0.1:8333&region=eu-central-1&insecure=1",
			store.S3Config{Bucket: "coop-files", Endpoint: "127.0.0.1:8333", Region: "eu-central-1", Insecure: true}},
		{"s3://coop.files/allmende/blobs/?endpoint=s3.example.org&insecure=0",
			store.S3Config{Bucket: "coop.files", Prefix: "allmende/blobs/", Endpoint: "s3.example.org"}},
		{"s3://abc/x?endpoint=[::1]:9000&insecure=true", store.S3Config{Bucket: "abc", Prefix: "x/", Endpoint: "[::1]:9000", Insecure: true}},
	}
	for _, tt := range good {
		got, err := store.ParseS3URL(tt.url)
		if err != nil || got != tt.want {
			t.Errorf("ParseS3URL(%q) = %+v, %v; want %+v", tt.url, got, err, tt.want)
		}
	}
	bad := []struct{ url, want string }{
		{"https://coop-files", "want s3://"},
		{"coop-files", "want s3://"},
		{"s3://key:secret@coop-files", "AWS_ACCESS_KEY_ID"},
		{"s3://Coop_Files", "lowercase"},
		{"s3://ab", "3 to 63"},
		{"s3://-coop", "beginning and ending"},
		{"s3://192.168.0.1", "not a valid bucket"},
		{"s3://coop-files?endpoint=http://127.0.0.1:8333", "without a scheme"},
		{"s3://coop-files?endpoint=host:port", "port is not a number"},
		{"s3://coop-files?endpoint=host:99999", "port is not a number"},
		{"s3://coop-files?endpoint=a:1:2", "HOST:PORT"},
		{"s3://coop-files/a%3Fb", "letters, digits"},
		{"s3://coop-files?endpoint=a/b", "HOST:PORT"},
		{"s3://coop-files?insecure=yes", "insecure must be 1 or 0"},
		{"s3://coop-files?region=eu%20west", "region"},
		{"s3://coop-files?bucket=other", `unknown option "bucket"`},
		{"s3://coop-files?endpoint=a&endpoint=b", "endpoint is given 2 times"},
		{"s3://coop-files/a/../b", "segments"},
		{"s3://coop-files#x", "#"},
		{"s3:coop-files", "want s3://"},
	}
	for _, tt := range bad {
		_, err := store.ParseS3URL(tt.url)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseS3URL(%q) = %v, want an error mentioning %q", tt.url, err, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), "secret") {
			t.Errorf("ParseS3URL(%q) shows the secret: %v", tt.url, err)
		}
	}
	cfg, _ := store.ParseS3URL("s3://coop-files?endpoint=127.0.0.1:8333&insecure=1")
	cfg.AccessKey, cfg.SecretKey = "AKIAEXAMPLE", "very-secret"
	if s := cfg.String(); strings.Contains(s, "AKIAEXAMPLE") || strings.Contains(s, "very-secret") || s != "s3://coop-files/ at http://127.0.0.1:8333" {
		t.Fatalf("String() = %q", s)
	}
}

// FuzzParseS3URL: whatever --blobs says, the parser returns a valid
// configuration or an error, and what it accepts reads the same again.
func FuzzParseS3URL(f *testing.F) {
	for _, s := range []string{
		"s3://coop-files", "s3://coop-files/a/b?endpoint=127.0.0.1:8333&region=us-east-1&insecure=1",
		"s3://a:b@bucket", "s3://bucket?endpoint=[::1]:1", "s3://x/%2e%2e", "s3://bucket?insecure=1&insecure=0",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		cfg, err := store.ParseS3URL(raw)
		if err != nil {
			return
		}
		if cfg.Bucket == "" || cfg.Endpoint == "" || cfg.AccessKey != "" || cfg.SecretKey != "" {
			t.Fatalf("ParseS3URL(%q) = %+v", raw, cfg)
		}
		if cfg.Prefix != "" && (!strings.HasSuffix(cfg.Prefix, "/") || strings.HasPrefix(cfg.Prefix, "/") || strings.Contains(cfg.Prefix, "//")) {
			t.Fatalf("ParseS3URL(%q): prefix %q", raw, cfg.Prefix)
		}
		insecure := "0"
		if cfg.Insecure {
			insecure = "1"
		}
		again := "s3://" + cfg.Bucket + "/" + cfg.Prefix + "?endpoint=" + cfg.Endpoint + "&insecure=" + insecure
		if cfg.Region != "" {
			again += "&region=" + cfg.Region
		}
		cfg2, err := store.ParseS3URL(again)
		if err != nil || cfg2 != cfg {
			t.Fatalf("ParseS3URL(%q) = %+v, but %q reads %+v, %v", raw, cfg, again, cfg2, err)
		}
	})
}

// TestS3BlobsUnreachable: a server that does not answer is a clear error,
// soon.
func TestS3BlobsUnreachable(t *testing.T) {
	cfg, err := store.ParseS3URL("s3://coop-files?endpoint=127.0.0.1:1&insecure=1")
	if err != nil {
		t.Fatal(err)
	}
	cfg.AccessKey, cfg.SecretKey = "k", "s"
	start := time.Now()
	_, err = store.OpenS3Blobs(t.Context(), cfg)
	if err == nil || !strings.Contains(err.Error(), "s3://coop-files/ at http://127.0.0.1:1") || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("OpenS3Blobs of a closed port: %v", err)
	}
	t.Logf("%v after %v", err, time.Since(start))
}
