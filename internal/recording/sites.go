package recording

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"sync"

	"github.com/allmende/allmende/extension"
)

// The recorder never records on a sensitive site (web mail, banking and
// payments, health, government: extension/sensitive-sites.json); the
// server does not trust that it did not. CheckSites reads every address a
// recording names — where a step goes, the navigation it expects, the popup
// it acts in, the page each outline was taken on — against the same list,
// matched the way the extension matches it (extension/sites.js,
// patternMatches): a host covers its subdomains, "*" stands for one or more
// characters of a host, and an optional path prefix narrows it.

// SiteRule is one pattern of the sensitive-site list.
type SiteRule struct {
	Category string // "banking"
	Label    string // "Banking and payments"
	Pattern  string // "paypal.com"
	host     *regexp.Regexp
	path     string // "" or "/email", lower case, no trailing slash
}

var (
	sitesOnce sync.Once
	sites     []SiteRule
	sitesErr  error
)

// SensitiveSites returns the shipped list's rules, in its order.
func SensitiveSites() ([]SiteRule, error) {
	sitesOnce.Do(func() { sites, sitesErr = parseSites(extension.SensitiveSitesJSON) })
	return sites, sitesErr
}

func parseSites(raw []byte) ([]SiteRule, error) {
	var doc struct {
		Categories []struct {
			ID       string   `json:"id"`
			Label    string   `json:"label"`
			Patterns []string `json:"patterns"`
		} `json:"categories"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("reading the sensitive-site list: %w", err)
	}
	var out []SiteRule
	for _, c := range doc.Categories {
		for _, p := range c.Patterns {
			r, ok := siteRule(p)
			if !ok {
				return nil, fmt.Errorf("the sensitive-site list: category %s: %q is not a pattern", c.ID, p)
			}
			r.Category, r.Label = c.ID, c.Label
			out = append(out, r)
		}
	}
	return out, nil
}

var (
	schemeRE = regexp.MustCompile(`^[a-z][a-z0-9+.-]*://`)
	portRE   = regexp.MustCompile(`^([^/]*?):\d+`)
)

// normalisePattern is sites.js's normalisePattern: what a member may
// paste ("https://www.x.de/login/", " X.DE ") in the pattern form.
func normalisePattern(p string) string {
	p = strings.ToLower(strings.TrimSpace(p))
	p = schemeRE.ReplaceAllString(p, "")
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		p = p[:i]
	}
	p = portRE.ReplaceAllString(p, "$1")
	return strings.TrimRight(p, "/")
}

func siteRule(pattern string) (SiteRule, bool) {
	p := normalisePattern(pattern)
	if p == "" {
		return SiteRule{}, false
	}
	hostPattern, pathPrefix := p, ""
	if i := strings.IndexByte(p, '/'); i >= 0 {
		hostPattern, pathPrefix = p[:i], p[i:]
	}
	parts := strings.Split(hostPattern, "*")
	for i, part := range parts {
		parts[i] = regexp.QuoteMeta(part)
	}
	re, err := regexp.Compile(`^(?:[^/]*\.)?` + strings.Join(parts, "[^/]+") + `$`)
	if err != nil {
		return SiteRule{}, false
	}
	return SiteRule{Pattern: pattern, host: re, path: strings.TrimRight(pathPrefix, "/")}, true
}

// Matches reports whether the address falls under the rule; an address
// that is not http or https never does.
func (r SiteRule) Matches(address string) bool {
	u, err := url.Parse(strings.TrimSpace(address))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return false
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if !r.host.MatchString(host) {
		return false
	}
	if r.path == "" {
		return true
	}
	path := strings.ToLower(u.EscapedPath())
	return path == r.path || strings.HasPrefix(path, r.path+"/")
}

// SensitiveSite returns the first rule of the list the address falls
// under.
func SensitiveSite(address string) (SiteRule, bool) {
	rules, err := SensitiveSites()
	if err != nil {
		return SiteRule{}, false
	}
	for _, r := range rules {
		if r.Matches(address) {
			return r, true
		}
	}
	return SiteRule{}, false
}

// CheckSites refuses a recording that names a sensitive site: it returns
// *Errors with one problem per address, naming the step (or the outline
// and the step it was taken before) and the rule. A list that cannot be
// read refuses every recording rather than none.
func CheckSites(r Recording) error {
	if _, err := SensitiveSites(); err != nil {
		return err
	}
	var errs errorList
	check := func(step int, typ, field, address, what string) {
		rule, ok := SensitiveSite(address)
		if !ok {
			return
		}
		host := address
		if u, err := url.Parse(address); err == nil && u.Host != "" {
			host = u.Host
		}
		errs.add(step, typ, field, "%s %s, a sensitive site (%s, “%s”): the recorder never records there, and no upload may hold it",
			what, host, strings.ToLower(rule.Label), rule.Pattern)
	}
	for i, s := range r.Steps {
		if s.URL != "" {
			check(i, s.Type, "url", s.URL, "it goes to")
		}
		if s.Target != "" && s.Target != TargetMain {
			check(i, s.Type, "target", s.Target, "it acts in a page of")
		}
		for j, e := range s.AssertedEvents {
			if e.URL != "" {
				check(i, s.Type, fmt.Sprintf("assertedEvents[%d].url", j), e.URL, "it expects to arrive at")
			}
		}
	}
	if r.Allmende != nil {
		for i, o := range r.Allmende.Outlines {
			check(-1, "", fmt.Sprintf("allmende.outlines[%d].url", i), o.URL, fmt.Sprintf("the outline of the page before step %d is of", o.Before))
		}
	}
	return errs.err()
}
