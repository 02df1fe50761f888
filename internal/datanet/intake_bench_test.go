package datanet_test

import (
	"math/rand/v2"
	"testing"

	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// BenchmarkContributeOne measures one record's intake on SQLite, the
// embedded default: redaction, fingerprint, the duplicate checks (and the
// re-check in the storing transaction), sealing and the ledger event.
func BenchmarkContributeOne(b *testing.B) {
	db := storetest.Open(b, store.SQLite)
	e := newEnv(b, db)
	notes, err := e.svc.BySlug(b.Context(), "notes")
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(18, 42))
	subs := make([]datanet.Submission, b.N)
	for i := range subs {
		subs[i] = texts(b, notes, wordSalad(rng, 80))
	}
	b.ResetTimer()
	for i := range b.N {
		if _, err := e.svc.Contribute(b.Context(), e.ada, "notes", subs[i], datanet.IntakeOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
