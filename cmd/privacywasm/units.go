package main

import "unicode/utf8"

// units maps between byte offsets of a Go string and the offsets
// JavaScript uses, UTF-16 code units. The text is valid UTF-8 (entry points
// make it so), so every code point is one unit, or two above U+FFFF.
type units struct {
	toUnit []int // toUnit[b] is the unit offset of byte b, -1 inside a character
	toByte []int // toByte[u] is the byte offset of unit u, -1 between a surrogate pair
}

func newUnits(text string) units {
	u := units{toUnit: make([]int, len(text)+1)}
	for i := range u.toUnit {
		u.toUnit[i] = -1
	}
	n := 0
	for b, r := range text {
		u.toUnit[b] = n
		u.toByte = append(u.toByte, b)
		if r > 0xFFFF {
			u.toByte = append(u.toByte, -1)
			n += 2
		} else {
			n++
		}
	}
	u.toUnit[len(text)] = n
	u.toByte = append(u.toByte, len(text))
	return u
}

// bytes converts a span in units to bytes; ok is false when it is not a
// span of the text (out of range, empty, or cutting a character in two).
func (u units) bytes(start, end int) (int, int, bool) {
	if start < 0 || end <= start || end >= len(u.toByte) {
		return 0, 0, false
	}
	bs, be := u.toByte[start], u.toByte[end]
	return bs, be, bs >= 0 && be >= 0
}

// unit converts a byte offset at a character boundary to units.
func (u units) unit(b int) int { return u.toUnit[b] }

// validUTF8 replaces each invalid byte with U+FFFD, as a JavaScript string
// handed to Go arrives, so that offsets agree on both sides.
func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return string([]rune(s))
}
