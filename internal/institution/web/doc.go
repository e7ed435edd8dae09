// Package web is the institution's member site: online banking as the
// members of a bank or credit union see it, served at "/" by
// `ledgersync bank serve` (the staff console is another package, mounted at
// /staff/).
//
// It owns the pages and the one route table that serves them: sign-in by
// username, watermark and password, the challenge the risk engine asks for
// (challenge questions, a PIN by text or call with "more options", a
// call-back, a one-time access code from staff), the re-collection of
// questions and the two-step enrolment prompt; first-time enrolment by
// activation code; "Forgot your password?" (all three questions, a PIN to a
// phone on file, a new password); accounts, transactions, statement PDFs and
// check images; transfers with their confirmation code and step-up; the security settings
// (security level, phones, questions, Personal Internet Branch controls,
// registered computers, read-only access for the member's accountant), the
// secure message center, the idle warning, logout, and the development
// outbox of demo mode.
//
// It owns no security rule. Whether a password, answer or code is right,
// what is blocked, what the risk engine decides and what a session or a
// multi-step flow allows are the security core's (internal/security/...);
// accounts and money are the institution's (internal/institution). A
// handler parses the request, calls them, and renders what they decided.
// Handlers return errors; one adapter (serve) turns them into pages.
package web
