package model

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime/trace"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/allmende/allmende/internal/attrib"
	"github.com/allmende/allmende/internal/coop"
	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
)

// Attribution is what the cooperative adds to every answer: which spans
// of the answer came from which records, and who was paid what for it.
type Attribution struct {
	Spans   []AttrSpan   `json:"spans"`
	Records []AttrRecord `json:"records"`
	Charge  int64        `json:"charge"`
	Shares  SplitShares  `json:"shares"`
	EventID string       `json:"event_id,omitempty"`
	CallID  int64        `json:"call_id"`
	// Version is the number of the model version that answered, for a
	// specialised model (classify_call.go); versionID its row.
	Version   int `json:"version,omitempty"`
	versionID int64
	// cover is the call's payment cover: the charge ends it in its own
	// transaction (settled), one write fewer per call.
	cover   *coverHold
	settled bool
}

// AttrSpan is a span of the answer found verbatim in the datanets.
type AttrSpan struct {
	Start   int      `json:"start"`
	End     int      `json:"end"`
	Count   int64    `json:"count"`
	Records []string `json:"records"`
}

// AttrRecord is one record's part in an answer.
type AttrRecord struct {
	ID     string  `json:"id"`
	Weight float64 `json:"weight"`
	Amount int64   `json:"amount"`
}

// SplitShares says where the charge went, in points.
type SplitShares struct {
	Contributors int64 `json:"contributors"`
	Builder      int64 `json:"builder"`
	Treasury     int64 `json:"treasury"`
	// Funders is what the funders of the model's funded round got
	// together (funding.go), out of the builder's part.
	Funders int64 `json:"funders"`
}

// Result is an answer with its attribution.
type Result struct {
	Model       Model
	Text        string
	Usage       Usage
	Attribution Attribution
	// Scores are a specialised model's labels and scores; nil otherwise.
	Scores []LabelScore
}

// MinSpan is the shortest verbatim stretch, in characters, that counts as
// taken from a record: shorter ones are common phrases.
const MinSpan = 24

// defaultMaxTokens bounds an answer whose request does not: the payment
// cover assumes it, and the upstream is sent it as max_tokens.
const defaultMaxTokens = 1024

// estimateTokens counts about four characters per token, as OpenAI's
// tokenizers do for English; upstream counts replace it when given.
func estimateTokens(s string) int { return (utf8.RuneCountInString(s) + 3) / 4 }

// price is what a call of the given number of tokens costs: the price per
// call plus the price per 1,000 tokens, rounded up. It refuses a model
// whose prices are outside their range (registered before the range was
// enforced) rather than compute with them.
func (m Model) price(tokens int) (int64, error) {
	if points.Check("price_per_call", m.PricePerCall, 0, points.MaxPrice) != nil || points.Check("price_per_1k_tokens", m.PricePer1kTokens, 0, points.MaxPrice) != nil {
		return 0, problem.New(problem.Conflict, "the model %s has a price outside 0 to %d points; its builder must register it again", m.Slug, points.MaxPrice)
	}
	perTokens, err := points.MulDivUp(m.PricePer1kTokens, int64(tokens), 1000)
	if err != nil {
		return 0, fmt.Errorf("model %s: price of %d tokens: %w", m.Slug, tokens, err)
	}
	return points.Add(m.PricePerCall, perTokens)
}

// clampUsage makes an upstream's usage report fit what the request
// allowed: no count below zero or above allowed (the prompt estimate plus
// max_tokens), so that an upstream can neither pay the caller with
// negative tokens nor charge beyond the cover. A total of zero (or none
// reported) is replaced by the estimate of prompt and answer.
func clampUsage(u Usage, allowed int, prompt, answer string) Usage {
	c := func(n int) int { return min(max(n, 0), allowed) }
	u = Usage{PromptTokens: c(u.PromptTokens), CompletionTokens: c(u.CompletionTokens), TotalTokens: c(u.TotalTokens)}
	if u.TotalTokens == 0 {
		u.PromptTokens = c(estimateTokens(prompt))
		u.CompletionTokens = c(estimateTokens(answer))
		u.TotalTokens = c(u.PromptTokens + u.CompletionTokens)
	}
	return u
}

// Complete answers a chat request for a client: it checks that the
// client's balance covers the most the call can cost, asks the model,
// traces the answer to records, charges the client and splits the charge.
// stream, if set, receives the upstream's chunks as they come. Nothing is
// charged when the model fails.
func (s *Service) Complete(ctx context.Context, client Client, req Request, stream func([]byte) error) (Result, error) {
	defer trace.StartRegion(ctx, "model.complete").End()
	start := time.Now()
	if len(req.Messages) == 0 {
		return Result{}, &problem.Error{Kind: problem.Invalid, Message: "a chat request needs messages", Fields: map[string]string{"messages": "at least one"}}
	}
	m, datanets, err := s.forCall(ctx, req.Model)
	if problem.Is(err, problem.NotFound) {
		return Result{}, &problem.Error{Kind: problem.NotFound, Message: fmt.Sprintf("no model %q; GET /v1/models lists them", req.Model), Fields: map[string]string{"model": "unknown"}}
	}
	if err != nil {
		return Result{}, err
	}
	if vid, err := s.servingVersion(ctx, m); err != nil {
		return Result{}, err
	} else if vid != 0 {
		return s.completeVersion(ctx, client, m, vid, req, stream)
	}
	var prompt strings.Builder
	for _, msg := range req.Messages {
		prompt.WriteString(msg.Content)
	}
	if err := points.CheckTokens("max_tokens", int64(req.MaxTokens), 0, points.MaxTokens); err != nil {
		return Result{}, err
	}
	if err := req.oneAnswer(); err != nil {
		return Result{}, err
	}
	if req.MaxTokens == 0 {
		req.MaxTokens = defaultMaxTokens
	}
	// An assistant's prompt holds the records it retrieved: before the
	// cover is counted, which includes them.
	aug, err := s.augment(ctx, m, datanets, &req, &prompt)
	if err != nil {
		return Result{}, err
	}
	// The most the call may be charged for; the upstream is told
	// req.MaxTokens and its usage report is clamped to this.
	allowed := min(estimateTokens(prompt.String())+req.MaxTokens, points.MaxTokens)
	cover, err := m.price(allowed)
	if err != nil {
		return Result{}, err
	}
	region := trace.StartRegion(ctx, "model.reserve")
	hold, err := s.reserve(ctx, client, cover)
	region.End()
	if err != nil {
		return Result{}, err
	}
	var att Attribution
	defer func() {
		if !att.settled {
			s.release(ctx, hold)
		}
	}()

	var text string
	var usage Usage
	var retrieved map[string]float64
	var corpora []*corpus // the datanets' indexes, caught up once per call
	switch m.Kind {
	case Retrieval:
		corpora, err = s.indexes(ctx, datanets, true)
		if err == nil {
			text, retrieved, err = s.retrieve(ctx, corpora, lastUser(req.Messages))
		}
		if err == nil && stream != nil {
			err = streamText(m, text, stream)
		}
	case OpenAI:
		region := trace.StartRegion(ctx, "model.upstream")
		uctx, cancel := s.deadline(ctx)
		if stream != nil {
			text, usage, err = s.upstreamStream(uctx, m, req, stream)
		} else {
			text, usage, err = s.upstreamComplete(uctx, m, req)
		}
		cancel()
		region.End()
		if err == nil && aug != nil {
			corpora = aug.corpora
			retrieved, err = aug.weigh(ctx, text)
		}
	}
	if err != nil {
		s.logCall(context.WithoutCancel(ctx), m, client, "failed", time.Since(start))
		return Result{}, err
	}
	usage = clampUsage(usage, allowed, prompt.String(), text)
	region = trace.StartRegion(ctx, "model.attribute")
	if corpora == nil {
		corpora, err = s.indexes(ctx, datanets, false)
	}
	if err == nil {
		att, err = s.attribute(ctx, corpora, text, retrieved)
	}
	region.End()
	if err != nil {
		return Result{}, err
	}
	att.cover = hold
	// The charge never exceeds the cover that was checked: an upstream
	// that ignores max_tokens does not overdraw the client. It is never
	// negative: the usage is at least zero and the prices are.
	price, err := m.price(usage.TotalTokens)
	if err != nil {
		return Result{}, err
	}
	att.Charge = min(price, cover)
	region = trace.StartRegion(ctx, "model.charge")
	err = s.charge(context.WithoutCancel(ctx), m, client, usage, &att, time.Since(start))
	region.End()
	if err != nil {
		return Result{}, err
	}
	return Result{Model: m, Text: text, Usage: usage, Attribution: att}, nil
}

func lastUser(msgs []Message) string {
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].Role == "user" {
			return msgs[i].Content
		}
	}
	return msgs[len(msgs)-1].Content
}

// reservationTTL is how long a call's cover counts at most: longer than
// a call may take (its upstream's timeout, then tracing and charging), so
// that only a replica that died leaves it to expire.
func (s *Service) reservationTTL() time.Duration { return s.Timeout + 2*time.Minute }

// pts shows points as currency units (100 points to one), with the sign
// in front: -150 is "-1.50". The magnitude is taken as a uint64, which
// holds that of MinInt64 too.
func pts(p int64) string {
	sign, u := "", uint64(p)
	if p < 0 {
		sign, u = "-", uint64(-(p+1))+1
	}
	return fmt.Sprintf("%s%d.%02d", sign, u/100, u%100)
}

// maxAttributed is how many records, by weight, an answer pays at most.
const maxAttributed = 200

// attribute traces an answer back to records: spans found verbatim in the
// model's datanets weigh by length and rarity (a long span found in one
// record says more than a short one found in many), and retrieved records
// weigh by their search score.
func (s *Service) attribute(ctx context.Context, corpora []*corpus, text string, retrieved map[string]float64) (Attribution, error) {
	weights := map[string]float64{}
	var att Attribution
	for _, c := range corpora {
		spans, err := c.spans.Trace(ctx, text, attrib.TraceOptions{MinLen: MinSpan, MaxRecords: 20})
		if err != nil {
			return Attribution{}, fmt.Errorf("trace: %w", err)
		}
		for _, sp := range spans {
			att.Spans = append(att.Spans, AttrSpan{Start: sp.Start, End: sp.End, Count: sp.Count, Records: sp.Records})
			if len(sp.Records) == 0 {
				continue
			}
			w := float64(sp.End-sp.Start) / float64(max(sp.Count, 1)) / float64(len(sp.Records))
			for _, r := range sp.Records {
				weights[r] += w
			}
		}
	}
	if len(retrieved) > 0 {
		// Scale the search scores to the spans' weights so that neither
		// drowns the other.
		total := 0.0
		for _, w := range weights {
			total += w
		}
		scoreSum := 0.0
		for _, sc := range retrieved {
			scoreSum += sc
		}
		scale := 1.0
		if total > 0 && scoreSum > 0 {
			scale = total / scoreSum
		}
		for id, sc := range retrieved {
			weights[id] += sc * scale
		}
	}
	for id, w := range weights {
		if w > 0 && !math.IsInf(w, 0) && !math.IsNaN(w) {
			att.Records = append(att.Records, AttrRecord{ID: id, Weight: w})
		}
	}
	slices.SortFunc(att.Records, func(a, b AttrRecord) int {
		if a.Weight != b.Weight {
			if a.Weight > b.Weight {
				return -1
			}
			return 1
		}
		return strings.Compare(a.ID, b.ID)
	})
	// The long tail of barely-used records would earn nothing after
	// rounding; it is cut so that a call's split stays one small statement.
	att.Records = att.Records[:min(len(att.Records), maxAttributed)]
	return att, nil
}

// charge takes the call's price from the client and splits it: the
// contributors' share by record weight (largest remainder, so the parts add
// up exactly), the treasury's share, and the rest to the builder — one
// transfer, one ledger event.
func (s *Service) charge(ctx context.Context, m Model, c Client, usage Usage, att *Attribution, took time.Duration) error {
	cshare, err := s.params.Get(ctx, nil, coop.ContributorShare)
	if err != nil {
		return err
	}
	tshare, err := s.params.Get(ctx, nil, coop.TreasuryShare)
	if err != nil {
		return err
	}
	if att.cover != nil {
		att.cover.settling()
	}
	err = s.chargeTx(ctx, func(tx *store.Tx) error {
		var version any
		if att.versionID != 0 {
			// A version deleted while this call ran answered, but is
			// neither charged nor paid for.
			var status string
			if err := tx.QueryRowContext(ctx, `SELECT status FROM model_versions WHERE id = $1`, att.versionID).Scan(&status); err != nil {
				return err
			}
			if status != VersionReady {
				return problem.New(problem.Conflict, "the model's version was withdrawn while you called; nothing was charged; call again")
			}
			version = att.versionID
		}
		// Who contributed each record, now: an erased record is not
		// paid, whatever an index said a moment ago.
		owners, err := recordOwners(ctx, tx, att.Records)
		if err != nil {
			return err
		}
		// The items of a version trained on a project are paid to the
		// workers whose accepted answers gave their label, equally
		// (project_train.go).
		payees, err := itemPayees(ctx, tx, att.versionID, att.Records)
		if err != nil {
			return err
		}
		paid := func(id string) bool {
			_, ok := owners[id]
			_, item := payees[id]
			return ok || item
		}
		// A record erased while the indexes had not yet caught up is
		// neither paid nor named in the answer.
		att.Records = slices.DeleteFunc(att.Records, func(r AttrRecord) bool { return !paid(r.ID) })
		for i := range att.Spans {
			att.Spans[i].Records = slices.DeleteFunc(att.Spans[i].Records, func(id string) bool { return !paid(id) })
		}
		weights := make([]float64, 0, len(att.Records))
		accounts := make([]string, 0, len(att.Records))
		// lines[i] is the share lines of att.Records[i]: one for a
		// record, one per paid worker for an item.
		lines := make([][2]int, len(att.Records))
		for i, r := range att.Records {
			start := len(accounts)
			if ws, ok := payees[r.ID]; ok {
				for _, w := range ws {
					weights, accounts = append(weights, r.Weight/float64(len(ws))), append(accounts, reward.MemberAccount(w.PublicID))
				}
			} else {
				weights, accounts = append(weights, r.Weight), append(accounts, reward.MemberAccount(owners[r.ID].pid))
			}
			lines[i] = [2]int{start, len(accounts)}
		}
		// A model whose funding round met its goal pays its funders out of
		// the builder's part, in the same split (funding.go).
		fund, err := fundersOf(ctx, tx, m.ID)
		if err != nil {
			return err
		}
		sp, postings, err := reward.Postings(reward.Payment{Payer: reward.MemberAccount(c.PublicID), Total: att.Charge,
			ContributorBP: cshare, Contributors: accounts, Weights: weights, TreasuryBP: tshare, Rest: reward.MemberAccount(m.Owner),
			FunderBP: fund.shareBP, Funders: fund.accounts, Stakes: fund.pledges})
		if err != nil {
			return fmt.Errorf("split: %w", err)
		}
		if err := fund.earn(ctx, tx, sp.Funders); err != nil {
			return err
		}
		for i := range att.Records {
			att.Records[i].Amount = 0
			for _, a := range sp.Contributors[lines[i][0]:lines[i][1]] {
				att.Records[i].Amount += a
			}
		}
		att.Shares = SplitShares{Contributors: sp.ContributorTotal, Builder: sp.Rest, Treasury: sp.Treasury, Funders: sp.FunderTotal}
		now := store.Now()
		err = tx.QueryRowContext(ctx, `INSERT INTO model_calls (model_id, client_id, tokens_in, tokens_out, charge, status, latency_ms, created_at, version_id)
			VALUES ($1, $2, $3, $4, $5, 'ok', $6, $7, $8) RETURNING id`, m.ID, c.MemberID, usage.PromptTokens, usage.CompletionTokens, att.Charge, took.Milliseconds(), now, version).Scan(&att.CallID)
		if err != nil {
			return err
		}
		// The cover is settled with the charge: what is charged leaves
		// the lease as it leaves the balance, no moment where both
		// count, and no transaction of its own.
		if att.cover != nil {
			if err := att.cover.settleTx(ctx, tx, att.Charge, now); err != nil {
				return err
			}
		}
		// Last use is recorded with the charge, not on every
		// authentication: one write per call, not two.
		if _, err := tx.ExecContext(ctx, `UPDATE api_keys SET last_used_at = $2 WHERE id = $1`, c.KeyID, now); err != nil {
			return err
		}
		if len(postings) > 0 {
			shareScope := ""
			if att.versionID != 0 {
				shareScope = fmt.Sprintf("version:%d", att.versionID)
			}
			att.EventID, err = s.reward.Transfer(ctx, tx, ledger.Event{
				Type: ledger.RewardSplit, Scope: fmt.Sprintf("model:%d", m.ID), Postings: postings, ShareScope: shareScope,
				Content: map[string]any{"call": att.CallID, "tokens": usage.TotalTokens, "records": len(att.Records)},
			})
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE model_calls SET event_id = $2 WHERE id = $1`, att.CallID, att.EventID); err != nil {
				return err
			}
		}
		for _, r := range att.Records {
			o, ok := owners[r.ID]
			if !ok {
				// An item's workers' shares are in the split's share
				// lines; record_earnings is per contribution.
				continue
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO record_earnings (call_id, contribution_id, member_id, weight, amount, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
				att.CallID, o.rowID, o.memberID, r.Weight, r.Amount, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil && att.cover != nil {
		s.settled(ctx, att.cover, att.Charge)
		att.settled = true
	}
	return err
}

// chargeTx runs a charge in a transaction: on SQLite, whose one writer
// would queue every call's charge behind the others', in one shared with
// the charges of concurrent calls (chargeBatch); on PostgreSQL, where
// charges commit side by side, in its own.
func (s *Service) chargeTx(ctx context.Context, fn func(tx *store.Tx) error) error {
	if s.db.Dialect() == store.SQLite {
		return s.charges.do(ctx, s.db, fn)
	}
	return s.db.InTx(ctx, fn)
}

func (s *Service) logCall(ctx context.Context, m Model, c Client, status string, took time.Duration) {
	_ = s.db.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO model_calls (model_id, client_id, status, latency_ms, created_at) VALUES ($1, $2, $3, $4, $5)`,
			m.ID, c.MemberID, status, took.Milliseconds(), store.Now())
		return err
	})
}

// owner is who contributed an attributed record, as the database says
// inside the charge's transaction.
type owner struct {
	rowID    int64 // the contribution's
	memberID int64
	pid      string
}

// recordOwners finds the contributors of the accepted records among recs,
// by record id; erased and unknown records are left out.
func recordOwners(ctx context.Context, tx *store.Tx, recs []AttrRecord) (map[string]owner, error) {
	owners := map[string]owner{}
	if len(recs) == 0 {
		return owners, nil
	}
	args := make([]any, len(recs))
	marks := make([]string, len(recs))
	for i, r := range recs {
		args[i], marks[i] = r.ID, fmt.Sprintf("$%d", i+1)
	}
	rows, err := tx.QueryContext(ctx, `SELECT c.public_id, c.id, c.member_id, m.public_id FROM contributions c JOIN members m ON m.id = c.member_id
		WHERE c.status = 'accepted' AND c.public_id IN (`+strings.Join(marks, ", ")+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("record owners: %w", err)
	}
	for rows.Next() {
		var id string
		var o owner
		if err := rows.Scan(&id, &o.rowID, &o.memberID, &o.pid); err != nil {
			rows.Close()
			return nil, err
		}
		owners[id] = o
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, err
	}
	return owners, nil
}
