// Package ofxinterop owns the interoperability tests of the institution's
// OFX Direct Connect server (internal/institution/ofxserver) with real OFX
// clients from Debian: libofx's ofxconnect and ofxdump, AqBanking's
// aqbanking-cli, and Python's ofxclient and ofxparse. It holds no code of
// its own: each test starts the demo bank in-process, points one client at
// it, and checks what the client understood against the bank's database.
//
// testdata/requests keeps the requests each client sends, as captured from
// the clients themselves (passwords redacted), so that the server's own
// tests can replay them without the clients installed.
package ofxinterop
