package clock

import (
	"sync"
	"testing"
	"time"
)

func TestFakeMovesOnlyWhenTold(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	c := NewFake(start)
	if got := c.Now(); !got.Equal(start) {
		t.Fatalf("Now() = %v, want %v", got, start)
	}
	if got := c.Advance(180 * time.Second); !got.Equal(start.Add(3 * time.Minute)) {
		t.Fatalf("Advance(180s) = %v", got)
	}
	c.Set(start)
	if got := c.Now(); !got.Equal(start) {
		t.Fatalf("after Set, Now() = %v, want %v", got, start)
	}
}

func TestFakeConcurrentAdvance(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c := NewFake(start)
	var wg sync.WaitGroup
	for range 100 {
		wg.Add(1)
		go func() { defer wg.Done(); c.Advance(time.Second) }()
	}
	wg.Wait()
	if got := c.Now().Sub(start); got != 100*time.Second {
		t.Fatalf("100 concurrent Advance(1s) moved the clock %v", got)
	}
}

func TestRealIsUTC(t *testing.T) {
	t.Parallel()
	if loc := (Real{}).Now().Location(); loc != time.UTC {
		t.Fatalf("Real.Now() location = %v, want UTC", loc)
	}
}
