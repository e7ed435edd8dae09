package api

// route is one operation of the API: a ServeMux pattern ("METHOD /path")
// and its handler. openapi.json documents each (a test holds them equal).
type route struct {
	pattern string
	handler handler
}

// routes is the API's one route table. Every route but the token's issue
// and this document needs a bearer token, and acts for its firm only.
func (s *server) routes() []route {
	return []route{
		// The bearer token: issued for a staff member's email and
		// password, rotated, ended.
		{"POST /api/v1/tokens", s.tokenCreate},
		{"POST /api/v1/tokens/current/rotate", s.signedIn(s.tokenRotate)},
		{"DELETE /api/v1/tokens/current", s.signedIn(s.tokenDelete)},

		// The firm's clients.
		{"GET /api/v1/clients", s.signedIn(s.clientList)},
		{"POST /api/v1/clients", s.signedIn(s.clientCreate)},
		{"GET /api/v1/clients/{id}", s.signedIn(s.clientGet)},
		{"PATCH /api/v1/clients/{id}", s.signedIn(s.clientUpdate)},
		{"DELETE /api/v1/clients/{id}", s.signedIn(s.clientDelete)},

		// The directory of banks a connection picks from.
		{"GET /api/v1/institutions", s.signedIn(s.institutionList)},

		// Connections (client × institution × credentials) and their health.
		{"GET /api/v1/connections", s.signedIn(s.connectionList)},
		{"POST /api/v1/connections", s.signedIn(s.connectionCreate)},
		{"GET /api/v1/connections/{id}", s.signedIn(s.connectionGet)},
		{"PATCH /api/v1/connections/{id}", s.signedIn(s.connectionUpdate)},
		{"DELETE /api/v1/connections/{id}", s.signedIn(s.connectionDelete)},

		// Refreshes: start one, follow it.
		{"POST /api/v1/connections/{id}/refresh", s.signedIn(s.refreshStart)},
		{"GET /api/v1/connections/{id}/refreshes", s.signedIn(s.refreshList)},
		{"GET /api/v1/refreshes/{id}", s.signedIn(s.refreshGet)},

		// The bank's challenges, relayed to a person.
		{"GET /api/v1/challenges", s.signedIn(s.challengeList)},
		{"GET /api/v1/challenges/{id}", s.signedIn(s.challengeGet)},
		{"POST /api/v1/challenges/{id}/answer", s.signedIn(s.challengeAnswer)},
		{"POST /api/v1/challenges/{id}/cancel", s.signedIn(s.challengeCancel)},

		// The bank data that landed, read-only.
		{"GET /api/v1/accounts", s.signedIn(s.accountList)},
		{"GET /api/v1/accounts/{id}/transactions", s.signedIn(s.transactionList)},
		{"GET /api/v1/accounts/{id}/statements", s.signedIn(s.statementList)},
		{"GET /api/v1/statements/{id}", s.signedIn(s.statementPDF)},
		{"GET /api/v1/transactions/{id}/checks/{side}", s.signedIn(s.checkImage)},

		// What changes, as it happens.
		{"GET /api/v1/events", s.signedIn(s.events)},

		// What this is.
		{"GET /api/v1/openapi.json", s.openAPI},
	}
}
