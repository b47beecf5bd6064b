package gateway

import (
	"net/http"

	"github.com/medspa/engine/internal/carrier"
)

// receiptCommand is the send command a status callback URL names
// (carrier.CallbackURL), or "" when it names none or something that cannot
// be a command id. For Twilio the whole URL is signed; Telnyx signs only the
// body, so a command id there is as good as the receipt's signature and
// timestamp (a replay must also be a real receipt within the tolerance).
func receiptCommand(r *http.Request) string {
	id := r.URL.Query().Get(carrier.CallbackParam)
	if len(id) == 0 || len(id) > 128 {
		return ""
	}
	for _, c := range id {
		if c <= ' ' || c > '~' { // command ids are printable ASCII ("telnyx:<event>#0")
			return ""
		}
	}
	return id
}
