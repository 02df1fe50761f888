package model_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/model"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// TestVersionWeightsOnS3: two servers on one database and one bucket: the
// weights one trains go to the bucket, the other loads them from there and
// answers, and deleting the version deletes them from the bucket.
func TestVersionWeightsOnS3(t *testing.T) {
	s3 := storetest.S3(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		bucket := storetest.NewBucket(t, s3)
		open := func() store.Blobs {
			b, err := store.OpenS3Blobs(ctx, bucket)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
		e := newEnv(t, db)
		e.seedTopics(t)
		e.s.UseFactory(ledger.New(db), open(), 0)
		v := e.train(t, model.TrainRequest{LabelField: "topic", Kind: "knn", HeldOut: share(0), Params: model.TrainParams{K: 1}})
		if _, err := e.s.Publish(ctx, e.as("rita"), "router", v.Number); err != nil {
			t.Fatal(err)
		}
		keys := storetest.S3Keys(t, bucket)
		if len(keys) != 1 || len(keys[0]) != 64 {
			t.Fatalf("the bucket holds %q, want the version's weights under their hash", keys)
		}
		other := model.NewService(db, e.r, e.params, e.d, e.vault, filepath.Join(t.TempDir(), "models"))
		t.Cleanup(func() { other.Close() })
		other.UseFactory(ledger.New(db), open(), 0)
		res, err := other.Complete(ctx, e.client(), model.Request{Model: "router", Messages: []model.Message{{Role: "user", Content: topicTexts["heating"][0]}}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(res.Text, "heating") || len(res.Attribution.Records) == 0 {
			t.Fatalf("server B's answer from the bucket's weights: %q, %d records", res.Text, len(res.Attribution.Records))
		}
		if err := e.s.DeleteVersion(ctx, e.as("rita"), "router", v.Number); err != nil {
			t.Fatal(err)
		}
		if keys := storetest.S3Keys(t, bucket); len(keys) != 0 {
			t.Fatalf("after the version was deleted the bucket still holds %q", keys)
		}
	})
}
