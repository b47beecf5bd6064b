package telnyx

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/medspa/engine/internal/carrier"
	"github.com/medspa/engine/messages"
)

// Carrier sends texts through the Telnyx v2 messaging API; it is a
// carrier.Sender.
type Carrier struct {
	BaseURL            string // e.g. https://api.telnyx.com
	APIKey             string
	MessagingProfileID string
	// WebhookURL, when set, is where this message's receipts go (Telnyx
	// webhook_url), with the command id added (carrier.CallbackURL).
	WebhookURL string
	Client     *http.Client
}

type telnyxSendRequest struct {
	From               string `json:"from"`
	To                 string `json:"to"`
	Text               string `json:"text"`
	MessagingProfileID string `json:"messaging_profile_id,omitempty"`
	WebhookURL         string `json:"webhook_url,omitempty"`
}

type telnyxSendResponse struct {
	Data struct {
		ID string `json:"id"`
	} `json:"data"`
	Errors []struct {
		Code   string `json:"code"`
		Title  string `json:"title"`
		Detail string `json:"detail"`
	} `json:"errors"`
}

// Send implements carrier.Sender.
func (t *Carrier) Send(ctx context.Context, cmd messages.SendSMS) (string, error) {
	body, err := json.Marshal(telnyxSendRequest{From: cmd.From, To: cmd.To, Text: cmd.Text, MessagingProfileID: t.MessagingProfileID,
		WebhookURL: carrier.CallbackURL(t.WebhookURL, cmd.ID)})
	if err != nil {
		return "", fmt.Errorf("encode telnyx request: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(t.BaseURL, "/")+"/v2/messages", bytes.NewReader(body))
	if err != nil {
		return "", fmt.Errorf("telnyx request: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+t.APIKey)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	status, raw, err := carrier.Do(t.Client, req, "telnyx")
	if err != nil {
		return "", err
	}
	var out telnyxSendResponse
	_ = json.Unmarshal(raw, &out) // error bodies may not be JSON; status decides
	if status/100 == 2 {
		if out.Data.ID == "" {
			return "", &carrier.Error{Status: status, Detail: "telnyx: response without data.id", Retryable: false}
		}
		return out.Data.ID, nil
	}
	ce := &carrier.Error{Status: status, Retryable: carrier.RetryableStatus(status)}
	if len(out.Errors) > 0 {
		ce.Code, ce.Detail = out.Errors[0].Code, out.Errors[0].Title
		if out.Errors[0].Detail != "" {
			ce.Detail = out.Errors[0].Detail
		}
	}
	ce.OptedOut = ce.Code == "40300"
	return "", ce
}
