package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/store/storetest"
)

// TestServeWithBlobsOnS3: serve --blobs s3://… creates the bucket it is
// given, says where the files are kept, and never shows the credentials.
func TestServeWithBlobsOnS3(t *testing.T) {
	s3 := storetest.S3(t)
	t.Setenv("AWS_ACCESS_KEY_ID", s3.AccessKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", s3.SecretKey)
	bucket := s3.Bucket + "-serve"
	client := storetest.S3Client(t, s3)
	t.Cleanup(func() { client.RemoveBucket(t.Context(), bucket) })
	url := fmt.Sprintf("s3://%s/coop?endpoint=%s&region=%s&insecure=1", bucket, s3.Endpoint, s3.Region)
	log := startServe(t, "--blobs", url)
	if ok, err := client.BucketExists(t.Context(), bucket); err != nil || !ok {
		t.Fatalf("serve --blobs did not create bucket %s: %v %v", bucket, ok, err)
	}
	out := log.String()
	if want := "blobs=\"s3://" + bucket + "/coop/ at http://" + s3.Endpoint + "\""; !strings.Contains(out, want) {
		t.Fatalf("the log does not say where the files are (%s):\n%s", want, out)
	}
	if strings.Contains(out, s3.SecretKey) {
		t.Fatalf("the log shows the secret:\n%s", out)
	}
}
