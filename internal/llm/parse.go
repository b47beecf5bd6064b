package llm

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/medspa/engine/internal/understand"
)

// parseAnswer reads the structured output and checks every value against
// the vocabulary and the facts. Anything outside them makes the whole
// answer invalid: a model that misreads the format misreads the message.
func parseAnswer(resp *chatResponse, f Facts) (modelAnswer, error) {
	var ans modelAnswer
	if len(resp.Choices) == 0 {
		return ans, fmt.Errorf("%w: no choices", ErrInvalid)
	}
	ch := resp.Choices[0]
	switch {
	case ch.Message.Refusal != "":
		return ans, fmt.Errorf("%w: refusal", ErrInvalid)
	case ch.FinishReason == "length":
		return ans, fmt.Errorf("%w: answer cut at the token limit", ErrInvalid)
	case ch.Message.Content == nil:
		return ans, fmt.Errorf("%w: no content", ErrInvalid)
	}
	content := strings.TrimSpace(*ch.Message.Content)
	// some local servers fence JSON even when asked for a schema
	content = strings.TrimPrefix(content, "```json")
	content = strings.TrimPrefix(content, "```")
	content = strings.TrimSpace(strings.TrimSuffix(content, "```"))
	dec := json.NewDecoder(strings.NewReader(content))
	if err := dec.Decode(&ans); err != nil {
		return ans, fmt.Errorf("%w: content is not the schema's JSON: %w", ErrInvalid, err)
	}
	if dec.More() {
		return ans, fmt.Errorf("%w: content continues after the JSON", ErrInvalid)
	}
	switch {
	case ans.Intent == nil:
		return ans, fmt.Errorf("%w: no intent", ErrInvalid)
	case !knownIntent(*ans.Intent):
		return ans, fmt.Errorf("%w: unknown intent", ErrInvalid)
	case ans.ServiceID != "" && !f.serviceIDs()[ans.ServiceID]:
		return ans, fmt.Errorf("%w: unknown service", ErrInvalid)
	case ans.Option < 0 || ans.Option > 9:
		return ans, fmt.Errorf("%w: option out of range", ErrInvalid)
	case ans.Patient != "" && ans.Patient != understand.PatientNew && ans.Patient != understand.PatientReturning:
		return ans, fmt.Errorf("%w: unknown patient kind", ErrInvalid)
	}
	return ans, nil
}

func intentOf(a modelAnswer) understand.Intent {
	if a.Intent == nil {
		return understand.IntentUnknown
	}
	return understand.Intent(*a.Intent)
}

// nameOf keeps a name the model read only if it is a plausible name and
// was in the text sent; [NAME] maps back to the first masked name.
func nameOf(name string, masked []string, sent string) string {
	name = strings.TrimSpace(name)
	if name == "" {
		return ""
	}
	if strings.Contains(name, "[NAME]") {
		for _, n := range masked {
			if n != "" {
				return n
			}
		}
		return ""
	}
	if utf8.RuneCountInString(name) > 40 || !strings.Contains(strings.ToLower(sent), strings.ToLower(name)) {
		return ""
	}
	for _, r := range name {
		if !unicode.IsLetter(r) && r != ' ' && r != '-' && r != '\'' && r != '.' {
			return ""
		}
	}
	return name
}

// unmaskName puts the lead's name back into a reply; with no name known
// the placeholder stays and CheckReply refuses the reply.
func unmaskName(reply, name string) string {
	reply = strings.TrimSpace(reply)
	if name == "" {
		return reply
	}
	return strings.ReplaceAll(reply, "[NAME]", name)
}

func truncateRunes(s string, n int) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}
