// Package ofxserver owns the institution's OFX Direct Connect door: the
// POST /ofx endpoint that personal-finance programs and aggregators
// (Quicken, libofx's ofxconnect, AqBanking, LedgerSync) sign on to and
// download account lists, statements and statement closing information
// from, and GET /ofx/images/{token}, the short-lived links to statement PDFs
// and check images that OFX 2.1.1 responses carry.
//
// It applies the same rules as the member site, through the same engine
// (package auth) and the same sign-in decisions (package signin): the
// password and its lockout (three wrong passwords block it at every door),
// the risk engine with the member's layered controls, the step-up methods,
// and the security questions' rotation and lockout. It has no security rule
// of its own.
//
// # One request, one sign-on
//
// OFX has no sessions here: every request carries the USERID and USERPASS,
// and each is checked, assessed and, when it succeeds, recorded as a login
// (auth.Engine.CompleteLogin) like a sign-in on the site. The response is in
// the request's own version and syntax: SGML for OFX 1.x, XML for 2.x, the
// XML's text in ASCII because the clients in use read no more (accents
// dropped, "••••6627" sent as "****6627"). A signon that fails gets the
// SONRS with its status and no other response.
// Every status message says what to do, and none holds a password, an
// answer, a code or a token. Request bodies are never logged: they hold the
// password and the answers.
//
// # Devices (CLIENTUID)
//
// A program that sends a CLIENTUID (OFX 1.0.3 and 2.0.3 onwards) names its
// installation. A CLIENTUID the member never approved gets status 15510;
// the first time it is seen it is recorded as a pending device labelled
// "Direct Connect: APPID APPVER", and the member finds a message about it
// in the online-banking message center (audit event "device.pending",
// appended at most once per device). Once the member approves (registers)
// it, it is a known, registered device for the risk engine, as a registered
// computer is on the site; a revoked one is refused for good.
//
// A signon without a CLIENTUID is refused with 15510 when the policy
// requires one (policy.OFXClientUIDRequired, as the modern profile does).
// Otherwise it is taken as an OFX 1.0.2 client, which has no way to name
// its device: it counts as a known device that is not registered, and every
// other risk signal (network, place, travel, hour, recent failures, the
// member's controls and security level) applies. A member who requires a
// registered computer can therefore only use a program that sends a
// CLIENTUID, approved.
//
// # Multi-factor authentication (OFX 2.1.1 §2.5.4)
//
// When the risk engine asks for a step-up, the signon gets SONRS status 3000
// and nothing else. The client then sends the signon again with an
// MFACHALLENGETRNRQ and gets SONRS status 0 with an MFACHALLENGETRNRS
// listing the phrases to answer (any data it asked for in that request is
// answered with status 3000). It answers them in the MFACHALLENGEA
// aggregates of its next SONRQ; right answers complete the login and the
// data of that same request is served, a wrong one gets 3001 with the
// attempts left. The phrases are, in this order of preference:
//
//   - the member's security questions as the engine asks them (one in
//     rotation, or two of three), with the question ids as MFAPHRASEID
//     (MFA1–MFA23 from the OFX table, CUSTOM for the member's own), when
//     questions are a usable step-up method for the member (not at the High
//     level, not blocked, the policy takes them as a second factor);
//   - else a one-time code sent when the challenge is requested, by text to
//     the member's primary mobile (or by a call to a phone that cannot take
//     texts), as the phrase "PIN" followed by the id of the code's flow and
//     labelled "Code sent by text to the phone ending 0111": the id in the
//     phrase is how the answer finds its code, since OFX clients carry no
//     cookie;
//   - else the one-time access code staff issued (phrase ACCESSCODE).
//
// After three wrong answers the questions are blocked (by the engine), and
// the next challenge uses the next method. The policy's OFXMachinePhrases
// (MFA101–MFA107) are asked with every challenge and answered by the
// program itself: MFA101, its date and time, must be within ten minutes of
// the bank's clock; the others must not be empty.
//
// # Statements
//
// A statement (STMTRS, CCSTMTRS) lists the posted transactions between the
// request's INCTRAN dates (by default the last 90 days; no INCTRAN or
// INCLUDE N gives the balances only), each with its stable FITID and a
// DTPOSTED at noon GMT of its posting day, so that clients in every time
// zone file it on the right day. Pending transactions are not part of an
// OFX statement: they show in the available balance (AVAILBAL; for a card,
// the credit still available) until they post. Another member's account, an
// unknown one and one of the wrong type all get status 2003, alike.
//
// Images follow OFX 2.1.1 and are sent only to requests of version 2.1.1 or
// later (older clients cannot parse IMAGEDATA): the front and back of a
// paid check as two IMAGEDATA of its STMTTRN when the STMTRQ says
// INCTRANIMG Y, and each statement's PDF in the CLOSING of the statement
// closing response (STMTENDRQ with INCSTMTIMG Y), where the specification
// puts statement images. An IMAGEREF is a URL whose last part is a token
// signed with HMAC-SHA256 under bankapp.App.LinkKey over the image it
// names, the member and its expiry; it is the URL's only secret, opens one
// image for five minutes, and is never logged. IMAGETTL, which OFX counts in
// days, cannot express that and is left out; an expired link gets 410 and a
// forged one 404, with no detail, and downloading again gives fresh links.
package ofxserver
