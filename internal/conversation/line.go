package conversation

import (
	"strings"

	"github.com/medspa/engine/messages"
)

// AttachmentPrefix starts a transcript line that names one attachment of a
// lead's MMS by its URL at the carrier; the staff inbox shows such a line
// as a link (gateway/inbox/app.js).
const AttachmentPrefix = "[attachment] "

// InboundText is the transcript line of an inbound message, "" for kinds
// that are not the lead's words: a text and a line per attachment, a
// missed call, a web form with the treatment and message it gave. It is
// the one rendering of an inbound message: the state's recent lines, the
// stored transcript and so the staff inbox all show this text.
func InboundText(in messages.Envelope) string {
	switch {
	case in.SMS != nil:
		lines := []string{}
		if in.SMS.Text != "" {
			lines = append(lines, in.SMS.Text)
		}
		for _, u := range in.SMS.Media {
			lines = append(lines, AttachmentPrefix+u)
		}
		return strings.Join(lines, "\n")
	case in.Missed != nil:
		return "[missed call]"
	case in.Web != nil:
		parts := []string{"[web form]"}
		if in.Web.Message != "" {
			parts = append(parts, in.Web.Message)
		}
		if in.Web.Service != "" {
			parts = append(parts, "(service: "+in.Web.Service+")")
		}
		return strings.Join(parts, " ")
	}
	return ""
}
