package gateway

import (
	"net/http"
	"strings"
	"testing"

	"github.com/medspa/engine/persistence"
)

func brandBody() map[string]any {
	return map[string]any{
		"clinic_id": "clinic_a", "entity_type": "PRIVATE_PROFIT", "display_name": "Glow Chicago",
		"company_name": "Glow Med Spa LLC", "ein": "12-3456789", "phone": "(312) 555-0100",
		"street": "1 Main St", "city": "Chicago", "state": "IL", "postal_code": "60601", "country": "US",
		"email": "ops@glow.example", "website": "https://glow.example", "vertical": "HEALTHCARE",
	}
}

func campaignBody(brandID string) map[string]any {
	return map[string]any{
		"clinic_id": "clinic_a", "brand_id": brandID, "usecase": "MIXED",
		"sub_usecases": []string{"CUSTOMER_CARE", "ACCOUNT_NOTIFICATION"},
		"description":  "Appointment scheduling, reminders and answers to questions of med spa patients.",
		"message_flow": "Patients opt in on the clinic's web form by ticking an unchecked consent box.",
		"sample_messages": []string{
			"Glow Med Spa: your Botox appointment is Friday at 3 pm. Reply STOP to opt out.",
			"Glow Med Spa: we have openings Tuesday 10 am or 2 pm. Which works? Reply STOP to opt out.",
		},
		"opt_out_message":  "Glow Med Spa: you are unsubscribed and will get no more messages.",
		"help_message":     "Glow Med Spa: call (312) 555-0100 for help. Reply STOP to opt out.",
		"opt_out_keywords": []string{"STOP", "UNSUBSCRIBE"}, "help_keywords": []string{"HELP", "INFO"},
		"terms_and_conditions": true,
	}
}

func TestAdminNeedsAdminToken(t *testing.T) {
	e := newAdminEnv(t)
	routes := [][2]string{
		{http.MethodPost, "/admin/messages:send"}, {http.MethodPost, "/admin/10dlc/brands"},
		{http.MethodPost, "/admin/10dlc/campaigns"}, {http.MethodPost, "/admin/hosted/orders"},
		{http.MethodGet, "/admin/10dlc/brands/x"}, {http.MethodGet, "/admin/records"},
	}
	staff := e.token(RoleStaff, "clinic_a")
	for _, rt := range routes {
		code, body := e.call(rt[0], rt[1], "-", brandBody())
		wantCode(t, rt[1]+" without token", code, http.StatusUnauthorized, body)
		code, body = e.call(rt[0], rt[1], "not-a-jwt", brandBody())
		wantCode(t, rt[1]+" with a bad token", code, http.StatusUnauthorized, body)
		code, body = e.call(rt[0], rt[1], staff, brandBody())
		wantCode(t, rt[1]+" with a staff token", code, http.StatusForbidden, body)
	}
	if n := e.stub.Brands(); n != 0 {
		t.Errorf("stub registered %d brands, want 0", n)
	}
	code, body := e.call(http.MethodGet, "/admin/records", "", nil)
	wantCode(t, "records with an admin token", code, http.StatusOK, body)
}

func TestAdminBrand(t *testing.T) {
	e := newAdminEnv(t)
	code, body := e.call(http.MethodPost, "/admin/10dlc/brands", "", brandBody())
	wantCode(t, "create brand", code, http.StatusCreated, body)
	brandID, _ := body["external_id"].(string)
	if brandID == "" || body["kind"] != "brand" || body["clinic_id"] != "clinic_a" || body["status"] != "UNVERIFIED" {
		t.Fatalf("record = %v", body)
	}
	resp, _ := body["response"].(map[string]any)
	req, _ := body["request"].(map[string]any)
	if resp["brandId"] != brandID || req["phone"] != "(312) 555-0100" {
		t.Errorf("record request %v, response %v", req, resp)
	}
	stored, err := e.store.GetAdminRecord(t.Context(), persistence.AdminKindBrand, brandID)
	if err != nil || stored.ID != body["id"] || !stored.CreatedAt.Equal(adminNow) {
		t.Errorf("stored record = %+v, %v", stored, err)
	}
	code, got := e.call(http.MethodGet, "/admin/10dlc/brands/"+brandID, "", nil)
	wantCode(t, "get brand", code, http.StatusOK, got)
	if got["id"] != body["id"] {
		t.Errorf("GET brand = %v, want record %v", got, body["id"])
	}
	code, got = e.call(http.MethodGet, "/admin/10dlc/campaigns/"+brandID, "", nil)
	wantCode(t, "a brand id as a campaign", code, http.StatusNotFound, got)
}

func TestAdminBrandInvalid(t *testing.T) {
	e := newAdminEnv(t)
	b := brandBody()
	b["ein"], b["vertical"], b["email"], b["postal_code"], b["entity_type"] = "123456789", "SPA", "nope", "6060", "LLC"
	code, body := e.call(http.MethodPost, "/admin/10dlc/brands", "", b)
	wantCode(t, "invalid brand", code, http.StatusBadRequest, body)
	f := problemFields(body)
	for _, k := range []string{"ein", "vertical", "email", "postal_code", "entity_type"} {
		if f[k] == nil {
			t.Errorf("errors lack %s: %v", k, f)
		}
	}
	b = brandBody()
	b["clinic_id"] = "clinic_zz"
	code, body = e.call(http.MethodPost, "/admin/10dlc/brands", "", b)
	wantCode(t, "unknown clinic", code, http.StatusBadRequest, body)
	if problemFields(body)["clinic_id"] == nil {
		t.Errorf("errors = %v, want clinic_id", problemFields(body))
	}
	code, body = e.call(http.MethodPost, "/admin/10dlc/brands", "", "not an object")
	wantCode(t, "malformed", code, http.StatusBadRequest, body)
	if n := e.stub.Brands(); n != 0 || len(e.records("")) != 0 {
		t.Errorf("invalid requests reached Telnyx (%d) or the store (%d)", n, len(e.records("")))
	}
}

func TestAdminTelnyxFailures(t *testing.T) {
	cases := []struct {
		name   string
		status int
		code   string
		want   int
	}{
		{"validation 422", http.StatusUnprocessableEntity, "10002", http.StatusUnprocessableEntity},
		{"bad request 400", http.StatusBadRequest, "10015", http.StatusUnprocessableEntity},
		{"conflict", http.StatusConflict, "10409", http.StatusConflict},
		{"rate limited", http.StatusTooManyRequests, "10011", http.StatusBadGateway},
		{"down", http.StatusServiceUnavailable, "10503", http.StatusBadGateway},
		{"key refused", http.StatusUnauthorized, "10009", http.StatusBadGateway},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newAdminEnv(t)
			e.stub.Fail = func(string, int) (int, string) { return tc.status, tc.code }
			code, body := e.call(http.MethodPost, "/admin/10dlc/brands", "", brandBody())
			wantCode(t, "create brand", code, tc.want, body)
			detail, _ := body["detail"].(string)
			if tc.want < 500 && !strings.Contains(detail, tc.code) {
				t.Errorf("detail %q does not pass Telnyx's error %s back", detail, tc.code)
			}
			if n := len(e.records("")); n != 0 {
				t.Errorf("%d records stored after a failure", n)
			}
		})
	}
	t.Run("stub validation with pointer", func(t *testing.T) {
		e := newAdminEnv(t)
		// A brand id Telnyx does not know passes our checks; Telnyx refuses it.
		code, body := e.call(http.MethodPost, "/admin/10dlc/campaigns", "", campaignBody("unknown-brand"))
		wantCode(t, "campaign of unknown brand", code, http.StatusUnprocessableEntity, body)
		if problemFields(body)["brandId"] == nil {
			t.Errorf("errors = %v, want brandId from Telnyx's pointer", problemFields(body))
		}
	})
	t.Run("unreachable", func(t *testing.T) {
		e := newAdminEnv(t, func(_ *Config, a *AdminConfig) { a.TelnyxAPIBaseURL = "http://127.0.0.1:1" })
		code, body := e.call(http.MethodPost, "/admin/hosted/orders", "", map[string]any{"clinic_id": "clinic_a", "phone_numbers": []string{adminClinicNumber}})
		wantCode(t, "unreachable", code, http.StatusBadGateway, body)
	})
	t.Run("no API key", func(t *testing.T) {
		e := newAdminEnv(t, func(_ *Config, a *AdminConfig) { a.TelnyxAPIKey = "" })
		code, body := e.call(http.MethodPost, "/admin/10dlc/brands", "", brandBody())
		wantCode(t, "no key", code, http.StatusServiceUnavailable, body)
	})
}

func TestAdminCampaign(t *testing.T) {
	e := newAdminEnv(t)
	_, brand := e.call(http.MethodPost, "/admin/10dlc/brands", "", brandBody())
	brandID, _ := brand["external_id"].(string)

	code, body := e.call(http.MethodPost, "/admin/10dlc/campaigns", "", campaignBody(brandID))
	wantCode(t, "create campaign", code, http.StatusCreated, body)
	if body["kind"] != "campaign" || body["status"] != "TCR_PENDING" || body["external_id"] == "" {
		t.Errorf("record = %v", body)
	}
	sent := e.stub.Campaigns()
	if len(sent) != 1 || sent[0].BrandID != brandID || sent[0].OptoutKeywords != "STOP,UNSUBSCRIBE" ||
		sent[0].HelpKeywords != "HELP,INFO" || sent[0].Sample2 == "" || sent[0].Sample3 != "" || !sent[0].TermsAndConditions {
		t.Errorf("Telnyx got %+v", sent)
	}

	bad := campaignBody(brandID)
	bad["opt_out_keywords"] = []string{"QUIT"}
	bad["help_keywords"] = []string{"INFO"}
	bad["sample_messages"] = []string{"too short", strings.Repeat("x", 1025)}
	bad["message_flow"] = ""
	bad["usecase"] = "SPAM"
	code, body = e.call(http.MethodPost, "/admin/10dlc/campaigns", "", bad)
	wantCode(t, "invalid campaign", code, http.StatusBadRequest, body)
	f := problemFields(body)
	for _, k := range []string{"opt_out_keywords", "help_keywords", "sample_messages[0]", "sample_messages[1]", "message_flow", "usecase"} {
		if f[k] == nil {
			t.Errorf("errors lack %s: %v", k, f)
		}
	}
	six := campaignBody(brandID)
	six["sample_messages"] = []string{"a", "b", "c", "d", "e", "f"}
	code, body = e.call(http.MethodPost, "/admin/10dlc/campaigns", "", six)
	wantCode(t, "six samples", code, http.StatusBadRequest, body)
	if problemFields(body)["sample_messages"] == nil {
		t.Errorf("errors = %v, want sample_messages", problemFields(body))
	}
	other := campaignBody(brandID)
	other["clinic_id"] = "clinic_b"
	code, body = e.call(http.MethodPost, "/admin/10dlc/campaigns", "", other)
	wantCode(t, "brand of another clinic", code, http.StatusBadRequest, body)
	if problemFields(body)["brand_id"] == nil {
		t.Errorf("errors = %v, want brand_id", problemFields(body))
	}
	if n := len(e.stub.Campaigns()); n != 1 {
		t.Errorf("Telnyx got %d campaigns, want 1", n)
	}
}

func TestAdminHostedOrder(t *testing.T) {
	e := newAdminEnv(t)
	code, body := e.call(http.MethodPost, "/admin/hosted/orders", "", map[string]any{"clinic_id": "clinic_a", "phone_numbers": []string{"(773) 555-0100"}})
	wantCode(t, "create order", code, http.StatusCreated, body)
	if body["kind"] != "hosted_order" || body["status"] != "pending" || body["external_id"] == "" {
		t.Errorf("record = %v", body)
	}
	orders := e.stub.HostedOrders()
	if len(orders) != 1 || orders[0].MessagingProfileID != "prof-default" || len(orders[0].PhoneNumbers) != 1 || orders[0].PhoneNumbers[0] != adminClinicNumber {
		t.Errorf("Telnyx got %+v", orders)
	}
	code, body = e.call(http.MethodPost, "/admin/hosted/orders", "", map[string]any{"clinic_id": "clinic_a", "phone_numbers": []string{"+13055550100", "12"}})
	wantCode(t, "numbers not of the clinic", code, http.StatusBadRequest, body)
	if f := problemFields(body); f["phone_numbers[1]"] == nil {
		t.Errorf("errors = %v", f)
	}
	code, body = e.call(http.MethodPost, "/admin/hosted/orders", "", map[string]any{"clinic_id": "clinic_a", "phone_numbers": []string{"+13055550100"}})
	wantCode(t, "number of another clinic", code, http.StatusBadRequest, body)
	if f := problemFields(body); f["phone_numbers[0]"] == nil {
		t.Errorf("errors = %v", f)
	}
	code, body = e.call(http.MethodGet, "/admin/records?kind=hosted_order&clinic_id=clinic_a", "", nil)
	wantCode(t, "list", code, http.StatusOK, body)
	if items, _ := body["items"].([]any); len(items) != 1 {
		t.Errorf("records = %v, want 1", body)
	}
	code, body = e.call(http.MethodGet, "/admin/records?kind=nope", "", nil)
	wantCode(t, "list bad kind", code, http.StatusBadRequest, body)
}
