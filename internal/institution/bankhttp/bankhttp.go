// Package bankhttp mounts the institution server's surfaces on one mux: the
// member site at /, the staff console at /staff/, OFX Direct Connect at /ofx
// (when the bank has an OFX ORG) and the aggregator JSON API at /api/v1/.
// `ledgersync bank serve`, `ledgersync demo` and the tests that need a whole
// bank build it here, so they serve the same routes.
package bankhttp

import (
	"net/http"

	"github.com/ledgersync/ledgersync/internal/institution/api"
	"github.com/ledgersync/ledgersync/internal/institution/bankapp"
	"github.com/ledgersync/ledgersync/internal/institution/console"
	"github.com/ledgersync/ledgersync/internal/institution/ofxserver"
	"github.com/ledgersync/ledgersync/internal/institution/web"
)

// Mount adds the bank's surfaces to mux. OFX is mounted only when the bank
// has an OFX ORG; Mount reports whether it was.
func Mount(mux *http.ServeMux, app *bankapp.App) (ofx bool, err error) {
	site, err := web.New(app)
	if err != nil {
		return false, err
	}
	staff, err := console.New(app)
	if err != nil {
		return false, err
	}
	jsonAPI, err := api.New(app)
	if err != nil {
		return false, err
	}
	mux.Handle("/staff/", staff)
	if app.Info.ORG != "" {
		direct, err := ofxserver.New(app)
		if err != nil {
			return false, err
		}
		mux.Handle("/ofx", direct)
		mux.Handle("/ofx/", direct)
		ofx = true
	}
	mux.Handle("/api/v1/", jsonAPI)
	mux.Handle("/", site)
	return ofx, nil
}
