package gateway

import (
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/medspa/engine/internal/phone"
	"github.com/medspa/engine/internal/safetext"
	"github.com/medspa/engine/messages"
)

// webLeadRequest is the JSON body of POST /leads/web.
type webLeadRequest struct {
	ClinicID    string `json:"clinic_id"`
	Name        string `json:"name"`
	Phone       string `json:"phone"`
	Email       string `json:"email"`
	Service     string `json:"service"`
	Message     string `json:"message"`
	Consent     bool   `json:"consent"`
	ConsentText string `json:"consent_text"`
	UTMSource   string `json:"utm_source"`
	UTMMedium   string `json:"utm_medium"`
	UTMCampaign string `json:"utm_campaign"`
	UTMTerm     string `json:"utm_term"`
	UTMContent  string `json:"utm_content"`
	// FormKey is the clinic's public form key, when its settings have one
	// (clinic.WebForm).
	FormKey string `json:"form_key"`
	// Website is a honeypot: a field people never see, so never fill.
	Website string `json:"website"`
}

// Limits of a web lead's fields, in characters.
const (
	maxNameLen        = 100
	maxEmailLen       = 254
	maxServiceLen     = 100
	maxMessageLen     = 1000
	maxConsentTextLen = 2000
	maxUTMLen         = 100
)

// Valid returns what is wrong with the request, field by field; an empty
// map means it can be accepted. Messages never repeat the values. A control
// character in the name, email, service or consent text is refused (the
// consent text may hold line breaks and tabs); the message loses its
// control characters instead (lead). A filled honeypot (Website) is not
// checked: the handler answers it as if accepted.
func (q webLeadRequest) Valid(time.Time) map[string]string {
	f := map[string]string{}
	if q.Website != "" {
		return f
	}
	checkClinicID(f, q.ClinicID)
	switch name := strings.TrimSpace(q.Name); {
	case !lengthInRange(name, 1, maxNameLen):
		f["name"] = "required: 1 to 100 characters"
	case !nameOK(name):
		f["name"] = "letters, spaces and . ' - only"
	}
	if _, err := phone.Normalize(q.Phone); err != nil {
		f["phone"] = "required: a phone number, e.g. (312) 555-0123"
	}
	if e := strings.TrimSpace(q.Email); e != "" && !emailOK(e) {
		f["email"] = "not an email address"
	}
	switch svc := strings.TrimSpace(q.Service); {
	case !lengthInRange(svc, 0, maxServiceLen):
		f["service"] = "at most 100 characters"
	case !safetext.Line(svc):
		f["service"] = "one line without control characters"
	}
	if !utf8.ValidString(q.Message) || utf8.RuneCountInString(strings.TrimSpace(q.Message)) > maxMessageLen {
		f["message"] = "at most 1000 characters"
	}
	for k, v := range q.utmFields() {
		if v = strings.TrimSpace(v); !lengthInRange(v, 0, maxUTMLen) || !safetext.Line(v) {
			f[k] = "at most 100 characters, one line without control characters"
		}
	}
	if !q.Consent {
		f["consent"] = "must be true"
	}
	switch {
	case !utf8.ValidString(q.ConsentText) || !inRange(utf8.RuneCountInString(strings.TrimSpace(q.ConsentText)), 1, maxConsentTextLen):
		f["consent_text"] = "required: the consent wording shown, 1 to 2000 characters"
	case !safetext.Lines(q.ConsentText):
		f["consent_text"] = "no control characters but line breaks and tabs"
	}
	return f
}

// lead returns the accepted lead's normalised phone number and payload;
// only for a request that is Valid.
func (q webLeadRequest) lead(ip string) (string, *messages.WebLead) {
	n, _ := phone.Normalize(q.Phone)
	return n, &messages.WebLead{
		Name:        strings.TrimSpace(q.Name),
		Email:       strings.TrimSpace(q.Email),
		Service:     strings.TrimSpace(q.Service),
		Message:     strings.TrimSpace(safetext.Body(q.Message)),
		ConsentText: strings.TrimSpace(q.ConsentText),
		IP:          ip,
		UTM:         q.utm(),
	}
}

// utmFields are the campaign parameters by their form field names.
func (q webLeadRequest) utmFields() map[string]string {
	return map[string]string{"utm_source": q.UTMSource, "utm_medium": q.UTMMedium, "utm_campaign": q.UTMCampaign,
		"utm_term": q.UTMTerm, "utm_content": q.UTMContent}
}

// utm returns the campaign parameters, nil when none is set.
func (q webLeadRequest) utm() *messages.UTM {
	u := &messages.UTM{Source: strings.TrimSpace(q.UTMSource), Medium: strings.TrimSpace(q.UTMMedium),
		Campaign: strings.TrimSpace(q.UTMCampaign), Term: strings.TrimSpace(q.UTMTerm), Content: strings.TrimSpace(q.UTMContent)}
	if u.Empty() {
		return nil
	}
	return u
}

// lengthInRange: valid UTF-8 of min to max characters.
func lengthInRange(s string, min, max int) bool {
	return utf8.ValidString(s) && inRange(utf8.RuneCountInString(s), min, max)
}

func inRange(n, min, max int) bool { return n >= min && n <= max }

// nameOK: a person's name as the clinic's first text greets it: letters
// of any script (with their combining marks), spaces, and . ' - (and the
// typographic apostrophe phones type), with at least one letter. A dot
// followed by two letters is refused too: "evil.example" is a web
// address, not a name ("J.R. Smith" is one).
func nameOK(s string) bool {
	letters := 0
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case unicode.IsLetter(r):
			letters++
		case unicode.Is(unicode.M, r) && i > 0, r == ' ', r == '\'', r == '’', r == '-':
		case r == '.':
			if i+2 < len(rs) && unicode.IsLetter(rs[i+1]) && unicode.IsLetter(rs[i+2]) {
				return false
			}
		default:
			return false
		}
	}
	return letters > 0
}

// emailOK is a loose check: a bare address whose domain has a dot.
func emailOK(s string) bool {
	if len(s) > maxEmailLen || !safetext.Line(s) {
		return false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	domain := s[at+1:]
	return strings.Contains(domain, ".") && !strings.HasPrefix(domain, ".") && !strings.HasSuffix(domain, ".")
}
