package ofxconn

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"runtime"
	"time"

	"github.com/ledgersync/ledgersync/internal/clock"
	"github.com/ledgersync/ledgersync/internal/connector"
	"github.com/ledgersync/ledgersync/internal/ofx"
	"github.com/ledgersync/ledgersync/internal/ofx/directconnect"
)

const (
	// DefaultAppID and DefaultAppVer name the program to the bank when
	// Options leave them empty: Quicken for Windows 2700, because many
	// banks let only the programs they know download (the ids are what
	// GnuCash and other Direct Connect clients send for the same reason).
	// The member sees them in the bank's list of devices to approve.
	DefaultAppID  = "QWIN"
	DefaultAppVer = "2700"
	// DefaultTimeout bounds each request of a Connector without an HTTP
	// client.
	DefaultTimeout = 2 * time.Minute
	// maxChallengeRounds bounds the challenges one Login or Answer asks
	// for, against a bank that keeps asking for a new one.
	maxChallengeRounds = 3
)

// Options configure a Connector. Every field is optional.
type Options struct {
	// HTTP sends the OFX requests and image downloads; nil is a client with
	// DefaultTimeout.
	HTTP *http.Client
	// AppID and AppVer name the program (SONRQ APPID, APPVER); empty is
	// DefaultAppID and DefaultAppVer.
	AppID, AppVer string
	// Version is the OFX version spoken: 0 is directconnect.DefaultVersion
	// (2.2, XML). Check and statement images need 2.1.1 (211) or later.
	Version int
	// Clock dates the requests (DTCLIENT) and answers MFA101; nil is the
	// wall clock.
	Clock clock.Clock
	// Machine answers the machine phrases MFA102–MFA107 a bank may ask;
	// empty fields get neutral values (banks can only check that they are
	// given), and the user agent is "AppID AppVer".
	Machine directconnect.MachineInfo
}

// Connector signs on to banks' OFX Direct Connect servers. It keeps nothing
// between calls, so one Connector serves every connection and goroutine.
type Connector struct {
	http          *http.Client
	appID, appVer string
	version       int
	clock         clock.Clock
	machine       directconnect.MachineInfo
}

var _ connector.Connector = (*Connector)(nil)

// New returns a Connector configured by opts.
func New(opts Options) *Connector {
	c := &Connector{http: opts.HTTP, appID: opts.AppID, appVer: opts.AppVer, version: opts.Version, clock: opts.Clock, machine: opts.Machine}
	if c.http == nil {
		c.http = &http.Client{Timeout: DefaultTimeout}
	}
	if c.appID == "" || c.appVer == "" {
		c.appID, c.appVer = DefaultAppID, DefaultAppVer
	}
	if c.version == 0 {
		c.version = directconnect.DefaultVersion
	}
	if c.clock == nil {
		c.clock = clock.Real{}
	}
	m := &c.machine
	for _, f := range []struct {
		field *string
		value string
	}{
		{&m.HostName, "ledgersync"}, {&m.IPAddress, "0.0.0.0"}, {&m.MACAddress, "00-00-00-00-00-00"},
		{&m.OSVersion, runtime.GOOS}, {&m.Processor, runtime.GOARCH}, {&m.UserAgent, c.appID + " " + c.appVer},
	} {
		if *f.field == "" {
			*f.field = f.value
		}
	}
	return c
}

// client is the Direct Connect client of one sign-in, presenting d's
// CLIENTUID.
func (c *Connector) client(inst connector.Institution, d device) *directconnect.Client {
	return &directconnect.Client{
		URL: inst.OFXURL, HTTP: c.http, Version: c.version, AppID: c.appID, AppVer: c.appVer,
		Org: inst.OFXOrg, FID: inst.OFXFID, ClientUID: d.ClientUID, Now: c.clock.Now,
	}
}

// Login signs on with l's credentials and the CLIENTUID of l.Device (a new
// one the first time). It returns a session, an Approve challenge, an MFA
// challenge (attended only), or the bank's refusal as an error.
func (c *Connector) Login(ctx context.Context, l connector.Login) (connector.Step, error) {
	if err := checkLogin(l); err != nil {
		return connector.Step{}, err
	}
	d := readDevice(l.Device)
	resp, err := c.signOn(ctx, l, d, nil)
	if err != nil {
		return connector.Step{}, err
	}
	return c.next(ctx, l, d, resp, nil, secretsOf(l, d, nil), 0)
}

// Answer resumes the sign-in of challenge ch with a: an Approve challenge
// signs on again; an MFA challenge signs on with the person's answers and
// the program's answers to the machine phrases.
func (c *Connector) Answer(ctx context.Context, l connector.Login, ch *connector.Challenge, a connector.Answer) (connector.Step, error) {
	if err := checkLogin(l); err != nil {
		return connector.Step{}, err
	}
	if ch == nil {
		return connector.Step{}, fmt.Errorf("ofx sign-on to %s: no challenge to answer", l.Institution.Name)
	}
	st, err := readChallenge(ch.State)
	if err != nil {
		return connector.Step{}, fmt.Errorf("ofx sign-on to %s: %w", l.Institution.Name, err)
	}
	var answers, person []ofx.MFAAnswer
	if st.Kind == kindMFA {
		if person, err = st.personAnswers(a); err != nil {
			return connector.Step{}, fmt.Errorf("ofx sign-on to %s: %w", l.Institution.Name, err)
		}
		// Answered now, not when the challenge came: the bank checks MFA101
		// against its clock, and the person may have taken minutes.
		answers = append(c.client(l.Institution, st.Device).MachineAnswers(st.ofxPhrases(), c.machine), person...)
	}
	resp, err := c.signOn(ctx, l, st.Device, answers)
	if err != nil {
		return connector.Step{}, err
	}
	return c.next(ctx, l, st.Device, resp, &st, secretsOf(l, st.Device, person), 0)
}

// checkLogin refuses a Login that cannot reach an OFX server.
func checkLogin(l connector.Login) error {
	inst := l.Institution
	if inst.Kind != "" && inst.Kind != connector.OFX {
		return fmt.Errorf("ofx sign-on to %s: the institution's connection type is %q, not %q", inst.Name, inst.Kind, connector.OFX)
	}
	u, err := url.Parse(inst.OFXURL)
	if inst.OFXURL == "" || err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("ofx sign-on to %s: the institution has no valid OFX URL: set it in the institution directory", inst.Name)
	}
	if inst.OFXOrg == "" {
		return fmt.Errorf("ofx sign-on to %s: the institution has no OFX ORG: set it in the institution directory", inst.Name)
	}
	if l.Credentials.Username == "" || l.Credentials.Password == "" {
		return fmt.Errorf("ofx sign-on to %s: %w (the username or password is empty)", inst.Name, connector.ErrInvalidCredentials)
	}
	return nil
}

// signOn sends the signon that completes a sign-in (with answers, if any)
// and asks for the account list in the same request, which the bank serves
// only when it lets us in.
func (c *Connector) signOn(ctx context.Context, l connector.Login, d device, answers []ofx.MFAAnswer) (*ofx.Response, error) {
	cl := c.client(l.Institution, d)
	son := signon(cl, l, d)
	son.MFAAnswers = answers
	req := &ofx.Request{Signon: son, AccountInfo: &ofx.AccountInfoRequest{TrnUID: directconnect.NewTrnUID()}}
	resp, err := send(ctx, cl, req)
	if err != nil {
		return nil, fmt.Errorf("ofx sign-on to %s: %w", l.Institution.Name, err)
	}
	return resp, nil
}

// signon is the SONRQ of l with d's CLIENTUID and the bank's cookie.
func signon(cl *directconnect.Client, l connector.Login, d device) ofx.SignonRequest {
	son := cl.Signon(l.Credentials.Username, l.Credentials.Password)
	son.SessCookie = d.SessCookie
	return son
}

// next decides what a signon's response means: a session, a challenge, or
// an error. prev is the challenge that was answered (nil for a Login);
// secrets are what the bank's messages must not carry into an error; round
// counts the challenges asked for so far.
func (c *Connector) next(ctx context.Context, l connector.Login, d device, resp *ofx.Response, prev *challengeState, secrets []string, round int) (connector.Step, error) {
	status := resp.Signon.Status
	switch status.Code {
	case ofx.StatusSuccess:
		d.Approved = true
		if resp.Signon.SessCookie != "" {
			d.SessCookie = resp.Signon.SessCookie
		}
		var accounts *ofx.AccountInfoResponse
		if ai := resp.AccountInfo; ai != nil && ai.Status.Code == ofx.StatusSuccess {
			accounts = ai
		}
		return connector.Step{Session: c.newSession(l, d, accounts)}, nil
	case ofx.StatusClientUIDError:
		st := challengeState{Kind: kindApprove, Device: d}
		rejected := prev != nil && prev.Kind == kindApprove
		return connector.Step{Challenge: st.approve(scrub(status.Message, secrets), c.appID+" "+c.appVer, rejected)}, nil
	case ofx.StatusMFARequired:
		return c.challenge(ctx, l, d, "", false, secrets, round)
	case ofx.StatusMFAInvalid:
		msg := scrub(status.Message, secrets)
		if prev == nil || prev.Kind != kindMFA {
			return connector.Step{}, fmt.Errorf("ofx sign-on to %s: the bank refused challenge answers that were not sent%s", l.Institution.Name, bankSays(status.Code, msg))
		}
		if prev.answerAgain(msg) {
			// The same code phrase stays open at the bank: asking for a new
			// challenge would text another code.
			return connector.Step{Challenge: prev.mfa(msg, true)}, nil
		}
		return c.challenge(ctx, l, d, msg, true, secrets, round)
	}
	return connector.Step{}, fmt.Errorf("ofx sign-on to %s: %w", l.Institution.Name, statusError(status, secrets))
}

// challenge asks the bank for its MFA challenge (attended only) and returns
// what a person must answer. rejection is the bank's message about the
// answer just refused, when rejected.
func (c *Connector) challenge(ctx context.Context, l connector.Login, d device, rejection string, rejected bool, secrets []string, round int) (connector.Step, error) {
	if !l.Attended {
		return connector.Step{}, fmt.Errorf("ofx sign-on to %s: %w: the bank asks for a second factor, and asking for it could make the bank send a code nobody is there to read", l.Institution.Name, connector.ErrPersonNeeded)
	}
	if round >= maxChallengeRounds {
		return connector.Step{}, fmt.Errorf("ofx sign-on to %s: the bank asked for a new challenge %d times in a row: try again later", l.Institution.Name, round)
	}
	cl := c.client(l.Institution, d)
	req := &ofx.Request{
		Signon:       signon(cl, l, d),
		MFAChallenge: &ofx.MFAChallengeRequest{TrnUID: directconnect.NewTrnUID(), DTClient: c.clock.Now()},
	}
	resp, err := send(ctx, cl, req)
	if err != nil {
		return connector.Step{}, fmt.Errorf("ofx sign-on to %s: ask for the challenge: %w", l.Institution.Name, err)
	}
	switch code := resp.Signon.Status.Code; code {
	case ofx.StatusSuccess:
	case ofx.StatusClientUIDError:
		return c.next(ctx, l, d, resp, nil, secrets, round+1)
	default:
		return connector.Step{}, fmt.Errorf("ofx sign-on to %s: ask for the challenge: %w", l.Institution.Name, statusError(resp.Signon.Status, secrets))
	}
	m := resp.MFAChallenge
	switch {
	case m == nil:
		return connector.Step{}, fmt.Errorf("ofx sign-on to %s: the bank asked for a second factor but sent no challenge: try again later", l.Institution.Name)
	case m.Status.Code != ofx.StatusSuccess:
		return connector.Step{}, fmt.Errorf("ofx sign-on to %s: the bank did not send its challenge%s", l.Institution.Name, bankSays(m.Status.Code, scrub(m.Status.Message, secrets)))
	case len(m.Challenges) == 0:
		return connector.Step{}, fmt.Errorf("ofx sign-on to %s: the bank sent a challenge without any question: try again later", l.Institution.Name)
	}
	st := challengeState{Kind: kindMFA, Device: d}
	for _, p := range m.Challenges {
		st.Phrases = append(st.Phrases, phrase{ID: p.PhraseID, Label: p.Label})
	}
	if len(st.person()) > 0 {
		return connector.Step{Challenge: st.mfa(rejection, rejected)}, nil
	}
	// Only machine phrases: nothing for a person to do.
	resp, err = c.signOn(ctx, l, d, cl.MachineAnswers(st.ofxPhrases(), c.machine))
	if err != nil {
		return connector.Step{}, err
	}
	if resp.Signon.Status.Code == ofx.StatusMFAInvalid {
		return connector.Step{}, fmt.Errorf("ofx sign-on to %s: the bank refused this program's own answers (date, time, machine)%s",
			l.Institution.Name, bankSays(resp.Signon.Status.Code, scrub(resp.Signon.Status.Message, secrets)))
	}
	return c.next(ctx, l, d, resp, &st, secrets, round+1)
}
