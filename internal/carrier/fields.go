package carrier

import (
	"slices"
	"strings"
)

// DescribeFields is the text of a carrier webhook's field errors: invalid
// (the carrier package's ErrInvalid), then each field and what is wrong
// with it, in field order: "invalid telnyx webhook: data.id: required;
// data.payload: required".
func DescribeFields(invalid error, fields map[string]string) string {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ": " + fields[k]
	}
	return invalid.Error() + ": " + strings.Join(parts, "; ")
}

// ValidID accepts an id a carrier gives (a message's, an event's, a
// status): 1 to 128 printable ASCII characters without spaces, safe as a
// Nats-Msg-Id header value and in a log line.
func ValidID(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}
