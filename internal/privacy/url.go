package privacy

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// URLs (RFC 3986), as Presidio's URL entity: every URL with a scheme or
// "www.", scored higher when it carries a secret: a password or user name
// in the authority ("https://user:pass@host/"), or a query or fragment
// parameter whose name says it holds a token, key or signature ("?token=…",
// "&sig=…", "#access_token=…", "X-Amz-Signature=…"). A link to a profile
// or a personal site identifies a person as well as a name does.

const (
	urlPassword = 0.95 // https://user:secret@host/
	urlToken    = 0.85 // https://host/?token=…
	urlUser     = 0.7  // https://user@host/
	urlPlain    = 0.6  // https://example.com/docs
	maxScheme   = 16
)

// schemeURL checks the URL whose "://" starts at text[i].
func (s *scanner) schemeURL(i int) {
	t := s.text
	start := i
	for start > 0 && i-start <= maxScheme && schemeChar(t[start-1]) {
		start--
	}
	for start < i && !asciiLetter(t[start]) {
		start++ // a scheme starts with a letter
	}
	if start == i || i-start > maxScheme || alnumBefore(t, start) || start < s.urlEnd {
		return
	}
	s.url(start, i+3)
}

// wwwURL checks a URL without scheme that starts with "www." at text[i].
func (s *scanner) wwwURL(i int) {
	if i < s.urlEnd {
		return // part of a URL examined already
	}
	s.url(i, i)
}

// url reports the URL starting at text[start] whose authority starts at
// text[auth] if it carries a secret.
func (s *scanner) url(start, auth int) {
	text := s.text
	end := urlEnd(text, auth)
	s.urlEnd = end
	// Punctuation that ends a sentence is not part of the URL.
	for end > auth && strings.IndexByte(".,;:!?'", text[end-1]) >= 0 {
		end--
	}
	if end > auth && text[end-1] == ')' && !strings.Contains(text[auth:end], "(") {
		end--
	}
	rest := text[auth:end]
	hostEnd := strings.IndexAny(rest, "/?#")
	if hostEnd < 0 {
		hostEnd = len(rest)
	}
	score := urlPlain
	if hostEnd < 3 || !strings.Contains(rest[:hostEnd], ".") && !strings.HasPrefix(rest, "localhost") {
		score = 0 // "http://", "see://here": no host
	}
	if at := strings.LastIndexByte(rest[:hostEnd], '@'); at > 0 && at+1 < hostEnd {
		score = urlUser
		if colon := strings.IndexByte(rest[:at], ':'); colon >= 0 && colon+1 < at {
			score = urlPassword
		}
	}
	if score < urlToken {
		if q := strings.IndexAny(rest[hostEnd:], "?#"); q >= 0 && secretParam(rest[hostEnd+q+1:]) {
			score = urlToken
		}
	}
	if score > 0 {
		s.add(candidate{start: start, end: end, typ: URL, base: score})
	}
}

// urlEnd returns where a URL starting at p ends: at white space, a control
// character, or a character RFC 3986 § 2 never allows unencoded and prose
// uses to delimit a URL (<>"`{}|\^).
func urlEnd(t string, p int) int {
	for p < len(t) {
		c := t[p]
		if c < utf8.RuneSelf {
			if c <= ' ' || c == 0x7f || strings.IndexByte("<>\"`{}|\\^", c) >= 0 {
				return p
			}
			p++
			continue
		}
		r, size := utf8.DecodeRuneInString(t[p:])
		if r == utf8.RuneError || unicode.IsSpace(r) || !unicode.IsPrint(r) {
			return p
		}
		p += size
	}
	return p
}

func schemeChar(c byte) bool { return asciiAlnum(c) || c == '+' || c == '-' || c == '.' }

// secretParam reports whether a query string or fragment has a non-empty
// parameter whose name announces a secret.
func secretParam(query string) bool {
	for query != "" {
		var param string
		if k := strings.IndexAny(query, "&;#"); k >= 0 {
			param, query = query[:k], query[k+1:]
		} else {
			param, query = query, ""
		}
		name, value, ok := strings.Cut(param, "=")
		if ok && value != "" && secretName(name) {
			return true
		}
	}
	return false
}

// secretNames are query parameter names that hold credentials: OAuth 2.0
// (RFC 6749, 6750), AWS Signature Version 4, Google Cloud and Azure shared
// access signatures, and the usual API key names.
var secretNames = map[string]bool{
	"token": true, "access_token": true, "id_token": true, "refresh_token": true,
	"auth": true, "authorization": true, "apikey": true, "api_key": true,
	"api-key": true, "key": true, "sig": true, "signature": true, "secret": true,
	"client_secret": true, "password": true, "passwd": true, "pass": true,
	"pwd": true, "session": true, "sessionid": true, "session_id": true,
	"sid": true, "jwt": true, "code": true, "otp": true, "hmac": true,
	"x-amz-signature": true, "x-amz-credential": true, "x-amz-security-token": true,
	"awsaccesskeyid": true, "x-goog-signature": true, "x-goog-credential": true,
}

// secretParts catch the variants of the names above ("auth_token",
// "github_secret", "reset_password").
var secretParts = []string{"token", "secret", "passw", "signature", "apikey", "api_key", "credential"}

func secretName(name string) bool {
	if name == "" || len(name) > 64 {
		return false
	}
	var buf [64]byte
	lower := buf[:len(name)]
	for k := range len(name) {
		c := name[k]
		if isUpper(c) {
			c += 'a' - 'A'
		}
		lower[k] = c
	}
	if secretNames[string(lower)] {
		return true
	}
	for _, part := range secretParts {
		if strings.Contains(string(lower), part) {
			return true
		}
	}
	return false
}
