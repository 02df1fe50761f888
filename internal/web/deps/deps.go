// Package deps is what the web layer needs from the rest of the
// cooperative — its services, the log, how cookies are sent — handed to
// the API, the pages and the OpenAI-compatible endpoints alike.
package deps

import (
	"log/slog"
	"net/netip"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/allmende/allmende/internal/action"
	"github.com/allmende/allmende/internal/bounty"
	"github.com/allmende/allmende/internal/coop"
	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/govern"
	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/model"
	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/tlog"
	"github.com/allmende/allmende/internal/vault"
	"github.com/allmende/allmende/internal/work"
)

// Deps is what the web server needs from the rest of the cooperative.
type Deps struct {
	DB       *store.DB
	Blobs    store.Blobs
	Members  *member.Service
	Datanets *datanet.Service
	Work     *work.Service
	Ledger   *ledger.Ledger
	Reward   *reward.Service
	Models   *model.Service
	Govern   *govern.Service
	Actions  *action.Service
	Params   *coop.Params
	// Vault seals what a page must hand back once (a new API key).
	Vault *vault.Vault
	// TLog is the public transparency log, served at /log/.
	TLog *tlog.Log
	Log  *slog.Logger
	// Registry receives the HTTP metrics; MetricsHandler serves it, on
	// the operator's address only.
	Registry *prometheus.Registry
	// SecureCookies forces the Secure flag on cookies even when the request
	// arrived over plain HTTP (behind a TLS-terminating proxy).
	SecureCookies bool
	// TrustedProxies are the reverse proxies in front of the server: only
	// from a peer in them is X-Forwarded-For believed.
	TrustedProxies []netip.Prefix
	// Currency is what a point is worth: every amount shown is written
	// with it (points.Currency.Format).
	Currency points.Currency
	// Bounties keeps the funded calls for work (issue 17).
	Bounties *bounty.Service
}
