package telnyx

import (
	"context"
	"encoding/json"
)

// HostedOrder is the body of POST /v2/messaging_hosted_number_orders: ask
// Telnyx to host messaging for numbers whose voice stays with another
// carrier.
type HostedOrder struct {
	PhoneNumbers       []string `json:"phone_numbers"` // E.164
	MessagingProfileID string   `json:"messaging_profile_id"`
}

// HostedNumber is one number of a hosted order.
type HostedNumber struct {
	ID          string `json:"id"`
	PhoneNumber string `json:"phone_number"`
	Status      string `json:"status"`
}

// HostedOrderResult is what Telnyx answered to a hosted order.
type HostedOrderResult struct {
	ID                 string         `json:"id"`
	Status             string         `json:"status"`
	MessagingProfileID string         `json:"messaging_profile_id"`
	PhoneNumbers       []HostedNumber `json:"phone_numbers"`
	// Raw is the whole answer.
	Raw json.RawMessage `json:"-"`
}

// CreateHostedOrder creates a hosted-messaging order (POST
// /v2/messaging_hosted_number_orders). Its status then arrives by webhook.
func (c *APIClient) CreateHostedOrder(ctx context.Context, o HostedOrder, opts ...CallOption) (HostedOrderResult, error) {
	var out HostedOrderResult
	raw, err := c.create(ctx, "create hosted order", "/v2/messaging_hosted_number_orders", o, &out, "id", func() bool { return out.ID != "" }, opts...)
	if err != nil {
		return HostedOrderResult{}, err
	}
	out.Raw = raw
	return out, nil
}
