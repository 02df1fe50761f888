package ledger_test

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/note"

	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
	"github.com/allmende/allmende/internal/tlog"
)

// record commits one event and returns its id.
func record(t *testing.T, db *store.DB, l *ledger.Ledger, ev ledger.Event) string {
	t.Helper()
	var id string
	err := db.InTx(t.Context(), func(tx *store.Tx) error {
		var err error
		id, err = l.Record(t.Context(), tx, ev)
		return err
	})
	if err != nil {
		t.Fatalf("record %s: %v", ev.Type, err)
	}
	return id
}

// receiptOf waits until the event is logged and returns member's receipt.
func receiptOf(t *testing.T, l *ledger.Ledger, tl *tlog.Log, member int64, eventID string) (*ledger.Receipt, error) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		r, err := l.Receipt(t.Context(), tl, member, eventID)
		if !errors.Is(err, ledger.ErrNotYetLogged) || time.Now().After(deadline) {
			return r, err
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func entryOf(t *testing.T, db *store.DB, eventID string) string {
	t.Helper()
	var entry []byte
	if err := db.Read().QueryRowContext(t.Context(), `SELECT entry FROM ledger_events WHERE event_id = $1`, eventID).Scan(&entry); err != nil {
		t.Fatal(err)
	}
	return string(entry)
}

// TestSplitCommitsToSharesWithoutPublishingThem: a model call's split
// pays two contributors and a builder. Its entry publishes what the members
// got together and commits to who got what; each of the three gets a
// receipt that proves their own line, checked offline and by hand with
// transparency-dev/merkle; nobody else gets one, and a receipt whose
// amount, pseudonym or path is changed does not verify.
func TestSplitCommitsToSharesWithoutPublishingThem(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		l := ledger.New(db)
		ids := map[string]int64{}
		for _, name := range []string{"ada", "bob", "carol", "dan", "eve"} {
			ids[name] = addMember(t, db, "m-"+name, name+"@example.org")
		}
		tl := openLog(t, t.TempDir())
		runPublisher(t, l, tl)
		split := record(t, db, l, ledger.Event{
			Type: ledger.RewardSplit, Scope: "model:3",
			Postings: []ledger.Posting{
				{Account: "member:m-ada", Amount: 40}, {Account: "member:m-bob", Amount: 30}, {Account: "member:m-carol", Amount: 20},
				{Account: "member:m-dan", Amount: -100}, {Account: "treasury", Amount: 10},
			},
			Content: map[string]any{"call": 9},
		})
		entry := entryOf(t, db, split)
		for _, secret := range []string{"m-ada", "m-bob", "m-carol", `"amount":40`, `"amount":30`, `"amount":20`, `"call"`} {
			if strings.Contains(entry, secret) {
				t.Errorf("the public entry shows %s: %s", secret, entry)
			}
		}
		e, err := ledger.ParseEntry([]byte(entry))
		if err != nil {
			t.Fatal(err)
		}
		wantPostings := []ledger.Posting{{Account: "member:m-dan", Amount: -100}, {Account: ledger.MembersAccount, Amount: 90}, {Account: "treasury", Amount: 10}}
		if e.V != ledger.SharesEntryVersion || e.Shares == nil || e.Shares.Count != 3 || !equalPostings(e.Postings, wantPostings) {
			t.Fatalf("entry %s: want version 2, 3 share lines and postings %v", entry, wantPostings)
		}

		v, err := note.NewVerifier(tl.VerifierKey())
		if err != nil {
			t.Fatal(err)
		}
		for name, amount := range map[string]int64{"ada": 40, "bob": 30, "carol": 20} {
			r, err := receiptOf(t, l, tl, ids[name], split)
			if err != nil {
				t.Fatalf("%s's receipt: %v", name, err)
			}
			if r.Format != ledger.PaymentReceiptFormat || r.Share == nil || r.Salt != "" || r.Content != "" {
				t.Fatalf("%s's receipt has the wrong parts (the split's private half is nobody's): %+v", name, r)
			}
			ok, err := r.Verify(v)
			if err != nil {
				t.Fatalf("%s's receipt does not verify: %v", name, err)
			}
			if p := ok.Paid; p == nil || *p != (ledger.Payment{Account: "member:m-" + name, Amount: amount, Committed: true}) {
				t.Fatalf("%s's receipt proves %+v", name, ok.Paid)
			}
			shareByHand(t, r, e)
			for _, other := range []string{"ada", "bob", "carol"} {
				if other != name && strings.Contains(r.Share.Line, "m-"+other) {
					t.Fatalf("%s's receipt shows %s's line", name, other)
				}
			}
			if name == "ada" {
				tamper(t, v, r)
			}
		}
		// The payer is not paid, and eve has nothing to do with it.
		for _, name := range []string{"dan", "eve"} {
			if _, err := receiptOf(t, l, tl, ids[name], split); !problem.Is(err, problem.NotFound) {
				t.Errorf("%s got a receipt for a split that paid them nothing: %v", name, err)
			}
		}
	})
}

func equalPostings(a, b []ledger.Posting) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// shareByHand checks a share proof with transparency-dev/merkle alone:
// SHA-256(0x00 ‖ line) and the sibling hashes give the entry's root.
func shareByHand(t *testing.T, r *ledger.Receipt, e ledger.Entry) {
	t.Helper()
	root, _ := hex.DecodeString(e.Shares.Root)
	var path [][]byte
	for _, h := range r.Share.Proof {
		b, _ := hex.DecodeString(h)
		path = append(path, b)
	}
	leaf := rfc6962.DefaultHasher.HashLeaf([]byte(r.Share.Line))
	if err := proof.VerifyInclusion(rfc6962.DefaultHasher, uint64(r.Share.Index), uint64(e.Shares.Count), leaf, path, root); err != nil {
		t.Fatalf("share line by hand: %v", err)
	}
}

// tamper changes one thing at a time in a verified receipt and expects
// each copy to fail.
func tamper(t *testing.T, v note.Verifier, good *ledger.Receipt) {
	t.Helper()
	line, err := ledger.ParseShareLine([]byte(good.Share.Line))
	if err != nil {
		t.Fatal(err)
	}
	reencode := func(f func(*ledger.ShareLine)) string {
		l := line
		f(&l)
		b, _ := json.Marshal(l)
		return string(b)
	}
	for _, tt := range []struct {
		name   string
		change func(r *ledger.Receipt)
	}{
		{"a larger amount", func(r *ledger.Receipt) { r.Share.Line = reencode(func(l *ledger.ShareLine) { l.Amount *= 10 }) }},
		{"another pseudonym in the line", func(r *ledger.Receipt) {
			r.Share.Line = reencode(func(l *ledger.ShareLine) { l.Account = "member:m-eve" })
			r.Account = "member:m-eve"
		}},
		{"another pseudonym on the receipt", func(r *ledger.Receipt) { r.Account = "member:m-eve" }},
		{"a scope added", func(r *ledger.Receipt) { r.Share.Line = reencode(func(l *ledger.ShareLine) { l.Scope = "version:1" }) }},
		{"another index", func(r *ledger.Receipt) { r.Share.Index = (r.Share.Index + 1) % 3 }},
		{"a proof hash flipped", func(r *ledger.Receipt) {
			b := []byte(r.Share.Proof[0])
			b[0] ^= 1
			r.Share.Proof[0] = string(b)
		}},
		{"no line, the payment claimed from the postings", func(r *ledger.Receipt) { r.Share = nil }},
		{"the members' sum raised in the entry", func(r *ledger.Receipt) {
			r.Entry = strings.Replace(r.Entry, `"account":"members","amount":90`, `"account":"members","amount":900`, 1)
		}},
		{"whitespace in the line", func(r *ledger.Receipt) { r.Share.Line = strings.Replace(r.Share.Line, `,"amount"`, `, "amount"`, 1) }},
	} {
		r := *good
		share := *good.Share
		share.Proof = append([]string(nil), good.Share.Proof...)
		r.Share = &share
		tt.change(&r)
		_, err := r.Verify(v)
		if err == nil {
			t.Errorf("%s: the receipt still verifies", tt.name)
		}
		t.Logf("%s: %v", tt.name, err)
	}
}

// TestOldSplitEntriesStillGiveReceipts: a split written before entries
// committed to shares (version 1, members' postings public) still gives
// each member paid a receipt, which proves the posting the entry
// publishes; and a split that pays no member stays version 1.
func TestOldSplitEntriesStillGiveReceipts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		l := ledger.New(db)
		ada := addMember(t, db, "m-ada", "ada@example.org")
		old := `{"v":1,"id":"0123456789abcdef0123456789abcdef","type":"reward.split","time":1795589744,"scope":"model:1",` +
			`"postings":[{"account":"member:m-ada","amount":70},{"account":"member:m-dan","amount":-100},{"account":"treasury","amount":30}],` +
			`"commitment":"` + strings.Repeat("0", 64) + `"}`
		err := db.InTx(t.Context(), func(tx *store.Tx) error {
			_, err := tx.ExecContext(t.Context(), `INSERT INTO ledger_events (event_id, type, entry, salt, content, created_at) VALUES ($1, 'reward.split', $2, $3, '{}', 0)`,
				"0123456789abcdef0123456789abcdef", []byte(old), make([]byte, 32))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		tl := openLog(t, t.TempDir())
		runPublisher(t, l, tl)
		r, err := receiptOf(t, l, tl, ada, "0123456789abcdef0123456789abcdef")
		if err != nil {
			t.Fatal(err)
		}
		v, _ := note.NewVerifier(tl.VerifierKey())
		ok, err := r.Verify(v)
		if err != nil {
			t.Fatalf("an old split's receipt: %v", err)
		}
		if ok.Paid == nil || *ok.Paid != (ledger.Payment{Account: "member:m-ada", Amount: 70}) || r.Salt != "" {
			t.Fatalf("an old split's receipt proves %+v (salt %q)", ok.Paid, r.Salt)
		}
		r.Account = "member:m-dan"
		if _, err := r.Verify(v); err == nil {
			t.Fatal("a receipt claiming the payer's negative posting as a payment verified")
		}

		treasuryOnly := record(t, db, l, ledger.Event{Type: ledger.RewardSplit, Scope: "automation:x",
			Postings: []ledger.Posting{{Account: "escrow:run:1", Amount: -100}, {Account: "treasury", Amount: 100}}})
		if e, err := ledger.ParseEntry([]byte(entryOf(t, db, treasuryOnly))); err != nil || e.V != ledger.EntryVersion || e.Shares != nil {
			t.Fatalf("a split that pays no member: %+v %v", e, err)
		}
	})
}

// TestShareScopeNamesWhatALineIsFor: a split can name, per line, what it
// paid for (a model version, later), and the receipt proves it.
func TestShareScopeNamesWhatALineIsFor(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		l := ledger.New(db)
		ada := addMember(t, db, "m-ada", "ada@example.org")
		tl := openLog(t, t.TempDir())
		runPublisher(t, l, tl)
		id := record(t, db, l, ledger.Event{Type: ledger.RewardSplit, Scope: "model:3", ShareScope: "version:12",
			Postings: []ledger.Posting{{Account: "member:m-ada", Amount: 5}, {Account: "treasury", Amount: -5}}})
		r, err := receiptOf(t, l, tl, ada, id)
		if err != nil {
			t.Fatal(err)
		}
		v, _ := note.NewVerifier(tl.VerifierKey())
		ok, err := r.Verify(v)
		if err != nil || ok.Paid.Scope != "version:12" || ok.Paid.Amount != 5 {
			t.Fatalf("scoped share: %+v %v", ok, err)
		}
		for _, ev := range []ledger.Event{
			{Type: ledger.TaskPaid, ShareScope: "version:1", Postings: []ledger.Posting{{Account: "member:m-ada", Amount: 5}, {Account: "treasury", Amount: -5}}},
			{Type: ledger.RewardSplit, ShareScope: "version 1", Postings: []ledger.Posting{{Account: "member:m-ada", Amount: 5}, {Account: "treasury", Amount: -5}}},
			{Type: ledger.RewardSplit, Postings: []ledger.Posting{{Account: ledger.MembersAccount, Amount: 5}, {Account: "treasury", Amount: -5}}},
		} {
			err := db.InTx(t.Context(), func(tx *store.Tx) error { _, err := l.Record(t.Context(), tx, ev); return err })
			if err == nil {
				t.Errorf("recorded %+v", ev)
			}
		}
	})
}

func FuzzParseShareLine(f *testing.F) {
	f.Add([]byte(`{"account":"member:m-ada","amount":40,"salt":"` + strings.Repeat("ab", 32) + `"}`))
	f.Add([]byte(`{"account":"member:m-ada","amount":40,"salt":"` + strings.Repeat("ab", 32) + `","scope":"version:1"}`))
	f.Add([]byte(`{"account":"treasury","amount":-1,"salt":""}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := ledger.ParseShareLine(b)
		if err != nil {
			return
		}
		// One line, one encoding: what is accepted is exactly what the
		// ledger would have written, so its leaf hash is the one committed.
		again, _ := json.Marshal(l)
		if string(again) != string(b) || l.Amount <= 0 || !strings.HasPrefix(l.Account, "member:") {
			t.Fatalf("accepted %s as %+v", b, l)
		}
	})
}

// FuzzReceipt feeds receipt files (outside input: a member hands one to
// anyone) to the parser and the offline verifier, which must refuse
// without panicking.
func FuzzReceipt(f *testing.F) {
	f.Add([]byte(`{"format":"allmende-receipt@v2","entry":"{\"v\":2,\"id\":\"00112233445566778899aabbccddeeff\",\"type\":\"reward.split\",\"time\":1,` +
		`\"postings\":[{\"account\":\"members\",\"amount\":5},{\"account\":\"treasury\",\"amount\":-5}],\"shares\":{\"root\":\"` + strings.Repeat("0", 64) + `\",\"count\":1},\"commitment\":\"00\"}",` +
		`"account":"member:m-ada","share":{"line":"{\"account\":\"member:m-ada\",\"amount\":5,\"salt\":\"` + strings.Repeat("ab", 32) + `\"}","index":0,"proof":[]},"tlog_proof":"c2sp.org/tlog-proof@v1\nindex 0\n\n"}`))
	f.Add([]byte(`{"format":"allmende-receipt@v1","entry":"{}","salt":"00","content":"{}","tlog_proof":""}`))
	f.Add([]byte(`{"format":"allmende-receipt@v2","entry":"{}","account":"member:m-ada","share":{"line":"","index":-1,"proof":["zz"]},"tlog_proof":""}`))
	_, vkey, err := note.GenerateKey(nil, "coop.example/log")
	if err != nil {
		f.Fatal(err)
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := ledger.ParseReceipt(b)
		if err != nil {
			return
		}
		if r.Format != ledger.ReceiptFormat && r.Format != ledger.PaymentReceiptFormat {
			t.Fatalf("accepted format %q", r.Format)
		}
		// No checkpoint here is signed by v: nothing may verify.
		if _, err := r.Verify(v); err == nil {
			t.Fatalf("a receipt no log signed verified: %s", b)
		}
	})
}
