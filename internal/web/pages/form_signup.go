package pages

import (
	"net/http"
	"strings"

	"github.com/allmende/allmende/internal/member"
)

// signupForm reads the form a new member joins with; the password is
// never shown again.
func signupForm(r *http.Request) (member.SignUp, form) {
	su := member.SignUp{
		Code:     r.PostForm.Get("code"),
		Email:    strings.TrimSpace(r.PostForm.Get("email")),
		Name:     r.PostForm.Get("name"),
		Password: r.PostForm.Get("password"),
	}
	return su, form{Values: map[string]string{"code": su.Code, "email": su.Email, "name": su.Name}}
}
