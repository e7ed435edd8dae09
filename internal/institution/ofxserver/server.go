package ofxserver

import (
	"errors"
	"net/http"
	"time"

	"github.com/ledgersync/ledgersync/internal/institution/bankapp"
)

const (
	// maxRequestBytes bounds a request body: an OFX request is a few
	// kilobytes, and the server must not buffer without limit.
	maxRequestBytes = 1 << 20
	// imageLinkTTL is how long an IMAGEREF link opens its image: long enough
	// for a program to fetch the images of the statement it just downloaded,
	// short enough that a link copied from a saved file is useless.
	imageLinkTTL = 5 * time.Minute
)

// server is the OFX door of one bank.
type server struct {
	app *bankapp.App
	// profileUpdated is the profile's DTPROFUP: the server's start, so that
	// clients fetch the profile again after a restart that may have changed
	// the policy it describes.
	profileUpdated time.Time
}

// New returns the OFX Direct Connect handler of app: POST /ofx and GET
// /ofx/images/{token}. Mount it at "/ofx" and "/ofx/".
func New(app *bankapp.App) (http.Handler, error) {
	switch {
	case app == nil || app.DB == nil || app.Clock == nil || app.Members == nil:
		return nil, errors.New("ofxserver: the bank's database, clock and member engine are required")
	case len(app.LinkKey) < 32:
		return nil, errors.New("ofxserver: a 32-byte link key is required to sign image links")
	case app.Info.ORG == "":
		return nil, errors.New("ofxserver: the bank has no OFX ORG (--ofx-org)")
	}
	s := &server{app: app, profileUpdated: app.Clock.Now().UTC().Truncate(time.Second)}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /ofx", s.post)
	mux.HandleFunc("GET /ofx/images/{token}", s.image)
	return mux, nil
}
