package ofxserver

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"regexp"
	"strings"

	"github.com/ledgersync/ledgersync/internal/ofx"
)

// post answers one OFX request file: parse it, sign on, answer each
// transaction, and write the response in the request's version and syntax.
func (s *server) post(w http.ResponseWriter, r *http.Request) {
	if !acceptedType(r.Header.Get("Content-Type")) {
		plain(w, http.StatusUnsupportedMediaType, "Send the OFX request with Content-Type application/x-ofx.")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRequestBytes))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		plain(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("The OFX request is larger than %d bytes.", maxRequestBytes))
		return
	case err != nil:
		plain(w, http.StatusBadRequest, "The OFX request could not be read.")
		return
	}
	doc, err := ofx.Parse(bytes.NewReader(body))
	var req *ofx.Request
	if err == nil {
		req, err = ofx.DecodeRequest(doc)
	}
	if err != nil {
		plain(w, http.StatusBadRequest, "This is not an OFX request the bank can read: "+redact(err.Error(), body))
		return
	}
	version := versionOf(doc, body)
	resp, err := s.respond(r.Context(), r, req, version)
	if err != nil {
		// Errors of the engine and the store hold no secret; the request,
		// which does, is not logged.
		s.app.Logger.ErrorContext(r.Context(), "ofx request failed", "err", err)
		plain(w, http.StatusInternalServerError, "The bank could not answer this request. Try again later.")
		return
	}
	root := resp.Element()
	if version >= 200 {
		asciiText(root)
	}
	reply := ofx.NewDocument(version, root)
	for _, k := range []string{"OLDFILEUID", "NEWFILEUID"} {
		if v := doc.Header[k]; v != "" {
			reply.Header[k] = v
		}
	}
	var buf bytes.Buffer
	if version >= 200 {
		err = ofx.WriteXML(&buf, reply)
	} else {
		err = ofx.WriteSGML(&buf, reply)
	}
	if err != nil {
		s.app.Logger.ErrorContext(r.Context(), "ofx response not written", "err", err)
		plain(w, http.StatusInternalServerError, "The bank could not answer this request. Try again later.")
		return
	}
	w.Header().Set("Content-Type", "application/x-ofx")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(buf.Bytes())
}

// acceptedType accepts what OFX clients send: application/x-ofx (the
// standard), the XML types some 2.x clients use, text/plain, and nothing at
// all.
func acceptedType(header string) bool {
	if strings.TrimSpace(header) == "" {
		return true
	}
	mt, _, err := mime.ParseMediaType(header)
	if err != nil {
		return false
	}
	switch mt {
	case "application/x-ofx", "application/ofx", "text/plain", "application/xml", "text/xml", "text/ofx":
		return true
	}
	return false
}

// versionOf is the OFX version the response is written in: the request's.
// A request without a header is answered in OFX 2.1.1 XML if it is XML and
// in 1.0.2 SGML otherwise.
func versionOf(doc *ofx.Document, body []byte) int {
	if doc.Version != 0 {
		return doc.Version
	}
	if bytes.Contains(body[:min(len(body), 1024)], []byte("<?xml")) {
		return 211
	}
	return 102
}

// secretValue finds the values of the elements that hold secrets in a raw
// request, closed or not.
var secretValue = regexp.MustCompile(`(?i)<(?:USERPASS|NEWUSERPASS|USERKEY|USERCRED1|USERCRED2|AUTHTOKEN|ACCESSTOKEN|ACCESSKEY|SESSCOOKIE|MFAPHRASEA)>\s*([^<\r\n]*)`)

// redact removes from msg, an error about the request body, any secret of
// the body it may quote (the parser quotes up to 40 bytes of stray text).
func redact(msg string, body []byte) string {
	for _, m := range secretValue.FindAllSubmatch(body, -1) {
		v := strings.TrimSpace(string(m[1]))
		if v == "" {
			continue
		}
		msg = strings.ReplaceAll(msg, v, "[redacted]")
		if len(v) > 40 {
			msg = strings.ReplaceAll(msg, v[:40], "[redacted]")
		}
	}
	return msg
}

// plain writes a plain-text error.
func plain(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, msg+"\n")
}
