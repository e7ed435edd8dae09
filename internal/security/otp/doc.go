// Package otp owns the one-time secrets of the security core (REQUIREMENTS
// S14–S16): the numeric codes sent by text or voice call, the one-time access
// codes staff or an advisor issue to a member who lost their phone, TOTP
// authenticator apps and recovery codes.
//
// What it promises:
//
//   - No plaintext code is stored. Numeric codes and recovery codes are kept
//     as HMAC-SHA256 under a server key the caller supplies: a 6-digit space
//     (or the ~39 bits of a recovery code) is small enough that an unkeyed
//     hash stolen with the database would fall to brute force in seconds; a
//     keyed one cannot be tested without the key, which does not live in the
//     database. Access codes carry ~49 random bits and live at most 24 hours,
//     so SHA-256 suffices for them. TOTP secrets must be recoverable, so they
//     are sealed by the caller's envelope encryption (Sealer).
//   - Every comparison of a secret is in constant time.
//   - Numeric codes are bound to their flow and purpose, expire, are single
//     use, and are attempt-limited per flow: a resend replaces the code but
//     not the failure count (NIST SP 800-63B). The attempt is counted in one
//     atomic statement before the code is compared, so parallel guesses cannot
//     exceed the limit.
//   - TOTP codes are accepted once: the last accepted time step is stored
//     and a code for the same or an earlier step is refused.
//   - No error, log line or String form contains a code or secret.
//
// Blocking a whole method after repeated failures (S4) is package lockout's
// job; this package limits guesses per code flow only.
package otp
