package practice

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestServerPages(t *testing.T) {
	srv := Server{}
	get := func(target string, cookies ...*http.Cookie) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, target, nil)
		for _, c := range cookies {
			req.AddCookie(c)
		}
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, req)
		return w
	}
	start := get("/booking/?seed=7")
	if start.Code != http.StatusOK || !strings.Contains(start.Body.String(), "Train tickets") {
		t.Fatalf("start page: %d %.200s", start.Code, start.Body.String())
	}
	cookies := start.Result().Cookies()
	if len(cookies) != 1 || cookies[0].Value != "7" || cookies[0].Path != "/booking/" {
		t.Fatalf("the start page left cookies %v, want the seed for /booking/", cookies)
	}
	// A later page finds its instance by the cookie, and is the instance's.
	later := get("/booking/trains", cookies[0])
	in, _ := Lookup("booking")
	trains := in.Generate(7).Pages["trains"].Data.([]string)
	if later.Code != http.StatusOK || !strings.Contains(later.Body.String(), trains[0]) {
		t.Errorf("a later page with the cookie: %d, want the trains of seed 7", later.Code)
	}
	for _, target := range []string{"/booking/trains", "/nope/?seed=1", "/booking/?seed=x", "/booking/nope?seed=1", "/booking"} {
		if w := get(target); w.Code != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", target, w.Code)
		}
	}
	if w := get("/"); w.Code != http.StatusOK || strings.Count(w.Body.String(), "<li>") != len(Kinds()) {
		t.Errorf("the index does not list every kind")
	}
	req := httptest.NewRequest(http.MethodPost, "/booking/?seed=1", nil)
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, req)
	if w.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d, want 405", w.Code)
	}
}

// FuzzServer: any path and query is answered without a panic, and only a
// kind's page with a seed is a page.
func FuzzServer(f *testing.F) {
	for _, s := range []string{"/booking/?seed=1", "/mail-star/?seed=18446744073709551615", "/booking/confirm", "/x/y/z", "/%2e%2e/?seed=-1", "/?seed=1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, target string) {
		req, err := http.NewRequest(http.MethodGet, "http://practice.test"+target, nil)
		if err != nil || req.URL.Path == "" {
			return
		}
		w := httptest.NewRecorder()
		Server{}.ServeHTTP(w, req)
		if w.Code == http.StatusOK && req.URL.Path != "/" {
			kind := strings.SplitN(strings.TrimPrefix(req.URL.Path, "/"), "/", 2)[0]
			if _, ok := Lookup(kind); !ok {
				t.Errorf("%s answered 200 for no kind", target)
			}
		}
	})
}
