package ofx

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
)

// ErrSyntax is wrapped by every error Parse returns for a malformed file.
var ErrSyntax = errors.New("ofx: syntax error")

// syntaxError is a parse error at a line, optionally about an element.
type syntaxError struct {
	line int
	elem string
	msg  string
}

func (e *syntaxError) Error() string {
	if e.elem != "" {
		return fmt.Sprintf("ofx: line %d: <%s>: %s", e.line, e.elem, e.msg)
	}
	return fmt.Sprintf("ofx: line %d: %s", e.line, e.msg)
}

func (e *syntaxError) Unwrap() error { return ErrSyntax }

// maxInput bounds what Parse reads: OFX responses are small, and a server
// parsing requests must not be made to buffer without limit.
const maxInput = 64 << 20

// Parse reads an OFX 1.x (SGML) or 2.x (XML) document from r. The character
// set named by the header (CHARSET 1252, ISO-8859-1, or UTF-8; for 2.x the
// XML encoding) is decoded to UTF-8; a file without a header is read as UTF-8
// when it is valid UTF-8 and as Windows-1252 otherwise.
func Parse(r io.Reader) (*Document, error) {
	raw, err := io.ReadAll(io.LimitReader(r, maxInput+1))
	if err != nil {
		return nil, fmt.Errorf("ofx: read: %w", err)
	}
	if len(raw) > maxInput {
		return nil, fmt.Errorf("%w: file larger than %d bytes", ErrSyntax, maxInput)
	}
	raw = bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf"))
	p := &parser{doc: &Document{Header: map[string]string{}}}
	text, err := p.decode(raw)
	if err != nil {
		return nil, err
	}
	p.s = text
	p.line = 1
	if err := p.header(); err != nil {
		return nil, err
	}
	if err := p.body(); err != nil {
		return nil, err
	}
	return p.doc, nil
}

type parser struct {
	doc  *Document
	s    string
	pos  int
	line int
}

// decode picks the character set from the (ASCII) header and converts the
// whole input to UTF-8, keeping line breaks where they were.
func (p *parser) decode(raw []byte) (string, error) {
	head := string(raw[:min(len(raw), 1024)])
	var enc encoding.Encoding
	switch {
	case strings.Contains(head, "<?xml"):
		switch strings.ToUpper(xmlAttr(head, "encoding")) {
		case "WINDOWS-1252", "CP1252":
			enc = charmap.Windows1252
		case "ISO-8859-1", "LATIN1", "ISO8859-1":
			enc = charmap.ISO8859_1
		}
	case strings.Contains(head, "OFXHEADER:"):
		encName := strings.ToUpper(colonField(head, "ENCODING"))
		charset := strings.ToUpper(colonField(head, "CHARSET"))
		if encName == "UTF-8" || encName == "UTF8" || charset == "UTF-8" {
			break
		}
		switch charset {
		case "ISO-8859-1", "8859-1", "LATIN1", "ISO8859-1":
			enc = charmap.ISO8859_1
		default: // 1252, NONE or missing: Windows-1252 is a superset of USASCII
			enc = charmap.Windows1252
		}
	default:
		if !utf8.Valid(raw) {
			enc = charmap.Windows1252
		}
	}
	if enc == nil {
		if !utf8.Valid(raw) {
			return "", fmt.Errorf("%w: file declares UTF-8 but is not valid UTF-8", ErrSyntax)
		}
		return string(raw), nil
	}
	out, err := enc.NewDecoder().Bytes(raw)
	if err != nil {
		return "", fmt.Errorf("ofx: decode charset: %w", err)
	}
	return string(out), nil
}

func colonField(head, key string) string {
	for _, l := range strings.Split(head, "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(l), ":")
		if ok && strings.EqualFold(strings.TrimSpace(k), key) {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// xmlAttr returns the value of attribute name in the first occurrence of
// name="…" in s.
func xmlAttr(s, name string) string {
	i := strings.Index(s, name+"=")
	if i < 0 {
		return ""
	}
	rest := s[i+len(name)+1:]
	if rest == "" || (rest[0] != '"' && rest[0] != '\'') {
		return ""
	}
	q := rest[0]
	end := strings.IndexByte(rest[1:], q)
	if end < 0 {
		return ""
	}
	return rest[1 : 1+end]
}

// skipSpace advances over whitespace, counting lines.
func (p *parser) skipSpace() {
	for p.pos < len(p.s) {
		switch p.s[p.pos] {
		case '\n':
			p.line++
		case ' ', '\t', '\r', '\f', '\v':
		default:
			return
		}
		p.pos++
	}
}

func (p *parser) errf(line int, elem, format string, args ...any) error {
	return &syntaxError{line: line, elem: elem, msg: fmt.Sprintf(format, args...)}
}

// header reads the 1.x colon header or the 2.x <?xml?> and <?OFX?>
// processing instructions, leaving p at the first element.
func (p *parser) header() error {
	p.skipSpace()
	rest := p.s[p.pos:]
	switch {
	case strings.HasPrefix(rest, "OFXHEADER:"):
		for p.pos < len(p.s) {
			p.skipSpace()
			if p.pos >= len(p.s) || p.s[p.pos] == '<' {
				break
			}
			end := strings.IndexByte(p.s[p.pos:], '\n')
			if end < 0 {
				end = len(p.s) - p.pos
			}
			l := strings.TrimSpace(p.s[p.pos : p.pos+end])
			k, v, ok := strings.Cut(l, ":")
			if !ok || strings.TrimSpace(k) == "" {
				return p.errf(p.line, "", "header line %q is not KEY:VALUE", truncate(l))
			}
			p.doc.Header[strings.ToUpper(strings.TrimSpace(k))] = strings.TrimSpace(v)
			p.pos += end
		}
	case strings.HasPrefix(rest, "<?"):
		for {
			p.skipSpace()
			if !strings.HasPrefix(p.s[p.pos:], "<?") {
				break
			}
			line := p.line
			end := strings.Index(p.s[p.pos+2:], "?>")
			if end < 0 {
				return p.errf(line, "", "processing instruction is not closed with ?>")
			}
			pi := p.s[p.pos+2 : p.pos+2+end]
			p.line += strings.Count(pi, "\n")
			p.pos += end + 4
			target, attrs, _ := strings.Cut(pi, " ")
			if strings.EqualFold(target, "OFX") {
				for _, a := range parseAttrs(attrs) {
					p.doc.Header[strings.ToUpper(a[0])] = a[1]
				}
			}
		}
	}
	if v := p.doc.Header["VERSION"]; v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return p.errf(1, "", "header VERSION %q is not a number", truncate(v))
		}
		p.doc.Version = n
	}
	return nil
}

// parseAttrs splits `A="1" B='2'` into pairs.
func parseAttrs(s string) [][2]string {
	var out [][2]string
	for {
		s = strings.TrimSpace(s)
		eq := strings.IndexByte(s, '=')
		if eq < 0 || eq+1 >= len(s) {
			return out
		}
		name := strings.TrimSpace(s[:eq])
		q := s[eq+1]
		if q != '"' && q != '\'' {
			return out
		}
		end := strings.IndexByte(s[eq+2:], q)
		if end < 0 {
			return out
		}
		out = append(out, [2]string{name, s[eq+2 : eq+2+end]})
		s = s[eq+2+end+1:]
	}
}

func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// open is an element on the parse stack.
type open struct {
	el   *Element
	leaf bool // text has been read: the next tag closes it, explicitly or not
}

// body builds the element tree. See the package doc for what is accepted.
func (p *parser) body() error {
	var stack []*open
	var root *Element
	attach := func(e *Element) error {
		if len(stack) == 0 {
			if root != nil {
				return p.errf(e.Line, e.Name, "second root element after <%s>", root.Name)
			}
			root = e
			return nil
		}
		top := stack[len(stack)-1].el
		top.Children = append(top.Children, e)
		return nil
	}
	for {
		p.skipSpace()
		if p.pos >= len(p.s) {
			break
		}
		line := p.line
		if p.s[p.pos] != '<' {
			text := p.text()
			if len(stack) == 0 {
				return p.errf(line, "", "text %q outside any element", truncate(text))
			}
			top := stack[len(stack)-1]
			if top.leaf || len(top.el.Children) > 0 || aggregateNames[top.el.Name] {
				return p.errf(line, top.el.Name, "unexpected text %q", truncate(text))
			}
			top.el.Value = text
			top.leaf = true
			continue
		}
		rest := p.s[p.pos:]
		switch {
		case strings.HasPrefix(rest, "<!--"):
			end := strings.Index(rest, "-->")
			if end < 0 {
				return p.errf(line, "", "comment is not closed with -->")
			}
			p.line += strings.Count(rest[:end], "\n")
			p.pos += end + 3
			continue
		case strings.HasPrefix(rest, "<![CDATA["):
			end := strings.Index(rest, "]]>")
			if end < 0 || len(stack) == 0 {
				return p.errf(line, "", "bad CDATA section")
			}
			top := stack[len(stack)-1]
			if top.leaf || len(top.el.Children) > 0 {
				return p.errf(line, top.el.Name, "unexpected CDATA")
			}
			top.el.Value = strings.TrimSpace(rest[9:end]) // trimmed like any value
			top.leaf = true
			p.line += strings.Count(rest[:end], "\n")
			p.pos += end + 3
			continue
		case strings.HasPrefix(rest, "<?"), strings.HasPrefix(rest, "<!"):
			end := strings.IndexByte(rest, '>')
			if end < 0 {
				return p.errf(line, "", "declaration is not closed with >")
			}
			p.line += strings.Count(rest[:end], "\n")
			p.pos += end + 1
			continue
		}
		end := strings.IndexByte(rest, '>')
		if end < 0 {
			return p.errf(line, "", "tag is not closed with >")
		}
		if lt := strings.IndexByte(rest[1:end], '<'); lt >= 0 {
			return p.errf(line, "", "tag %q is not closed with >", truncate(rest[:lt+1]))
		}
		tag := rest[1:end]
		p.line += strings.Count(tag, "\n")
		p.pos += end + 1
		closing := strings.HasPrefix(tag, "/")
		selfClosing := !closing && strings.HasSuffix(tag, "/")
		tag = strings.TrimSuffix(strings.TrimPrefix(tag, "/"), "/")
		name, _, _ := strings.Cut(strings.TrimSpace(tag), " ") // attributes are ignored
		name = strings.TrimSpace(name)
		if !validName(name) {
			return p.errf(line, "", "bad element name %q", truncate(name))
		}
		if !closing {
			// An open tag ends an unclosed leaf, and an empty known leaf.
			for len(stack) > 0 {
				top := stack[len(stack)-1]
				if top.leaf || (leafNames[top.el.Name] && len(top.el.Children) == 0) {
					stack = stack[:len(stack)-1]
					continue
				}
				break
			}
			e := &Element{Name: name, Line: line}
			if err := attach(e); err != nil {
				return err
			}
			if !selfClosing {
				stack = append(stack, &open{el: e})
			}
			continue
		}
		if err := p.close(&stack, name, line); err != nil {
			return err
		}
	}
	for len(stack) > 0 {
		top := stack[len(stack)-1]
		if !top.leaf && !(leafNames[top.el.Name] && len(top.el.Children) == 0) {
			return p.errf(top.el.Line, top.el.Name, "not closed by the end of the file (line %d)", p.line)
		}
		stack = stack[:len(stack)-1]
	}
	if root == nil {
		return p.errf(p.line, "", "no <OFX> element")
	}
	p.doc.Root = root
	return nil
}

// close handles </name>: it ends unclosed leaves on the way, and turns
// unclosed elements that are not known aggregates into empty leaves (their
// would-be children move up to their parent) when name closes an ancestor.
func (p *parser) close(stackp *[]*open, name string, line int) error {
	stack := *stackp
	defer func() { *stackp = stack }()
	for len(stack) > 0 {
		top := stack[len(stack)-1]
		if top.el.Name == name {
			stack = stack[:len(stack)-1]
			return nil
		}
		if top.leaf || (leafNames[top.el.Name] && len(top.el.Children) == 0) {
			stack = stack[:len(stack)-1]
			continue
		}
		break
	}
	if len(stack) == 0 {
		return p.errf(line, "", "unexpected </%s> with no open element", name)
	}
	// Is name an ancestor, with only non-aggregates between?
	for i := len(stack) - 1; i >= 0; i-- {
		if stack[i].el.Name == name {
			for j := len(stack) - 1; j > i; j-- {
				e := stack[j].el
				parent := stack[j-1].el
				parent.Children = append(parent.Children, e.Children...)
				e.Children = nil
			}
			stack = stack[:i]
			return nil
		}
		if aggregateNames[stack[i].el.Name] {
			break
		}
	}
	top := stack[len(stack)-1].el
	return p.errf(line, top.Name, "unexpected </%s> (<%s> opened on line %d is not closed)", name, top.Name, top.Line)
}

func validName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-' || c == ':') {
			return false
		}
	}
	return true
}

// text reads character data up to the next '<', decodes entities and trims
// surrounding whitespace (insignificant in OFX).
func (p *parser) text() string {
	end := strings.IndexByte(p.s[p.pos:], '<')
	if end < 0 {
		end = len(p.s) - p.pos
	}
	raw := p.s[p.pos : p.pos+end]
	p.line += strings.Count(raw, "\n")
	p.pos += end
	return strings.TrimSpace(unescape(raw))
}

var entities = map[string]string{"amp": "&", "lt": "<", "gt": ">", "quot": `"`, "apos": "'", "nbsp": "\u00a0"}

// unescape decodes the XML entities and numeric character references; an "&"
// that starts none of them is kept as it is (banks send "AT&T" in SGML).
func unescape(s string) string {
	if !strings.Contains(s, "&") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '&')
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		s = s[i:]
		semi := strings.IndexByte(s, ';')
		if semi > 1 && semi <= 10 {
			ent := s[1:semi]
			if v, ok := entities[ent]; ok {
				b.WriteString(v)
				s = s[semi+1:]
				continue
			}
			if ent[0] == '#' {
				var n uint64
				var err error
				if len(ent) > 1 && (ent[1] == 'x' || ent[1] == 'X') {
					n, err = strconv.ParseUint(ent[2:], 16, 32)
				} else {
					n, err = strconv.ParseUint(ent[1:], 10, 32)
				}
				if err == nil && utf8.ValidRune(rune(n)) && n != 0 {
					b.WriteRune(rune(n))
					s = s[semi+1:]
					continue
				}
			}
		}
		b.WriteByte('&')
		s = s[1:]
	}
}
