package web

import (
	"net/http"
	"strings"
)

// trimmed is a form field without the spaces around it.
func trimmed(r *http.Request, field string) string { return strings.TrimSpace(r.PostFormValue(field)) }
