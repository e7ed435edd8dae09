package api

// route is one operation of the API: a ServeMux pattern ("METHOD /path")
// and its handler. openapi.json documents each (a test holds them equal).
type route struct {
	pattern string
	handler handler
}

// routes is the API's one route table.
func (s *server) routes() []route {
	return []route{
		// Signing in: the password, then the challenges the login needs.
		{"POST /api/v1/sessions", s.sessionCreate},
		{"POST /api/v1/challenges/{id}", s.challengeAnswer},

		// The bearer token: rotated, or ended.
		{"POST /api/v1/sessions/current/rotate", s.signedIn(s.sessionRotate)},
		{"DELETE /api/v1/sessions/current", s.signedIn(s.sessionDelete)},

		// The member's data, read-only.
		{"GET /api/v1/accounts", s.signedIn(s.accountList)},
		{"GET /api/v1/accounts/{id}/transactions", s.signedIn(s.transactionList)},
		{"GET /api/v1/accounts/{id}/statements", s.signedIn(s.statementList)},
		{"GET /api/v1/statements/{id}", s.signedIn(s.statementPDF)},
		{"GET /api/v1/checks/{id}/front", s.signedIn(s.checkFront)},
		{"GET /api/v1/checks/{id}/back", s.signedIn(s.checkBack)},

		// What this is.
		{"GET /api/v1/openapi.json", s.openAPI},
	}
}
