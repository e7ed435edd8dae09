package api_test

import (
	"encoding/json"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/ledgersync/ledgersync/internal/institution/api"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

// Every error is JSON with a stable code, unknown routes and methods
// included, and every response carries the security headers.
func TestErrorsAndHeaders(t *testing.T) {
	t.Parallel()
	b := newBank(t, storetest.Open(t, store.SQLite))
	for _, tc := range []struct {
		method, path string
		status       int
		code         string
	}{
		{"GET", "/api/v1/nothing-here", http.StatusNotFound, "not_found"},
		{"GET", "/api/v1/", http.StatusNotFound, "not_found"},
		{"GET", "/api/v1/sessions", http.StatusMethodNotAllowed, "method_not_allowed"},
		{"PUT", "/api/v1/accounts", http.StatusMethodNotAllowed, "method_not_allowed"},
		{"POST", "/api/v1/challenges/x", http.StatusNotFound, "not_found"},
		{"GET", "/api/v1/accounts", http.StatusUnauthorized, "unauthenticated"},
	} {
		r := b.do(tc.method, tc.path, nil, "").mustError(t, tc.status, tc.code)
		if tc.status == http.StatusMethodNotAllowed && r.Header.Get("Allow") == "" {
			t.Errorf("%s %s: 405 without Allow", tc.method, tc.path)
		}
		for h, want := range map[string]string{"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"} {
			if got := r.Header.Get(h); got != want {
				t.Errorf("%s %s: %s %q, want %q", tc.method, tc.path, h, got, want)
			}
		}
	}
	doc := b.do("GET", "/api/v1/openapi.json", nil, "").must(t, http.StatusOK)
	if doc.Header.Get("Content-Type") != "application/json" || !json.Valid(doc.Body) {
		t.Fatalf("openapi.json: %s", doc.Header.Get("Content-Type"))
	}
}

// openapi.json documents exactly the routes the handler serves, each with
// its responses, and every error as the Error schema.
func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		OpenAPI string `json:"openapi"`
		Paths   map[string]map[string]struct {
			OperationID string `json:"operationId"`
			Responses   map[string]struct {
				Ref     string `json:"$ref"`
				Content map[string]struct {
					Schema struct {
						Ref string `json:"$ref"`
					} `json:"schema"`
				} `json:"content"`
			} `json:"responses"`
		} `json:"paths"`
		Components struct {
			Schemas   map[string]any `json:"schemas"`
			Responses map[string]struct {
				Content map[string]struct {
					Schema struct {
						Ref string `json:"$ref"`
					} `json:"schema"`
				} `json:"content"`
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
		for method, op := range ops {
			if method == "parameters" || method == "summary" || method == "description" {
				continue
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
				ref := res.Ref
				if ref != "" {
					name := strings.TrimPrefix(ref, "#/components/responses/")
					shared, ok := doc.Components.Responses[name]
					if !ok {
						t.Errorf("%s %s: response %s is not defined", pattern, status, ref)
						continue
					}
					ref = shared.Content["application/json"].Schema.Ref
				} else {
					ref = res.Content["application/json"].Schema.Ref
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
	for _, name := range []string{"Error", "Challenge", "Token", "Account", "Transaction", "Statement", "Money"} {
		if _, ok := doc.Components.Schemas[name]; !ok {
			t.Errorf("schema %s is missing", name)
		}
	}
}
