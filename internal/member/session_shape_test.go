package member_test

import (
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// Authenticate looks up only tokens shaped like the sessions OpenSession
// makes: every such token is found, and an API key sent as a bearer token,
// or a session's token in another case, is refused as no session.
func TestOnlySessionShapedTokensAuthenticate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		s, steward := setup(t, db)
		for range 20 {
			sess, err := s.OpenSession(ctx, steward.ID)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.Authenticate(ctx, sess.Token); err != nil {
				t.Fatalf("a session's own token %q: %v", sess.Token, err)
			}
			for _, bad := range []string{"alm_" + strings.ToLower(sess.Token), strings.ToLower(sess.Token), sess.Token + "_"} {
				if _, err := s.Authenticate(ctx, bad); !problem.Is(err, problem.Unauthorized) {
					t.Fatalf("token %q: %v, want unauthorized", bad, err)
				}
			}
		}
	})
}
