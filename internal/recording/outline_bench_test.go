package recording

import (
	"fmt"
	"strings"
	"testing"
)

// bigOutlines is a recording with n outlines of m nodes each, rows of a
// table with their places: about what a long session uploads.
func bigOutlines(n, m int) []byte {
	var b strings.Builder
	b.WriteString(`{"title":"t","steps":[{"type":"navigate","url":"https://a.example/"}],"allmende":{"version":1,"outlines":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"before":%d,"url":"https://a.example/%d","title":"Page %d","nodes":[`, min(i, 1), i, i)
		for j := range m {
			if j > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"ref":%d,"parent":%d,"tag":"td","role":"cell","name":"Cell %d","text":"Cell %d","attributes":{"data-testid":"c%d"},"place":{"container":0,"index":%d,"of":%d,"row":%d,"column":0,"column_header":"Name","row_key":"Row %d"},"heading":"Results"}`,
				j, j-1, j, j, j, j, m, j, j)
		}
		b.WriteString(`]}`)
	}
	b.WriteString(`]}}`)
	return []byte(b.String())
}

// BenchmarkParseOutlines measures Parse, the schema check included, on
// 20 outlines of 1,000 nodes (about 6 MB).
func BenchmarkParseOutlines(b *testing.B) {
	data := bigOutlines(20, 1000)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Parse(data); err != nil {
			b.Fatal(err)
		}
	}
}
