// Package browsertest starts a real headless Chromium (Debian's `chromium`,
// driven over the DevTools protocol by chromedp) for the tests of the HTML
// surfaces. A test that needs a browser calls New; without Chromium on the
// machine the test is skipped with a message saying what to install
// (`.ci/run` installs it, so CI never skips).
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Timeout bounds one browser test, so a page that never shows what a test
// waits for fails instead of hanging. It is not a timing assertion.
const Timeout = 2 * time.Minute

// New returns a browser tab's context, closed with the test.
func New(t testing.TB) context.Context {
	t.Helper()
	exe := chromiumPath()
	if exe == "" {
		t.Skip("browser tier skipped: no chromium on PATH (apt-get install chromium; .ci/run does)")
	}
	// A loaded machine sometimes loses a Chromium at start-up (it crashes
	// before the DevTools pipe is up); starting it again is what a person
	// would do, so a start is tried three times before the test fails.
	var lastErr error
	for range 3 {
		opts := append(chromedp.DefaultExecAllocatorOptions[:],
			chromedp.ExecPath(exe),
			chromedp.NoSandbox, // CI runs as root
			chromedp.Flag("disable-gpu", true),
			chromedp.Flag("disable-quic", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
			chromedp.UserDataDir(t.TempDir()),
			chromedp.WindowSize(1280, 900),
		)
		ctx, cancel := context.WithTimeout(context.Background(), Timeout)
		actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
		bctx, cancelBrowser := chromedp.NewContext(actx)
		stop := func() {
			cancelBrowser()
			cancelAlloc()
			cancel()
		}
		if lastErr = chromedp.Do(bctx); lastErr != nil { // starts the browser and opens its tab
			stop()
			continue
		}
		t.Cleanup(stop)
		return bctx
	}
	t.Fatalf("browsertest: chromium did not start three times: %v", lastErr)
	return nil
}

func chromiumPath() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// Screenshot saves a full-page PNG as test-artifacts/<name>.png under the
// repository root (a directory git ignores), for people to look at.
func Screenshot(t testing.TB, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // quality 100 is PNG; below it, JPEG
	if err != nil {
		t.Errorf("screenshot %s: %v", name, err)
		return
	}
	dir := artifactDir()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Errorf("screenshot %s: %v", name, err)
		return
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Errorf("screenshot %s: %v", name, err)
	}
}

// artifactDir is test-artifacts at the module root.
func artifactDir() string {
	dir, err := os.Getwd()
	if err != nil {
		return "test-artifacts"
	}
	for d := dir; d != filepath.Dir(d); d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return filepath.Join(d, "test-artifacts")
		}
	}
	return filepath.Join(dir, "test-artifacts")
}
