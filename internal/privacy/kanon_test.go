package privacy

import (
	"errors"
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// patients is a small table: age and city are quasi-identifiers, the
// diagnosis is sensitive.
var patients = []map[string]string{
	{"age": "23", "city": "Berlin", "disease": "flu"},
	{"age": "25", "city": "Berlin", "disease": "hepatitis"},
	{"age": "27", "city": "Bonn", "disease": "bronchitis"},
	{"age": "29", "city": "Bonn", "disease": "broken arm"},
	{"age": "41", "city": "Köln", "disease": "aids"},
	{"age": "43", "city": "Mainz", "disease": "hang nail"},
	{"age": "60", "city": "Köln", "disease": "flu"},
	{"age": "65", "city": "Mainz", "disease": "asthma"},
}

func TestAnonymizeExample(t *testing.T) {
	res, err := Anonymize(patients, []string{"age", "city"}, 2)
	if err != nil {
		t.Fatal(err)
	}
	// Both dimensions span their whole domain at first; the tie goes to
	// the first given, so age is cut at its median, 29 | 41. On the young
	// side the cities (2 of 4 values, width 1/3) are wider than the ages
	// (6 of 42 years) and are cut; on the old side the ages (24 of 42)
	// are wider and are cut, so the cities there become a set.
	var got []string
	for _, r := range res.Records {
		got = append(got, r["age"]+" "+r["city"]+" "+r["disease"])
	}
	want := []string{
		"[23,25] Berlin flu",
		"[23,25] Berlin hepatitis",
		"[27,29] Bonn bronchitis",
		"[27,29] Bonn broken arm",
		"[41,43] {Köln,Mainz} aids",
		"[41,43] {Köln,Mainz} hang nail",
		"[60,65] {Köln,Mainz} flu",
		"[60,65] {Köln,Mainz} asthma",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("records:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if res.Groups != 4 || res.Suppressed != 0 {
		t.Errorf("groups %d, suppressed %d; want 4 and 0", res.Groups, res.Suppressed)
	}
	wantFields := []FieldSummary{
		{Field: "age", Numeric: true, Generalised: 8, Distinct: 4},
		{Field: "city", Numeric: false, Generalised: 4, Distinct: 3},
	}
	if !reflect.DeepEqual(res.Fields, wantFields) {
		t.Errorf("fields %+v, want %+v", res.Fields, wantFields)
	}
	// Age: ranges of 2, 2, 2 and 5 years of 42, two records each; city: a
	// set of 2 of 4 values costs 1/3, for four records.
	if want := (2*(2+2+2+5)/42.0 + 4.0/3) / 16; !near(res.Loss, want) {
		t.Errorf("loss %v, want %v", res.Loss, want)
	}
	if patients[0]["age"] != "23" {
		t.Error("Anonymize modified its input")
	}
	// One class for all: the city set is the whole domain.
	res, err = Anonymize(patients, []string{"age", "city"}, 8)
	if err != nil || res.Records[0]["city"] != "*" || res.Records[0]["age"] != "[23,65]" || res.Loss != 1 {
		t.Errorf("k=n: %v, %v; want [23,65] and * at loss 1", res.Records[0], err)
	}
}

func near(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 }

func TestAnonymizeErrorsAndEdges(t *testing.T) {
	if _, err := Anonymize(patients, []string{"age"}, 0); !errors.Is(err, ErrBadK) {
		t.Errorf("k=0: %v, want ErrBadK", err)
	}
	if _, err := Anonymize(patients, nil, 2); !errors.Is(err, ErrNoQuasiID) {
		t.Errorf("no QI: %v, want ErrNoQuasiID", err)
	}
	if _, err := Anonymize(patients, []string{"age", "age"}, 2); !errors.Is(err, ErrDuplicateQI) {
		t.Errorf("duplicate QI: %v, want ErrDuplicateQI", err)
	}
	res, err := Anonymize(patients, []string{"age"}, 9)
	if err != nil || len(res.Records) != 0 || res.Suppressed != 8 || res.Loss != 1 {
		t.Errorf("k above n: %+v, %v; want everything suppressed at loss 1", res, err)
	}
	res, err = Anonymize(patients, []string{"age"}, 1)
	if err != nil || res.Loss != 0 || res.Fields[0].Generalised != 0 || res.Groups != 8 {
		t.Errorf("k=1: %+v, %v; want the data unchanged in 8 classes", res, err)
	}
	res, err = Anonymize(nil, []string{"age"}, 3)
	if err != nil || len(res.Records) != 0 || res.Loss != 0 {
		t.Errorf("no records: %+v, %v", res, err)
	}
	// A field missing from a record is empty, and makes the field categorical.
	res, err = Anonymize([]map[string]string{{"age": "1"}, {}, {"age": "3"}, {"age": "4"}}, []string{"age"}, 2)
	if err != nil || res.Fields[0].Numeric || !IsKAnonymous(res.Records, []string{"age"}, 2) {
		t.Errorf("missing field: %+v, %v", res, err)
	}
}

func TestIsKAnonymous(t *testing.T) {
	recs := []map[string]string{
		{"a": "1", "b": "x"}, {"a": "1", "b": "x"}, {"a": "2", "b": "x"}, {"a": "2", "b": "x"}, {"a": "2", "b": "y"},
	}
	tests := []struct {
		qis  []string
		k    int
		want bool
	}{
		{[]string{"a"}, 2, true},
		{[]string{"a"}, 3, false},
		{[]string{"a", "b"}, 2, false}, // (2,y) is alone
		{[]string{"a", "b"}, 1, true},
		{[]string{"b"}, 1, true},
		{[]string{"c"}, 5, true}, // a missing field is the same everywhere
	}
	for _, tt := range tests {
		if got := IsKAnonymous(recs, tt.qis, tt.k); got != tt.want {
			t.Errorf("IsKAnonymous(%v, %d) = %v, want %v", tt.qis, tt.k, got, tt.want)
		}
	}
	// Values are compared as tuples, not as concatenated strings.
	tricky := []map[string]string{{"a": "1", "b": "23"}, {"a": "12", "b": "3"}}
	if IsKAnonymous(tricky, []string{"a", "b"}, 2) {
		t.Error(`("1","23") and ("12","3") were taken for the same tuple`)
	}
}

// TestAnonymizeProperties checks on random tables that the output is
// k-anonymous, keeps every record and every sensitive value, generalises
// each value to something that covers it, and loses less information than
// putting all records in one class.
func TestAnonymizeProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	qis := []string{"age", "zip", "sex"}
	for trial := range 200 {
		n, k := r.IntN(120), 1+r.IntN(8)
		recs := make([]map[string]string, n)
		for i := range recs {
			recs[i] = map[string]string{
				"age":     strconv.Itoa(18 + r.IntN(70)),
				"zip":     "101" + strconv.Itoa(10+r.IntN(15)),
				"sex":     []string{"f", "m", "x"}[r.IntN(3)],
				"disease": strconv.Itoa(i),
			}
		}
		res, err := Anonymize(recs, qis, k)
		if err != nil {
			t.Fatal(err)
		}
		if n < k {
			if res.Suppressed != n || len(res.Records) != 0 {
				t.Fatalf("trial %d: %d records, k=%d: want all suppressed, got %+v", trial, n, k, res)
			}
			continue
		}
		if !IsKAnonymous(res.Records, qis, k) {
			t.Fatalf("trial %d: output is not %d-anonymous", trial, k)
		}
		if len(res.Records) != n || res.Suppressed != 0 {
			t.Fatalf("trial %d: kept %d of %d", trial, len(res.Records), n)
		}
		for i, out := range res.Records {
			if out["disease"] != recs[i]["disease"] {
				t.Fatalf("trial %d: record %d's sensitive value changed", trial, i)
			}
			for _, q := range qis {
				if !covers(out[q], recs[i][q]) {
					t.Fatalf("trial %d: %s=%q does not cover %q", trial, q, out[q], recs[i][q])
				}
			}
		}
		oneClass := oneClassLoss(recs, qis)
		if res.Loss > oneClass+1e-9 || n >= 2*k && res.Loss >= oneClass {
			t.Fatalf("trial %d: n=%d k=%d loss %v, one class would lose %v", trial, n, k, res.Loss, oneClass)
		}
	}
}

// covers reports whether a generalised value stands for the original.
func covers(general, original string) bool {
	switch {
	case general == original, general == "*":
		return true
	case strings.HasPrefix(general, "{"):
		return slices.Contains(strings.Split(strings.Trim(general, "{}"), ","), original)
	case strings.HasPrefix(general, "["):
		lo, hi, _ := strings.Cut(strings.Trim(general, "[]"), ",")
		l, _ := strconv.ParseFloat(lo, 64)
		h, _ := strconv.ParseFloat(hi, 64)
		v, err := strconv.ParseFloat(original, 64)
		return err == nil && l <= v && v <= h
	}
	return false
}

// oneClassLoss is the loss of the coarsest k-anonymisation that keeps every
// record: one class, each quasi-identifier generalised over all records.
func oneClassLoss(recs []map[string]string, qis []string) float64 {
	loss := 0.0
	for _, q := range qis {
		d := newDimension(recs, q)
		_, p := d.generalise(indexes(len(recs)))
		loss += p
	}
	return loss / float64(len(qis))
}

// BenchmarkAnonymize generalises 10,000 random records on three
// quasi-identifiers with k = 10.
func BenchmarkAnonymize(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	recs := make([]map[string]string, 10_000)
	for i := range recs {
		recs[i] = map[string]string{
			"age": strconv.Itoa(18 + r.IntN(70)), "zip": "1" + strconv.Itoa(1000+r.IntN(9000)),
			"sex": []string{"f", "m", "x"}[r.IntN(3)], "answer": strconv.Itoa(i),
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Anonymize(recs, []string{"age", "zip", "sex"}, 10); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(recs))*float64(b.N)/b.Elapsed().Seconds(), "records/s")
}
