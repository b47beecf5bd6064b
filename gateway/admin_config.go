package gateway

import (
	"net/http"
	"time"

	"github.com/medspa/engine/internal/telnyx"
)

// AdminConfig configures the admin API's calls to Telnyx (10DLC brands and
// campaigns, hosted-messaging orders). Config holds it as Config.Admin.
type AdminConfig struct {
	// TelnyxAPIBaseURL is where Telnyx's API is reached
	// (TELNYX_API_BASE_URL); telnyx.DefaultBaseURL when empty.
	TelnyxAPIBaseURL string
	// TelnyxAPIKey authenticates those calls. Without it the routes that
	// call Telnyx answer 503.
	TelnyxAPIKey string
	// MessagingProfileID is the messaging profile of hosted orders that do
	// not name one.
	MessagingProfileID string
	// HTTPClient calls Telnyx; one with the call timeout when nil.
	HTTPClient *http.Client
	// CallTimeout bounds one call to Telnyx; DefaultAdminCallTimeout when
	// zero or longer.
	CallTimeout time.Duration
}

// DefaultAdminCallTimeout bounds one call to Telnyx's admin APIs. It ends
// ten seconds before the server's WriteTimeout: a slow Telnyx gets the
// admin a 504 (retry with the same Idempotency-Key) while the connection
// still takes an answer, never a cut connection that hides whether Telnyx
// created the object.
const DefaultAdminCallTimeout = WriteTimeout - 10*time.Second

// callTimeout is the bound of one call to Telnyx.
func (c AdminConfig) callTimeout() time.Duration {
	if c.CallTimeout <= 0 || c.CallTimeout > DefaultAdminCallTimeout {
		return DefaultAdminCallTimeout
	}
	return c.CallTimeout
}

// telnyx returns the Telnyx client, or nil when no API key is configured.
func (c AdminConfig) telnyx() *telnyx.APIClient {
	if c.TelnyxAPIKey == "" {
		return nil
	}
	hc := c.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: c.callTimeout()}
	}
	return &telnyx.APIClient{BaseURL: c.TelnyxAPIBaseURL, APIKey: c.TelnyxAPIKey, HTTP: hc}
}
