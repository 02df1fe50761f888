package mail_test

import (
	"bufio"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/allmende/allmende/internal/mail"
)

// server is a tiny SMTP server for tests: it accepts one conversation at a
// time and keeps each message's envelope and data.
type server struct {
	addr string
	mu   sync.Mutex
	got  []message
}

type message struct {
	from, to, data string
}

func newServer(t *testing.T) *server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	s := &server{addr: ln.Addr().String()}
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			s.serve(conn)
		}
	}()
	return s
}

func (s *server) serve(conn net.Conn) {
	defer conn.Close()
	r := bufio.NewReader(conn)
	say := func(line string) { conn.Write([]byte(line + "\r\n")) }
	say("220 test ESMTP")
	var m message
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.TrimRight(line, "\r\n")
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			say("250-test")
			say("250 8BITMIME")
		case strings.HasPrefix(cmd, "MAIL FROM:"):
			m.from = strings.Trim(strings.TrimPrefix(cmd, "MAIL FROM:"), "<>")
			if i := strings.Index(m.from, ">"); i >= 0 {
				m.from = m.from[:i]
			}
			say("250 ok")
		case strings.HasPrefix(cmd, "RCPT TO:"):
			m.to = strings.Trim(strings.TrimPrefix(cmd, "RCPT TO:"), "<>")
			say("250 ok")
		case cmd == "DATA":
			say("354 go on")
			var b strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				b.WriteString(l)
			}
			m.data = b.String()
			s.mu.Lock()
			s.got = append(s.got, m)
			s.mu.Unlock()
			m = message{}
			say("250 queued")
		case cmd == "QUIT":
			say("221 bye")
			return
		default:
			say("250 ok")
		}
	}
}

func (s *server) messages() []message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]message(nil), s.got...)
}

func TestSendReachesTheServer(t *testing.T) {
	srv := newServer(t)
	m := mail.SMTP{Addr: srv.addr, From: "coop@example.org"}
	if err := m.Send(t.Context(), "ada@example.org", "Your news", "New work: Find the battery.\nLine two."); err != nil {
		t.Fatal(err)
	}
	got := srv.messages()
	if len(got) != 1 {
		t.Fatalf("%d messages", len(got))
	}
	g := got[0]
	if g.from != "coop@example.org" || g.to != "ada@example.org" {
		t.Fatalf("envelope %q → %q", g.from, g.to)
	}
	for _, want := range []string{"Subject: Your news\r\n", "To: ada@example.org\r\n", "Content-Type: text/plain; charset=utf-8", "\r\n\r\nNew work: Find the battery.\r\nLine two."} {
		if !strings.Contains(g.data, want) {
			t.Fatalf("message lacks %q:\n%s", want, g.data)
		}
	}
}

func TestSendRefusesHeaderInjection(t *testing.T) {
	srv := newServer(t)
	m := mail.SMTP{Addr: srv.addr, From: "coop@example.org"}
	for _, c := range []struct{ to, subject string }{
		{"ada@example.org\r\nBcc: eve@example.org", "news"},
		{"ada@example.org", "news\r\nBcc: eve@example.org"},
		{"not-an-address", "news"},
	} {
		if err := m.Send(t.Context(), c.to, c.subject, "x"); err != mail.ErrHeader {
			t.Fatalf("%q / %q: %v", c.to, c.subject, err)
		}
	}
	if n := len(srv.messages()); n != 0 {
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
