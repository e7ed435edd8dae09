// Package api is LedgerSync's JSON API for firms (REQUIREMENTS L16), served
// at /api/v1/ by `ledgersync serve` and described by the OpenAPI 3.1
// document it serves at /api/v1/openapi.json (openapi.json in this
// directory, written by hand; a test holds it equal to the route table).
//
// It owns the API's one route table and what travels on it: the firm's
// bearer tokens (table api_token), and the JSON shape of the firm's clients,
// the institution directory, connections and their health (L1, L11),
// refreshes and the challenges they relay (L4–L6), the bank data that
// landed, and the event stream (Server-Sent Events) a firm's own systems
// watch to answer a challenge within its 180 seconds.
//
// It owns no rule of the domain. The password check and its lockout are the
// staff sign-in engine's (App.Staff); tenancy is package firm's and
// bankdata's SQL, which filter every read and write on the token's firm, so
// another firm's record is 404 exactly like a missing one; the refresh state
// machine (answer once, the 180 seconds, the last-attempt confirmation) is
// package refresh's. The API parses, asks them, and answers in JSON.
//
// A token is 32 random bytes, base64url, given once; only its SHA-256 is
// stored. It acts for one firm, ends after 30 minutes without a request and
// 12 hours after it was issued, whatever the activity, and stops at once
// when rotated, deleted, or when its staff member leaves the firm (the
// membership is checked on every request). No token, password, security
// answer or code is ever put in a URL, a log line or an error.
package api
