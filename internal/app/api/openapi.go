package api

import (
	_ "embed"
	"net/http"
)

// openAPIDocument is the API's OpenAPI 3.1 description, written by hand
// beside the code (a test holds its operations equal to the route table).
//
//go:embed openapi.json
var openAPIDocument []byte

// openAPI serves the OpenAPI document.
func (s *server) openAPI(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json")
	_, err := w.Write(openAPIDocument)
	return err
}
