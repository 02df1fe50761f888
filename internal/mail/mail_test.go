package mail_test

import (
	"fmt"
	"log/slog"
	"net"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/mail"
	"github.com/allmende/allmende/internal/mail/mailtest"
)

func TestSendReachesTheServer(t *testing.T) {
	srv := mailtest.Start(t)
	m := mail.SMTP{Addr: srv.Addr, From: "coop@example.org"}
	if err := m.Send(t.Context(), "ada@example.org", "Your news", "New work: Find the battery.\nLine two."); err != nil {
		t.Fatal(err)
	}
	got := srv.Messages()
	if len(got) != 1 {
		t.Fatalf("%d messages", len(got))
	}
	g := got[0]
	if g.From != "coop@example.org" || g.To != "ada@example.org" {
		t.Fatalf("envelope %q → %q", g.From, g.To)
	}
	for _, want := range []string{"Subject: Your news\r\n", "To: ada@example.org\r\n", "Content-Type: text/plain; charset=utf-8", "\r\n\r\nNew work: Find the battery.\r\nLine two."} {
		if !strings.Contains(g.Data, want) {
			t.Fatalf("message lacks %q:\n%s", want, g.Data)
		}
	}
}

func TestSendRefusesHeaderInjection(t *testing.T) {
	srv := mailtest.Start(t)
	m := mail.SMTP{Addr: srv.Addr, From: "coop@example.org"}
	for _, c := range []struct{ to, subject string }{
		{"ada@example.org\r\nBcc: eve@example.org", "news"},
		{"ada@example.org", "news\r\nBcc: eve@example.org"},
		{"not-an-address", "news"},
	} {
		if err := m.Send(t.Context(), c.to, c.subject, "x"); err != mail.ErrHeader {
			t.Fatalf("%q / %q: %v", c.to, c.subject, err)
		}
	}
	if n := len(srv.Messages()); n != 0 {
		t.Fatalf("%d messages sent", n)
	}
}

func TestSendFailsWhenNoServer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	if err := (mail.SMTP{Addr: addr, From: "coop@example.org"}).Send(t.Context(), "ada@example.org", "s", "b"); err == nil {
		t.Fatal("sent to a closed port")
	}
}

func TestPasswordIsNeverPrinted(t *testing.T) {
	m := mail.SMTP{Addr: "mail.example.org:587", From: "coop@example.org", Username: "coop", Password: "HUNTER2SECRET"}
	var b strings.Builder
	log := slog.New(slog.NewTextHandler(&b, nil))
	log.Info("configured", "smtp", m)
	if s := fmt.Sprint(m) + fmt.Sprintf("%v %+v %s", m, m, m) + b.String(); strings.Contains(s, "HUNTER2SECRET") {
		t.Fatalf("the password was printed: %s", s)
	}
}
