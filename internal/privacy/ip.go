package privacy

import "net/netip"

// IP addresses: dotted-quad IPv4 without leading zeros (RFC 6943 § 3.1.1
// warns that "010" means 8 to some parsers), and IPv6 in any RFC 4291 text
// form, validated by net/netip. Version and section numbers look the same
// as an IPv4 address; the word before them tells them apart.

const (
	ipv4Score    = 0.6
	ipv4Ctx      = 0.9
	ipv6Score    = 0.75
	ipv6Ctx      = 0.95
	maxIPv6Chars = len("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255")
)

func (s *scanner) ipv4(tk *numTok) int {
	if tk.plus || tk.n < 4 {
		return 0
	}
	g := tk.groups()
	if tk.n == 4 && tk.glued || tk.n > 4 && g[4].sep == '.' {
		return 0 // "1.2.3.4.5" is an OID or a version, not an address
	}
	for k, x := range g[:4] {
		if x.paren || k > 0 && x.sep != '.' || x.len() > 3 || x.len() > 1 && tk.d[x.off] == '0' {
			return 0
		}
		v := 0
		for _, c := range tk.d[x.off : x.off+x.len()] {
			v = v*10 + int(c-'0')
		}
		if v > 255 {
			return 0
		}
	}
	s.add(candidate{start: tk.start, end: g[3].end, typ: IPAddress, base: ipv4Score, boost: ipv4Ctx, ctx: ctxIP, notPII: true})
	return g[3].end
}

// ipv6 examines the run of hex digits, colons and dots around the colon at
// text[i].
func (s *scanner) ipv6(i int) {
	t := s.text
	lo := i
	for lo > 0 && i-lo < maxIPv6Chars && v6Char(t[lo-1]) {
		lo--
	}
	hi := i + 1
	for hi < len(t) && hi-lo < maxIPv6Chars+1 && v6Char(t[hi]) {
		hi++
	}
	s.v6end = hi
	if alnumBefore(t, lo) || alnumAt(t, hi) {
		return // "std::vector", or longer than any address
	}
	for hi > lo && t[hi-1] == '.' || hi-lo > 2 && t[hi-1] == ':' && t[hi-2] != ':' {
		hi-- // the full stop or colon that ends a sentence or a label
	}
	colons, hex := 0, false
	for _, c := range []byte(t[lo:hi]) {
		if c == ':' {
			colons++
		} else {
			hex = true
		}
	}
	if colons < 2 || !hex {
		return
	}
	addr, err := netip.ParseAddr(t[lo:hi])
	if err != nil || !addr.Is6() {
		return
	}
	s.add(candidate{start: lo, end: hi, typ: IPAddress, base: ipv6Score, boost: ipv6Ctx, ctx: ctxIP})
}

func v6Char(c byte) bool {
	return isDigit(c) || (c|0x20)-'a' < 6 || c == ':' || c == '.'
}
