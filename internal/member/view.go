package member

import (
	"context"
	"regexp"
	"time"
	"unicode/utf8"

	"github.com/allmende/allmende/internal/problem"
)

// The public log lists every payment by pseudonym, so whoever can link a
// pseudonym to a person can read that person's earnings. Only two may: the
// member themself, and the stewards, who run the cooperative (they admit
// members, decide appeals, record deposits). Everyone else sees the
// pseudonym, and the display name if the member chose to show one. This
// file is where that is decided; pages and the API only ask.

// MayIdentify reports whether viewer may link target's pseudonym to the
// person behind it: their name, e-mail address and role.
func MayIdentify(viewer, target Member) bool {
	return viewer.ID != 0 && (viewer.ID == target.ID || viewer.IsSteward())
}

// View is a member as one viewer may see them.
type View struct {
	PublicID string
	// DisplayName is what the member chose to show other members; empty
	// if they keep to their pseudonym.
	DisplayName string
	JoinedAt    time.Time
	// Person is set only when the viewer may identify the member.
	Person *Person
}

// Person is who is behind a pseudonym.
type Person struct {
	Name        string
	Email       string
	Role        Role
	InviteQuota int
}

// ViewOf is target as viewer may see them.
func ViewOf(viewer, target Member) View {
	v := View{PublicID: target.PublicID, DisplayName: target.DisplayName, JoinedAt: target.CreatedAt}
	if MayIdentify(viewer, target) {
		v.Person = &Person{Name: target.Name, Email: target.Email, Role: target.Role, InviteQuota: target.InviteQuota}
	}
	return v
}

// View returns the member with the given pseudonym as viewer may see them.
func (s *Service) View(ctx context.Context, viewer Member, publicID string) (View, error) {
	m, err := s.ByPublicID(ctx, publicID)
	if err != nil {
		return View{}, err
	}
	return ViewOf(viewer, m), nil
}

// MaxDisplayName bounds a display name: long enough for a first and last
// name, short enough for a table cell.
const MaxDisplayName = 60

// pseudonymLike matches what could pass for someone's pseudonym: a display
// name must not let one member pose as another's pseudonym.
var pseudonymLike = regexp.MustCompile(`(?i)^m-[a-z2-7]{12}$`)

// validDisplayName checks a display name a member chose; "" withdraws it.
func validDisplayName(f problem.Fields, name string) {
	switch {
	case name == "":
	case utf8.RuneCountInString(name) > MaxDisplayName:
		f.Add("display_name", "at most %d characters", MaxDisplayName)
	case !f.Line("display_name", name):
	case pseudonymLike.MatchString(name):
		f.Add("display_name", "must not look like a pseudonym")
	}
}
