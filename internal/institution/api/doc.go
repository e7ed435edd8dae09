// Package api is the institution's JSON API for aggregators, served at
// /api/v1/ by `ledgersync bank serve` beside the member site and OFX Direct
// Connect, and described by the OpenAPI 3.1 document it serves at
// /api/v1/openapi.json (openapi.json in this directory, written by hand).
//
// It owns the API's one route table and what travels on it: the sign-in
// (POST /sessions) and its challenges (POST /challenges/{id}) as JSON, the
// short-lived bearer tokens that rotate (REQUIREMENTS S26: no static keys),
// the device token that makes a client a known, registered device for the
// risk engine, and the read-only data an aggregator pulls: accounts,
// transactions, statements (list and PDF) and check images.
//
// It owns no security rule. The password check, the lockout shared with
// every other door, the risk engine's decision, the questions, the codes and
// what each member can pass a step-up with are the security core's and
// package signin's, exactly as for the member site; the API asks them and
// answers in JSON. It differs from the site only where a machine client
// differs from a browser: the site's every-login question is a screen, not
// a step-up, and is not asked; a device is named by a token the client
// keeps, not a cookie; and a member whose controls require a registered
// computer approves a new client from the member site instead of being
// refused outright.
//
// Bearer tokens are session tokens of the realm "institution-api" (package
// session): stored hashed, idle after the policy's default idle time (15
// minutes), ended after its absolute time (12 hours), revocable. A
// challenge id is "<flow id>.<n>": the login is one flow (package flow)
// whose steps are the challenges, each answerable once by compare-and-set.
// No token, password, answer or code is ever put in a URL, a log line, an
// error or an audit detail.
package api
