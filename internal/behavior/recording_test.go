package behavior

import (
	"errors"
	"math"
	"testing"
	"time"
)

func ms(n float64) time.Duration { return time.Duration(n * float64(time.Millisecond)) }

func TestValidate(t *testing.T) {
	ok := func() Recording {
		return Recording{Viewport: Size{1280, 720}, Events: []Event{
			{Kind: KindNavigate, T: 0},
			{Kind: KindClick, T: ms(900), X: 100, Y: 50, Box: Rect{80, 40, 40, 20},
				Path: []Point{{ms(500), 10, 10}, {ms(600), 60, 30}, {ms(700), 100, 50}}},
			{Kind: KindKeyDown, T: ms(1200), Key: KeyChar},
			{Kind: KindKeyUp, T: ms(1290), Key: KeyChar},
			{Kind: KindScroll, T: ms(2000), ScrollY: 100},
		}}
	}
	tests := []struct {
		name   string
		change func(r *Recording)
		want   error // nil: valid
	}{
		{"valid", func(*Recording) {}, nil},
		{"empty", func(r *Recording) { r.Events = nil }, nil},
		{"equal times", func(r *Recording) { r.Events[3].T = r.Events[2].T }, nil},
		{"unknown kind", func(r *Recording) { r.Events[0].Kind = "mousewheel" }, ErrKind},
		{"unknown key class", func(r *Recording) { r.Events[2].Key = "a" }, ErrKind},
		{"key class missing", func(r *Recording) { r.Events[2].Key = "" }, ErrKind},
		{"negative time", func(r *Recording) { r.Events[0].T = -1 }, ErrRange},
		{"beyond max duration", func(r *Recording) { r.Events[4].T = MaxDuration + 1 }, ErrRange},
		{"time goes back", func(r *Recording) { r.Events[3].T = ms(1100) }, ErrOrder},
		{"NaN x", func(r *Recording) { r.Events[1].X = math.NaN() }, ErrRange},
		{"infinite y", func(r *Recording) { r.Events[1].Y = math.Inf(-1) }, ErrRange},
		{"huge scroll", func(r *Recording) { r.Events[4].ScrollY = 2 * MaxCoordinate }, ErrRange},
		{"negative box width", func(r *Recording) { r.Events[1].Box.W = -1 }, ErrRange},
		{"negative viewport", func(r *Recording) { r.Viewport.H = -720 }, ErrRange},
		{"path point after its event", func(r *Recording) { r.Events[1].Path[2].T = ms(901) }, ErrRange},
		{"path out of order", func(r *Recording) { r.Events[1].Path[1].T = ms(400) }, ErrOrder},
		{"path point NaN", func(r *Recording) { r.Events[1].Path[0].X = math.NaN() }, ErrRange},
		{"path too long", func(r *Recording) {
			p := make([]Point, MaxPathPoints+1)
			for i := range p {
				p[i] = Point{T: ms(float64(i)), X: float64(i)}
			}
			r.Events[1].Path = p
		}, ErrTooLarge},
		{"too many events", func(r *Recording) {
			r.Events = make([]Event, MaxEvents+1)
			for i := range r.Events {
				r.Events[i] = Event{Kind: KindScroll, T: ms(float64(i))}
			}
		}, ErrTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := ok()
			tc.change(&r)
			err := r.Validate()
			switch {
			case tc.want == nil && err != nil:
				t.Fatalf("Validate() = %v, want nil", err)
			case tc.want != nil && !errors.Is(err, tc.want):
				t.Fatalf("Validate() = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestExtractRejectsInvalid(t *testing.T) {
	r := Recording{Events: []Event{{Kind: KindClick, T: ms(10), X: math.NaN()}}}
	if _, err := Extract(r); !errors.Is(err, ErrRange) {
		t.Fatalf("Extract(NaN x) error = %v, want ErrRange", err)
	}
}
