package bounty

import (
	"net/url"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/recording"
)

// FuzzSiteAndEnd: whatever a funder types as a site or an end, and
// whatever URL a recording visits, the check and the match never panic; a
// site the check accepts matches only http(s) URLs whose path lies under
// the site's path (on the site's host when it names one), and a recording
// reaches an end only through a page so matched.
func FuzzSiteAndEnd(f *testing.F) {
	for _, s := range [][2]string{
		{"/practice/parcel", "http://127.0.0.1:1/practice/parcel?x=1"},
		{"/practice/parcel", "http://h/practice/parcelling"},
		{"https://shop.example/orders", "https://SHOP.example/orders/42"},
		{"https://shop.example/orders/", "https://shop.example/orders"},
		{"https://shop.example", "http://shop.example/"},
		{"javascript:alert(1)", "javascript:alert(1)"},
		{"/", "file:///etc/passwd"},
		{"https://u:p@h/x", "https://h/x"},
		{"//h/x", "http://h/x"},
		{"/a%2Fb", "http://h/a/b"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, site, visited string) {
		problem := siteProblem(site)
		if problem != "" {
			return
		}
		if len(site) > MaxSite || strings.ContainsAny(site, " \t\r\n") {
			t.Fatalf("%q accepted as a site", site)
		}
		rec := recording.Recording{Steps: []recording.Step{{Type: recording.StepNavigate, URL: visited}}}
		matched := matchesSite(site, visited)
		if reaches(rec, site) != matched {
			t.Fatalf("reaches and matchesSite disagree on %q under %q", visited, site)
		}
		if !matched {
			return
		}
		u, err := url.Parse(visited)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
			t.Fatalf("%q matched %q though it is no web address", visited, site)
		}
		want := site
		if !strings.HasPrefix(site, "/") {
			s, _ := url.Parse(site)
			if !strings.EqualFold(s.Host, u.Host) {
				t.Fatalf("%q matched %q on another host", visited, site)
			}
			want = s.Path
		}
		want = strings.TrimSuffix(want, "/")
		if want != "" && u.Path != want && !strings.HasPrefix(u.Path, want+"/") {
			t.Fatalf("%q (path %q) matched %q outside its path", visited, u.Path, site)
		}
	})
}
