// Package response writes what the web layer answers: JSON bodies and
// lists, session cookies, and every error. Status holds the one table
// from a problem's kind to its HTTP status, and Problem the one
// translation of any error into what a client is told; Error writes it in
// the API's shape, and the pages' error writer renders the same problem
// as a page.
package response
