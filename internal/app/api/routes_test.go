package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/ledgersync/ledgersync/internal/app/api"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

// Every error is JSON with a stable code, unknown routes and methods
// included, and every response carries the security headers; the OpenAPI
// document is served as it is in the repository.
func TestErrorsAndHeaders(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, options{})
		tok := e.newStaff("Ledger & Co", "pat@ledger.example").token
		for _, tc := range []struct {
			method, path string
			status       int
			code         string
		}{
			{"GET", "/api/v1/nothing-here", http.StatusNotFound, "not_found"},
			{"GET", "/api/v1/", http.StatusNotFound, "not_found"},
			{"GET", "/api/v1/tokens", http.StatusMethodNotAllowed, "method_not_allowed"},
			{"PUT", "/api/v1/clients", http.StatusMethodNotAllowed, "method_not_allowed"},
			{"GET", "/api/v1/clients/-1", http.StatusNotFound, "not_found"},
			{"GET", "/api/v1/transactions/1/checks/middle", http.StatusNotFound, "not_found"},
			{"GET", "/api/v1/accounts", http.StatusUnauthorized, "unauthenticated"},
		} {
			r := e.do(tc.method, tc.path, nil, tok)
			if tc.code == "unauthenticated" {
				r = e.do(tc.method, tc.path, nil, "")
			}
			r.mustError(t, tc.status, tc.code)
			if tc.status == http.StatusMethodNotAllowed && r.Header.Get("Allow") == "" {
				t.Errorf("%s %s: 405 without Allow", tc.method, tc.path)
			}
			for h, want := range map[string]string{"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"} {
				if got := r.Header.Get(h); got != want {
					t.Errorf("%s %s: %s %q, want %q", tc.method, tc.path, h, got, want)
				}
			}
		}
		e.do(http.MethodPost, "/api/v1/clients", `{"name": "x"}`, tok).must(t, http.StatusCreated)
		req := e.do(http.MethodPost, "/api/v1/tokens", nil, "")
		req.mustError(t, http.StatusBadRequest, "invalid_parameter")

		doc := e.do(http.MethodGet, "/api/v1/openapi.json", nil, "").must(t, http.StatusOK)
		raw, err := os.ReadFile("openapi.json")
		if err != nil {
			t.Fatal(err)
		}
		if doc.Header.Get("Content-Type") != "application/json" || !bytes.Equal(doc.Body, raw) {
			t.Fatalf("openapi.json served as %q, %d bytes; want the file's %d", doc.Header.Get("Content-Type"), len(doc.Body), len(raw))
		}
	})
}

// openapi.json documents exactly the routes the handler serves, each with
// an operationId and its responses, every error as the Error schema, and
// every reference it makes resolves.
func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	type content map[string]struct {
		Schema struct {
			Ref string `json:"$ref"`
		} `json:"schema"`
	}
	var doc struct {
		OpenAPI string `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage
		// Components are read as a whole to resolve references.
		Components struct {
			Responses map[string]struct {
				Content content `json:"content"`
			} `json:"responses"`
		} `json:"components"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.1.") {
		t.Fatalf("openapi %q, want 3.1.x", doc.OpenAPI)
	}
	var documented []string
	for path, ops := range doc.Paths {
		for method, rawOp := range ops {
			if method == "parameters" || method == "summary" || method == "description" {
				continue
			}
			var op struct {
				OperationID string `json:"operationId"`
				Responses   map[string]struct {
					Ref     string  `json:"$ref"`
					Content content `json:"content"`
				} `json:"responses"`
			}
			if err := json.Unmarshal(rawOp, &op); err != nil {
				t.Fatalf("%s %s: %v", method, path, err)
			}
			pattern := strings.ToUpper(method) + " " + path
			documented = append(documented, pattern)
			if op.OperationID == "" || len(op.Responses) == 0 {
				t.Errorf("%s: no operationId or responses", pattern)
			}
			for status, res := range op.Responses {
				if status[0] != '4' && status[0] != '5' {
					continue
				}
				ref := res.Content["application/json"].Schema.Ref
				if res.Ref != "" {
					ref = doc.Components.Responses[strings.TrimPrefix(res.Ref, "#/components/responses/")].Content["application/json"].Schema.Ref
				}
				if ref != "#/components/schemas/Error" {
					t.Errorf("%s %s: an error response that is not the Error schema (%q)", pattern, status, ref)
				}
			}
		}
	}
	served := api.Routes()
	slices.Sort(documented)
	slices.Sort(served)
	if !slices.Equal(documented, served) {
		t.Fatalf("openapi.json documents\n%s\nthe handler serves\n%s", strings.Join(documented, "\n"), strings.Join(served, "\n"))
	}

	var whole map[string]any
	if err := json.Unmarshal(raw, &whole); err != nil {
		t.Fatal(err)
	}
	for _, m := range regexp.MustCompile(`"\$ref": "#/([^"]+)"`).FindAllStringSubmatch(string(raw), -1) {
		var at any = whole
		for _, part := range strings.Split(m[1], "/") {
			obj, ok := at.(map[string]any)
			if !ok {
				at = nil
				break
			}
			at = obj[part]
		}
		if at == nil {
			t.Errorf("reference #/%s resolves to nothing", m[1])
		}
	}
}
