package request

import (
	"fmt"
	"net/http"
	"net/netip"
	"strings"
)

// ClientAddr is the address a request comes from, for limits per client.
// It is the connection's peer, unless the peer is one of the configured
// reverse proxies: then it is the right-most address in X-Forwarded-For
// that is not a proxy. Everything left of that was written by the client
// and is not believed — an attacker who could choose the address would
// get a fresh bucket at will, or spend someone else's. The zero Addr
// means the peer could not be read.
func ClientAddr(r *http.Request, trusted []netip.Prefix) netip.Addr {
	peer, ok := parseHop(r.RemoteAddr)
	if !ok || !isTrusted(peer, trusted) {
		return peer
	}
	var hops []string
	for _, v := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(v, ",")...)
	}
	addr := peer
	for i := len(hops) - 1; i >= 0; i-- {
		hop, ok := parseHop(hops[i])
		if !ok {
			// A trusted proxy passed on something that is not an
			// address: the last proxy is the best known client.
			return addr
		}
		addr = hop
		if !isTrusted(hop, trusted) {
			return hop
		}
	}
	return addr
}

// parseHop reads one address as peers and proxies write them: 192.0.2.1,
// 2001:db8::1, [2001:db8::1], with or without a port.
func parseHop(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	a, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(s, "["), "]"))
	if err != nil {
		ap, err := netip.ParseAddrPort(s)
		if err != nil {
			return netip.Addr{}, false
		}
		a = ap.Addr()
	}
	return a.Unmap().WithZone(""), true
}

func isTrusted(a netip.Addr, trusted []netip.Prefix) bool {
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// ClientKey names a client's rate-limit bucket. An IPv6 host usually
// holds a whole /64, so that is one client: otherwise it could take a
// fresh address, and a fresh bucket, for every attempt.
func ClientKey(a netip.Addr) string {
	switch {
	case !a.IsValid():
		return "unknown"
	case a.Is6():
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}

// ParseProxies reads the operator's list of trusted reverse proxies:
// addresses or CIDR prefixes separated by commas, e.g.
// "10.0.0.0/8,127.0.0.1".
func ParseProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		p, err := netip.ParsePrefix(part)
		if err != nil {
			a, aerr := netip.ParseAddr(part)
			if aerr != nil || a.Zone() != "" {
				return nil, fmt.Errorf("%q is neither an address nor a CIDR prefix like 10.0.0.0/8", part)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		if p.Addr().Is4In6() {
			// Peers are compared unmapped.
			if p.Bits() < 96 {
				return nil, fmt.Errorf("%q mixes IPv4 and IPv6; give the IPv4 prefix", part)
			}
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}
