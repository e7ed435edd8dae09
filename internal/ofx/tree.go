package ofx

// Document is a parsed OFX file: its header fields (colon header of 1.x, or
// the attributes of the <?OFX …?> processing instruction of 2.x), the OFX
// version as a number (102, 103, 211, 220; 0 for a file without a header) and
// the root element, normally <OFX>.
type Document struct {
	Header  map[string]string `json:"header"`
	Version int               `json:"version"`
	Root    *Element          `json:"root"`
}

// Element is one OFX element: a leaf with a Value, or an aggregate with
// Children. Line is where its open tag starts in the input (1-based; 0 for
// elements built in code).
type Element struct {
	Name     string     `json:"name"`
	Value    string     `json:"value,omitempty"`
	Children []*Element `json:"children,omitempty"`
	Line     int        `json:"line,omitempty"`
}

// Find follows path from e through the first child of each name and returns
// the element it reaches, or nil. Find() returns e itself.
func (e *Element) Find(path ...string) *Element {
	cur := e
	for _, name := range path {
		if cur == nil {
			return nil
		}
		var next *Element
		for _, c := range cur.Children {
			if c.Name == name {
				next = c
				break
			}
		}
		cur = next
	}
	return cur
}

// ValueAt returns the value of the leaf at path (the field Value holds an
// element's own value, so the helper cannot share its name), or "" when there is none.
func (e *Element) ValueAt(path ...string) string {
	if f := e.Find(path...); f != nil {
		return f.Value
	}
	return ""
}

// All returns every descendant of e (not e itself) named name, in document
// order.
func (e *Element) All(name string) []*Element {
	var out []*Element
	var walk func(*Element)
	walk = func(x *Element) {
		for _, c := range x.Children {
			if c.Name == name {
				out = append(out, c)
			}
			walk(c)
		}
	}
	if e != nil {
		walk(e)
	}
	return out
}

// Leaf returns a new leaf element.
func Leaf(name, value string) *Element { return &Element{Name: name, Value: value} }

// Aggregate returns a new aggregate element; nil children are dropped, so
// optional parts can be passed as nil.
func Aggregate(name string, children ...*Element) *Element {
	e := &Element{Name: name}
	for _, c := range children {
		if c != nil {
			e.Children = append(e.Children, c)
		}
	}
	return e
}
