// Package ofx owns LedgerSync's Open Financial Exchange codec: reading and
// writing OFX 1.x (SGML, colon header, unclosed leaf elements, Windows-1252 or
// Latin-1) and OFX 2.x (XML) documents as a generic element tree, exact
// amount and date values, and the typed messages the institution's OFX server
// and LedgerSync's OFX client exchange: signon with the OFX 2.1.1/2.2
// multi-factor challenge (MFACHALLENGE, CLIENTUID, USERCRED, AUTHTOKEN,
// ACCESSTOKEN), the profile's SIGNONINFO, account information, bank and
// credit-card statements with image references, statement closing
// information (with the statement images OFX 2.1.1 puts there), and the
// status codes.
//
// It is written from the OFX specification and real files; it is not derived
// from any GPL library.
//
// Leniency: Parse accepts what real servers send — files without a header,
// an XML header over an SGML body, leaf elements closed or not, empty
// elements written as <TAG></TAG>, any whitespace or none, CRLF or LF, and a
// bare "&" in text. It refuses a close tag that does not match the open
// aggregate, text inside an aggregate, and unclosed aggregates at the end, with
// the line and element in the error. Values are checked only by the typed
// decoders (DecodeRequest, DecodeResponse), which name the element path of a
// bad amount or date.
package ofx
