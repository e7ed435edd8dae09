package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/ledgersync/ledgersync/internal/app"
	"github.com/ledgersync/ledgersync/internal/connector"
	"github.com/ledgersync/ledgersync/internal/firm"
	"github.com/ledgersync/ledgersync/internal/refresh"
	"github.com/ledgersync/ledgersync/internal/store"
)

func (e *env) refreshCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "refresh CONNECTION",
		Short: "Refresh one connection now, answering the bank's challenges here",
		Long: `Refresh connection CONNECTION (its id) now, as a person at the keyboard: when
the bank asks for a code, a security question or where to send a code, the
question is shown with the bank's options and a live countdown of the 180
seconds the bank allows, and the answer is read from the terminal (typing
hidden) or, when stdin is not a terminal, line by line from stdin, so scripts
can drive it. An empty answer (or "cancel") cancels. It prints what landed and
exits 0 when the refresh succeeded, 1 otherwise.

Get the client on the phone before you start: the bank's code is only good for
three minutes.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil || id <= 0 {
				return usageError{fmt.Errorf("CONNECTION must be a connection id, not %q", args[0])}
			}
			return e.refreshConnection(cmd.Context(), id)
		},
	}
}

func (e *env) refreshConnection(ctx context.Context, connectionID int64) error {
	db, err := e.openCurrent(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	// The operator's command: it reads the connection's firm, then acts
	// within that firm like any other surface.
	var firmID int64
	if err := db.Reader().QueryRowContext(ctx, `SELECT firm_id FROM connection WHERE id = $1`, connectionID).Scan(&firmID); err != nil {
		if errors.Is(store.Err(err), store.ErrNotFound) {
			return fmt.Errorf("there is no connection %d", connectionID)
		}
		return err
	}
	a, err := e.newApp(ctx, db, e.hasDemoKey(), true)
	if err != nil {
		return err
	}
	stop, err := e.startApp(ctx, a)
	if err != nil {
		return err
	}
	defer stop()
	p := &prompter{e: e, a: a, firmID: firmID, tty: isTerminal(e.stdin)}
	if p.tty {
		p.in = bufio.NewReader(e.stdin)
	} else {
		p.lines = readLines(e.stdin)
	}
	return p.run(ctx, connectionID)
}

// prompter drives one refresh from the terminal.
type prompter struct {
	e      *env
	a      *app.App
	firmID int64
	tty    bool
	in     *bufio.Reader // a terminal, read when prompted
	lines  <-chan string // piped stdin, line by line; closed at its end
}

func (p *prompter) run(ctx context.Context, connectionID int64) error {
	conn, err := firm.GetConnection(ctx, p.a.DB.Reader(), p.firmID, connectionID)
	if err != nil {
		return err
	}
	r, err := p.a.Refresh.Start(ctx, p.firmID, connectionID, refresh.TriggerCLI)
	switch {
	case errors.Is(err, refresh.ErrInProgress) && r != nil:
		fmt.Fprintf(p.e.stdout, "Connection %d (%s) is already being refreshed; following refresh %d.\n", conn.ID, conn.Label, r.ID)
	case err != nil:
		return err
	default:
		fmt.Fprintf(p.e.stdout, "Refreshing connection %d (%s)…\n", conn.ID, conn.Label)
	}
	events, cancel := p.a.Events.Subscribe(p.firmID)
	defer cancel()
	var seen int64
	for {
		cur, err := refresh.Get(ctx, p.a.DB.Reader(), p.firmID, r.ID)
		if err != nil {
			return err
		}
		if cur.State == refresh.Done {
			return p.report(cur)
		}
		if cur.State == refresh.ChallengePending {
			open, err := refresh.OpenChallenges(ctx, p.a.DB.Reader(), p.firmID, connectionID)
			if err != nil {
				return err
			}
			for _, c := range open {
				if c.RefreshID == r.ID && c.ID > seen {
					seen = c.ID
					if err := p.ask(ctx, c); err != nil {
						return err
					}
				}
			}
		}
		// Woken by this firm's events; the re-read every half second
		// covers a worker in another process on SQLite, whose events do
		// not reach this one.
		select {
		case <-events:
		case <-time.After(500 * time.Millisecond):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// ask shows one challenge and sends the answer (or cancels).
func (p *prompter) ask(ctx context.Context, c *refresh.Challenge) error {
	out := p.e.stdout
	fmt.Fprintln(out)
	if c.Rejected {
		fmt.Fprintln(out, "The bank did not accept the answer.")
	}
	fmt.Fprintf(out, "The bank asks: %s\n", c.Prompt)
	if c.AttemptsLeft >= 0 {
		fmt.Fprintf(out, "Attempts left before the bank locks the sign-in: %d\n", c.AttemptsLeft)
	}
	deadline := c.ExpiresAt
	fmt.Fprintf(out, "You have %d seconds to answer (until %s). Leave the answer empty to cancel.\n",
		c.SecondsLeft(p.a.Clock.Now()), deadline.Local().Format("15:04:05"))
	stopClock := p.countdown(c)
	defer stopClock()

	var ans connector.Answer
	switch c.Type {
	case connector.ChooseDelivery:
		for i, o := range c.Options {
			fmt.Fprintf(out, "  %d) %s\n", i+1, o.Label)
		}
		line, ok := p.read(ctx, "Where should the bank send the code? (number): ", false)
		if !ok {
			return p.cancel(ctx, c)
		}
		n, err := strconv.Atoi(line)
		if err != nil || n < 1 || n > len(c.Options) {
			fmt.Fprintf(out, "%q is not one of the options; canceling.\n", line)
			return p.cancel(ctx, c)
		}
		ans.OptionID = c.Options[n-1].ID
	case connector.Code:
		line, ok := p.read(ctx, "Code: ", true)
		if !ok {
			return p.cancel(ctx, c)
		}
		ans.Text = line
	case connector.Question:
		if len(c.Questions) <= 1 {
			label := c.Prompt
			if len(c.Questions) == 1 {
				label = c.Questions[0].Prompt
			}
			line, ok := p.read(ctx, label+": ", true)
			if !ok {
				return p.cancel(ctx, c)
			}
			ans.Text = line
			break
		}
		ans.Answers = map[string]string{}
		for _, q := range c.Questions {
			line, ok := p.read(ctx, q.Prompt+": ", true)
			if !ok {
				return p.cancel(ctx, c)
			}
			ans.Answers[q.ID] = line
		}
	case connector.Approve:
		if _, ok := p.read(ctx, "Press Enter once the client has approved (or type cancel): ", false); !ok {
			// An empty line is the go-ahead here; only "cancel" or the
			// end of input cancels.
			return p.cancel(ctx, c)
		}
	}
	confirm := false
	if c.LastAttempt() {
		line, ok := p.read(ctx, "This is the last attempt before the bank locks the sign-in. Send it? (yes/no): ", false)
		if !ok || !strings.HasPrefix(strings.ToLower(line), "y") {
			return p.cancel(ctx, c)
		}
		confirm = true
	}
	err := p.a.Refresh.Answer(ctx, p.firmID, c.ID, ans, confirm)
	switch {
	case errors.Is(err, refresh.ErrChallengeExpired):
		fmt.Fprintln(out, "Too late: the bank's 180 seconds are over.")
		return nil
	case err != nil:
		return err
	}
	fmt.Fprintln(out, "Sent to the bank.")
	return nil
}

// read prompts and reads one line. ok is false at the end of input and for
// "cancel"; an empty line is also a cancel except where empty means go on
// (the approve prompt reads it as "done").
func (p *prompter) read(ctx context.Context, prompt string, secret bool) (string, bool) {
	fmt.Fprint(p.e.stdout, prompt)
	var line string
	if p.tty && secret {
		f := p.e.stdin.(*os.File)
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(p.e.stdout)
		if err != nil {
			return "", false
		}
		line = string(b)
	} else if p.tty {
		l, err := p.in.ReadString('\n')
		if err != nil && l == "" {
			return "", false
		}
		line = l
	} else {
		select {
		case l, open := <-p.lines:
			if !open {
				fmt.Fprintln(p.e.stdout)
				return "", false
			}
			line = l
		case <-ctx.Done():
			return "", false
		}
		fmt.Fprintln(p.e.stdout) // the piped answer is not echoed
	}
	line = strings.TrimSpace(line)
	if strings.EqualFold(line, "cancel") {
		return "", false
	}
	if line == "" && !strings.HasPrefix(prompt, "Press Enter") {
		return "", false
	}
	return line, true
}

func (p *prompter) cancel(ctx context.Context, c *refresh.Challenge) error {
	err := p.a.Refresh.Cancel(ctx, p.firmID, c.ID)
	if err != nil && !errors.Is(err, refresh.ErrChallengeClosed) {
		return err
	}
	fmt.Fprintln(p.e.stdout, "Canceled.")
	return nil
}

// countdown shows the seconds left on the line above the prompt, once a
// second, on a terminal; piped output gets a line at each minute instead,
// and at 30 and 10 seconds.
func (p *prompter) countdown(c *refresh.Challenge) (stop func()) {
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		last := -1
		for {
			select {
			case <-done:
				return
			case <-t.C:
			}
			left := c.SecondsLeft(p.a.Clock.Now())
			if left == last {
				continue
			}
			last = left
			if p.tty {
				// Save the cursor, write on the line above, restore.
				fmt.Fprintf(p.e.stdout, "\0337\033[1A\r\033[K  %d:%02d left\0338", left/60, left%60)
			} else if left == 120 || left == 60 || left == 30 || left == 10 {
				fmt.Fprintf(p.e.stdout, "\n  %d seconds left\n", left)
			}
			if left == 0 {
				return
			}
		}
	}()
	return func() { close(done) }
}

// report prints how the refresh ended, and fails the command unless it
// succeeded.
func (p *prompter) report(r *refresh.Refresh) error {
	out := p.e.stdout
	fmt.Fprintln(out)
	switch r.Outcome {
	case firm.StatusOK, firm.StatusAccountClosed:
		fmt.Fprintf(out, "Done: %d accounts, %d new transactions, %d updated, %d new statements, %d new check images.\n",
			r.Accounts, r.TransactionsNew, r.TransactionsUpdated, r.StatementsNew, r.ChecksNew)
		return nil
	default:
		fmt.Fprintf(out, "The refresh ended: %s.\n", r.Outcome.Message())
		if r.Detail != "" && r.Detail != r.Outcome.Message() {
			fmt.Fprintln(out, r.Detail)
		}
		return errSilent
	}
}

// errSilent fails a command whose output already said why.
var errSilent = errors.New("the refresh did not succeed")

func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// readLines delivers r line by line until its end. The goroutine ends
// with the input.
func readLines(r io.Reader) <-chan string {
	ch := make(chan string)
	go func() {
		defer close(ch)
		s := bufio.NewScanner(r)
		for s.Scan() {
			ch <- s.Text()
		}
	}()
	return ch
}
