package action_test

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/allmende/allmende/internal/action"
	"github.com/allmende/allmende/internal/egress"
	"github.com/allmende/allmende/internal/recording"
)

// TestAutomationCannotOpenTheServersOwnAddress: an automation is someone
// else's recording running in the server's browser. A page on the
// server's own non-loopback address (where an admin port may listen) is
// refused like any private one — the same guard models' upstreams get —
// unless the server runs with --replay-allow-private.
func TestAutomationCannotOpenTheServersOwnAddress(t *testing.T) {
	page, reached := ownAddressPage(t, `<!doctype html><title>Admin</title><p>inside</p>`)
	rec, err := recording.Parse([]byte(`{"title":"admin","steps":[{"type":"navigate","url":"` + page + `"}]}`))
	if err != nil {
		t.Fatal(err)
	}

	guarded := &action.Browser{}
	t.Cleanup(guarded.Close)
	// The proxy answers the refusal with an error page, which is all the
	// tab gets to see; the run fails rather than "succeed" on that page.
	res, err := guarded.Replay(t.Context(), rec)
	if err != nil {
		t.Fatal(err)
	}
	if res.OK || res.FailedStep != 0 || !strings.Contains(res.Steps[0].Error, "may not open") {
		t.Fatalf("a run on a refused page: %+v", res)
	}
	if n := reached.Load(); n != 0 {
		t.Fatalf("the page on the server's own address was reached %d times", n)
	}

	open := &action.Browser{Guard: egress.Guard{AllowPrivate: true}}
	t.Cleanup(open.Close)
	if res, err := open.Replay(t.Context(), rec); err != nil || !res.OK {
		t.Fatalf("with --replay-allow-private the page did not open: %+v, %v", res, err)
	}
	if reached.Load() == 0 {
		t.Fatal("with --replay-allow-private the page was not reached: the refusal above was not the guard's")
	}
}

// ownAddressPage serves body on this machine's own non-loopback IPv4
// address, where an admin port may listen, and counts the requests that
// reach it: the page the guard must keep automations away from.
func ownAddressPage(t *testing.T, body string) (page string, reached *atomic.Int32) {
	t.Helper()
	var own netip.Addr
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range addrs {
		if p, err := netip.ParsePrefix(a.String()); err == nil && p.Addr().Is4() && !p.Addr().IsLoopback() {
			own = p.Addr()
			break
		}
	}
	if !own.IsValid() {
		t.Fatal("this machine has no non-loopback IPv4 address to test with")
	}
	reached = new(atomic.Int32)
	ln, err := net.Listen("tcp", net.JoinHostPort(own.String(), "0"))
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached.Add(1)
		fmt.Fprint(w, body)
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String() + "/", reached
}
