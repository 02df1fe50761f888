package store

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// S3Config says where an S3-compatible bucket is and how to reach it. It
// is read from a URL (ParseS3URL) except for the credentials, which come
// from the environment and are never printed: String leaves them out.
type S3Config struct {
	Endpoint string // host or host:port of the S3 API
	Bucket   string
	Prefix   string // prepended to every key: "" or a path ending in "/"
	Region   string // empty lets the client ask the server
	Insecure bool   // plain HTTP, for a server on the same machine or network
	// MustExist refuses a bucket that does not exist instead of creating
	// it, for tools that read a cooperative and create nothing.
	MustExist bool

	AccessKey, SecretKey, SessionToken string
}

// DefaultS3Endpoint is the endpoint of an s3:// URL that names none.
const DefaultS3Endpoint = "s3.amazonaws.com"

// String names the bucket and where it is, never the credentials.
func (c S3Config) String() string {
	scheme := "https"
	if c.Insecure {
		scheme = "http"
	}
	return fmt.Sprintf("s3://%s/%s at %s://%s", c.Bucket, c.Prefix, scheme, c.Endpoint)
}

// ParseS3URL reads s3://BUCKET[/PREFIX]?endpoint=HOST:PORT&region=R&insecure=1,
// the form of serve's --blobs. Every part it does not know is refused by
// name, so that a mistyped option is an error and not a silent default.
// Credentials do not belong in the URL (it is shown in process lists and
// logs): they are refused there.
func ParseS3URL(raw string) (S3Config, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return S3Config{}, fmt.Errorf("not a URL: %v", errors.Unwrap(err))
	}
	if u.Scheme != "s3" {
		return S3Config{}, fmt.Errorf("%q: want s3://BUCKET?endpoint=HOST:PORT", u.Scheme+":")
	}
	if u.User != nil {
		return S3Config{}, errors.New("credentials do not go in the URL: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
	}
	if u.Opaque != "" || u.Fragment != "" || u.RawFragment != "" {
		return S3Config{}, errors.New("want s3://BUCKET[/PREFIX]?endpoint=HOST:PORT, with nothing after a #")
	}
	cfg := S3Config{Bucket: u.Host, Endpoint: DefaultS3Endpoint}
	if err := checkBucketName(cfg.Bucket); err != nil {
		return S3Config{}, err
	}
	if p := strings.Trim(u.Path, "/"); p != "" {
		if err := checkPrefix(p); err != nil {
			return S3Config{}, err
		}
		cfg.Prefix = p + "/"
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return S3Config{}, fmt.Errorf("query: %v", err)
	}
	for k, v := range q {
		if len(v) != 1 {
			return S3Config{}, fmt.Errorf("%s is given %d times", k, len(v))
		}
		switch k {
		case "endpoint":
			if err := checkEndpoint(v[0]); err != nil {
				return S3Config{}, err
			}
			cfg.Endpoint = v[0]
		case "region":
			if err := checkRegion(v[0]); err != nil {
				return S3Config{}, err
			}
			cfg.Region = v[0]
		case "insecure":
			switch v[0] {
			case "1", "true":
				cfg.Insecure = true
			case "0", "false":
			default:
				return S3Config{}, fmt.Errorf("insecure must be 1 or 0, not %q", v[0])
			}
		default:
			return S3Config{}, fmt.Errorf("unknown option %q: want endpoint, region or insecure", k)
		}
	}
	return cfg, nil
}

// checkBucketName keeps to the S3 naming rules: 3 to 63 lowercase
// letters, digits, dots and hyphens, beginning and ending with a letter or
// digit.
func checkBucketName(b string) error {
	if len(b) < 3 || len(b) > 63 {
		return fmt.Errorf("bucket %q: a bucket's name is 3 to 63 characters", b)
	}
	for i, c := range []byte(b) {
		alnum := c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
		if !alnum && c != '.' && c != '-' || !alnum && (i == 0 || i == len(b)-1) {
			return fmt.Errorf("bucket %q: a bucket's name is lowercase letters, digits, dots and hyphens, beginning and ending with a letter or digit", b)
		}
	}
	if strings.Contains(b, "..") || net.ParseIP(b) != nil {
		return fmt.Errorf("bucket %q: not a valid bucket name", b)
	}
	return nil
}

// checkPrefix allows the characters S3 names safe for keys: letters,
// digits and -_.!*'() in segments separated by /.
func checkPrefix(p string) error {
	if len(p) > 512 {
		return errors.New("the prefix is longer than 512 bytes")
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return fmt.Errorf("prefix %q: empty, . and .. path segments are not allowed", p)
		}
		for _, c := range []byte(seg) {
			if !isAlnum(c) && !strings.ContainsRune("-_.!*'()", rune(c)) {
				return fmt.Errorf("prefix %q: letters, digits, -_.!*'() and / only", p)
			}
		}
	}
	return nil
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func checkEndpoint(e string) error {
	if strings.Contains(e, "://") {
		return fmt.Errorf("endpoint %q: give HOST:PORT without a scheme (insecure=1 for plain HTTP)", e)
	}
	host := e
	if h, port, err := net.SplitHostPort(e); err == nil {
		host = h
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 || strings.Trim(port, "0123456789") != "" {
			return fmt.Errorf("endpoint %q: the port is not a number from 1 to 65535", e)
		}
		if strings.Contains(h, ":") && net.ParseIP(h) == nil {
			return fmt.Errorf("endpoint %q: want HOST or HOST:PORT", e)
		}
	} else if strings.Contains(e, ":") {
		return fmt.Errorf("endpoint %q: want HOST or HOST:PORT ([IPv6]:PORT)", e)
	}
	if host == "" || len(host) > 253 {
		return fmt.Errorf("endpoint %q: want HOST or HOST:PORT", e)
	}
	if net.ParseIP(host) == nil {
		for _, c := range []byte(host) {
			if !isAlnum(c) && c != '.' && c != '-' && c != '_' {
				return fmt.Errorf("endpoint %q: want HOST or HOST:PORT", e)
			}
		}
	}
	return nil
}

func checkRegion(r string) error {
	if r == "" || len(r) > 64 {
		return fmt.Errorf("region %q: want a region name such as us-east-1", r)
	}
	for _, c := range []byte(r) {
		if !isAlnum(c) && c != '-' && c != '_' {
			return fmt.Errorf("region %q: letters, digits, - and _ only", r)
		}
	}
	return nil
}

// S3Blobs keeps blobs in an S3-compatible bucket, each under its hex
// SHA-256 (after the configured prefix), so that any number of replicas
// share them. Erasure deletes the object; a bucket that keeps old versions
// of objects would keep erased files, so OpenS3Blobs refuses one.
type S3Blobs struct {
	client *minio.Client
	cfg    S3Config
}

var _ Blobs = (*S3Blobs)(nil)

// s3SmallBlob is the size up to which Put holds a blob in memory, hashes
// it and sends it in one request under its final key; larger blobs are
// streamed in parts of this size to a temporary key and copied.
const s3SmallBlob = 16 << 20

// s3StaleUpload is the age after which a temporary object is taken to
// belong to a Put that died, and removed when a server opens the bucket.
var s3StaleUpload = 24 * time.Hour

// OpenS3Blobs connects to the bucket, creating it if it does not exist,
// and checks that the credentials may use it.
func OpenS3Blobs(ctx context.Context, cfg S3Config) (*S3Blobs, error) {
	if cfg.AccessKey == "" || cfg.SecretKey == "" {
		return nil, fmt.Errorf("blobs on %s: no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY", cfg)
	}
	client, err := minio.New(cfg.Endpoint, &minio.Options{
		Creds:  credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, cfg.SessionToken),
		Secure: !cfg.Insecure,
		Region: cfg.Region,
	})
	if err != nil {
		return nil, fmt.Errorf("blobs on %s: %w", cfg, err)
	}
	b := &S3Blobs{client: client, cfg: cfg}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	exists, err := client.BucketExists(ctx, cfg.Bucket)
	if err != nil {
		return nil, fmt.Errorf("blobs on %s: %w%s", cfg, err, credentialHint(err))
	}
	if !exists && cfg.MustExist {
		return nil, fmt.Errorf("blobs on %s: the bucket does not exist", cfg)
	}
	if !exists {
		err := client.MakeBucket(ctx, cfg.Bucket, minio.MakeBucketOptions{Region: cfg.Region})
		if code := minio.ToErrorResponse(err).Code; err != nil && code != "BucketAlreadyOwnedByYou" {
			return nil, fmt.Errorf("blobs on %s: the bucket does not exist and cannot be created: %w%s", cfg, err, credentialHint(err))
		}
	}
	v, err := client.GetBucketVersioning(ctx, cfg.Bucket)
	if err != nil && minio.ToErrorResponse(err).Code != "NotImplemented" {
		return nil, fmt.Errorf("blobs on %s: versioning: %w", cfg, err)
	}
	if v.Enabled() || v.Suspended() {
		return nil, fmt.Errorf("blobs on %s: the bucket keeps old versions of objects (versioning %s), so erased files would stay in it: use a bucket that never had versioning", cfg, v.Status)
	}
	if err := b.sweep(ctx); err != nil {
		return nil, fmt.Errorf("blobs on %s: %w", cfg, err)
	}
	return b, nil
}

func credentialHint(err error) string {
	switch minio.ToErrorResponse(err).Code {
	case "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch":
		return " (check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)"
	}
	return ""
}

func (b *S3Blobs) key(hash string) string { return b.cfg.Prefix + hash }

func (b *S3Blobs) tmpPrefix() string { return b.cfg.Prefix + ".put/" }

// sweep removes the temporary objects of large Puts that died midway.
func (b *S3Blobs) sweep(ctx context.Context) error {
	old := time.Now().Add(-s3StaleUpload)
	for obj := range b.client.ListObjects(ctx, b.cfg.Bucket, minio.ListObjectsOptions{Prefix: b.tmpPrefix(), Recursive: true}) {
		if obj.Err != nil {
			return fmt.Errorf("list temporary objects: %w", obj.Err)
		}
		if obj.LastModified.Before(old) {
			if err := b.client.RemoveObject(ctx, b.cfg.Bucket, obj.Key, minio.RemoveObjectOptions{}); err != nil {
				return fmt.Errorf("remove temporary object %s: %w", obj.Key, err)
			}
		}
	}
	return nil
}

// Put stores everything r yields. A blob of up to s3SmallBlob bytes is
// sent in one request under its final key, so it appears complete or not
// at all. A larger one is streamed to a temporary key while it is hashed,
// since its key is known only at the end, then copied within the bucket
// (one request; S3 copies at most 5 GiB so) and the temporary object
// removed.
func (b *S3Blobs) Put(r io.Reader) (hash string, size int64, err error) {
	ctx := context.Background()
	var head bytes.Buffer
	n, err := io.CopyN(&head, r, s3SmallBlob+1)
	if err != nil && !errors.Is(err, io.EOF) {
		return "", 0, fmt.Errorf("store blob: %w", err)
	}
	if n <= s3SmallBlob {
		sum := sha256.Sum256(head.Bytes())
		hash = hex.EncodeToString(sum[:])
		_, err := b.client.PutObject(ctx, b.cfg.Bucket, b.key(hash), bytes.NewReader(head.Bytes()), n,
			minio.PutObjectOptions{ContentType: "application/octet-stream"})
		if err != nil {
			return "", 0, fmt.Errorf("store blob: %w", err)
		}
		return hash, n, nil
	}
	var nonce [12]byte
	rand.Read(nonce[:])
	tmp := b.tmpPrefix() + hex.EncodeToString(nonce[:])
	h := sha256.New()
	counted := &countingReader{r: io.TeeReader(io.MultiReader(&head, r), h)}
	if _, err := b.client.PutObject(ctx, b.cfg.Bucket, tmp, counted, -1,
		minio.PutObjectOptions{ContentType: "application/octet-stream", PartSize: s3SmallBlob}); err != nil {
		return "", 0, fmt.Errorf("store blob: %w", err)
	}
	defer func() {
		if rerr := b.client.RemoveObject(ctx, b.cfg.Bucket, tmp, minio.RemoveObjectOptions{}); rerr != nil && err == nil {
			err = fmt.Errorf("store blob: remove temporary object: %w", rerr)
		}
	}()
	hash = hex.EncodeToString(h.Sum(nil))
	if _, err := b.client.CopyObject(ctx,
		minio.CopyDestOptions{Bucket: b.cfg.Bucket, Object: b.key(hash)},
		minio.CopySrcOptions{Bucket: b.cfg.Bucket, Object: tmp}); err != nil {
		return "", 0, fmt.Errorf("store blob: %w", err)
	}
	return hash, counted.n, nil
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// Open returns the blob with the given hash. It asks for the object's
// metadata first, so that a missing blob is an error here and not on the
// first read; the object then reads and seeks with ranged requests, as
// http.ServeContent needs.
func (b *S3Blobs) Open(hash string) (io.ReadSeekCloser, error) {
	if err := checkHash(hash); err != nil {
		return nil, err
	}
	obj, err := b.client.GetObject(context.Background(), b.cfg.Bucket, b.key(hash), minio.GetObjectOptions{})
	if err != nil {
		return nil, fmt.Errorf("open blob %s: %w", hash, err)
	}
	if _, err := obj.Stat(); err != nil {
		obj.Close()
		if isNoSuchKey(err) {
			return nil, fmt.Errorf("blob %s: %w", hash, ErrNotFound)
		}
		return nil, fmt.Errorf("open blob %s: %w", hash, err)
	}
	return obj, nil
}

// Delete removes a blob; deleting one that is gone is not an error.
func (b *S3Blobs) Delete(hash string) error {
	if err := checkHash(hash); err != nil {
		return err
	}
	err := b.client.RemoveObject(context.Background(), b.cfg.Bucket, b.key(hash), minio.RemoveObjectOptions{})
	if err != nil && !isNoSuchKey(err) {
		return fmt.Errorf("delete blob %s: %w", hash, err)
	}
	return nil
}

func isNoSuchKey(err error) bool {
	resp := minio.ToErrorResponse(err)
	return resp.Code == "NoSuchKey" || resp.StatusCode == 404 && resp.Code != "NoSuchBucket"
}
