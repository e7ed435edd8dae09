package notify_test

import (
	"context"
	"errors"
	"testing"

	"github.com/ledgersync/ledgersync/internal/notify"
	"github.com/ledgersync/ledgersync/internal/notify/notifytest"
)

func TestRouterPicksTheBackendOfTheChannel(t *testing.T) {
	t.Parallel()
	sms, voice, email := &notifytest.Recorder{}, &notifytest.Recorder{}, &notifytest.Recorder{}
	r := notify.Router{SMS: sms, Voice: voice, Email: email}
	msgs := map[notify.Channel]notify.Message{
		notify.SMS:   {Channel: notify.SMS, To: "+15551234567", Body: "text " + code, Purpose: "login_code", Sensitive: true},
		notify.Voice: {Channel: notify.Voice, To: "+15557654321", Body: "call " + code, Purpose: "login_code", Sensitive: true},
		notify.Email: {Channel: notify.Email, To: "alice@example.com", Subject: "Code", Body: "mail " + code, Purpose: "activation", Sensitive: true},
	}
	for _, ch := range []notify.Channel{notify.SMS, notify.Voice, notify.Email} {
		if id, err := r.Send(context.Background(), msgs[ch]); err != nil || id != "1" {
			t.Fatalf("Send(%s) = %q, %v", ch, id, err)
		}
	}
	for ch, rec := range map[notify.Channel]*notifytest.Recorder{notify.SMS: sms, notify.Voice: voice, notify.Email: email} {
		got := rec.Messages()
		if len(got) != 1 || got[0] != msgs[ch] {
			t.Errorf("the %s backend received %v, want only %v", ch, got, msgs[ch])
		}
	}

	if _, err := r.Send(context.Background(), notify.Message{Channel: notify.SMS, To: "555", Body: "x", Purpose: "p"}); !errors.Is(err, notify.ErrInvalidMessage) {
		t.Fatalf("Send(invalid) = %v, want ErrInvalidMessage", err)
	}
	if n := len(sms.Messages()); n != 1 {
		t.Fatalf("an invalid message reached the backend (%d messages)", n)
	}

	noEmail := notify.Router{SMS: sms, Voice: voice}
	if _, err := noEmail.Send(context.Background(), msgs[notify.Email]); !errors.Is(err, notify.ErrUnsupportedChannel) {
		t.Fatalf("Send(email) without an email backend = %v, want ErrUnsupportedChannel", err)
	}

	boom := errors.New("backend down")
	email.Fail(boom)
	if _, err := r.Send(context.Background(), msgs[notify.Email]); !errors.Is(err, boom) {
		t.Fatalf("Send with a failing backend = %v, want its error", err)
	}
}
