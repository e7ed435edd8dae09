package notify

import (
	"context"
	"fmt"
)

// Router is the Sender the application uses: it hands each message to the
// backend of its channel, typically the provider for SMS and Voice and SMTP
// for Email, or one DevOutbox for all three in demo mode. A channel with no
// backend is refused with ErrUnsupportedChannel, so a deployment without
// SMTP cannot silently drop emails.
type Router struct {
	SMS   Sender
	Voice Sender
	Email Sender
}

// Send validates m and passes it to the backend of its channel.
func (r Router) Send(ctx context.Context, m Message) (string, error) {
	if err := m.Validate(); err != nil {
		return "", err
	}
	var s Sender
	switch m.Channel {
	case SMS:
		s = r.SMS
	case Voice:
		s = r.Voice
	case Email:
		s = r.Email
	}
	if s == nil {
		return "", fmt.Errorf("notify: %w: no backend is configured for %s messages", ErrUnsupportedChannel, m.Channel)
	}
	return s.Send(ctx, m)
}
