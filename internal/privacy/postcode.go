package privacy

// Postcodes outside a full street address (which takes its postcode into
// its own span): five digits after "ZIP", "PLZ", "Postleitzahl", "postal
// code"; before a place from the gazetteer ("20095 Hamburg"); or after a US
// state's two letters ("CA 94105", "CA 94105-1234").

const (
	scoreZIPCity  = 0.6
	scoreZIPState = 0.65
	scoreZIPCtx   = 0.85
)

// usStates are the postal abbreviations of the US states and DC.
var usStates = setOf(`AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO
	MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY`)

// zip checks for a postcode at the digits at text[i].
func (s *scanner) zip(i int) {
	t := s.text
	e := digitsEnd(t, i)
	if e-i != 5 || alnumAt(t, e) || e < len(t) && (t[e] == '.' || t[e] == ',' || t[e] == ':' || t[e] == '/') && e+1 < len(t) && isDigit(t[e+1]) {
		return
	}
	if e+5 < len(t) && t[e] == '-' && digitsEnd(t, e+1)-e-1 == 4 {
		e += 5 // ZIP+4
	}
	base := 0.0
	switch {
	case i >= 3 && t[i-1] == ' ' && usStates[t[i-3:i-1]] && !alnumBefore(t, i-3):
		base = scoreZIPState
	case e+1 < len(t) && t[e] == ' ' && isPlaceAt(t, e+1):
		base = scoreZIPCity
	}
	s.add(candidate{start: i, end: e, typ: ZipCode, base: base, boost: scoreZIPCtx, ctx: ctxZIP})
}

// isPlaceAt reports whether a place from the gazetteer starts at p.
func isPlaceAt(t string, p int) bool {
	e := nameWord(t, p)
	return e > p && gazetteers().flags(t[p:e])&(gPlace|gPlaceHead) != 0
}
