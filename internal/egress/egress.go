// Package egress decides where the server may connect on a member's
// behalf: the pages an automation opens and the upstream a model forwards
// to are chosen by members, so without a check a member could make the
// server read its own network — a database on loopback, the cloud's
// metadata address, an admin page on the LAN, or this very server on its
// public address.
//
// A Guard refuses, on any port, the private, loopback, link-local and
// other special-purpose addresses of the IANA registries
// (code.dny.dev/ssrf) and the addresses of this machine's own interfaces.
// Its Control is a net.Dialer's Control function, so the check runs on the
// address actually dialled, after name resolution, at every connection:
// a name that resolves elsewhere the second time (DNS rebinding) is caught
// too. A cooperative whose model or pages live on its own network sets
// AllowPrivate (--upstream-allow-private, --replay-allow-private).
package egress

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"syscall"

	"code.dny.dev/ssrf"
)

// ErrRefused wraps every refusal.
var ErrRefused = errors.New("not a public address")

// Guard is the one address check for connections members make the server
// open. The zero value refuses; it holds no state besides the switch, so
// it may be copied and shared.
type Guard struct {
	// AllowPrivate lifts the check, for a cooperative whose upstream or
	// pages are on its own network. Set it before the guard is used.
	AllowPrivate bool
	// own lists this machine's addresses; nil reads its interfaces at
	// every check, so an address the machine gains later counts too.
	own func() []netip.Addr
}

// Control checks the address a dialer is about to connect to; use it as
// net.Dialer.Control.
func (g *Guard) Control(network, address string, c syscall.RawConn) error {
	if g.AllowPrivate {
		return nil
	}
	if err := g.guardian().Safe(network, address, c); err != nil {
		return fmt.Errorf("%w: %w", ErrRefused, err)
	}
	return nil
}

// Check reports whether ip may be connected to: for a check ahead of the
// dial, such as when a model's upstream is registered.
func (g *Guard) Check(ip netip.Addr) error {
	if g.AllowPrivate {
		return nil
	}
	if err := g.guardian().SafeAddr(ip.Unmap()); err != nil {
		return fmt.Errorf("%w: %w", ErrRefused, err)
	}
	return nil
}

// guardian builds the ssrf check with this machine's addresses denied.
// Building it costs a look at the interfaces, small beside a connection.
func (g *Guard) guardian() *ssrf.Guardian {
	own := interfaceAddrs
	if g.own != nil {
		own = g.own
	}
	var v4, v6 []netip.Prefix
	for _, ip := range own() {
		ip = ip.Unmap()
		if ip.Is4() {
			v4 = append(v4, netip.PrefixFrom(ip, 32))
		} else {
			v6 = append(v6, netip.PrefixFrom(ip.WithZone(""), 128))
		}
	}
	return ssrf.New(ssrf.WithAnyPort(), ssrf.WithDeniedV4Prefixes(v4...), ssrf.WithDeniedV6Prefixes(v6...))
}

// interfaceAddrs lists the addresses of this machine's interfaces.
func interfaceAddrs() []netip.Addr {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return nil
	}
	var out []netip.Addr
	for _, a := range addrs {
		if p, err := netip.ParsePrefix(a.String()); err == nil {
			out = append(out, p.Addr())
		}
	}
	return out
}
