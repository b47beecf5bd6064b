package clinic

import (
	"crypto/subtle"
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// WebForm is the key a clinic's own site embeds in its lead form and the
// sites (origins) that may post it. The key is public (it is in the
// page), so it names the form rather than proving anything alone; checked
// together with the Origin header a browser sets and a page cannot
// change, it keeps other sites from embedding the clinic's form to text
// their visitors' numbers. A script outside a browser can send any
// Origin: against it stand the form's limits (docs/SECURITY.md).
type WebForm struct {
	Key     string   `yaml:"key" json:"key"`
	Origins []string `yaml:"origins" json:"origins"`
}

const (
	// MinWebFormKeyLen and MaxWebFormKeyLen bound a form key.
	MinWebFormKeyLen = 16
	MaxWebFormKeyLen = 100
	// MaxWebFormOrigins bounds the sites of a form.
	MaxWebFormOrigins = 20
)

// WebFormProblem says why a submission with key from origin (the Origin
// header, "" when absent) is refused for c, "" when it is taken: a clinic
// without a WebForm takes every submission; one with a WebForm needs its
// key and one of its origins.
func (c *Clinic) WebFormProblem(key, origin string) string {
	f := c.WebForm
	switch {
	case f == nil:
		return ""
	case key == "":
		return "this clinic's form needs its form_key"
	case subtle.ConstantTimeCompare([]byte(key), []byte(f.Key)) != 1:
		return "wrong form_key for this clinic"
	case origin == "":
		return "this clinic's form is taken from its own sites only (no Origin header)"
	case !f.allows(origin):
		return "this clinic's form is not taken from that site"
	}
	return ""
}

// AllowsOrigin reports whether origin is one of the sites of c's form.
func (c *Clinic) AllowsOrigin(origin string) bool {
	return c.WebForm != nil && c.WebForm.allows(origin)
}

func (f *WebForm) allows(origin string) bool {
	return slices.Contains(f.Origins, strings.ToLower(origin))
}

// validate checks the key's characters and length and that each origin
// is a scheme and host (and port) only, in lower case, as browsers send it.
func (f *WebForm) validate(bad func(field, format string, args ...any)) {
	switch {
	case len(f.Key) < MinWebFormKeyLen || len(f.Key) > MaxWebFormKeyLen:
		bad("web_form.key", "%d to %d characters", MinWebFormKeyLen, MaxWebFormKeyLen)
	case strings.IndexFunc(f.Key, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-')
	}) >= 0:
		bad("web_form.key", "letters, digits, _ and - only")
	}
	switch n := len(f.Origins); {
	case n == 0:
		bad("web_form.origins", "at least one site, e.g. https://www.glowchicago.com")
	case n > MaxWebFormOrigins:
		bad("web_form.origins", "%d sites, at most %d", n, MaxWebFormOrigins)
	}
	for i, o := range f.Origins {
		if p := originProblem(o); p != "" {
			bad(fmt.Sprintf("web_form.origins[%d]", i), "%s", p)
		}
	}
}

// originProblem says what keeps o from being an origin a browser sends.
func originProblem(o string) string {
	u, err := url.Parse(o)
	switch {
	case len(o) > MaxCalendarURLLen:
		return "too long"
	case err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http"):
		return fmt.Sprintf("%q is not an origin: https://host or https://host:port", truncateRunes(o, 40))
	case u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil:
		return fmt.Sprintf("%q has more than scheme and host: no path, query or user", truncateRunes(o, 40))
	case o != strings.ToLower(o):
		return fmt.Sprintf("%q must be in lower case, as browsers send it", truncateRunes(o, 40))
	}
	return ""
}
