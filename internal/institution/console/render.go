package console

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ledgersync/ledgersync/internal/institution"
)

//go:embed templates/*.html
var templateFS embed.FS

// pages are the console's templates, each page parsed with the layout.
type pages struct {
	byName map[string]*template.Template
}

// parsePages parses every page once, at construction.
func parsePages() (*pages, error) {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("console: list templates: %w", err)
	}
	p := &pages{byName: make(map[string]*template.Template)}
	for _, name := range names {
		base := strings.TrimPrefix(name, "templates/")
		if base == "layout.html" {
			continue
		}
		t, err := template.New(base).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", name)
		if err != nil {
			return nil, fmt.Errorf("console: parse %s: %w", base, err)
		}
		p.byName[base] = t
	}
	return p, nil
}

// view is what every page gets: the layout's facts and the page's Data.
type view struct {
	Title  string
	Nav    string // the section the page belongs to: members, activity, policy
	Bank   string
	Staff  *institution.Staff
	CSRF   string
	Notice string // a confirmation of what was just done
	Error  string // what went wrong, for the employee
	Data   any
}

// render writes page into a buffer and then to w, so a template error
// never sends half a page.
func (c *Console) render(w http.ResponseWriter, r *http.Request, status int, page string, v *view) error {
	t, ok := c.pages.byName[page]
	if !ok {
		return fmt.Errorf("console: no page %q", page)
	}
	v.Bank = c.app.Info.Name
	v.CSRF = c.app.StaffSessions.CSRFToken(r)
	if v.Staff == nil {
		v.Staff = staffFrom(r.Context())
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		return fmt.Errorf("console: render %s: %w", page, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, err := buf.WriteTo(w)
	return err
}

// redirect sends the browser to path with a GET (after a POST).
func redirect(w http.ResponseWriter, r *http.Request, path string) error {
	http.Redirect(w, r, path, http.StatusSeeOther)
	return nil
}

var funcs = template.FuncMap{
	"when":     when,
	"day":      func(t time.Time) string { return dateOr(t, "2006-01-02") },
	"money":    money,
	"duration": humanDuration,
	"detail":   detail,
	"phone":    phoneNumber,
}

// phoneNumber shows an E.164 number the way staff read it back: North
// American numbers as "(202) 555-0101", others as stored.
func phoneNumber(e164 string) string {
	if len(e164) == 12 && strings.HasPrefix(e164, "+1") && strings.Trim(e164[1:], "0123456789") == "" {
		d := e164[2:]
		return "(" + d[:3] + ") " + d[3:6] + "-" + d[6:]
	}
	return e164
}

// when is a time as staff read it, in UTC; "—" for none.
func when(t time.Time) string { return dateOr(t, "2006-01-02 15:04 UTC") }

func dateOr(t time.Time, layout string) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format(layout)
}

// money formats minor units as dollars: 123456 → "$1,234.56", -500 →
// "−$5.00".
func money(minor int64) string {
	sign := ""
	if minor < 0 {
		sign, minor = "−", -minor
	}
	whole := strconv.FormatInt(minor/100, 10)
	var b strings.Builder
	for i, d := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	return fmt.Sprintf("%s$%s.%02d", sign, b.String(), minor%100)
}

// humanDuration says a duration the way a policy states it: "24 hours",
// "5 minutes", "7 days", "90 seconds".
func humanDuration(d time.Duration) string {
	unit := func(n int64, one string) string {
		if n == 1 {
			return "1 " + one
		}
		return strconv.FormatInt(n, 10) + " " + one + "s"
	}
	switch {
	case d == 0:
		return "0"
	case d%(24*time.Hour) == 0 && d >= 48*time.Hour:
		return unit(int64(d/(24*time.Hour)), "day")
	case d%time.Hour == 0:
		return unit(int64(d/time.Hour), "hour")
	case d%time.Minute == 0:
		return unit(int64(d/time.Minute), "minute")
	case d%time.Second == 0:
		return unit(int64(d/time.Second), "second")
	}
	return d.String()
}

// detail renders an audit event's details as "key=value" pairs, sorted.
func detail(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, k+"="+m[k])
	}
	return strings.Join(parts, ", ")
}
