// Package carrier hands texts to SMS providers over their HTTP APIs. Each
// provider is reached through a base URL so tests point it at a local server
// that behaves like the real API.
package carrier

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"

	"github.com/medspa/engine/messages"
)

// Sender hands one text to a carrier and returns the carrier's message id.
type Sender interface {
	Send(ctx context.Context, cmd messages.SendSMS) (providerID string, err error)
}

// Error is a carrier's refusal. Retryable errors (429, 5xx, timeouts) may
// succeed later; the others never will.
type Error struct {
	Status    int    // HTTP status, 0 for a transport error
	Code      string // the carrier's error code, e.g. Telnyx "40300"
	Detail    string
	Retryable bool
	// OptedOut: the carrier says the recipient opted out with it (Telnyx
	// 40300, Twilio 21610).
	OptedOut bool
}

// Error describes the refusal. Carriers echo numbers in their error texts
// ("+13125550123 is not a valid number"); they are masked, because errors
// end up in logs and dead letters.
func (e *Error) Error() string {
	return fmt.Sprintf("carrier: status %d code %q: %s", e.Status, e.Code, numberLike.ReplaceAllString(e.Detail, "[number]"))
}

// numberLike matches anything that may be a phone number: 7 or more digits,
// possibly with a leading + and separators.
var numberLike = regexp.MustCompile(`\+?\d[\d\s().-]{5,}\d`)

// IsRetryable reports whether err may succeed when tried again. Errors that
// are not *Error (transport failures, timeouts) are retryable.
func IsRetryable(err error) bool {
	var ce *Error
	if errors.As(err, &ce) {
		return ce.Retryable
	}
	return err != nil
}

// Router sends each command through the carrier it names.
type Router map[messages.Carrier]Sender

// Send implements Sender.
func (r Router) Send(ctx context.Context, cmd messages.SendSMS) (string, error) {
	s, ok := r[cmd.Carrier]
	if !ok {
		return "", &Error{Detail: fmt.Sprintf("no sender configured for carrier %q", cmd.Carrier)}
	}
	return s.Send(ctx, cmd)
}

// CallbackParam is the query parameter of a status callback URL that names
// the send command, so a delivery receipt says which command the carrier
// accepted even when the sender did not live to record the carrier's answer.
const CallbackParam = "command_id"

// CallbackURL is base (the webhook URL receipts go to) with the command id
// added; "" when base is empty (the number's default webhook is used, and
// its receipts name no command).
func CallbackURL(base, commandID string) string {
	if base == "" {
		return ""
	}
	u, err := url.Parse(base)
	if err != nil {
		return ""
	}
	q := u.Query()
	q.Set(CallbackParam, commandID)
	u.RawQuery = q.Encode()
	return u.String()
}
