package annotation

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

var textTypes = []TaskType{ImageClassification, TextClassification, Pairwise}

func answered(t TaskType) []AnsweredItem {
	switch t {
	case ImageClassification:
		return []AnsweredItem{{ID: 3, Name: "a.jpg", Answers: []ItemAnswer{{Worker: "m-ada", Label: "cat"}, {Worker: "m-bob", Label: "dog"}}}}
	case TextClassification:
		return []AnsweredItem{{ID: 1, Name: "review 1", Text: "great, \"really\"\nshop", Answers: []ItemAnswer{{Worker: "m-ada", Label: "positive"}}},
			{ID: 2, Text: "no answers yet"}}
	}
	return []AnsweredItem{{ID: 9, Name: "line 1", Text: "A text", TextB: "B text", Answers: []ItemAnswer{{Worker: "m-ada", Choice: "a", Reason: "B, \"quoted\", is wrong"}, {Worker: "m-bob", Choice: "b"}}}}
}

// withAnswers leaves out items without answers, which a table has no row
// for.
func withAnswers(items []AnsweredItem) []AnsweredItem {
	var out []AnsweredItem
	for _, it := range items {
		if len(it.Answers) > 0 {
			out = append(out, it)
		}
	}
	return out
}

func TestAnswerTableRoundTrip(t *testing.T) {
	for _, tt := range textTypes {
		var buf bytes.Buffer
		if err := ExportAnswerTable(&buf, tt, answered(tt)); err != nil {
			t.Fatalf("%s: %v", tt, err)
		}
		got, err := ImportAnswerTable(bytes.NewReader(buf.Bytes()), tt)
		if err != nil {
			t.Fatalf("%s: %v\n%s", tt, err, buf.String())
		}
		if want := withAnswers(answered(tt)); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: read back %+v, want %+v", tt, got, want)
		}
	}
	if err := ExportAnswerTable(&bytes.Buffer{}, BoundingBox, nil); err == nil {
		t.Error("an answer table of boxes was written")
	}
}

func TestLabelStudioTextsRoundTrip(t *testing.T) {
	for _, tt := range []TaskType{TextClassification, Pairwise} {
		var buf bytes.Buffer
		if err := ExportLabelStudioTexts(&buf, tt, answered(tt)); err != nil {
			t.Fatalf("%s: %v", tt, err)
		}
		if strings.Contains(buf.String(), `"image"`) {
			t.Errorf("%s: text tasks name an image: %s", tt, buf.String())
		}
		got, err := ImportLabelStudioTexts(bytes.NewReader(buf.Bytes()), tt)
		if err != nil {
			t.Fatalf("%s: %v\n%s", tt, err, buf.String())
		}
		if want := answered(tt); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: read back %+v, want %+v", tt, got, want)
		}
	}
}

func TestAnswerTableRefusals(t *testing.T) {
	for _, tc := range []struct {
		name, file, want string
		tt               TaskType
	}{
		{"wrong header", "question,worker,answer\n1,w,a\n", "header", Pairwise},
		{"not an id", "question,worker,answer,name,text\nx,w,pos,n,t\n", "line 2 question", TextClassification},
		{"bad choice", "question,worker,answer,name,a,b,reason\n1,w,c,n,A,B,r\n", `"a" or "b"`, Pairwise},
		{"two wordings", "question,worker,answer,name,text\n1,w,pos,n,t\n1,v,pos,n,other\n", "worded differently", TextClassification},
		{"short row", "question,worker,answer,image\n1,w\n", "2 fields", ImageClassification},
	} {
		_, err := ImportAnswerTable(strings.NewReader(tc.file), tc.tt)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want it to mention %q", tc.name, err, tc.want)
		}
	}
}

// FuzzImportAnswerTable: whatever is accepted is written back and reads
// back the same.
func FuzzImportAnswerTable(f *testing.F) {
	for i, tt := range textTypes {
		var buf bytes.Buffer
		if err := ExportAnswerTable(&buf, tt, answered(tt)); err != nil {
			f.Fatal(err)
		}
		f.Add(uint8(i), buf.Bytes())
	}
	f.Add(uint8(2), []byte("\uFEFFQuestion,Worker,Answer,Name,A,B,Reason\r\n1,,a,,x,y,\r\n"))
	f.Fuzz(func(t *testing.T, kind uint8, data []byte) {
		tt := textTypes[int(kind)%len(textTypes)]
		items, err := ImportAnswerTable(bytes.NewReader(data), tt)
		if err != nil {
			checkRefusal(t, err)
			return
		}
		var buf bytes.Buffer
		if err := ExportAnswerTable(&buf, tt, items); err != nil {
			t.Fatalf("accepted items are refused on export: %v", err)
		}
		again, err := ImportAnswerTable(bytes.NewReader(buf.Bytes()), tt)
		if err != nil {
			t.Fatalf("written back, refused: %v\n%s", err, buf.String())
		}
		if !reflect.DeepEqual(items, again) {
			t.Fatalf("read back %+v, want %+v", again, items)
		}
	})
}

// FuzzImportLabelStudioTexts: whatever is accepted is written back and
// reads back the same.
func FuzzImportLabelStudioTexts(f *testing.F) {
	for i, tt := range []TaskType{TextClassification, Pairwise} {
		var buf bytes.Buffer
		if err := ExportLabelStudioTexts(&buf, tt, answered(tt)); err != nil {
			f.Fatal(err)
		}
		f.Add(uint8(i), buf.Bytes())
	}
	f.Add(uint8(1), []byte(`[{"id":1,"data":{"text1":"a","text2":"b"},"annotations":[{"result":[{"type":"pairwise","value":{"selected":"left"}}],"was_cancelled":false}]}]`))
	f.Fuzz(func(t *testing.T, kind uint8, data []byte) {
		tt := []TaskType{TextClassification, Pairwise}[int(kind)%2]
		items, err := ImportLabelStudioTexts(bytes.NewReader(data), tt)
		if err != nil {
			checkRefusal(t, err)
			return
		}
		var buf bytes.Buffer
		if err := ExportLabelStudioTexts(&buf, tt, items); err != nil {
			t.Fatalf("accepted items are refused on export: %v", err)
		}
		again, err := ImportLabelStudioTexts(bytes.NewReader(buf.Bytes()), tt)
		if err != nil {
			t.Fatalf("written back, refused: %v\n%s", err, buf.String())
		}
		if !reflect.DeepEqual(items, again) {
			t.Fatalf("read back %+v, want %+v", again, items)
		}
	})
}
