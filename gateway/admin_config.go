package gateway

import (
	"net/http"
	"time"

	"github.com/medspa/engine/internal/telnyxapi"
)

// AdminConfig configures the admin API's calls to Telnyx (10DLC brands and
// campaigns, hosted-messaging orders). Config holds it as Config.Admin.
type AdminConfig struct {
	// TelnyxAPIBaseURL is where Telnyx's API is reached
	// (TELNYX_API_BASE_URL); telnyxapi.DefaultBaseURL when empty.
	TelnyxAPIBaseURL string
	// TelnyxAPIKey authenticates those calls. Without it the routes that
	// call Telnyx answer 503.
	TelnyxAPIKey string
	// MessagingProfileID is the messaging profile of hosted orders that do
	// not name one.
	MessagingProfileID string
	// HTTPClient calls Telnyx; one with a 30 s timeout when nil.
	HTTPClient *http.Client
}

// telnyxTimeout bounds one call to Telnyx's admin APIs.
const telnyxTimeout = 30 * time.Second

// telnyx returns the Telnyx client, or nil when no API key is configured.
func (c AdminConfig) telnyx() *telnyxapi.Client {
	if c.TelnyxAPIKey == "" {
		return nil
	}
	hc := c.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: telnyxTimeout}
	}
	return &telnyxapi.Client{BaseURL: c.TelnyxAPIBaseURL, APIKey: c.TelnyxAPIKey, HTTP: hc}
}
