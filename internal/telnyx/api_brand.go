package telnyx

import (
	"context"
	"encoding/json"
)

// Brand is the body of POST /v2/10dlc/brand: a business registered with
// The Campaign Registry. Field names are Telnyx's.
type Brand struct {
	EntityType  string `json:"entityType"` // EntityTypes
	DisplayName string `json:"displayName"`
	CompanyName string `json:"companyName,omitempty"`
	FirstName   string `json:"firstName,omitempty"`
	LastName    string `json:"lastName,omitempty"`
	EIN         string `json:"ein,omitempty"` // NN-NNNNNNN
	Phone       string `json:"phone,omitempty"`
	Street      string `json:"street,omitempty"`
	City        string `json:"city,omitempty"`
	State       string `json:"state,omitempty"`
	PostalCode  string `json:"postalCode,omitempty"`
	Country     string `json:"country"` // ISO 3166-1 alpha-2
	Email       string `json:"email"`
	Website     string `json:"website,omitempty"`
	Vertical    string `json:"vertical"` // Verticals
	// StockSymbol and StockExchange are required of PUBLIC_PROFIT.
	StockSymbol   string `json:"stockSymbol,omitempty"`
	StockExchange string `json:"stockExchange,omitempty"`
	// WebhookURL receives the brand's status updates.
	WebhookURL string `json:"webhookURL,omitempty"`
}

// BrandResult is what Telnyx answered to a brand registration.
type BrandResult struct {
	BrandID        string `json:"brandId"`    // Telnyx's id, used to create campaigns
	TCRBrandID     string `json:"tcrBrandId"` // The Campaign Registry's id
	IdentityStatus string `json:"identityStatus"`
	Status         string `json:"status"`
	// Raw is the whole answer.
	Raw json.RawMessage `json:"-"`
}

// CreateBrand registers a brand (POST /v2/10dlc/brand). Telnyx charges for
// each registration: give a retried call the first one's IdempotencyKey.
func (c *APIClient) CreateBrand(ctx context.Context, b Brand, opts ...CallOption) (BrandResult, error) {
	var out BrandResult
	raw, err := c.create(ctx, "create brand", "/v2/10dlc/brand", b, &out, "brandId", func() bool { return out.BrandID != "" }, opts...)
	if err != nil {
		return BrandResult{}, err
	}
	out.Raw = raw
	return out, nil
}
