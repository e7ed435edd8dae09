// Package ofxconn owns LedgerSync's OFX Direct Connect connector: a
// connector.Connector that signs on to a bank's OFX server with the
// repository's own client (internal/ofx/directconnect), turns the bank's
// signon statuses into challenges and the connector's errors, and a
// connector.Session that reads account lists, balances, statements with
// their transactions, statement closings, statement PDFs and check images.
//
// # One request, one sign-on
//
// Direct Connect has no sessions: every request carries the USERID and
// USERPASS, and the bank checks them (and its risk rules) each time. A
// Session therefore keeps the credentials, in memory only, and signs on
// again for every call. The request that completes a sign-in also asks for
// the account list, which the Session keeps, so that Accounts costs one
// more sign-on rather than two. A bank that asks for a second factor at
// every sign-on (the demo bank does for members at the High security level)
// serves only the request that carried the answers: the next call of the
// Session meets the step-up again and fails with connector.ErrPersonNeeded,
// without asking for a challenge.
//
// # What it keeps, and where
//
//   - The device state (Login.Device, Session.Device) is this package's
//     versioned JSON: the CLIENTUID that names this connection to the bank
//     (a random UUID made at the first sign-in and kept for ever, so that
//     the member approves it once), whether the bank has let it in, and the
//     bank's SESSCOOKIE when it sends one (OFX asks the client to return it
//     in its next signon; CLTCOOKIE, by contrast, is the client's own value
//     that the bank only echoes, so there is nothing of the bank's to keep
//     there). A device state this package cannot read is ignored: the
//     sign-in goes on as a new device, which the member approves again,
//     rather than failing every refresh until someone clears it.
//   - A challenge's State is this package's JSON too: its kind (approve or
//     MFA), the device state and the MFA phrases asked (ids and labels). It
//     never holds the password: Answer receives the credentials again.
//
// # Challenges
//
// Status 15510 (the CLIENTUID is not approved) is an Approve challenge
// whose prompt is the bank's own message; its answer is empty and signs on
// again. It is returned attended or not: it makes the bank send nothing,
// and its State carries the CLIENTUID of a first sign-in, which would be
// lost otherwise.
//
// Status 3000 (a second factor is needed) is connector.ErrPersonNeeded when
// nobody is attending: asking for the challenge (MFACHALLENGERQ) can make
// the bank text a code nobody will read. Attended, the connector asks for
// it, answers the machine phrases (MFA101–MFA107) itself at answer time (the
// bank checks MFA101 against its clock) and returns the rest: a one-time
// code (the bank's "PIN…" phrase, or ACCESSCODE, the code staff issued) as
// a Code challenge, security questions as a Question challenge. OFX does
// not say how many attempts are left: AttemptsLeft is -1.
//
// A wrong answer (3001) to a code gets the same challenge back, Rejected:
// the bank keeps a code's flow open after a wrong code, and asking for a
// new challenge would text another code. When the bank's message says to
// ask for a new challenge (the code expired, or its attempts are used up)
// or the challenge was questions (the bank asks another question after a
// wrong answer), the connector asks for a new challenge and returns it,
// Rejected. The bank's message leads the prompt of a rejected challenge.
//
// # Errors
//
// Statuses map to the connector's errors: 15500 ErrInvalidCredentials,
// 15502 ErrLocked, 15000 ErrPasswordChange, 15511 (the bank's controls
// refuse the sign-on, the password expired or the sign-in is disabled: in
// every case only a call to the bank helps, not another password)
// ErrBlocked, 2000 and 15501 and HTTP 5xx and network failures
// *connector.DownError. The bank's status message is quoted, with the
// password, the answers and the bank's cookie removed should the bank
// repeat them. Image links are secrets (the token in the URL opens the
// image): no error quotes one.
package ofxconn
