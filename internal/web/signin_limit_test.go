package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/web"
)

// signInFrom signs in through the API or the sign-in page as a request
// from peer (host:port) with the given X-Forwarded-For headers, and
// returns the status: 201/303 signed in, 401 wrong password, 429 limited.
func signInFrom(t *testing.T, h http.Handler, via, peer, email, pw string, xff ...string) int {
	t.Helper()
	var req *http.Request
	if via == "api" {
		req = httptest.NewRequest("POST", "/api/v1/sessions", strings.NewReader(`{"email":"`+email+`","password":"`+pw+`"}`))
		req.Header.Set("Content-Type", "application/json")
	} else {
		req = httptest.NewRequest("POST", "/signin", strings.NewReader(url.Values{"email": {email}, "password": {pw}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.RemoteAddr = peer
	for _, v := range xff {
		req.Header.Add("X-Forwarded-For", v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code
}

func signedIn(via string) int {
	if via == "api" {
		return http.StatusCreated
	}
	return http.StatusSeeOther
}

// Wrong passwords from one address limit that address and that account at
// that address — never the account everywhere: the owner signs in from
// elsewhere. Forwarded headers from a peer that is not a configured proxy
// change nothing, so an attacker cannot escape the limit by inventing
// addresses, nor spend another address's budget.
func TestWrongPasswordsDoNotLockTheOwnerOut(t *testing.T) {
	const attacker, owner, other = "203.0.113.7:40000", "198.51.100.20:51000", "192.0.2.30:52000"
	for _, via := range []string{"api", "page"} {
		t.Run(via, func(t *testing.T) {
			// A fresh cooperative: the buckets live in its database.
			f := newFixture(t, store.SQLite)
			d := f.app.Web.Deps
			d.Registry = nil
			h := web.New(d)
			limited := 0
			for i := range 50 {
				// The attacker also claims to be forwarding for the
				// owner's address, and for a new address each time.
				code := signInFrom(t, h, via, attacker, "ada@example.org", "wrong guess", owner[:strings.LastIndex(owner, ":")], "10.9.8."+string(rune('0'+i%10)))
				switch {
				case code == 429:
					limited++
				case code != 401 || limited > 0:
					t.Fatalf("attempt %d: %d", i, code)
				}
			}
			if limited < 40 {
				t.Fatalf("only %d of 50 wrong passwords were limited", limited)
			}
			if code := signInFrom(t, h, via, owner, "ada@example.org", password); code != signedIn(via) {
				t.Fatalf("the owner, from her own address, after an attack from another: %d", code)
			}
			// The attacking address is limited for every account.
			if code := signInFrom(t, h, via, attacker, "bob@example.org", password); code != 429 {
				t.Fatalf("another account from the attacking address: %d, want 429", code)
			}
			if code := signInFrom(t, h, via, other, "bob@example.org", password); code != signedIn(via) {
				t.Fatalf("another account from a third address: %d", code)
			}
		})
	}
}

// Behind a configured proxy, the client is the right-most address in
// X-Forwarded-For that is not a proxy: what a client writes further left
// is not believed.
func TestForwardedForIsBelievedOnlyFromTrustedProxies(t *testing.T) {
	const proxy = "10.0.0.2:33000"
	f := newFixture(t, store.SQLite)
	d := f.app.Web.Deps
	d.Registry = nil
	d.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	h := web.New(d)
	for i := range 30 {
		// The attacker at 203.0.113.7 writes the owner's address; the
		// proxy appends the real one.
		code := signInFrom(t, h, "api", proxy, "ada@example.org", "wrong guess", "198.51.100.20, 203.0.113.7")
		if code != 401 && code != 429 {
			t.Fatalf("attempt %d: %d", i, code)
		}
	}
	if code := signInFrom(t, h, "api", proxy, "bob@example.org", password, "203.0.113.7"); code != 429 {
		t.Fatalf("the attacker's address behind the proxy is not limited: %d", code)
	}
	if code := signInFrom(t, h, "api", proxy, "ada@example.org", password, "198.51.100.20"); code != 201 {
		t.Fatalf("the owner behind the same proxy: %d", code)
	}
	// Several proxies in a row, and a header split over two lines.
	if code := signInFrom(t, h, "api", proxy, "ada@example.org", password, "198.51.100.20", "10.1.1.1"); code != 201 {
		t.Fatalf("the owner behind two proxies: %d", code)
	}
	if code := signInFrom(t, h, "page", proxy, "bob@example.org", password, "192.0.2.30, 10.1.1.1"); code != 303 {
		t.Fatalf("another member behind two proxies: %d", code)
	}
	// Sign-up shares the per-address limit. The limit gives back one
	// attempt every few seconds, which a loaded machine can take between
	// the steps above: spend the address's attempts again first.
	for i := 0; signInFrom(t, h, "api", proxy, "bob@example.org", "wrong guess", "203.0.113.7") != 429; i++ {
		if i == 30 {
			t.Fatal("the attacker's address is never limited")
		}
	}
	req := httptest.NewRequest("POST", "/api/v1/signup", strings.NewReader(`{"code":"NOPE","email":"x@example.org","name":"X","password":"long enough password"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Forwarded-For", "203.0.113.7")
	req.RemoteAddr = proxy
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != 429 {
		t.Fatalf("sign-up from the limited address: %d, want 429", rec.Code)
	}
}

// Two replicas on one database count wrong passwords together: five
// spread over both use up what one account may be tried from one address,
// and the sixth is refused on either replica.
func TestWrongPasswordsCountAcrossReplicas(t *testing.T) {
	eachDialect(t, func(t *testing.T, dialect store.Dialect) {
		const attacker = "203.0.113.7:40000"
		f := newFixture(t, dialect)
		d := f.app.Web.Deps
		d.Registry = nil
		one, two := web.New(d), web.New(d)
		for i := range 5 {
			h := []http.Handler{one, two}[i%2]
			if code := signInFrom(t, h, "api", attacker, "ada@example.org", "wrong guess"); code != 401 {
				t.Fatalf("wrong password %d: %d, want 401", i+1, code)
			}
		}
		for i, h := range []http.Handler{one, two} {
			if code := signInFrom(t, h, "page", attacker, "ada@example.org", password); code != 429 {
				t.Fatalf("replica %d after five wrong passwords on two: %d, want 429", i+1, code)
			}
		}
	})
}
