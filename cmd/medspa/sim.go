package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/medspa/engine/internal/directory"

	"github.com/medspa/engine/cmd/medspa/internal/app"
	"github.com/medspa/engine/gateway"
	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/phone"
	"github.com/medspa/engine/internal/telnyx"
	"github.com/medspa/engine/internal/twilio"
	"github.com/medspa/engine/messages"
)

// runSim plays a carrier: it signs a Telnyx message.received webhook with
// the development key, posts it to the running gateway, and prints the
// engine's reply as it appears in the conversation.
func runSim(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) > 0 && args[0] == "pay" {
		return runSimPay(ctx, args[1:], getenv, stdout)
	}
	cfg, a, err := parseSimArgs(args, getenv)
	if err != nil {
		return err
	}
	clinics, err := cfg.LoadClinics()
	if err != nil {
		return err
	}
	if a.to == "" {
		a.to = clinics[0].PhoneNumbers[0]
	}
	lead, err := phone.Normalize(a.from)
	if err != nil {
		return fmt.Errorf("--from: %w", err)
	}
	secret, err := jwtSecret(getenv)
	if err != nil {
		return err
	}
	c, err := simClinic(ctx, directory.New(clinics), a, secret)
	if err != nil {
		return err
	}
	var priv ed25519.PrivateKey
	if c.CarrierFor(a.to) == messages.CarrierTelnyx {
		if priv, err = app.DevTelnyxKey(cfg.DataDir); err != nil {
			return err
		}
	}
	token, err := gateway.IssueToken(secret, "sim", "staff", c.ID, time.Hour, time.Now())
	if err != nil {
		return err
	}
	api := staffClient{base: a.base, token: token, clinic: c.ID}
	before, _ := api.outbound(ctx, lead)
	if err := postInbound(ctx, cfg, priv, c.CarrierFor(a.to), a, lead); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "you (%s) -> %s via %s: %s\n", phone.Mask(lead), c.Name, c.CarrierFor(a.to), a.text)
	return awaitReplies(ctx, api, lead, len(before), c.Name, a.wait, stdout)
}

// simArgs are the flags and the text of `medspa sim`.
type simArgs struct {
	from, to, clinicID, base, text string
	wait                           time.Duration
}

func parseSimArgs(args []string, getenv func(string) string) (app.Config, simArgs, error) {
	cfg, fs, base, err := simFlags("sim", getenv)
	if err != nil {
		return cfg, simArgs{}, err
	}
	from := fs.String("from", "+13125550123", "the lead's number")
	to := fs.String("to", "", "the clinic number (default: the first clinic's first number)")
	clinicID := fs.String("clinic", "", "the clinic that owns --to, for a clinic added without the clinics file (POST /admin/clinics, medspa clinic add)")
	wait := fs.Duration("wait", 10*time.Second, "how long to wait for the reply")
	if err := fs.Parse(args); err != nil {
		return cfg, simArgs{}, err
	}
	a := simArgs{from: *from, to: *to, clinicID: *clinicID, base: *base, wait: *wait, text: strings.Join(fs.Args(), " ")}
	if a.text == "" {
		return cfg, a, errors.New(`say something: medspa sim "How much is Botox?"`)
	}
	return cfg, a, nil
}

// simFlags loads the settings of a simulator command and starts its flags
// with --url, the gateway's base URL.
func simFlags(name string, getenv func(string) string) (app.Config, *flag.FlagSet, *string, error) {
	cfg, err := loadConfig(getenv)
	if err != nil {
		return cfg, nil, nil, err
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	base := fs.String("url", "http://127.0.0.1:"+strconv.Itoa(cfg.Port), "gateway base URL")
	return cfg, fs, base, nil
}

// simClinic is the clinic that owns the number a.to: from the clinics
// file, else, with --clinic, from the gateway.
func simClinic(ctx context.Context, dir *directory.Directory, a simArgs, secret []byte) (*clinic.Clinic, error) {
	c, ok := dir.ByNumber(a.to)
	if !ok && a.clinicID != "" {
		// A clinic added at run time lives in the store: ask the gateway
		// for its settings, as its staff would.
		var err error
		if c, err = clinicFromGateway(ctx, a.base, secret, a.clinicID); err != nil {
			return nil, err
		}
		ok = slices.Contains(c.PhoneNumbers, a.to)
	}
	if !ok {
		return nil, fmt.Errorf("--to %s is not a number of any clinic in the clinics file (for a clinic added since, name it with --clinic)", a.to)
	}
	return c, nil
}

// postInbound posts the lead's text as the carrier's signed webhook.
func postInbound(ctx context.Context, cfg app.Config, priv ed25519.PrivateKey, carrier messages.Carrier, a simArgs, lead string) error {
	var req *http.Request
	var err error
	if carrier == messages.CarrierTwilio {
		req, err = twilioRequest(ctx, cfg, a.base, lead, a.to, a.text)
	} else {
		req, err = telnyxRequest(ctx, priv, a.base, lead, a.to, a.text)
	}
	if err != nil {
		return err
	}
	_, err = postToGateway(req, "webhook")
	return err
}

// postToGateway posts req and returns the body of the gateway's 200 answer.
func postToGateway(req *http.Request, what string) ([]byte, error) {
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("post %s (is `make run` running?): %w", what, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("gateway answered %s: %s", resp.Status, body)
	}
	return body, nil
}

// awaitReplies prints the texts the engine sends the lead after the first
// seen ones, once there are any, or fails after wait.
func awaitReplies(ctx context.Context, api staffClient, lead string, seen int, name string, wait time.Duration, stdout io.Writer) error {
	deadline := time.Now().Add(wait)
	for time.Now().Before(deadline) {
		out, err := api.outbound(ctx, lead)
		if err == nil && len(out) > seen {
			for _, m := range out[seen:] {
				fmt.Fprintf(stdout, "%s -> you: %s\n", name, m)
			}
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return fmt.Errorf("no reply within %s", wait)
}

// telnyxRequest signs a Telnyx message.received webhook as Telnyx does.
func telnyxRequest(ctx context.Context, priv ed25519.PrivateKey, base, from, to, text string) (*http.Request, error) {
	body := telnyxInbound(from, to, text, time.Now())
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/webhooks/telnyx/messages", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("telnyx-timestamp", ts)
	req.Header.Set("telnyx-signature-ed25519", telnyx.Sign(priv, ts, body))
	return req, nil
}

// twilioRequest signs an inbound-SMS form post as Twilio does: over the
// public URL configured at Twilio and every parameter.
func twilioRequest(ctx context.Context, cfg app.Config, base, from, to, text string) (*http.Request, error) {
	token := cfg.TwilioAuthToken
	if token == "" {
		t, err := app.DevTwilioToken(cfg.DataDir)
		if err != nil {
			return nil, err
		}
		token = t
	}
	public := cfg.PublicBaseURL
	if public == "" {
		public = "http://127.0.0.1:" + strconv.Itoa(cfg.Port)
	}
	sid := "SM" + strings.ReplaceAll(uuid(), "-", "")
	form := url.Values{
		"MessageSid": {sid}, "SmsSid": {sid}, "SmsMessageSid": {sid}, "AccountSid": {"AC00000000000000000000000000000000"},
		"From": {from}, "To": {to}, "Body": {text}, "NumMedia": {"0"}, "NumSegments": {"1"}, "SmsStatus": {"received"}, "ApiVersion": {"2010-04-01"},
	}
	const path = "/webhooks/twilio/messages"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+path, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set(twilio.HeaderSignature, twilio.Sign(token, public+path, form))
	return req, nil
}

// telnyxInbound builds a message.received webhook body in Telnyx's shape.
func telnyxInbound(from, to, text string, now time.Time) []byte {
	ev := map[string]any{
		"data": map[string]any{
			"event_type":  "message.received",
			"id":          uuid(),
			"occurred_at": now.UTC().Format(time.RFC3339Nano),
			"record_type": "event",
			"payload": map[string]any{
				"direction":   "inbound",
				"id":          uuid(),
				"from":        map[string]any{"phone_number": from, "carrier": "T-Mobile USA", "line_type": "long_code"},
				"to":          []any{map[string]any{"phone_number": to, "status": "webhook_delivered"}},
				"text":        text,
				"media":       []any{},
				"received_at": now.UTC().Format(time.RFC3339Nano),
				"record_type": "message",
				"type":        "SMS",
			},
		},
		"meta": map[string]any{"attempt": 1, "delivered_to": "http://localhost/webhooks/telnyx/messages"},
	}
	b, _ := json.Marshal(ev)
	return b
}

func uuid() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// staffClient reads a conversation through the staff API.
type staffClient struct {
	base, token, clinic string
}

func (s staffClient) get(ctx context.Context, path string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.base+path, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+s.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", path, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

// outbound returns the texts the engine has sent to a lead so far.
func (s staffClient) outbound(ctx context.Context, lead string) ([]string, error) {
	var list struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	if err := s.get(ctx, "/v1/clinics/"+s.clinic+"/conversations?phone="+url.QueryEscape(lead), &list); err != nil {
		return nil, err
	}
	if len(list.Items) == 0 {
		return nil, nil
	}
	var conv struct {
		Messages []struct {
			Direction string `json:"direction"`
			Text      string `json:"text"`
		} `json:"messages"`
	}
	if err := s.get(ctx, "/v1/clinics/"+s.clinic+"/conversations/"+list.Items[0].ID, &conv); err != nil {
		return nil, err
	}
	var out []string
	for _, m := range conv.Messages {
		if m.Direction == "out" {
			out = append(out, m.Text)
		}
	}
	return out, nil
}

// clinicFromGateway reads a clinic's settings through the staff API, for
// a clinic that is in the store but not in the clinics file.
func clinicFromGateway(ctx context.Context, base string, secret []byte, id string) (*clinic.Clinic, error) {
	token, err := gateway.IssueToken(secret, "sim", "staff", id, time.Minute, time.Now())
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/v1/clinics/"+url.PathEscape(id)+"/settings", nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("read the settings of %s (is `make run` running?): %w", id, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("settings of %s: gateway answered %s: %s", id, resp.Status, body)
	}
	var doc struct {
		Clinic clinic.Clinic `json:"clinic"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, fmt.Errorf("settings of %s: %w", id, err)
	}
	return &doc.Clinic, nil
}
