package replay

import (
	"net/url"
	"sort"
	"strings"
)

// parseURL returns a URL in a form in which equal pages compare equal:
// scheme and host in lower case, the path decoded, the query decoded and
// sorted ('+' and %20 both a space), the fragment kept.
func parseURL(s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil {
		return "", err
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return "", err
	}
	names := make([]string, 0, len(q))
	for k := range q {
		names = append(names, k)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString(strings.ToLower(u.Scheme))
	b.WriteString("://")
	b.WriteString(strings.ToLower(u.Host))
	path := u.Path
	if path == "" && u.Host != "" {
		path = "/"
	}
	b.WriteString(path)
	for i, k := range names {
		if i == 0 {
			b.WriteByte('?')
		} else {
			b.WriteByte('&')
		}
		for j, v := range q[k] {
			if j > 0 {
				b.WriteByte('&')
			}
			b.WriteString(url.QueryEscape(k) + "=" + url.QueryEscape(v))
		}
	}
	if u.Fragment != "" {
		b.WriteString("#" + u.Fragment)
	}
	return b.String(), nil
}
