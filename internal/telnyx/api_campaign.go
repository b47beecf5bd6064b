package telnyx

import (
	"context"
	"encoding/json"
)

// Campaign is the body of POST /v2/10dlc/campaignBuilder: what a brand will
// send, and how people opt in and out. Field names are Telnyx's.
type Campaign struct {
	BrandID     string   `json:"brandId"`
	Usecase     string   `json:"usecase"` // UseCases
	SubUsecases []string `json:"subUsecases,omitempty"`
	Description string   `json:"description"`
	MessageFlow string   `json:"messageFlow"` // how a person opts in
	Sample1     string   `json:"sample1"`
	Sample2     string   `json:"sample2,omitempty"`
	Sample3     string   `json:"sample3,omitempty"`
	Sample4     string   `json:"sample4,omitempty"`
	Sample5     string   `json:"sample5,omitempty"`

	SubscriberOptin  bool   `json:"subscriberOptin"`
	SubscriberOptout bool   `json:"subscriberOptout"`
	SubscriberHelp   bool   `json:"subscriberHelp"`
	OptinKeywords    string `json:"optinKeywords,omitempty"` // comma separated
	OptoutKeywords   string `json:"optoutKeywords"`
	HelpKeywords     string `json:"helpKeywords"`
	OptinMessage     string `json:"optinMessage,omitempty"`
	OptoutMessage    string `json:"optoutMessage"`
	HelpMessage      string `json:"helpMessage"`

	EmbeddedLink       bool `json:"embeddedLink"`
	EmbeddedPhone      bool `json:"embeddedPhone"`
	NumberPool         bool `json:"numberPool"`
	AgeGated           bool `json:"ageGated"`
	DirectLending      bool `json:"directLending"`
	AffiliateMarketing bool `json:"affiliateMarketing"`
	TermsAndConditions bool `json:"termsAndConditions"`

	PrivacyPolicyLink      string `json:"privacyPolicyLink,omitempty"`
	TermsAndConditionsLink string `json:"termsAndConditionsLink,omitempty"`
	// WebhookURL receives the campaign's status updates.
	WebhookURL string `json:"webhookURL,omitempty"`
}

// Samples returns the campaign's sample messages that are set.
func (c Campaign) Samples() []string {
	var out []string
	for _, s := range []string{c.Sample1, c.Sample2, c.Sample3, c.Sample4, c.Sample5} {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// CampaignResult is what Telnyx answered to a campaign registration.
type CampaignResult struct {
	CampaignID     string `json:"campaignId"`
	TCRCampaignID  string `json:"tcrCampaignId"`
	BrandID        string `json:"brandId"`
	CampaignStatus string `json:"campaignStatus"`
	// Raw is the whole answer.
	Raw json.RawMessage `json:"-"`
}

// CreateCampaign registers a campaign of a brand (POST
// /v2/10dlc/campaignBuilder).
func (c *APIClient) CreateCampaign(ctx context.Context, cp Campaign, opts ...CallOption) (CampaignResult, error) {
	var out CampaignResult
	raw, err := c.create(ctx, "create campaign", "/v2/10dlc/campaignBuilder", cp, &out, "campaignId", func() bool { return out.CampaignID != "" }, opts...)
	if err != nil {
		return CampaignResult{}, err
	}
	out.Raw = raw
	return out, nil
}
