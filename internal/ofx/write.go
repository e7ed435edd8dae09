package ofx

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	"golang.org/x/text/encoding/charmap"
)

var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// WriteSGML writes doc as OFX 1.x: the colon header (VERSION from doc when it
// is a 1.x version, else 102), then one tag per CRLF line with leaf elements
// left unclosed. The body is Windows-1252 (CHARSET:1252) when every character
// fits, otherwise UTF-8 (ENCODING:UTF-8, CHARSET:NONE). Empty elements are
// written <TAG></TAG> so that they read back unambiguously.
func WriteSGML(w io.Writer, doc *Document) error {
	if doc == nil || doc.Root == nil {
		return fmt.Errorf("ofx: write SGML: document has no root element")
	}
	var body strings.Builder
	writeSGMLElement(&body, doc.Root)
	version := 102
	if doc.Version >= 100 && doc.Version < 200 {
		version = doc.Version
	}
	encoding, charset := "USASCII", "1252"
	out, err := charmap.Windows1252.NewEncoder().String(body.String())
	if err != nil {
		encoding, charset, out = "UTF-8", "NONE", body.String()
	}
	bw := bufio.NewWriter(w)
	for _, kv := range [][2]string{
		{"OFXHEADER", "100"}, {"DATA", "OFXSGML"}, {"VERSION", strconv.Itoa(version)},
		{"SECURITY", "NONE"}, {"ENCODING", encoding}, {"CHARSET", charset}, {"COMPRESSION", "NONE"},
		{"OLDFILEUID", headerOr(doc, "OLDFILEUID")}, {"NEWFILEUID", headerOr(doc, "NEWFILEUID")},
	} {
		fmt.Fprintf(bw, "%s:%s\r\n", kv[0], kv[1])
	}
	bw.WriteString("\r\n")
	bw.WriteString(out)
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("ofx: write SGML: %w", err)
	}
	return nil
}

func headerOr(doc *Document, key string) string {
	if v := doc.Header[key]; v != "" && !strings.ContainsAny(v, "\r\n\"") {
		return v
	}
	return "NONE"
}

func writeSGMLElement(b *strings.Builder, e *Element) {
	switch {
	case len(e.Children) > 0:
		b.WriteString("<" + e.Name + ">\r\n")
		for _, c := range e.Children {
			writeSGMLElement(b, c)
		}
		b.WriteString("</" + e.Name + ">\r\n")
	case e.Value == "":
		b.WriteString("<" + e.Name + "></" + e.Name + ">\r\n")
	default:
		b.WriteString("<" + e.Name + ">" + escaper.Replace(e.Value) + "\r\n")
	}
}

// WriteXML writes doc as OFX 2.x XML in UTF-8: the <?xml?> and <?OFX?>
// declarations (VERSION from doc when it is a 2.x version, else 211), then
// indented elements with every leaf closed.
func WriteXML(w io.Writer, doc *Document) error {
	if doc == nil || doc.Root == nil {
		return fmt.Errorf("ofx: write XML: document has no root element")
	}
	version := 211
	if doc.Version >= 200 {
		version = doc.Version
	}
	bw := bufio.NewWriter(w)
	bw.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="no"?>` + "\n")
	fmt.Fprintf(bw, `<?OFX OFXHEADER="200" VERSION="%d" SECURITY="NONE" OLDFILEUID="%s" NEWFILEUID="%s"?>`+"\n",
		version, headerOr(doc, "OLDFILEUID"), headerOr(doc, "NEWFILEUID"))
	writeXMLElement(bw, doc.Root, 0)
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("ofx: write XML: %w", err)
	}
	return nil
}

func writeXMLElement(w *bufio.Writer, e *Element, depth int) {
	indent := strings.Repeat("  ", depth)
	if len(e.Children) == 0 {
		w.WriteString(indent + "<" + e.Name + ">" + escaper.Replace(e.Value) + "</" + e.Name + ">\n")
		return
	}
	w.WriteString(indent + "<" + e.Name + ">\n")
	for _, c := range e.Children {
		writeXMLElement(w, c, depth+1)
	}
	w.WriteString(indent + "</" + e.Name + ">\n")
}
