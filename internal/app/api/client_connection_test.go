package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/ledgersync/ledgersync/internal/connector"
	"github.com/ledgersync/ledgersync/internal/firm"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

// Clients are created, read, changed field by field and deleted; a refused
// field is named, and a request with a field the API does not take is
// refused rather than half-applied.
func TestClients(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, options{})
		tok := e.newStaff("Ledger & Co", "pat@ledger.example").token

		var c clientJSON
		e.do(http.MethodPost, "/api/v1/clients", map[string]any{"name": " Zed Corp ", "email": "books@zed.example", "phone": "202-555-0188"}, tok).
			must(t, http.StatusCreated).decode(t, &c)
		if c.Name != "Zed Corp" || c.Email != "books@zed.example" || c.Phone != "+12025550188" {
			t.Errorf("created %+v", c)
		}
		e.createClient(tok, "Acme Ltd")

		for _, tc := range []struct {
			name, method, path string
			body               any
			status             int
			code               string
			fields             []string
		}{
			{"no name", "POST", "/api/v1/clients", map[string]any{"email": "x@y.example"}, 400, "invalid_parameter", []string{"name"}},
			{"bad email and phone", "POST", "/api/v1/clients", map[string]any{"name": "N", "email": "not an email", "phone": "12"}, 400, "invalid_parameter", []string{"email", "phone"}},
			{"unknown field", "POST", "/api/v1/clients", map[string]any{"name": "N", "nickname": "Zee"}, 400, "invalid_parameter", []string{"nickname"}},
			{"name a number", "POST", "/api/v1/clients", map[string]any{"name": 5}, 400, "invalid_parameter", []string{"name"}},
			{"not an object", "POST", "/api/v1/clients", `["Zed"]`, 400, "invalid_request", nil},
			{"two objects", "POST", "/api/v1/clients", `{"name": "A"} {"name": "B"}`, 400, "invalid_request", nil},
			{"patch a bad email", "PATCH", "/api/v1/clients/" + itoa(c.ID), map[string]any{"email": "nope"}, 400, "invalid_parameter", []string{"email"}},
			{"an id that is no number", "GET", "/api/v1/clients/zed", nil, 404, "not_found", nil},
			{"PUT is no method here", "PUT", "/api/v1/clients/" + itoa(c.ID), map[string]any{"name": "x"}, 405, "method_not_allowed", nil},
		} {
			r := e.do(tc.method, tc.path, tc.body, tok).mustError(t, tc.status, tc.code)
			var got struct {
				Fields []struct {
					Field string `json:"field"`
				} `json:"fields"`
			}
			r.decode(t, &got)
			var names []string
			for _, f := range got.Fields {
				names = append(names, f.Field)
				if !strings.Contains(r.Message, f.Field) {
					t.Errorf("%s: the message %q does not name %s", tc.name, r.Message, f.Field)
				}
			}
			if strings.Join(names, ",") != strings.Join(tc.fields, ",") {
				t.Errorf("%s: fields %v, want %v (%s)", tc.name, names, tc.fields, r.Body)
			}
		}

		var changed clientJSON
		e.do(http.MethodPatch, "/api/v1/clients/"+itoa(c.ID), map[string]any{"phone": ""}, tok).must(t, http.StatusOK).decode(t, &changed)
		if changed.Name != "Zed Corp" || changed.Email != "books@zed.example" || changed.Phone != "" {
			t.Errorf("after clearing the phone: %+v", changed)
		}
		var list struct {
			Clients []clientJSON `json:"clients"`
		}
		e.do(http.MethodGet, "/api/v1/clients", nil, tok).must(t, http.StatusOK).decode(t, &list)
		if len(list.Clients) != 2 || list.Clients[0].Name != "Acme Ltd" || list.Clients[1] != changed {
			t.Errorf("clients: %+v", list.Clients)
		}
		e.do(http.MethodDelete, "/api/v1/clients/"+itoa(c.ID), nil, tok).must(t, http.StatusNoContent)
		e.do(http.MethodGet, "/api/v1/clients/"+itoa(c.ID), nil, tok).mustError(t, http.StatusNotFound, "not_found")
		e.do(http.MethodDelete, "/api/v1/clients/"+itoa(c.ID), nil, tok).mustError(t, http.StatusNotFound, "not_found")
	})
}

// A connection is made with credentials that are sealed and never shown
// back, not even in a refusal; new credentials or shared answers replace the
// old; the directory is searched by name.
func TestConnections(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, options{})
		ctx := context.Background()
		s := e.newStaff("Ledger & Co", "pat@ledger.example")
		tok := s.token
		inst, err := firm.AddInstitution(ctx, db.Writer(), firm.Institution{Name: "Riverside Credit Union", Kind: connector.InstAPI, APIURL: "https://riverside.example/api/v1"}, e.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := firm.AddInstitution(ctx, db.Writer(), firm.Institution{Name: "First National", Kind: connector.OFX, OFXURL: "https://fn.example/ofx", OFXOrg: "FN", OFXFID: "1"}, e.clock.Now()); err != nil {
			t.Fatal(err)
		}
		var dir struct {
			Institutions []struct {
				ID   int64  `json:"id"`
				Name string `json:"name"`
				Kind string `json:"kind"`
			} `json:"institutions"`
		}
		e.do(http.MethodGet, "/api/v1/institutions?q=RIVER", nil, tok).must(t, http.StatusOK).decode(t, &dir)
		if len(dir.Institutions) != 1 || dir.Institutions[0].ID != inst.ID || dir.Institutions[0].Kind != "instapi" {
			t.Errorf("directory search: %+v", dir.Institutions)
		}
		e.do(http.MethodGet, "/api/v1/institutions?limit=0", nil, tok).mustError(t, http.StatusBadRequest, "invalid_parameter")

		client := e.createClient(tok, "Zed Corp")
		secret, answer := "Sup3r-secret-bank-pw", "Mrs Whiskers"
		e.keep(secret)
		e.keep(answer)
		r := e.do(http.MethodPost, "/api/v1/connections", map[string]any{
			"client_id": client.ID, "institution_id": inst.ID, "password": secret, "contact_phone": "12", "schedule": "hourly",
		}, tok).mustError(t, http.StatusBadRequest, "invalid_parameter")
		for _, f := range []string{"username", "contact_phone", "schedule"} {
			if !strings.Contains(r.Message, f) {
				t.Errorf("the refusal %q does not name %s", r.Message, f)
			}
		}
		e.do(http.MethodPost, "/api/v1/connections", map[string]any{"client_id": client.ID, "institution_id": inst.ID + 100, "username": "zed", "password": secret}, tok).
			mustError(t, http.StatusNotFound, "not_found")

		var conn connectionJSON
		e.do(http.MethodPost, "/api/v1/connections", map[string]any{
			"client_id": client.ID, "institution_id": inst.ID, "label": "Operating", "username": "zedcorp", "password": secret,
			"shared_answers": map[string]string{"Name of your first pet?": answer}, "restricted": true, "contact_phone": "+1 202 555 0199", "schedule": "weekly",
		}, tok).must(t, http.StatusCreated).decode(t, &conn)
		if conn.Label != "Operating" || !conn.Restricted || conn.ContactPhone != "+12025550199" || conn.Schedule != "weekly" ||
			!conn.HasSharedAnswers || conn.Status != "new" || conn.StatusMessage == "" {
			t.Errorf("created %+v", conn)
		}
		secrets := func() *firm.Secrets {
			t.Helper()
			got, err := firm.ConnectionSecrets(ctx, db.Reader(), e.ls.Box, s.firm.ID, conn.ID)
			if err != nil {
				t.Fatal(err)
			}
			return got
		}
		if got := secrets(); got.Credentials != (connector.Credentials{Username: "zedcorp", Password: secret}) || got.SharedAnswers["Name of your first pet?"] != answer {
			t.Error("the credentials or shared answers were not stored as given")
		}

		// A new password alone keeps the username; {} removes the shared
		// answers; a refused field changes nothing.
		newSecret := "An0ther-secret-pw"
		e.keep(newSecret)
		e.do(http.MethodPatch, "/api/v1/connections/"+itoa(conn.ID), map[string]any{"label": "Renamed", "password": newSecret, "schedule": "fortnightly"}, tok).
			mustError(t, http.StatusBadRequest, "invalid_parameter")
		if got := secrets(); got.Credentials.Password != secret {
			t.Error("a refused update changed the password")
		}
		var changed connectionJSON
		e.do(http.MethodPatch, "/api/v1/connections/"+itoa(conn.ID), map[string]any{"password": newSecret, "shared_answers": map[string]string{}}, tok).
			must(t, http.StatusOK).decode(t, &changed)
		if changed.Label != "Operating" || changed.Schedule != "weekly" || changed.HasSharedAnswers {
			t.Errorf("after the update: %+v", changed)
		}
		if got := secrets(); got.Credentials != (connector.Credentials{Username: "zedcorp", Password: newSecret}) || got.SharedAnswers != nil {
			t.Error("the new password or the removal of the shared answers was not stored")
		}

		var list struct {
			Connections []connectionJSON `json:"connections"`
		}
		e.do(http.MethodGet, "/api/v1/connections?client_id="+itoa(client.ID)+"&status=new", nil, tok).must(t, http.StatusOK).decode(t, &list)
		if len(list.Connections) != 1 || list.Connections[0].ID != conn.ID {
			t.Errorf("connections: %+v", list.Connections)
		}
		e.do(http.MethodGet, "/api/v1/connections?status=ok", nil, tok).must(t, http.StatusOK).decode(t, &list)
		if len(list.Connections) != 0 {
			t.Errorf("connections with status ok: %+v", list.Connections)
		}
		e.do(http.MethodGet, "/api/v1/connections?status=fine", nil, tok).mustError(t, http.StatusBadRequest, "invalid_parameter")
		e.do(http.MethodGet, "/api/v1/connections?client_id=abc", nil, tok).mustError(t, http.StatusBadRequest, "invalid_parameter")

		got := e.getConnection(tok, conn.ID)
		if got.Challenge != nil || got.Refresh != nil || got.Accounts == nil || len(got.Accounts) != 0 {
			t.Errorf("a connection never refreshed: %+v", got)
		}
		e.do(http.MethodDelete, "/api/v1/connections/"+itoa(conn.ID), nil, tok).must(t, http.StatusNoContent)
		e.do(http.MethodGet, "/api/v1/connections/"+itoa(conn.ID), nil, tok).mustError(t, http.StatusNotFound, "not_found")
	})
}
