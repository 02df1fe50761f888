package classify

import (
	"math"
	"testing"
)

func TestPayable(t *testing.T) {
	got := Payable([]Influence{{"a", "x", 3}, {"b", "y", -5}, {"c", "x", 1}, {"d", "x", 0}})
	if len(got) != 2 || got[0].ID != "a" || got[1].ID != "c" || math.Abs(got[0].Weight-0.75) > 1e-12 || math.Abs(got[1].Weight-0.25) > 1e-12 {
		t.Fatalf("Payable = %+v", got)
	}
	if got := Payable([]Influence{{"b", "y", -1}, {"d", "x", 0}}); got != nil {
		t.Fatalf("no positive weight, yet %+v", got)
	}
	if Payable(nil) != nil {
		t.Fatal("Payable(nil) is not nil")
	}
}
