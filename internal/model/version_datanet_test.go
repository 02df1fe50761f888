package model_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/model"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// A version trained on a datanet version names it and learns from that
// version's records only: one contributed after the version was cut is
// left out, as are versions of other datanets and ones that do not exist.
func TestVersionTrainedOnADatanetVersionNamesIt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		e := newEnv(t, db)
		e.seedTopics(t)
		if _, err := e.d.CreateVersion(ctx, e.as("stella"), "topics"); err != nil {
			t.Fatal(err)
		}
		d, err := e.d.BySlug(ctx, "topics")
		if err != nil {
			t.Fatal(err)
		}
		js, _ := json.Marshal(map[string]any{"text": "mould grows behind the wardrobe in the bedroom", "fields": map[string]string{"topic": "heating"}})
		sub, err := d.ParseRecords(datanet.FormatJSON, strings.NewReader(string(js)))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.d.Contribute(ctx, e.ids["ada"], "topics", sub, datanet.IntakeOptions{}); err != nil {
			t.Fatal(err)
		}
		for _, bad := range [][]string{{"topics@2"}, {"tenancy@1"}, {"topics"}} {
			_, err := e.s.Train(ctx, e.as("rita"), "router", model.TrainRequest{LabelField: "topic", Versions: bad})
			if p, ok := problem.As(err); !ok || p.Fields["datanet_versions"] == "" {
				t.Fatalf("training on %v: %v, want a problem naming datanet_versions", bad, err)
			}
		}
		v := e.train(t, model.TrainRequest{LabelField: "topic", Kind: "knn", HeldOut: share(0), Versions: []string{"topics@1"}})
		if v.Status != model.VersionReady || v.Records != 24 || !slices.Equal(v.DatanetVersions, []string{"topics@1"}) || !slices.Equal(v.Datanets, []string{"topics"}) {
			t.Fatalf("version %+v, want 24 records of topics@1", v)
		}
		all := e.train(t, model.TrainRequest{LabelField: "topic", Kind: "knn", HeldOut: share(0)})
		if all.Records != 25 || len(all.DatanetVersions) != 0 {
			t.Fatalf("the datanet as it stands: %+v, want 25 records", all)
		}
	})
}
