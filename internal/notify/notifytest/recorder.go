package notifytest

import (
	"context"
	"fmt"
	"sync"

	"github.com/ledgersync/ledgersync/internal/notify"
)

// Recorder is an in-memory notify.Sender for tests of code that sends
// messages: it validates and keeps every message, or fails with Err.
type Recorder struct {
	mu   sync.Mutex
	sent []notify.Message
	err  error
}

// Send records m and returns its position ("1", "2", …), or the error set
// with Fail.
func (r *Recorder) Send(_ context.Context, m notify.Message) (string, error) {
	if err := m.Validate(); err != nil {
		return "", err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return "", r.err
	}
	r.sent = append(r.sent, m)
	return fmt.Sprint(len(r.sent)), nil
}

// Fail makes every later Send return err (nil to succeed again).
func (r *Recorder) Fail(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.err = err
}

// Messages returns the messages sent so far, oldest first.
func (r *Recorder) Messages() []notify.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]notify.Message(nil), r.sent...)
}

// Last returns the newest message sent to to, and whether there was one.
func (r *Recorder) Last(to string) (notify.Message, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := len(r.sent) - 1; i >= 0; i-- {
		if r.sent[i].To == to {
			return r.sent[i], true
		}
	}
	return notify.Message{}, false
}
