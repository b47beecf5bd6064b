package understand

import (
	"strings"

	"github.com/medspa/engine/internal/clinic"
)

// Provider requests: "with Dr. Kim", "can I see Ali", "same person as last
// time". A provider is named after a cue (with, see, prefer, by, book) or
// a title (Dr., doctor, nurse); the name matches any word of a provider's
// name but titles and credentials.

// providerCues are words after which a name asks for a provider.
var providerCues = map[string]bool{"with": true, "see": true, "prefer": true, "by": true, "book": true, "want": true}

// providerTitles are words before a provider's name, and words of a
// provider's name that do not identify them.
var providerTitles = map[string]bool{"dr": true, "doctor": true, "nurse": true, "rn": true, "np": true, "pa": true, "md": true,
	"injector": true, "aesthetician": true, "esthetician": true, "ms": true, "mr": true, "mrs": true, "miss": true}

// sameProviderPhrases ask for the provider of the lead's last visit.
var sameProviderPhrases = []string{" same person ", " same provider ", " same injector ", " same nurse ", " same doctor ",
	" same one as last time ", " same lady ", " same guy ", " same as last time "}

// extractProvider finds a provider asked for: its id, or the name asked
// for when no provider of the clinic has it ("Dr. Smith"), or same when
// the lead asks for the provider of their last visit.
func extractProvider(u *Utterance, c *clinic.Clinic) (id, unknown string, same bool) {
	if c == nil || len(c.Providers) == 0 {
		return "", "", false
	}
	for _, p := range sameProviderPhrases {
		if strings.Contains(u.padded, p) {
			return "", "", true
		}
	}
	for i, w := range u.words {
		cue := providerCues[w]
		title := providerTitles[w] && (w == "dr" || w == "doctor" || w == "nurse")
		if !cue && !title {
			continue
		}
		j := i + 1
		for j < len(u.words) && providerTitles[u.words[j]] {
			j++
			title = true
		}
		if j >= len(u.words) {
			continue
		}
		if p, ok := providerNamed(c, u.words[j]); ok {
			return p.ID, "", false
		}
		if title && j < len(u.tokens) {
			name := u.tokens[j].orig
			if w == "dr" || w == "doctor" || u.words[i+1] == "dr" {
				name = "Dr. " + name
			}
			return "", name, false
		}
	}
	return "", "", false
}

// providerNamed is the provider one of whose name's words (titles aside)
// is word.
func providerNamed(c *clinic.Clinic, word string) (clinic.Provider, bool) {
	for _, p := range c.Providers {
		for _, w := range NewUtterance(p.Name).words {
			if !providerTitles[w] && w == word && len(w) > 1 {
				return p, true
			}
		}
	}
	return clinic.Provider{}, false
}
