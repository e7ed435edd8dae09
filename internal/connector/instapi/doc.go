// Package instapi owns LedgerSync's side of the institution's JSON API
// (docs/api.md; the contract is internal/institution/api/openapi.json): a
// connector.Connector that signs in with POST /sessions, answers the bank's
// challenges with POST /challenges/{id}, and a connector.Session that reads
// accounts, transactions, statements (list and PDF) and check images with
// the bearer token it got.
//
// What it keeps, and where:
//
//   - The device state (Session.Device, Login.Device) is this package's
//     JSON, versioned: {"v":1,"device_token":"…"}. The device token is what
//     makes the bank treat us as a registered device next time, so the
//     newest one the bank gave is always what Device returns. A device state
//     this package cannot read is ignored: the sign-in goes on as a new
//     device (the bank then asks a step-up) rather than failing every
//     refresh until someone clears it.
//   - A challenge's State is this package's JSON too: the challenge's id and
//     type, the ids of its questions and options, and the device token, so
//     that Answer can resume in another process with nothing else.
//   - The bearer token lives only in the Session's memory: it is never in
//     Device, State, an error or a log.
//
// Unattended sign-ins never make the bank send a code. Login itself sends
// nothing: the bank's first challenge is a question, a choice of where to
// send a code (choose_delivery: nothing is sent until an option is chosen),
// or an approval, and each is returned as it is. Answer refuses, unattended,
// to choose a delivery option (connector.ErrPersonNeeded), because that is
// the request that sends the code. Should the bank ever open with a code
// challenge (it would have sent the code already), Login returns it too:
// there is nothing left to avoid, and the engine treats it like any other
// challenge that needs a person.
//
// A wrong answer is recognised from the API's documented behaviour: a
// right answer to a question or a code signs in (201), so any further
// challenge after one is a rejection (the next question or the same code
// with one attempt fewer, or another method once three wrong answers have
// blocked this one); after a delivery choice the normal next step is the
// code challenge, and anything else means the bank did not accept the
// choice; an approval still pending returns the same approve challenge and
// is not a rejection.
package instapi
