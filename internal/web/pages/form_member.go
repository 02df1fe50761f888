package pages

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
)

// memberForm reads a steward's change to a member: a role, an invitation
// quota, or both.
func memberForm(r *http.Request) (member.Change, error) {
	var c member.Change
	if q := strings.TrimSpace(r.PostForm.Get("invite_quota")); q != "" {
		n, err := strconv.Atoi(q)
		if err != nil {
			return c, problem.New(problem.Invalid, "the invitation quota must be a whole number")
		}
		c.InviteQuota = &n
	}
	if role := r.PostForm.Get("role"); role != "" {
		rl := member.Role(role)
		c.Role = &rl
	}
	return c, nil
}
