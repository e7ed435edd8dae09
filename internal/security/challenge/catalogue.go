package challenge

// QuestionID names a question. Catalogue ids are the OFX MFAPHRASEIDs
// ("MFA16"), so the institution's OFX server can send them unchanged in an
// MFACHALLENGE; the member's own question is CustomID. Ids are stable: a
// catalogue entry is never renumbered or removed, because stored sets refer
// to it by id (stop offering it with Selectable instead).
type QuestionID string

// CustomID is the id of the question the member composed (S8). A member has
// at most one, so one id per account suffices. OFX allows ids outside the
// MFA table, and this one cannot collide with it.
const CustomID QuestionID = "CUSTOM"

// Question is one entry of the catalogue.
type Question struct {
	ID    QuestionID
	Label string // as the member sees it; OFX MFAPHRASELABEL
	// Selectable is true for questions a member may choose at enrolment.
	// The others ask for facts the institution already holds (card, SSN,
	// phone and tax-id digits, ZIP code, birth date, a recent amount): they
	// are checked against its records, never set by the member, and an
	// answer anyone with the member's file can give is no secret.
	Selectable bool
}

// Catalogue returns every catalogue question in id order, as a new slice
// the caller may keep or change.
//
// The ids and labels are the OFX 2.1.1 MFA phrase table (§2.5.4, "MFA
// challenge phrases"), taken from two independent transcriptions of it (the
// ofxtools Python models and a TypeScript port) that agree word for word.
// They differ from the numbering in the brief (which had MFA9 for the SSN
// and MFA10 for the mother's maiden name): the table puts the SSN at MFA13
// and the mother's maiden name at MFA16, as an OFX test server that
// hard-codes MFA13 and MFA16 with those meanings also does. One correction: both transcriptions spell MFA13
// "social sescurity number"; the label here says "security".
//
// MFA24–MFA30 are reserved by OFX and not used. MFA101–MFA107 (date and
// time, host name, IP and MAC address, OS version, processor, user agent)
// are answered by the OFX client software, not by a person: they belong to
// the OFX package and are deliberately absent here. Any question of our own
// added later must take an id outside MFA1–MFA30 and MFA101–MFA110.
func Catalogue() []Question {
	return []Question{
		{"MFA1", "City of birth", true},
		{"MFA2", "Date of birth, formatted MM/DD/YYYY", false},
		{"MFA3", "Debit card number", false},
		{"MFA4", "Father's middle name", true},
		{"MFA5", "Favorite color", true},
		{"MFA6", "First pet's name", true},
		{"MFA7", "Five digit ZIP code", false},
		{"MFA8", "Grandmother's maiden name on your father's side", true},
		{"MFA9", "Grandmother's maiden name on your mother's side", true},
		{"MFA10", "Last four digits of your cell phone number", false},
		{"MFA11", "Last four digits of your daytime phone number", false},
		{"MFA12", "Last four digits of your home phone number", false},
		{"MFA13", "Last four digits of your social security number", false},
		{"MFA14", "Last four digits of your tax ID", false},
		{"MFA15", "Month of birth of youngest sibling, do not abbreviate", true},
		{"MFA16", "Mother's maiden name", true},
		{"MFA17", "Mother's middle name", true},
		{"MFA18", "Name of the company where you had your first job", true},
		{"MFA19", "Name of the manufacturer of your first car", true},
		{"MFA20", "Name of the street you grew up on", true},
		{"MFA21", "Name of your high school football team, do not include high school name, e.g. 'Beavers' rather than 'Central High Beavers'", true},
		{"MFA22", "Recent deposit or recent withdrawal amount", false},
		{"MFA23", "Year of birth, formatted YYYY", false},
	}
}

// Selectable returns the catalogue questions a member may choose, in id
// order.
func Selectable() []Question {
	var out []Question
	for _, q := range Catalogue() {
		if q.Selectable {
			out = append(out, q)
		}
	}
	return out
}

// Lookup returns the catalogue question with id. CustomID and unknown ids
// report false.
func Lookup(id QuestionID) (Question, bool) {
	for _, q := range Catalogue() {
		if q.ID == id {
			return q, true
		}
	}
	return Question{}, false
}
