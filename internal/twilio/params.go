package twilio

import (
	"errors"
	"net/url"
	"strconv"
	"time"

	"github.com/medspa/engine/internal/carrier"
	"github.com/medspa/engine/internal/directory"
	"github.com/medspa/engine/internal/phone"
	"github.com/medspa/engine/internal/safetext"
	"github.com/medspa/engine/messages"
)

// maxMedia is the most attachments Twilio delivers with one message.
const maxMedia = 10

// ErrInvalid marks webhook parameters that are not a usable Twilio webhook.
var ErrInvalid = errors.New("invalid twilio webhook")

// Mapper turns a verified webhook's parameters into an envelope. ok is false
// when no clinic owns the number. Its errors are FieldErrors.
type Mapper func(p url.Values, at time.Time) (env messages.Envelope, ok bool, err error)

// Inbound maps an incoming message webhook to a KindSMS envelope for
// the clinic that owns To. The body loses its control characters but
// newline and tab (safetext.Body).
func Inbound(dir *directory.Directory) Mapper {
	return func(p url.Values, at time.Time) (messages.Envelope, bool, error) {
		f := FieldErrors{}
		sid := f.id(p, "MessageSid")
		from := f.phone(p, "From")
		to := f.phone(p, "To")
		var media []string
		if n := p.Get("NumMedia"); n != "" {
			count, err := strconv.Atoi(n)
			if err != nil || count < 0 || count > maxMedia {
				f["NumMedia"] = "a number from 0 to 10"
			}
			for i := 0; i < count && i <= maxMedia; i++ {
				k := "MediaUrl" + strconv.Itoa(i)
				u := p.Get(k)
				if u == "" {
					f[k] = "required by NumMedia"
					continue
				}
				media = append(media, u)
			}
		}
		if err := f.err(); err != nil {
			return messages.Envelope{}, false, err
		}
		c, ok := dir.ByNumber(to)
		if !ok {
			return messages.Envelope{}, false, nil
		}
		return messages.Envelope{
			V: messages.Version, ID: "twilio:" + sid, Kind: messages.KindSMS,
			ClinicID: c.ID, LeadID: messages.LeadID(c.ID, from), Phone: from, Received: at,
			SMS: &messages.InboundSMS{
				Carrier: messages.CarrierTwilio, ProviderID: sid,
				From: from, To: to, Text: safetext.Body(p.Get("Body")), Media: media,
			},
		}, true, nil
	}
}

// Status maps a status callback of one of our texts to a KindReceipt
// envelope: From is the clinic number we sent from, To the lead.
func Status(dir *directory.Directory) Mapper {
	return func(p url.Values, at time.Time) (messages.Envelope, bool, error) {
		f := FieldErrors{}
		sid := f.id(p, "MessageSid")
		status := f.id(p, "MessageStatus")
		from := f.phone(p, "From")
		to := f.phone(p, "To")
		code := p.Get("ErrorCode")
		if code != "" && !carrier.ValidID(code) {
			f["ErrorCode"] = "1 to 128 printable characters"
		}
		if err := f.err(); err != nil {
			return messages.Envelope{}, false, err
		}
		c, ok := dir.ByNumber(from)
		if !ok {
			return messages.Envelope{}, false, nil
		}
		return messages.Envelope{
			V: messages.Version, ID: "twilio-status:" + sid + ":" + status, Kind: messages.KindReceipt,
			ClinicID: c.ID, LeadID: messages.LeadID(c.ID, to), Phone: to, Received: at,
			Receipt: &messages.DeliveryReceipt{
				Carrier: messages.CarrierTwilio, ProviderID: sid, Status: status, ErrorCode: code,
			},
		}, true, nil
	}
}

// FieldErrors names, field by field, what is wrong with a webhook's
// parameters. It matches ErrInvalid.
type FieldErrors map[string]string

func (f FieldErrors) Error() string { return carrier.DescribeFields(ErrInvalid, f) }

// Unwrap makes FieldErrors match ErrInvalid.
func (f FieldErrors) Unwrap() error { return ErrInvalid }

// err is f as an error, or nil when nothing is wrong.
func (f FieldErrors) err() error {
	if len(f) == 0 {
		return nil
	}
	return f
}

// id returns p[k] when it is a usable provider id, else records an error.
func (f FieldErrors) id(p url.Values, k string) string {
	v := p.Get(k)
	if !carrier.ValidID(v) {
		f[k] = "required: 1 to 128 printable characters"
	}
	return v
}

// phone returns p[k] in E.164, else records an error.
func (f FieldErrors) phone(p url.Values, k string) string {
	n, err := phone.Normalize(p.Get(k))
	if err != nil {
		f[k] = "required: a phone number"
	}
	return n
}
