package web_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"testing"

	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/dedup"
	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/model"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/vault"
)

// seedHistory gives the named member n accepted contributions to the
// "tenancy" datanet (withDatanets), each of them used by one call of a
// retrieval model and paid for it, as quickly as the database takes rows.
//
// The rows are the ones intake and a model call write — a sealed record
// under its own content key, its contribution.accepted event, the call, its
// reward.split transfer through reward.Transfer and the record's earning —
// only without the per-record redaction and duplicate checks, which cost a
// hundred times more and leave nothing behind that a page reads. The calls
// are paid from a funding account rather than a client's balance, which
// changes nothing the member sees.
func seedHistory(tb testing.TB, f *fixture, name string, n int) {
	tb.Helper()
	ctx := tb.Context()
	a := f.app
	m := mustMember(tb, f, name)
	stella := mustMember(tb, f, "stella")
	if _, err := a.Datanets.ConsentAction(ctx, m.ID, "tenancy", "grant"); err != nil {
		tb.Fatal(err)
	}
	d, err := a.Datanets.BySlug(ctx, "tenancy")
	if err != nil {
		tb.Fatal(err)
	}
	bot, err := a.Models.BySlug(ctx, "tenancy-bot")
	if err != nil {
		bot, err = a.Models.Create(ctx, stella, model.Model{Slug: "tenancy-bot", Name: "Tenancy bot", Kind: model.Retrieval, PricePerCall: 10, Datanets: []string{"tenancy"}})
		if err != nil {
			tb.Fatal(err)
		}
	}
	const perTx = 2000
	for done := 0; done < n; done += perTx {
		err := a.DB.InTx(ctx, func(tx *store.Tx) error {
			for i := done; i < min(done+perTx, n); i++ {
				if err := seedContribution(tx, f, m.ID, m.PublicID, stella.PublicID, d, bot.ID, i); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			tb.Fatalf("seed history: %v", err)
		}
	}
}

func seedContribution(tx *store.Tx, f *fixture, memberID int64, memberPID, builderPID string, d datanet.Datanet, modelID int64, i int) error {
	ctx := f.t.Context()
	a := f.app
	rec := datanet.Record{
		Question: fmt.Sprintf("Question %d: may my landlord keep the deposit?", i),
		Answer:   fmt.Sprintf("Answer %d: only for damage beyond normal wear, and he must account for it within six months.", i),
	}
	fp := dedup.FingerprintRecord([]dedup.Field{{Name: "question", Value: rec.Question}, {Name: "answer", Value: rec.Answer}})
	publicID := fmt.Sprintf("c-seed%012d", i)
	keyID, key, err := a.Vault.NewContentKey(ctx, tx, memberID)
	if err != nil {
		return err
	}
	plain, _ := json.Marshal(rec)
	sealed, err := vault.Seal(key, plain, []byte(publicID))
	if err != nil {
		return err
	}
	eventID, err := a.Ledger.Record(ctx, tx, ledger.Event{
		Type: ledger.ContributionAccepted, MemberID: memberID, Scope: fmt.Sprintf("datanet:%d", d.ID),
		Content: map[string]any{"contribution": publicID, "dna": fp.DNA.String()},
	})
	if err != nil {
		return err
	}
	var rowID int64
	now := store.Now()
	if err := tx.QueryRowContext(ctx, `
		INSERT INTO contributions (public_id, datanet_id, member_id, status, dna, key_id, content, media_type, size, redactions, event_id, created_at)
		VALUES ($1, $2, $3, 'accepted', $4, $5, $6, '', $7, '{}', $8, $9) RETURNING id`,
		publicID, d.ID, memberID, fp.DNA.String(), keyID, sealed, len(plain), eventID, now).Scan(&rowID); err != nil {
		return err
	}
	var callID int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO model_calls (model_id, tokens_in, tokens_out, charge, status, latency_ms, created_at)
		VALUES ($1, 12, 24, 10, 'ok', 3, $2) RETURNING id`, modelID, now).Scan(&callID); err != nil {
		return err
	}
	split, err := a.Reward.Transfer(ctx, tx, ledger.Event{
		Type: ledger.RewardSplit, Scope: fmt.Sprintf("model:%d", modelID),
		Postings: []ledger.Posting{
			{Account: "funding:client:bench", Amount: -10},
			{Account: reward.MemberAccount(memberPID), Amount: 7},
			{Account: reward.MemberAccount(builderPID), Amount: 2},
			{Account: reward.Treasury, Amount: 1},
		},
		Content: map[string]any{"call": callID, "tokens": 36, "records": 1},
	})
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE model_calls SET event_id = $2 WHERE id = $1`, callID, split); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO record_earnings (call_id, contribution_id, member_id, weight, amount, created_at) VALUES ($1, $2, $3, 1, 7, $4)`,
		callID, rowID, memberID, now)
	return err
}

var eraseForm = regexp.MustCompile(`action="/contributions/([^/"]+)/erase"`)

// pageIDs lists the contribution ids on a /contributions page, in order.
func pageIDs(body string) []string {
	var ids []string
	for _, m := range eraseForm.FindAllStringSubmatch(body, -1) {
		ids = append(ids, m[1])
	}
	return ids
}
