package request

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"slices"
	"strings"
	"testing"
)

func TestClientAddr(t *testing.T) {
	proxies, err := ParseProxies("10.0.0.0/8, 127.0.0.1,2001:db8:1::/48")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		peer    string
		xff     []string
		trusted []netip.Prefix
		want    string
	}{
		{"no proxy configured: the peer", "203.0.113.7:1234", []string{"198.51.100.1"}, nil, "203.0.113.7"},
		{"untrusted peer: its header is ignored", "203.0.113.7:1234", []string{"198.51.100.1"}, proxies, "203.0.113.7"},
		{"trusted peer without a header", "10.0.0.2:1234", nil, proxies, "10.0.0.2"},
		{"behind one proxy", "10.0.0.2:1234", []string{"198.51.100.1"}, proxies, "198.51.100.1"},
		{"the client's own entries are not believed", "10.0.0.2:1234", []string{"192.0.2.66, 198.51.100.1"}, proxies, "198.51.100.1"},
		{"two proxies", "10.0.0.2:1234", []string{"192.0.2.66, 198.51.100.1, 10.3.3.3"}, proxies, "198.51.100.1"},
		{"header over several lines", "127.0.0.1:1234", []string{"192.0.2.66", "198.51.100.1", "10.3.3.3"}, proxies, "198.51.100.1"},
		{"only proxies: the left-most", "10.0.0.2:1234", []string{"10.1.1.1, 10.2.2.2"}, proxies, "10.1.1.1"},
		{"garbage: the last proxy", "10.0.0.2:1234", []string{"198.51.100.1, not-an-ip"}, proxies, "10.0.0.2"},
		{"empty entry: the last proxy", "10.0.0.2:1234", []string{"198.51.100.1, "}, proxies, "10.0.0.2"},
		{"ports and brackets", "[2001:db8:1::5]:443", []string{"[2001:db8:2::7]:5555"}, proxies, "2001:db8:2::7"},
		{"address with a port", "10.0.0.2:1234", []string{"198.51.100.1:4711"}, proxies, "198.51.100.1"},
		{"mapped IPv4 is IPv4", "[::ffff:10.0.0.2]:1234", []string{"::ffff:198.51.100.1"}, proxies, "198.51.100.1"},
		{"unreadable peer", "@", nil, proxies, "invalid IP"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tt.peer
			for _, v := range tt.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := ClientAddr(r, tt.trusted).String(); got != tt.want {
				t.Fatalf("client %s, want %s", got, tt.want)
			}
		})
	}
}

func TestClientKeyGroupsAnIPv6Host(t *testing.T) {
	a, b := netip.MustParseAddr("2001:db8:5:6:1::1"), netip.MustParseAddr("2001:db8:5:6:ffff::2")
	if ClientKey(a) != ClientKey(b) {
		t.Fatalf("two addresses of one /64 are two clients: %s %s", ClientKey(a), ClientKey(b))
	}
	if ClientKey(a) == ClientKey(netip.MustParseAddr("2001:db8:5:7::1")) {
		t.Fatal("two /64s are one client")
	}
	if ClientKey(netip.MustParseAddr("192.0.2.1")) == ClientKey(netip.MustParseAddr("192.0.2.2")) {
		t.Fatal("two IPv4 addresses are one client")
	}
}

func TestParseProxies(t *testing.T) {
	tests := []struct {
		in   string
		want string // the prefixes joined, or "error"
	}{
		{"", ""},
		{"10.0.0.0/8,127.0.0.1/32", "10.0.0.0/8 127.0.0.1/32"},
		{" 10.1.2.3/8 , 192.0.2.1 ,, ::1", "10.0.0.0/8 192.0.2.1/32 ::1/128"},
		{"::ffff:10.0.0.0/104", "10.0.0.0/8"},
		{"10.0.0.0/33", "error"},
		{"proxy.example", "error"},
		{"fe80::1%eth0", "error"},
		{"::ffff:0.0.0.0/95", "error"},
	}
	for _, tt := range tests {
		got, err := ParseProxies(tt.in)
		s := "error"
		if err == nil {
			var parts []string
			for _, p := range got {
				parts = append(parts, p.String())
			}
			s = strings.Join(parts, " ")
		}
		if s != tt.want {
			t.Errorf("ParseProxies(%q) = %q (%v), want %q", tt.in, s, err, tt.want)
		}
	}
}

// FuzzClientAddr: whatever a client puts in X-Forwarded-For, the address
// used is the peer unless the peer is a proxy, and otherwise the peer or
// one of the header's entries — never something made up.
func FuzzClientAddr(f *testing.F) {
	for _, seed := range []string{"198.51.100.1", "192.0.2.66, 198.51.100.1, 10.3.3.3", "[2001:db8::1]:80, x", "", ",,,", "::ffff:1.2.3.4%eth0", "1.2.3.4:99999"} {
		f.Add("10.0.0.2:1234", seed)
		f.Add("203.0.113.7:1234", seed)
	}
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	f.Fuzz(func(t *testing.T, peer, xff string) {
		r := &http.Request{RemoteAddr: peer, Header: http.Header{"X-Forwarded-For": {xff}}}
		got := ClientAddr(r, trusted)
		p, ok := parseHop(peer)
		if !ok {
			if got.IsValid() {
				t.Fatalf("unreadable peer %q gave %s", peer, got)
			}
			return
		}
		if !isTrusted(p, trusted) {
			if got != p {
				t.Fatalf("untrusted peer %q: client %s", peer, got)
			}
			return
		}
		var hops []netip.Addr
		for _, h := range strings.Split(xff, ",") {
			if a, ok := parseHop(h); ok {
				hops = append(hops, a)
			}
		}
		if got != p && !slices.Contains(hops, got) {
			t.Fatalf("peer %q, header %q: client %s is neither", peer, xff, got)
		}
		_ = ClientKey(got)
	})
}
