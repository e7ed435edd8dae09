// Package password owns everything LedgerSync and the institution server know
// about passwords and usernames: argon2id hashing with the parameters stored in
// each hash (PHC strings), the institution's password and username rules
// (requirements S1–S3), the common-password blocklist shipped with the product
// and the strength estimate behind the strength meter.
//
// Text handling, the same in every function here:
//
//   - Passwords are case-sensitive and may contain spaces. Before they are
//     counted, checked or hashed they are put into Unicode normalisation form
//     NFKC (as NIST SP 800-63B asks of password verifiers), so a password typed on a keyboard that
//     produces "é" as one code point and on one that produces "e" plus a
//     combining accent is the same password. ASCII is unchanged by NFKC.
//   - Lengths are counted in Unicode code points ("characters" in messages),
//     not bytes. Separately, the hasher refuses more than MaxBytes bytes of
//     UTF-8; a password of accented or non-Latin letters can reach that limit
//     before MaxLength, and Rules.Check reports it as "too_long".
//   - Nothing here logs, and no error or Problem message contains a password.
//
// Temporary passwords and one-time codes are generated elsewhere; this
// package only checks and stores what it is given.
package password
