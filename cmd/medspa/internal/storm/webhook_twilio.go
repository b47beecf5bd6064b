package storm

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/medspa/engine/internal/twilio"
)

// twilioWebhookPath is where the gateway takes Twilio's incoming messages.
const twilioWebhookPath = "/webhooks/twilio/messages"

// twilioPoster posts Twilio's incoming-message webhooks: a form signed with
// X-Twilio-Signature, an HMAC-SHA1 under the account's auth token over the
// public URL Twilio was configured with and the sorted parameters.
type twilioPoster struct {
	client    *http.Client
	url       string // where to post: the gateway
	signedURL string // what Twilio signs: the engine's PUBLIC_BASE_URL + path
	token     string
	account   string
}

func newTwilioPoster(client *http.Client, o Options) *twilioPoster {
	return &twilioPoster{client: client, url: o.URL + twilioWebhookPath, signedURL: strings.TrimRight(o.PublicBaseURL, "/") + twilioWebhookPath,
		token: o.TwilioAuthToken, account: o.TwilioAccountSID}
}

// body is the form Twilio posts for an incoming SMS; the event id becomes a
// MessageSid (34 characters, SM and 32 hex digits), stable for re-posts.
func (p *twilioPoster) body(eventID, from, to, text string, _ time.Time) []byte {
	sum := sha256.Sum256([]byte(eventID))
	sid := "SM" + hex.EncodeToString(sum[:16])
	return []byte(url.Values{
		"ToCountry": {"US"}, "SmsMessageSid": {sid}, "NumMedia": {"0"}, "SmsSid": {sid}, "SmsStatus": {"received"},
		"Body": {text}, "To": {to}, "NumSegments": {"1"}, "MessageSid": {sid}, "AccountSid": {p.account},
		"From": {from}, "ApiVersion": {"2010-04-01"}, "FromCountry": {"US"},
	}.Encode())
}

func (p *twilioPoster) refused() int { return http.StatusForbidden }

func (p *twilioPoster) post(ctx context.Context, body []byte) (int, error) {
	return p.send(ctx, body, body, p.token, p.signedURL)
}

// postBad forges: another auth token (WrongKey), the body changed after
// signing (Tampered), or a signature for another URL (Stale: Twilio
// signatures carry no time, so a replay to another endpoint stands in).
func (p *twilioPoster) postBad(ctx context.Context, body []byte, kind BadSig) (int, error) {
	switch kind {
	case WrongKey:
		return p.send(ctx, body, body, p.token+"-forged", p.signedURL)
	case Tampered:
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return 0, fmt.Errorf("parse form: %w", err)
		}
		form.Set("Body", "X"+form.Get("Body"))
		return p.send(ctx, body, []byte(form.Encode()), p.token, p.signedURL)
	default:
		return p.send(ctx, body, body, p.token, strings.TrimSuffix(p.signedURL, "/messages")+"/status")
	}
}

// send signs the form signed for signURL and posts the form sent.
func (p *twilioPoster) send(ctx context.Context, signed, sent []byte, token, signURL string) (int, error) {
	params, err := url.ParseQuery(string(signed))
	if err != nil {
		return 0, fmt.Errorf("parse form: %w", err)
	}
	return postWebhook(ctx, p.client, p.url, sent, http.Header{
		"Content-Type":         {"application/x-www-form-urlencoded"},
		twilio.HeaderSignature: {twilio.Sign(token, signURL, params)},
	})
}
