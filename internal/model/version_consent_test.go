package model_test

import (
	"testing"

	"github.com/allmende/allmende/internal/model"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// TestPausedContributorIsNotTrainedOn: a member who paused consent to a
// datanet keeps their records there, but a new version is trained
// without them, and trained on them again once they resume.
func TestPausedContributorIsNotTrainedOn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		owner := e.seedTopics(t)
		carols := 0
		for _, w := range owner {
			if w == "carol" {
				carols++
			}
		}
		none := 0.0 // every record trains, so the counts are exact
		req := model.TrainRequest{LabelField: "topic", Kind: "knn", HeldOut: &none}
		all := e.train(t, req)
		if all.Status != model.VersionReady || all.Records != len(owner) {
			t.Fatalf("with everyone's consent: %s on %d records, want ready on %d", all.Status, all.Records, len(owner))
		}
		if _, err := e.d.ConsentAction(t.Context(), e.ids["carol"], "topics", "pause"); err != nil {
			t.Fatal(err)
		}
		paused := e.train(t, req)
		if paused.Records != len(owner)-carols {
			t.Fatalf("carol paused: trained on %d records, want %d (all but her %d)", paused.Records, len(owner)-carols, carols)
		}
		if _, err := e.d.ConsentAction(t.Context(), e.ids["carol"], "topics", "resume"); err != nil {
			t.Fatal(err)
		}
		if again := e.train(t, req); again.Records != len(owner) {
			t.Fatalf("carol resumed: trained on %d records, want %d", again.Records, len(owner))
		}
	})
}
