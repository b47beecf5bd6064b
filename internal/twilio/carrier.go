package twilio

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/medspa/engine/internal/carrier"
	"github.com/medspa/engine/messages"
)

// Carrier sends texts through the Twilio Programmable Messaging API; it is
// a carrier.Sender.
type Carrier struct {
	BaseURL    string // e.g. https://api.twilio.com
	AccountSID string
	AuthToken  string
	// StatusCallback, when set, is where this message's status callbacks
	// go, with the command id added (carrier.CallbackURL); Twilio signs the whole
	// URL, so the command id in it is authenticated.
	StatusCallback string
	Client         *http.Client
}

// OptedOutCode is Twilio's error code for a recipient who replied STOP.
const OptedOutCode = "21610"

type twilioResponse struct {
	SID     string      `json:"sid"`
	Code    json.Number `json:"code"`
	Message string      `json:"message"`
}

// Send implements carrier.Sender.
func (t *Carrier) Send(ctx context.Context, cmd messages.SendSMS) (string, error) {
	form := url.Values{"From": {cmd.From}, "To": {cmd.To}, "Body": {cmd.Text}}
	if cb := carrier.CallbackURL(t.StatusCallback, cmd.ID); cb != "" {
		form.Set("StatusCallback", cb)
	}
	endpoint := strings.TrimRight(t.BaseURL, "/") + "/2010-04-01/Accounts/" + url.PathEscape(t.AccountSID) + "/Messages.json"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return "", fmt.Errorf("twilio request: %w", err)
	}
	req.SetBasicAuth(t.AccountSID, t.AuthToken)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	status, raw, err := carrier.Do(t.Client, req, "twilio")
	if err != nil {
		return "", err
	}
	var out twilioResponse
	_ = json.Unmarshal(raw, &out) // error bodies may not be JSON; status decides
	if status/100 == 2 {
		if out.SID == "" {
			return "", &carrier.Error{Status: status, Detail: "twilio: response without sid"}
		}
		return out.SID, nil
	}
	ce := &carrier.Error{
		Status:    status,
		Code:      out.Code.String(),
		Detail:    out.Message,
		Retryable: carrier.RetryableStatus(status),
	}
	if ce.Detail == "" {
		ce.Detail = http.StatusText(status)
	}
	ce.OptedOut = ce.Code == OptedOutCode
	return "", ce
}
