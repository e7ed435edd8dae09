package ofx

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ErrMessage is wrapped by every error of DecodeRequest and DecodeResponse
// about a missing or malformed element.
var ErrMessage = errors.New("ofx: bad message")

// decoder reads typed fields from a tree, keeping the first error with the
// element path and line where it happened.
type decoder struct{ err error }

func (d *decoder) fail(e *Element, path []string, format string, args ...any) {
	if d.err != nil {
		return
	}
	where := ""
	if e != nil {
		where = fmt.Sprintf("line %d: ", e.Line)
	}
	d.err = fmt.Errorf("%w: %s<%s>: %s", ErrMessage, where, strings.Join(path, "/"), fmt.Sprintf(format, args...))
}

// leafAt returns the leaf at path under e, and the element to report.
func leafAt(e *Element, path []string) (*Element, string, bool) {
	f := e.Find(path...)
	if f == nil {
		return e, "", false
	}
	return f, f.Value, true
}

func (d *decoder) str(e *Element, path ...string) string {
	_, v, _ := leafAt(e, path)
	return v
}

func (d *decoder) reqStr(e *Element, path ...string) string {
	at, v, _ := leafAt(e, path)
	if v == "" {
		d.fail(at, fullPath(e, path), "missing or empty")
	}
	return v
}

func (d *decoder) date(e *Element, path ...string) time.Time {
	at, v, _ := leafAt(e, path)
	if v == "" {
		return time.Time{}
	}
	t, err := ParseDate(v)
	if err != nil {
		d.fail(at, fullPath(e, path), "%v", err)
	}
	return t
}

func (d *decoder) reqDate(e *Element, path ...string) time.Time {
	at, v, _ := leafAt(e, path)
	if v == "" {
		d.fail(at, fullPath(e, path), "missing or empty date")
		return time.Time{}
	}
	return d.date(e, path...)
}

func (d *decoder) reqAmount(e *Element, path ...string) int64 {
	at, v, _ := leafAt(e, path)
	n, err := ParseAmount(v)
	if err != nil {
		d.fail(at, fullPath(e, path), "%v", err)
	}
	return n
}

func (d *decoder) boolean(e *Element, path ...string) bool {
	at, v, _ := leafAt(e, path)
	switch strings.ToUpper(v) {
	case "Y":
		return true
	case "", "N":
		return false
	}
	d.fail(at, fullPath(e, path), "%q is not Y or N", truncate(v))
	return false
}

func (d *decoder) integer(e *Element, path ...string) int {
	at, v, _ := leafAt(e, path)
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		d.fail(at, fullPath(e, path), "%q is not a whole number", truncate(v))
	}
	return n
}

func fullPath(e *Element, path []string) []string {
	return append([]string{e.Name}, path...)
}

func yn(b bool) string {
	if b {
		return "Y"
	}
	return "N"
}

// optLeaf returns a leaf, or nil for an empty value (optional element).
func optLeaf(name, value string) *Element {
	if value == "" {
		return nil
	}
	return Leaf(name, value)
}

func optDate(name string, t time.Time) *Element {
	if t.IsZero() {
		return nil
	}
	return Leaf(name, FormatDate(t))
}

func optFlag(name string, b bool) *Element {
	if !b {
		return nil
	}
	return Leaf(name, "Y")
}

func optInt(name string, n int) *Element {
	if n == 0 {
		return nil
	}
	return Leaf(name, strconv.Itoa(n))
}

func itoa(n int) string { return strconv.Itoa(n) }
