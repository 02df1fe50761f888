package receipt

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// specExample is the example from c2sp.org/tlog-proof, with the elided
// signatures of the spec left as they are: Parse does not open the note.
const specExample = `c2sp.org/tlog-proof@v1
extra YWdlLXYxLjIuMS1kYXJ3aW4tYXJtNjQudGFyLmd6kYXJ3aW4tYXJ
index 73894
gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=
B95lDa8R83lS8n0eG+o0buTxRKQTYFi//1U8anccXmA=
EKNzoDWG8LGC0Yp9o+sv3qllpMP9uHQ9B20KNL+Q1zs=
RoopEkOdqkYqMB4MJXrbt/hMjOxsVn0IrWjpz1ZMMes=
AHCioX9nLjsrse6YhjRRmk1WUEirVOLLRoOQ6vfO5vk=

example.com/fancylog
109482
sFodV/vSp5O8n9a8QpW6PRY97tfOSW5bsc2Xl/EQi08=

— example.com/fancylog hI2DJw[...]1roloI=
— witness1.example mJirIklj[...]qY9v2B/5bg==
`

const checkpoint = "example.com/log\n3\nsFodV/vSp5O8n9a8QpW6PRY97tfOSW5bsc2Xl/EQi08=\n\n— example.com/log AAAA\n"

func TestParseSpecExample(t *testing.T) {
	r, err := Parse([]byte(specExample))
	if err != nil {
		t.Fatal(err)
	}
	if r.Index != 73894 {
		t.Errorf("Index = %d, want 73894", r.Index)
	}
	if len(r.Proof) != 5 {
		t.Errorf("len(Proof) = %d, want 5", len(r.Proof))
	}
	if !strings.HasPrefix(string(r.Extra), "age-v1.2.1-darwin-arm64.tar.gz") {
		t.Errorf("Extra = %q", r.Extra)
	}
	if !strings.HasPrefix(string(r.Checkpoint), "example.com/fancylog\n109482\n") {
		t.Errorf("Checkpoint = %q", r.Checkpoint)
	}
	if got := r.Marshal(); string(got) != specExample {
		t.Errorf("Marshal does not reproduce the spec example:\n%s", got)
	}
}

func TestMarshalParse(t *testing.T) {
	h := bytes.Repeat([]byte{7}, 32)
	tests := []struct {
		name string
		r    Receipt
		want string
	}{
		{
			name: "no extra, no proof",
			r:    Receipt{Index: 0, Checkpoint: []byte(checkpoint)},
			want: "c2sp.org/tlog-proof@v1\nindex 0\n\n" + checkpoint,
		},
		{
			name: "extra and two hashes",
			r:    Receipt{Extra: []byte(`{"id":"e1"}`), Index: 2, Proof: [][]byte{h, h}, Checkpoint: []byte(checkpoint)},
			want: "c2sp.org/tlog-proof@v1\nextra eyJpZCI6ImUxIn0=\nindex 2\n" +
				"BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\n\n" + checkpoint,
		},
		{
			name: "largest index",
			r:    Receipt{Index: 18446744073709551615, Checkpoint: []byte(checkpoint)},
			want: "c2sp.org/tlog-proof@v1\nindex 18446744073709551615\n\n" + checkpoint,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.r.Marshal()
			if string(got) != tt.want {
				t.Fatalf("Marshal =\n%q\nwant\n%q", got, tt.want)
			}
			back, err := Parse(got)
			if err != nil {
				t.Fatalf("Parse(Marshal) = %v", err)
			}
			if !equal(back, &tt.r) {
				t.Fatalf("Parse(Marshal) = %+v, want %+v", back, tt.r)
			}
		})
	}
}

func TestParseRejects(t *testing.T) {
	hash := "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc="
	tests := []struct {
		name, in string
	}{
		{"empty", ""},
		{"wrong header", "c2sp.org/tlog-proof@v2\nindex 0\n\n" + checkpoint},
		{"header without newline", "c2sp.org/tlog-proof@v1"},
		{"missing index", "c2sp.org/tlog-proof@v1\n\n" + checkpoint},
		{"index leading zero", "c2sp.org/tlog-proof@v1\nindex 07\n\n" + checkpoint},
		{"index negative", "c2sp.org/tlog-proof@v1\nindex -1\n\n" + checkpoint},
		{"index plus sign", "c2sp.org/tlog-proof@v1\nindex +1\n\n" + checkpoint},
		{"index overflow", "c2sp.org/tlog-proof@v1\nindex 18446744073709551616\n\n" + checkpoint},
		{"index two spaces", "c2sp.org/tlog-proof@v1\nindex  1\n\n" + checkpoint},
		{"empty extra", "c2sp.org/tlog-proof@v1\nextra \nindex 1\n\n" + checkpoint},
		{"extra not base64", "c2sp.org/tlog-proof@v1\nextra !!!!\nindex 1\n\n" + checkpoint},
		{"extra after index", "c2sp.org/tlog-proof@v1\nindex 1\nextra AAAA\n\n" + checkpoint},
		{"short hash", "c2sp.org/tlog-proof@v1\nindex 1\nBwcHBw==\n\n" + checkpoint},
		{"hash with carriage return", "c2sp.org/tlog-proof@v1\nindex 1\n" + hash + "\r\n\n" + checkpoint},
		{"hash not base64", "c2sp.org/tlog-proof@v1\nindex 1\n" + strings.Replace(hash, "B", "*", 1) + "\n\n" + checkpoint},
		{"no empty line", "c2sp.org/tlog-proof@v1\nindex 1\n" + hash + "\n"},
		{"no checkpoint", "c2sp.org/tlog-proof@v1\nindex 1\n" + hash + "\n\n"},
		{"proof too long", "c2sp.org/tlog-proof@v1\nindex 1\n" + strings.Repeat(hash+"\n", 65) + "\n" + checkpoint},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Parse([]byte(tt.in))
			if err == nil {
				t.Fatalf("Parse accepted %q as %+v", tt.in, r)
			}
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("Parse error %v does not wrap ErrMalformed", err)
			}
		})
	}
}

// FuzzParse checks that Parse never panics and that whatever it accepts is in
// canonical form: encoding the result gives back the input byte for byte.
func FuzzParse(f *testing.F) {
	f.Add([]byte(specExample))
	f.Add([]byte("c2sp.org/tlog-proof@v1\nindex 0\n\n" + checkpoint))
	f.Add([]byte("c2sp.org/tlog-proof@v1\nextra AA==\nindex 1\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\n\nx"))
	f.Add([]byte("c2sp.org/tlog-proof@v1\nindex 01\n\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Parse(data)
		if err != nil {
			return
		}
		if got := r.Marshal(); !bytes.Equal(got, data) {
			t.Fatalf("Marshal(Parse(x)) != x\n x = %q\ngot %q", data, got)
		}
	})
}

func equal(a, b *Receipt) bool {
	if !bytes.Equal(a.Extra, b.Extra) || a.Index != b.Index || !bytes.Equal(a.Checkpoint, b.Checkpoint) || len(a.Proof) != len(b.Proof) {
		return false
	}
	for i := range a.Proof {
		if !bytes.Equal(a.Proof[i], b.Proof[i]) {
			return false
		}
	}
	return true
}
