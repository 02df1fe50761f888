package egress

import (
	"errors"
	"net/netip"
	"testing"
)

// TestGuardRefusesTheServersNetwork: whatever a member names, the server
// connects only to public addresses that are not its own, on any port;
// AllowPrivate lifts the check.
func TestGuardRefusesTheServersNetwork(t *testing.T) {
	// This machine, as far as the guard knows, answers on a public
	// address too, as a server with a public IP does.
	g := Guard{own: func() []netip.Addr {
		return []netip.Addr{netip.MustParseAddr("93.184.215.14"), netip.MustParseAddr("2606:2800:21f:cb07::7")}
	}}
	for _, tt := range []struct {
		address string
		refused bool
	}{
		{"93.184.215.14:443", true}, // the server's own public address
		{"93.184.215.14:8080", true},
		{"[2606:2800:21f:cb07::7]:443", true},
		{"[::ffff:93.184.215.14]:443", true},
		{"127.0.0.1:6379", true},
		{"10.0.0.7:80", true},
		{"172.16.0.1:80", true},
		{"192.168.1.20:11434", true},
		{"169.254.169.254:80", true},
		{"100.64.0.1:80", true},
		{"0.0.0.0:8080", true},
		{"[::1]:8080", true},
		{"[fe80::1]:80", true},
		{"[fd00::1]:80", true},
		{"93.184.215.15:443", false}, // a neighbour on the internet
		{"8.8.8.8:5432", false},      // any port
		{"[2606:2800:21f:cb07::8]:443", false},
	} {
		ap := netip.MustParseAddrPort(tt.address)
		network := "tcp4"
		if ap.Addr().Is6() {
			network = "tcp6"
		}
		err := g.Control(network, tt.address, nil)
		if (err != nil) != tt.refused || (err != nil && !errors.Is(err, ErrRefused)) {
			t.Errorf("Control(%s) = %v, refused %v", tt.address, err, tt.refused)
		}
		if err := g.Check(ap.Addr()); (err != nil) != tt.refused {
			t.Errorf("Check(%s) = %v, refused %v", ap.Addr(), err, tt.refused)
		}
		open := g
		open.AllowPrivate = true
		if err := open.Control(network, tt.address, nil); err != nil {
			t.Errorf("with AllowPrivate, Control(%s) = %v", tt.address, err)
		}
		if err := open.Check(ap.Addr()); err != nil {
			t.Errorf("with AllowPrivate, Check(%s) = %v", ap.Addr(), err)
		}
	}
}

// TestGuardKnowsThisMachine: the zero Guard reads this machine's
// interfaces and refuses each of their addresses.
func TestGuardKnowsThisMachine(t *testing.T) {
	addrs := interfaceAddrs()
	if len(addrs) == 0 {
		t.Fatal("no interface addresses on this machine, not even loopback")
	}
	var g Guard
	for _, ip := range addrs {
		if err := g.Check(ip); err == nil {
			t.Errorf("this machine's address %s is allowed", ip)
		}
	}
}
