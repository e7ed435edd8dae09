package ofxinterop

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/institution/bankseed"
	"github.com/ledgersync/ledgersync/internal/ofx"
)

// toolTimeout bounds one run of a client: each answers in well under a
// second; a hung client must fail its test, not the whole run.
const toolTimeout = 60 * time.Second

// need skips the test when program, from the Debian package pkg, is not
// installed, and returns its path.
func need(t *testing.T, program, pkg string) string {
	t.Helper()
	path, err := exec.LookPath(program)
	if err != nil {
		t.Skipf("%s is not installed (apt-get install %s)", program, pkg)
	}
	return path
}

// debianPython returns Debian's own python3 when it can import every one of
// modules (Debian's python3-* packages load only in that interpreter), or
// skips the test naming the missing package.
func debianPython(t *testing.T, modules map[string]string) string {
	t.Helper()
	py := "/usr/bin/python3"
	if _, err := os.Stat(py); err != nil {
		py = need(t, "python3", "python3")
	}
	for mod, pkg := range modules {
		if out, err := exec.Command(py, "-c", "import "+mod).CombinedOutput(); err != nil {
			t.Skipf("%s cannot import %s (apt-get install %s): %s", py, mod, pkg, strings.TrimSpace(string(out)))
		}
	}
	return py
}

// tool runs a client program: with TZ=UTC (the clients turn "now minus N
// days" into a local date, the bank keeps UTC dates), extra environment,
// and a time limit.
type tool struct {
	t   *testing.T
	env []string
	dir string
}

// run runs name with args and returns its standard output and error. A
// failure ends the test with the program's own words, the demo password
// blotted out (ofxconnect echoes it on stderr, and prints it in the
// request): callers log a program's output only through scrub.
func (tl tool) run(name string, args ...string) (stdout, stderr string) {
	tl.t.Helper()
	stdout, stderr, err := tl.try(name, args...)
	if err != nil {
		tl.t.Fatalf("%s %s: %v\nstdout:\n%s\nstderr:\n%s", name, firstArg(args), err, scrub(stdout), scrub(stderr))
	}
	return stdout, stderr
}

// try is run that returns the error instead of ending the test.
func (tl tool) try(name string, args ...string) (stdout, stderr string, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), toolTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(append(os.Environ(), "TZ=UTC", "LC_ALL=C.UTF-8"), tl.env...)
	cmd.Dir = tl.dir
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		err = errors.New("timed out after " + toolTimeout.String())
	}
	return out.String(), errb.String(), err
}

// firstArg names a command's subcommand in an error without its other
// arguments (which may carry the password).
func firstArg(args []string) string {
	for _, a := range args {
		if !strings.HasPrefix(a, "-") {
			return a
		}
	}
	return ""
}

// scrub blots the demo password out of a client's output before it can
// reach a test log.
func scrub(s string) string { return strings.ReplaceAll(s, bankseed.DemoPassword, "<password>") }

// cents reads an amount as a client printed it ("-12.34", "1234.5").
func cents(t *testing.T, what, s string) int64 {
	t.Helper()
	n, err := ofx.ParseAmount(strings.TrimSpace(s))
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return n
}

// sameTransactions reports how the client's FITID → amount list differs
// from the database's, or "" when they are the same.
func sameTransactions(got, want map[string]int64) string {
	var diffs []string
	for id, amt := range want {
		g, ok := got[id]
		switch {
		case !ok:
			diffs = append(diffs, "missing "+id+" ("+ofx.FormatAmount(amt)+")")
		case g != amt:
			diffs = append(diffs, id+": "+ofx.FormatAmount(g)+", want "+ofx.FormatAmount(amt))
		}
	}
	for id, amt := range got {
		if _, ok := want[id]; !ok {
			diffs = append(diffs, "unexpected "+id+" ("+ofx.FormatAmount(amt)+")")
		}
	}
	if len(diffs) > 10 {
		diffs = append(diffs[:10], "…"+itoa(len(diffs)-10)+" more")
	}
	return strings.Join(diffs, "; ")
}

func q(s string) string { return strconv.Quote(s) }

func itoa(n int) string { return strconv.Itoa(n) }
