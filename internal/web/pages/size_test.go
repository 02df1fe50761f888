package pages

import "testing"

func TestFileSizeIsReadable(t *testing.T) {
	for n, want := range map[int64]string{
		0: "0 bytes", 1: "1 byte", 1023: "1023 bytes", 1024: "1.0 KB",
		113378: "110.7 KB", 5 << 20: "5.0 MB", 3 << 30: "3.0 GB",
	} {
		if got := fileSize(n); got != want {
			t.Errorf("fileSize(%d) = %q, want %q", n, got, want)
		}
	}
}
