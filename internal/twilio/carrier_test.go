package twilio_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/medspa/engine/internal/carrier"
	"github.com/medspa/engine/internal/testkit"
	"github.com/medspa/engine/internal/twilio"
	"github.com/medspa/engine/messages"
)

func twilioSender(stub *testkit.Twilio) *twilio.Carrier {
	return &twilio.Carrier{BaseURL: stub.URL, AccountSID: stub.AccountSID, AuthToken: stub.AuthToken, Client: stub.Client()}
}

func sendCmd() messages.SendSMS {
	return messages.SendSMS{
		V: messages.Version, ID: "ob_1", ClinicID: "clinic_a", LeadID: "ld_1", Carrier: messages.CarrierTwilio,
		From: "+17735550101", To: "+13125550199", Text: "Saturday 10:00 works. Shall I book it?",
	}
}

func TestTwilioSend(t *testing.T) {
	stub := testkit.NewTwilio(t)
	id, err := twilioSender(stub).Send(context.Background(), sendCmd())
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	sent := stub.Sent()
	if len(sent) != 1 {
		t.Fatalf("stub accepted %d texts, want 1", len(sent))
	}
	got := sent[0]
	if id != got.ID || id == "" {
		t.Errorf("id = %q, stub's sid %q", id, got.ID)
	}
	if got.From != "+17735550101" || got.To != "+13125550199" || got.Text != sendCmd().Text {
		t.Errorf("stub got %+v", got)
	}
}

func TestTwilioSendErrors(t *testing.T) {
	tests := []struct {
		name      string
		status    int
		code      int
		retryable bool
		optedOut  bool
	}{
		{"opted out", http.StatusBadRequest, 21610, false, true},
		{"invalid number", http.StatusBadRequest, 21211, false, false},
		{"rate limited", http.StatusTooManyRequests, 20429, true, false},
		{"server error", http.StatusInternalServerError, 20500, true, false},
		{"unavailable", http.StatusServiceUnavailable, 20503, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stub := testkit.NewTwilio(t)
			stub.Fail = func(int) (int, int) { return tt.status, tt.code }
			_, err := twilioSender(stub).Send(context.Background(), sendCmd())
			var ce *carrier.Error
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want *carrier.Error", err)
			}
			if ce.Status != tt.status || ce.Retryable != tt.retryable || ce.OptedOut != tt.optedOut || carrier.IsRetryable(err) != tt.retryable {
				t.Errorf("err = %+v", ce)
			}
			if ce.Detail != "stub failure" {
				t.Errorf("detail = %q, want the API's message", ce.Detail)
			}
			if len(stub.Sent()) != 0 {
				t.Error("a refused text was recorded")
			}
		})
	}
}

func TestTwilioSendBadCredentials(t *testing.T) {
	stub := testkit.NewTwilio(t)
	s := twilioSender(stub)
	s.AuthToken = "wrong"
	_, err := s.Send(context.Background(), sendCmd())
	var ce *carrier.Error
	if !errors.As(err, &ce) || ce.Status != http.StatusUnauthorized || ce.Code != "20003" || ce.Retryable {
		t.Fatalf("err = %v, want a final 401 with code 20003", err)
	}
}

func TestTwilioSendEmptyBodyRefused(t *testing.T) {
	stub := testkit.NewTwilio(t)
	cmd := sendCmd()
	cmd.Text = ""
	_, err := twilioSender(stub).Send(context.Background(), cmd)
	var ce *carrier.Error
	if !errors.As(err, &ce) || ce.Code != "21602" || ce.Retryable {
		t.Fatalf("err = %v, want a final error with code 21602", err)
	}
}

func TestTwilioSendNonJSONError(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "<html>bad gateway</html>", http.StatusBadGateway)
	}))
	t.Cleanup(srv.Close)
	s := &twilio.Carrier{BaseURL: srv.URL, AccountSID: "AC1", AuthToken: "t", Client: srv.Client()}
	_, err := s.Send(context.Background(), sendCmd())
	var ce *carrier.Error
	if !errors.As(err, &ce) || ce.Status != http.StatusBadGateway || !ce.Retryable {
		t.Fatalf("err = %v, want a retryable 502", err)
	}
}

func TestTwilioSendTransportErrorIsRetryable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	s := &twilio.Carrier{BaseURL: url, AccountSID: "AC1", AuthToken: "t"}
	_, err := s.Send(context.Background(), sendCmd())
	if err == nil || !carrier.IsRetryable(err) {
		t.Fatalf("err = %v, want a retryable transport error", err)
	}
}

func TestTwilioSendWithoutSid(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte(`{"status":"queued"}`))
	}))
	t.Cleanup(srv.Close)
	s := &twilio.Carrier{BaseURL: srv.URL, AccountSID: "AC1", AuthToken: "t", Client: srv.Client()}
	if _, err := s.Send(context.Background(), sendCmd()); err == nil || carrier.IsRetryable(err) {
		t.Fatalf("err = %v, want a final error", err)
	}
}
