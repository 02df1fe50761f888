package work

import (
	"errors"
	"math"
	"testing"

	"github.com/allmende/allmende/internal/points"
)

// TestPayArithmeticDoesNotWrap: pay floor, measured time and earnings are
// multiplied by each other; at the extremes the result is an error (pay)
// or the largest rate (display), never a wrapped, negative number.
func TestPayArithmeticDoesNotWrap(t *testing.T) {
	if got, err := floorPay(1500, 60_000); err != nil || got != 25 {
		t.Fatalf("a minute at 1500/h: %d, %v", got, err)
	}
	if _, err := floorPay(math.MaxInt64, math.MaxInt64); !errors.Is(err, points.ErrOverflow) {
		t.Fatalf("a floor and a time beyond any range: %v", err)
	}
	if got, err := floorDue(1500, 60_000, 3, 30, 0); err != nil || got != 45 {
		t.Fatalf("three tasks of a minute paid 10 each: %d, %v", got, err)
	}
	for _, tt := range []struct{ paid, toppedUp int64 }{{math.MinInt64, 0}, {0, math.MinInt64}} {
		if _, err := floorDue(1500, 60_000, 3, tt.paid, tt.toppedUp); !errors.Is(err, points.ErrOverflow) {
			t.Fatalf("paid %d, topped up %d: %v", tt.paid, tt.toppedUp, err)
		}
	}
	if got := perHour(math.MaxInt64, 1); got != math.MaxInt64 {
		t.Fatalf("perHour of a huge payment in a millisecond: %d", got)
	}
	if got := perHour(points.MaxBudget, 3_600_000); got != points.MaxBudget {
		t.Fatalf("perHour(MaxBudget, an hour) = %d", got)
	}
	if got := (Project{PayPerTask: math.MaxInt64, EstSeconds: 1}).HourlyRate(); got != math.MaxInt64 {
		t.Fatalf("HourlyRate of an old row's pay: %d", got)
	}
}
