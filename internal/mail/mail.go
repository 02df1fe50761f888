// Package mail sends plain-text e-mail through the SMTP server a
// cooperative configures (RFC 5321 with STARTTLS, RFC 3207, when the server
// offers it). It is used for the opt-in news digest only; without a server
// configured nothing is ever sent.
package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/smtp"
	"strings"
	"time"
)

// SMTP is a cooperative's outgoing mail server.
type SMTP struct {
	// Addr is host:port, e.g. mail.example.org:587.
	Addr string
	// From is the sender's address.
	From string
	// Username and Password log in with PLAIN, which net/smtp only sends
	// over TLS or to localhost. The password is never logged.
	Username, Password string
	// Timeout bounds one message's conversation; zero means 30 seconds.
	Timeout time.Duration
}

// String names the server and the sender, never the password, so that a
// configuration printed or logged by mistake does not give it away.
func (s SMTP) String() string { return "smtp://" + s.Addr + " from " + s.From }

// LogValue is String for log/slog.
func (s SMTP) LogValue() slog.Value { return slog.StringValue(s.String()) }

// ErrHeader is returned for an address or subject that would break the
// message's header (a line break, or an address without "@").
var ErrHeader = errors.New("mail: address or subject cannot go into a header")

func headerSafe(s string) bool { return !strings.ContainsAny(s, "\r\n") }

// Send sends one plain-text message to one address.
func (s SMTP) Send(ctx context.Context, to, subject, body string) error {
	if !headerSafe(to) || !headerSafe(subject) || !headerSafe(s.From) || !strings.Contains(to, "@") {
		return ErrHeader
	}
	timeout := s.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", s.Addr)
	if err != nil {
		return fmt.Errorf("mail: %w", err)
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	host, _, err := net.SplitHostPort(s.Addr)
	if err != nil {
		conn.Close()
		return fmt.Errorf("mail: %w", err)
	}
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("mail: %w", err)
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); ok {
		if err := c.StartTLS(&tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}); err != nil {
			return fmt.Errorf("mail: starttls: %w", err)
		}
	}
	if s.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", s.Username, s.Password, host)); err != nil {
			return fmt.Errorf("mail: login: %w", err)
		}
	}
	if err := c.Mail(s.From); err != nil {
		return fmt.Errorf("mail: sender: %w", err)
	}
	if err := c.Rcpt(to); err != nil {
		return fmt.Errorf("mail: recipient: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("mail: %w", err)
	}
	msg := "From: " + s.From + "\r\nTo: " + to + "\r\nSubject: " + subject +
		"\r\nDate: " + time.Now().UTC().Format(time.RFC1123Z) +
		"\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" +
		strings.ReplaceAll(strings.ReplaceAll(body, "\r\n", "\n"), "\n", "\r\n")
	if _, err := w.Write([]byte(msg)); err != nil {
		return fmt.Errorf("mail: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("mail: %w", err)
	}
	return c.Quit()
}
