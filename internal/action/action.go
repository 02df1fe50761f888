// Package action is recorded browser work. A member records once, with the
// cooperative's browser extension, how they do a task; the recording is
// judged from its timing and pointer paths alone (package behavior) — a
// person, a script, or a copy of an earlier recording — and, if a person did
// it, paid from the treasury. Nothing is rejected silently: a borderline
// recording goes to a steward, a rejected one carries its reasons and can be
// appealed. A verified recording may also become a contribution to a
// recording datanet, under the datanet's consent, redaction and erasure
// rules.
//
// Its author may publish it as an automation with a price per run. Another
// member fills in its parameters and runs it: the price moves into the
// run's escrow first, the recording is replayed in a headless Chromium on
// the server (package replay, behind a proxy that refuses private
// addresses), and the escrow is then split between the author and the
// treasury — or refunded if any step failed. Every payment is a ledger
// event.
package action

import (
	"log/slog"

	"github.com/allmende/allmende/internal/coop"
	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/vault"
)

// Service is recorded work and the automations marketplace.
type Service struct {
	db       *store.DB
	ledger   *ledger.Ledger
	reward   *reward.Service
	params   *coop.Params
	vault    *vault.Vault
	datanets *datanet.Service
	log      *slog.Logger
	// Currency writes the amounts in messages; the zero value is
	// points.DefaultCurrency. Set it before the service is used.
	Currency points.Currency
	// Replayer runs automations; nil means this server does not run them
	// (runs fail with a clear reason and are refunded).
	Replayer Replayer
	// Actor runs learned automations; nil means this server does not
	// (their runs fail and are refunded).
	Actor Actor
}

// NewService returns the service.
func NewService(db *store.DB, l *ledger.Ledger, r *reward.Service, p *coop.Params, v *vault.Vault, d *datanet.Service, log *slog.Logger) *Service {
	return &Service{db: db, ledger: l, reward: r, params: p, vault: v, datanets: d, log: log}
}

// Job kinds the app's runner handles.
const (
	JobRun        = "action.run"
	JobPayPending = "action.pay-pending"
)
