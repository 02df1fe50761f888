package pages

import (
	"encoding/csv"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/web/response"
)

// maxReceiptRows bounds one download: a member with more payments than
// this gets the newest, and the file's last line says it was cut.
const maxReceiptRows = 100_000

// receiptsExport downloads every payment into the member's account as a
// spreadsheet, newest first: the amount in the cooperative's currency as
// a plain decimal (no thousands separators, for spreadsheets), its code,
// and the integer points the ledger holds, so the file reads as the pages
// do and still adds up exactly. Only the member themself (Receipts decides).
func (p *Pages) receiptsExport(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	c := p.currency()
	// Read every page before writing, so that a refusal still gets its
	// status and nothing half-written is downloaded.
	page := store.Page{Limit: store.MaxLimit}
	var rows [][]string
	for {
		list, next, err := p.Reward.Receipts(r.Context(), sess.Member, sess.Member.PublicID, page)
		if err != nil {
			return err
		}
		for _, pd := range list {
			logIndex := ""
			if pd.Logged {
				logIndex = strconv.FormatUint(pd.LogIndex, 10)
			}
			rows = append(rows, []string{pd.CreatedAt.UTC().Format(time.RFC3339), eventName(pd.Type), scopeName(pd.Scope),
				strings.ReplaceAll(c.Number(pd.Amount), ",", ""), c.Code, strconv.FormatInt(pd.Amount, 10), pd.EventID, logIndex})
		}
		if next == "" || len(rows) >= maxReceiptRows {
			if next != "" {
				rows = append(rows, []string{"", "more payments than one file holds: the newest " + strconv.Itoa(len(rows)) + " are above"})
			}
			break
		}
		page.Before = next
	}
	return response.Stream(w, "text/csv; charset=utf-8", "allmende-receipts.csv", func(out io.Writer) error {
		cw := csv.NewWriter(out)
		cw.Write([]string{"time", "payment", "for", "amount", "currency", "points", "event", "log_index"})
		cw.WriteAll(rows) // flushes; its error is the first write's
		return cw.Error()
	})
}
