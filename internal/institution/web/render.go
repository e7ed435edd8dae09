package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/ledgersync/ledgersync/internal/security/session"
)

//go:embed templates
var templateFS embed.FS

// parsePages parses every page once, at construction: each page is the
// layout and the shared partials with the page's own "content".
func parsePages() (map[string]*template.Template, error) {
	base, err := template.New("layout.html").Funcs(funcs()).ParseFS(templateFS, "templates/layout.html", "templates/partials.html")
	if err != nil {
		return nil, fmt.Errorf("parse the layout: %w", err)
	}
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := make(map[string]*template.Template, len(files))
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if name == "layout" || name == "partials" {
			continue
		}
		t, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := t.ParseFS(templateFS, f); err != nil {
			return nil, fmt.Errorf("parse page %s: %w", name, err)
		}
		pages[name] = t
	}
	return pages, nil
}

func funcs() template.FuncMap {
	return template.FuncMap{
		"money": money,
		"date":  func(t time.Time) string { return t.Format("Jan 2, 2006") },
		"datetime": func(t time.Time) string {
			return t.UTC().Format("Jan 2, 2006 15:04 UTC")
		},
		"isodate": func(t time.Time) string { return t.Format("2006-01-02") },
	}
}

// money formats minor units as dollars: -1234 is "-$12.34".
func money(minor int64) string {
	sign := ""
	if minor < 0 {
		sign = "-"
		minor = -minor
	}
	whole, cents := minor/100, minor%100
	digits := fmt.Sprint(whole)
	var b strings.Builder
	for i, r := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return fmt.Sprintf("%s$%s.%02d", sign, b.String(), cents)
}

// view is what the layout needs on every page, with the page's own Data.
type view struct {
	Bank      string
	Phone     string
	Title     string
	CSRF      string
	Watermark *Watermark // shown once known: after the username, and on every signed-in page
	Signed    bool       // a member is signed in: navigation and the idle warning
	Name      string     // the signed-in member's first name
	ReadOnly  bool       // a delegate's read-only access
	Demo      bool
	Nav       string // the current section, for aria-current
	Notice    string
	Error     string
	Data      any
}

// newView starts the view of a page for the request.
func (s *site) newView(r *http.Request, title string) *view {
	v := &view{
		Bank: s.app.Info.Name, Phone: s.app.Info.Phone, Title: title,
		CSRF: s.app.MemberSessions.CSRFToken(r), Demo: s.app.Info.Demo,
	}
	if me, ok := r.Context().Value(memberKey{}).(*signedIn); ok {
		v.Signed, v.Name, v.ReadOnly = true, me.FirstName(), me.Delegate != nil
		v.Watermark = me.Watermark
	}
	return v
}

// render executes the page into a buffer and only then writes it, so a
// template error becomes an error page, not half a page.
func (s *site) render(w http.ResponseWriter, status int, page string, v *view) error {
	t, ok := s.pages[page]
	if !ok {
		return fmt.Errorf("web: no page %q", page)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		return fmt.Errorf("web: render %s: %w", page, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

// redirect answers a form with 303 See Other, so reloading the next page
// does not post the form again.
func redirect(w http.ResponseWriter, r *http.Request, to string) error {
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// sessionOf returns the request's session, if it has one.
func sessionOf(r *http.Request) (*session.Session, bool) {
	return session.FromContext(r.Context())
}
