package telnyx_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/medspa/engine/internal/telnyx"
	"github.com/medspa/engine/internal/testkit"
)

func brand() telnyx.Brand {
	return telnyx.Brand{
		EntityType: "PRIVATE_PROFIT", DisplayName: "Glow", CompanyName: "Glow Med Spa LLC", EIN: "12-3456789",
		Phone: "+13125550100", Street: "1 Main St", City: "Chicago", State: "IL", PostalCode: "60601",
		Country: "US", Email: "ops@glow.example", Vertical: "HEALTHCARE", Website: "https://glow.example",
	}
}

func campaign(brandID string) telnyx.Campaign {
	return telnyx.Campaign{
		BrandID: brandID, Usecase: "MIXED", SubUsecases: []string{"CUSTOMER_CARE", "ACCOUNT_NOTIFICATION"},
		Description:     "Appointment scheduling, reminders and answers to questions of med spa patients.",
		MessageFlow:     "Patients opt in on the clinic's web form with an unchecked consent box.",
		Sample1:         "Hi Dana, this is Glow Med Spa: your Botox appointment is Friday at 3 pm. Reply STOP to opt out.",
		Sample2:         "Glow Med Spa: we have openings Tuesday 10 am or 2 pm. Which works? Reply STOP to opt out.",
		SubscriberOptin: true, SubscriberOptout: true, SubscriberHelp: true,
		OptoutKeywords: "STOP", HelpKeywords: "HELP",
		OptoutMessage: "Glow Med Spa: you are unsubscribed and will get no more messages.",
		HelpMessage:   "Glow Med Spa: call (312) 555-0100 for help. Reply STOP to opt out.",
	}
}

func TestCreateBrandCampaignOrder(t *testing.T) {
	stub := testkit.NewTelnyxAdmin(t)
	c := &telnyx.APIClient{BaseURL: stub.URL, APIKey: stub.APIKey}
	b, err := c.CreateBrand(t.Context(), brand())
	if err != nil {
		t.Fatalf("CreateBrand: %v", err)
	}
	if b.BrandID == "" || b.TCRBrandID == "" || b.IdentityStatus != "UNVERIFIED" || !strings.Contains(string(b.Raw), b.BrandID) {
		t.Errorf("CreateBrand = %+v (raw %s)", b, b.Raw)
	}
	cp, err := c.CreateCampaign(t.Context(), campaign(b.BrandID))
	if err != nil {
		t.Fatalf("CreateCampaign: %v", err)
	}
	if cp.CampaignID == "" || cp.BrandID != b.BrandID || cp.CampaignStatus != "TCR_PENDING" {
		t.Errorf("CreateCampaign = %+v", cp)
	}
	if got := stub.Campaigns(); len(got) != 1 || got[0].OptoutKeywords != "STOP" || len(got[0].Samples()) != 2 {
		t.Errorf("stub campaigns = %+v", got)
	}
	o, err := c.CreateHostedOrder(t.Context(), telnyx.HostedOrder{PhoneNumbers: []string{"+17735550100"}, MessagingProfileID: "prof-1"})
	if err != nil {
		t.Fatalf("CreateHostedOrder: %v", err)
	}
	if o.ID == "" || o.Status != "pending" || len(o.PhoneNumbers) != 1 || o.PhoneNumbers[0].PhoneNumber != "+17735550100" {
		t.Errorf("CreateHostedOrder = %+v", o)
	}
}

func TestErrorsAreClassified(t *testing.T) {
	stub := testkit.NewTelnyxAdmin(t)
	c := &telnyx.APIClient{BaseURL: stub.URL, APIKey: stub.APIKey}

	bad := brand()
	bad.EIN = "123"
	_, err := c.CreateBrand(t.Context(), bad)
	var te *telnyx.APIError
	if !errors.As(err, &te) || te.Status != http.StatusUnprocessableEntity || !te.Rejected() || te.Temporary() {
		t.Fatalf("invalid EIN: err = %v, want a rejected 422 *Error", err)
	}
	if s := te.Summary(); !strings.Contains(s, "/ein") || !strings.Contains(s, "invalid EIN") {
		t.Errorf("Summary = %q, want the pointer and detail", s)
	}

	_, err = c.CreateCampaign(t.Context(), campaign("no-such-brand"))
	if !errors.As(err, &te) || !te.Rejected() || !strings.Contains(te.Summary(), "/brandId") {
		t.Errorf("unknown brand: err = %v, want a rejection at /brandId", err)
	}

	wrongKey := &telnyx.APIClient{BaseURL: stub.URL, APIKey: "nope"}
	_, err = wrongKey.CreateBrand(t.Context(), brand())
	if !errors.As(err, &te) || te.Status != http.StatusUnauthorized || te.Rejected() || te.Temporary() {
		t.Errorf("wrong key: err = %v, want a 401 that is neither rejected nor temporary", err)
	}

	for _, status := range []int{http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusServiceUnavailable} {
		stub.Fail = func(string, int) (int, string) { return status, "10011" }
		_, err = c.CreateBrand(t.Context(), brand())
		if !errors.As(err, &te) || te.Status != status || !te.Temporary() || te.Rejected() {
			t.Errorf("status %d: err = %v, want a temporary *Error", status, err)
		}
	}
	if n := stub.Brands(); n != 0 {
		t.Errorf("stub registered %d brands, want 0", n)
	}
}

func TestUnreachable(t *testing.T) {
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	c := &telnyx.APIClient{BaseURL: dead.URL, APIKey: "k"}
	if _, err := c.CreateBrand(t.Context(), brand()); !errors.Is(err, telnyx.ErrUnreachable) {
		t.Errorf("closed server: err = %v, want ErrUnreachable", err)
	}

	garbage := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v2/10dlc/brand" {
			_, _ = w.Write([]byte(`{"unexpected":true}`))
			return
		}
		_, _ = w.Write([]byte(`<html>`))
	}))
	t.Cleanup(garbage.Close)
	c = &telnyx.APIClient{BaseURL: garbage.URL, APIKey: "k"}
	if _, err := c.CreateBrand(t.Context(), brand()); !errors.Is(err, telnyx.ErrUnreachable) {
		t.Errorf("answer without brandId: err = %v, want ErrUnreachable", err)
	}
	if _, err := c.CreateHostedOrder(t.Context(), telnyx.HostedOrder{}); !errors.Is(err, telnyx.ErrUnreachable) {
		t.Errorf("HTML answer: err = %v, want ErrUnreachable", err)
	}
}

func TestSendsBearerKeyAndJSON(t *testing.T) {
	var auth, ctype, path string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth, ctype, path = r.Header.Get("Authorization"), r.Header.Get("Content-Type"), r.URL.Path
		_, _ = w.Write([]byte(`{"data":{"id":"o1","status":"pending"}}`))
	}))
	t.Cleanup(srv.Close)
	c := &telnyx.APIClient{BaseURL: srv.URL + "/", APIKey: "KEY123"}
	if _, err := c.CreateHostedOrder(t.Context(), telnyx.HostedOrder{PhoneNumbers: []string{"+17735550100"}, MessagingProfileID: "p"}); err != nil {
		t.Fatal(err)
	}
	if auth != "Bearer KEY123" || ctype != "application/json" || path != "/v2/messaging_hosted_number_orders" {
		t.Errorf("request: auth %q, content type %q, path %q", auth, ctype, path)
	}
}
