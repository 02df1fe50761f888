package attrib

import "unicode/utf8"

// chars indexes the characters (code points) of an output text, in which
// spans are delimited. An invalid byte counts as one character, as when
// ranging over a Go string, and no span includes it: it could only match
// part of a multi-byte character of the corpus.
type chars struct {
	off    []int   // byte offset of each character, then len(q)
	runEnd []int   // where the valid run holding each character ends; its own offset for an invalid byte
	number []int32 // character number of each byte offset that starts one (or is len(q)), -1 inside a character
}

func splitChars(q []byte) chars {
	var c chars
	for i := 0; i < len(q); {
		_, w := utf8.DecodeRune(q[i:])
		c.off = append(c.off, i)
		if w == 1 && q[i] >= utf8.RuneSelf {
			c.runEnd = append(c.runEnd, i) // invalid
		} else {
			c.runEnd = append(c.runEnd, -1)
		}
		i += w
	}
	c.off = append(c.off, len(q))
	end := len(q)
	for k := len(c.runEnd) - 1; k >= 0; k-- {
		if c.runEnd[k] >= 0 {
			end = c.off[k]
		} else {
			c.runEnd[k] = end
		}
	}
	c.number = make([]int32, len(q)+1)
	for i := range c.number {
		c.number[i] = -1
	}
	for k, i := range c.off {
		c.number[i] = int32(k)
	}
	return c
}

func (c chars) count() int { return len(c.runEnd) }

func (c chars) valid(k int) bool { return c.runEnd[k] > c.off[k] }

// floor returns the number of the character that byte offset i starts, or
// if i is inside a character, of the one after it.
func (c chars) floor(i int) int {
	for c.number[i] < 0 {
		i--
	}
	return int(c.number[i])
}
