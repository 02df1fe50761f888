package behavior

import "testing"

// benchRecording is a simulated person's recording of about 200 events.
func benchRecording(b *testing.B, seed uint64) Recording {
	b.Helper()
	people := SynthPeople(seed, 50)
	for i := range 500 {
		r := SynthHuman(people[i%len(people)], SynthNewTask(seed+uint64(i)), uint64(i))
		if n := len(r.Events); n >= 190 && n <= 210 {
			return r
		}
	}
	b.Fatal("no recording of about 200 events")
	return Recording{}
}

func BenchmarkScore(b *testing.B) {
	r := benchRecording(b, 80)
	b.ReportAllocs()
	for b.Loop() {
		Score(r)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "recordings/s")
	b.ReportMetric(float64(len(r.Events)), "events")
}

func BenchmarkSimilarity(b *testing.B) {
	r := benchRecording(b, 81)
	c := SynthCopy(r, 1)
	b.ReportAllocs()
	for b.Loop() {
		Similarity(r, c)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pairs/s")
}

func BenchmarkSamePerson(b *testing.B) {
	r := benchRecording(b, 82)
	hist := []Recording{benchRecording(b, 83), benchRecording(b, 84), benchRecording(b, 85), benchRecording(b, 86)}
	b.ReportAllocs()
	for b.Loop() {
		SamePerson(r, hist)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "comparisons/s")
}
