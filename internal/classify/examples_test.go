package classify

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

func TestReadExamples(t *testing.T) {
	in := `{"id":"a","text":"parcel late","label":"shipping","extra":1}

{"id":"b","text":"refund \u00e9","label":"billing"}
`
	got, err := ReadExamples(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []Example{{"a", "parcel late", "shipping"}, {"b", "refund é", "billing"}}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("got %+v", got)
	}
	other, err := ReadExamplesLabel(strings.NewReader(`{"id":"a","text":"t","stars":4}`+"\n"+`{"id":"b","text":"t","stars":true}`), "stars")
	if err != nil || other[0].Label != "4" || other[1].Label != "true" {
		t.Fatalf("label field: %+v, %v", other, err)
	}
}

func TestReadExamplesNamesTheBadLine(t *testing.T) {
	for _, tc := range []struct {
		in   string
		line int
		says string
	}{
		{`{"id":"a","text":"t","label":"x"}` + "\n" + `{"id":"b","text":"t"`, 2, "not a JSON object"},
		{`{"id":"a","text":"t","label":"x"}` + "\n\n" + `[1]`, 3, "not a JSON object"},
		{`{"id":"a","text":"t"}`, 1, `no label field "label"`},
		{`{"id":1,"text":"t","label":"x"}`, 1, `"id" is not a string`},
		{`{"text":"t","label":"x"}`, 1, `no "id"`},
		{`{"id":"a","text":"t","label":{"x":1}}`, 1, "not a string, a number or a boolean"},
		{`null`, 1, "not a JSON object"},
		{`{"id":"a","text":"` + strings.Repeat("a", MaxLineBytes) + `","label":"x"}`, 1, "longer than"},
	} {
		_, err := ReadExamples(strings.NewReader(tc.in))
		var le *LineError
		if !errors.As(err, &le) || le.Line != tc.line || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("%.60q: err %v, want line %d saying %q", tc.in, err, tc.line, tc.says)
		}
	}
}

func FuzzReadExamples(f *testing.F) {
	f.Add([]byte(`{"id":"a","text":"parcel late","label":"shipping"}` + "\n" + `{"id":"b","text":"x","label":3}`))
	f.Add([]byte("\n\n{}"))
	f.Add([]byte(`{"id":"a","text":null,"label":true}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ex, err := ReadExamples(bytes.NewReader(data))
		if err != nil {
			var le *LineError
			if !errors.As(err, &le) || le.Line < 1 {
				t.Fatalf("error without a line: %v", err)
			}
			return
		}
		// Whatever was read, Train either learns from it or says why not.
		if len(ex) > 0 && len(ex) < 50 {
			if _, _, err := Train(context.Background(), ex, Options{Kind: KindKNN, Buckets: 1 << 10}, nil); err != nil && !errors.Is(err, ErrInput) {
				t.Fatalf("Train: %v", err)
			}
		}
	})
}

func FuzzReadModel(f *testing.F) {
	for _, kind := range []Kind{KindLinear, KindKNN} {
		m, _, err := Train(context.Background(), corpus(30, 8), Options{Kind: kind, Buckets: 1 << 8}, nil)
		if err != nil {
			f.Fatal(err)
		}
		var buf bytes.Buffer
		if _, err := m.WriteTo(&buf); err != nil {
			f.Fatal(err)
		}
		f.Add(buf.Bytes())
	}
	f.Add([]byte(modelMagic))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ReadModel(bytes.NewReader(data))
		if err != nil {
			return
		}
		// A model that was read answers without panicking and writes back
		// to the same bytes.
		s, _ := m.Explain("parcel refund", 3)
		if len(s) != len(m.Labels()) {
			t.Fatalf("%d scores for %d labels", len(s), len(m.Labels()))
		}
		var buf bytes.Buffer
		if _, err := m.WriteTo(&buf); err != nil || !bytes.Equal(buf.Bytes(), data) {
			t.Fatalf("model read from %d bytes writes %d bytes (%v)", len(data), buf.Len(), err)
		}
	})
}

// EachText hands over each text as it is read and stops at the first error
// its callback returns, naming the line.
func TestEachTextStopsOnTheCallbacksError(t *testing.T) {
	stop := errors.New("enough")
	var seen []string
	err := EachText(strings.NewReader("{\"id\":\"a\",\"text\":\"x\"}\n\n{\"id\":\"b\",\"text\":\"y\"}\n{\"id\":\"c\",\"text\":\"z\"}\n"), func(e Example) error {
		seen = append(seen, e.ID)
		if e.ID == "b" {
			return stop
		}
		return nil
	})
	var le *LineError
	if !errors.Is(err, stop) || !errors.As(err, &le) || le.Line != 3 || strings.Join(seen, ",") != "a,b" {
		t.Fatalf("err %v, seen %v", err, seen)
	}
}
