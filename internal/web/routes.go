package web

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// router is what routes registers on: an *http.ServeMux, or a recorder in
// tests that checks the OpenAPI document against the routes.
type router interface {
	HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request))
	Handle(pattern string, h http.Handler)
}

// routes lists every endpoint. API routes are also described in
// openapi.json; a test keeps the two in step.
func (s *Server) routes(mux router) {
	// Pages.
	mux.HandleFunc("GET /{$}", s.home)
	mux.HandleFunc("GET /signin", s.signinForm)
	mux.HandleFunc("POST /signin", s.signin)
	mux.HandleFunc("GET /signup", s.signupForm)
	mux.HandleFunc("POST /signup", s.signup)
	mux.HandleFunc("POST /signout", s.signout)
	mux.HandleFunc("GET /dashboard", s.memberPage(s.dashboard))
	mux.HandleFunc("GET /invitations", s.memberPage(s.invitationsPage))
	mux.HandleFunc("POST /invitations", s.memberPage(s.invitationCreate))
	mux.HandleFunc("POST /invitations/{code}/revoke", s.memberPage(s.invitationRevoke))
	mux.HandleFunc("GET /members", s.stewardPage(s.membersPage))
	mux.HandleFunc("POST /members/{id}", s.stewardPage(s.memberUpdate))
	mux.HandleFunc("GET /items/{blob}", s.memberPage(s.itemImage))
	mux.HandleFunc("GET /audit", s.audit)
	mux.HandleFunc("GET /datanets", s.datanetsPage)
	mux.HandleFunc("GET /datanets/new", s.memberPage(s.datanetNewForm))
	mux.HandleFunc("POST /datanets", s.memberPage(s.datanetCreate))
	mux.HandleFunc("GET /datanets/{slug}", s.datanetPage)
	mux.HandleFunc("POST /datanets/{slug}/consent", s.memberPage(s.datanetConsent))
	mux.HandleFunc("POST /datanets/{slug}/open", s.memberPage(s.datanetOpen))
	mux.HandleFunc("POST /datanets/{slug}/contribute", s.memberPage(s.datanetContribute))
	mux.HandleFunc("GET /contributions", s.memberPage(s.contributionsPage))
	mux.HandleFunc("GET /work", s.memberPage(s.workPage))
	mux.HandleFunc("POST /work/{slug}/next", s.memberPage(s.workNext))
	mux.HandleFunc("GET /tasks/{id}", s.memberPage(s.taskPage))
	mux.HandleFunc("POST /tasks/{id}/submit", s.memberPage(s.taskSubmit))
	mux.HandleFunc("POST /tasks/{id}/appeal", s.memberPage(s.taskAppeal))
	mux.HandleFunc("POST /tasks/{id}/reject", s.memberPage(s.taskReject))
	mux.HandleFunc("POST /tasks/{id}/decide", s.stewardPage(s.taskDecide))
	mux.HandleFunc("GET /projects", s.memberPage(s.projectsPage))
	mux.HandleFunc("GET /projects/new", s.memberPage(s.projectNewForm))
	mux.HandleFunc("POST /projects", s.memberPage(s.projectCreate))
	mux.HandleFunc("GET /projects/{slug}", s.memberPage(s.projectPage))
	mux.HandleFunc("POST /projects/{slug}/approve", s.stewardPage(s.projectApprove))
	mux.HandleFunc("GET /projects/{slug}/export", s.memberPage(s.exportProject))
	mux.HandleFunc("GET /reviews", s.stewardPage(s.reviewsPage))
	mux.HandleFunc("POST /settings/pay-floor", s.stewardPage(s.payFloorUpdate))
	mux.HandleFunc("GET /earnings", s.memberPage(s.earningsPage))
	mux.HandleFunc("POST /contributions/{id}/erase", s.memberPage(s.contributionErase))
	mux.HandleFunc("POST /contributions/erase-all", s.memberPage(s.contributionEraseAll))
	mux.Handle("GET /static/", staticHandler())

	// JSON API.
	mux.HandleFunc("GET /api/v1/openapi.json", s.openAPI)
	mux.HandleFunc("POST /api/v1/signup", s.apiSignup)
	mux.HandleFunc("POST /api/v1/sessions", s.apiSignin)
	mux.HandleFunc("DELETE /api/v1/sessions/current", s.apiMember(s.apiSignout))
	mux.HandleFunc("GET /api/v1/me", s.apiMember(s.apiMe))
	mux.HandleFunc("GET /api/v1/members", s.apiMember(s.apiMembers))
	mux.HandleFunc("GET /api/v1/members/{id}", s.apiMember(s.apiMemberGet))
	mux.HandleFunc("PATCH /api/v1/members/{id}", s.apiMember(s.apiMemberUpdate))
	mux.HandleFunc("GET /api/v1/members/{id}/invitations", s.apiMember(s.apiInvitations))
	mux.HandleFunc("POST /api/v1/members/{id}/invitations", s.apiMember(s.apiInvitationCreate))
	mux.HandleFunc("DELETE /api/v1/members/{id}/invitations/{code}", s.apiMember(s.apiInvitationRevoke))
	mux.HandleFunc("GET /api/v1/members/{id}/events", s.apiMember(s.apiEvents))
	mux.HandleFunc("GET /api/v1/datanets", s.apiAnyone(s.apiDatanets))
	mux.HandleFunc("POST /api/v1/datanets", s.apiMember(s.apiDatanetCreate))
	mux.HandleFunc("GET /api/v1/datanets/{slug}", s.apiAnyone(s.apiDatanet))
	mux.HandleFunc("PATCH /api/v1/datanets/{slug}", s.apiMember(s.apiDatanetUpdate))
	mux.HandleFunc("POST /api/v1/datanets/{slug}/consent", s.apiMember(s.apiConsent))
	mux.HandleFunc("POST /api/v1/datanets/{slug}/contributions", s.apiMember(s.apiContribute))
	mux.HandleFunc("GET /api/v1/members/{id}/contributions", s.apiMember(s.apiContributions))
	mux.HandleFunc("DELETE /api/v1/members/{id}/contributions", s.apiMember(s.apiEraseAll))
	mux.HandleFunc("DELETE /api/v1/contributions/{id}", s.apiMember(s.apiErase))
	mux.HandleFunc("GET /api/v1/work", s.apiMember(s.apiWork))
	mux.HandleFunc("POST /api/v1/work/heartbeat", s.apiMember(s.apiBrowsing))
	mux.HandleFunc("POST /api/v1/projects", s.apiMember(s.apiProjectCreate))
	mux.HandleFunc("GET /api/v1/projects/{slug}", s.apiMember(s.apiProject))
	mux.HandleFunc("POST /api/v1/projects/{slug}/items", s.apiMember(s.apiProjectItems))
	mux.HandleFunc("POST /api/v1/projects/{slug}/approve", s.apiMember(s.apiProjectApprove))
	mux.HandleFunc("POST /api/v1/projects/{slug}/next", s.apiMember(s.apiNext))
	mux.HandleFunc("GET /api/v1/projects/{slug}/results", s.apiMember(s.apiResults))
	mux.HandleFunc("GET /api/v1/projects/{slug}/export", s.apiMember(s.exportProject))
	mux.HandleFunc("GET /api/v1/tasks/{id}", s.apiMember(s.apiTask))
	mux.HandleFunc("POST /api/v1/tasks/{id}/heartbeat", s.apiMember(s.apiHeartbeat))
	mux.HandleFunc("POST /api/v1/tasks/{id}/submit", s.apiMember(s.apiSubmit))
	mux.HandleFunc("POST /api/v1/tasks/{id}/reject", s.apiMember(s.apiReject))
	mux.HandleFunc("POST /api/v1/tasks/{id}/appeal", s.apiMember(s.apiAppeal))
	mux.HandleFunc("POST /api/v1/tasks/{id}/decide", s.apiMember(s.apiDecide))
	mux.HandleFunc("GET /api/v1/members/{id}/earnings", s.apiMember(s.apiEarnings))
	mux.HandleFunc("GET /api/v1/events/{event}/receipt", s.apiMember(s.apiReceipt))

	// The public transparency log, per C2SP tlog-tiles.
	mux.Handle("GET /log/", s.logHandler())
	mux.HandleFunc("/api/", s.apiNotFound)

	// Operations.
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.Registry, promhttp.HandlerOpts{}))
}
