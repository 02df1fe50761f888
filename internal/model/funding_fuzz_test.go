package model_test

import (
	"testing"

	"github.com/allmende/allmende/internal/model"
)

// FuzzParseVersionRef: a datanet version named by a form or the API is
// read as a slug and a positive number that write back to what was meant,
// or refused; never a panic.
func FuzzParseVersionRef(f *testing.F) {
	for _, s := range []string{"tenancy@1", " tenancy@12 ", "tenancy@0", "tenancy@-1", "@1", "tenancy", "a@b@1", "tenancy@+3", "x@99999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		slug, n, err := model.ParseVersionRef(s)
		if err != nil {
			return
		}
		if n < 1 || slug == "" {
			t.Fatalf("%q read as %q, %d", s, slug, n)
		}
		again, m, err := model.ParseVersionRef(model.RoundVersion{Datanet: slug, Number: n}.Ref())
		if err != nil || again != slug || m != n {
			t.Fatalf("%q read as %s@%d, which reads back as %s@%d (%v)", s, slug, n, again, m, err)
		}
	})
}
