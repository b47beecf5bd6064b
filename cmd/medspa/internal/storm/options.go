package storm

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/messages"
)

// Options configure one run.
type Options struct {
	URL        string // gateway base URL
	MetricsURL string // engine's Prometheus endpoint; empty skips scraping
	Clinics    []clinic.Clinic
	Key        ed25519.PrivateKey // signs Telnyx webhooks; the engine must trust its public key

	// Carrier is what leads text through: Telnyx (the default: signed
	// JSON webhooks to the clinics' Telnyx numbers) or Twilio (signed form
	// posts to their Twilio numbers).
	Carrier messages.Carrier
	// TwilioAuthToken signs Twilio webhooks and is the password the engine
	// must give the stub's Twilio API; TwilioAccountSID is the account.
	TwilioAuthToken  string
	TwilioAccountSID string
	// PublicBaseURL is the engine's PUBLIC_BASE_URL: Twilio signs that URL
	// followed by the webhook's path.
	PublicBaseURL string

	// StubListener is where the carrier API stub serves (Telnyx's
	// POST /v2/messages, and Twilio's Messages.json).
	StubListener net.Listener
	StubAPIKey   string

	ClinicCount    int // clinics to use; 0 means all with a number of the carrier (reused round-robin when more)
	LeadsPerClinic int

	// Rate > 0 is open loop: messages start at Poisson arrivals of Rate per
	// second. Otherwise closed loop: Concurrency messages in flight.
	Rate        float64
	Concurrency int

	Duration time.Duration // how long load is offered (0: until Messages)
	Messages int           // how many messages to send (0: until Duration)

	DupShare    float64 // share of accepted messages whose webhook is posted again
	BadSigShare float64 // share of messages preceded by a forged webhook

	ReplyTimeout time.Duration // a lead gives up waiting after this (and sends no more)
	Drain        time.Duration // after load ends, how long outstanding replies may take
	Settle       time.Duration // quiet time after the drain to catch late duplicates
	Retries      int           // re-posts of a message after a transport error or 5xx

	Scripts []Script
	Seed    uint64 // 0 draws one

	// Receipts makes the carrier stub post each text's delivery receipt,
	// signed with Key, to the webhook_url the engine asked for (Telnyx).
	Receipts bool
	// OnReply, when set, sees every text the stub accepts (the crash
	// driver kills the engine after a share of them).
	OnReply func(Reply)
	Logger  *slog.Logger
	Now     func() time.Time
}

func (o *Options) defaults() {
	if o.Carrier == "" {
		o.Carrier = messages.CarrierTelnyx
	}
	if o.StubAPIKey == "" {
		o.StubAPIKey = "storm-key"
	}
	if o.LeadsPerClinic == 0 {
		o.LeadsPerClinic = 20
	}
	if o.Concurrency == 0 {
		o.Concurrency = 16
	}
	if o.ReplyTimeout == 0 {
		o.ReplyTimeout = 10 * time.Second
	}
	if o.Drain == 0 {
		o.Drain = 10 * time.Second
	}
	if o.Settle == 0 {
		o.Settle = time.Second
	}
	if o.Retries == 0 {
		o.Retries = 2
	}
	if len(o.Scripts) == 0 {
		o.Scripts = DefaultScripts()
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
}

func (o *Options) validate() error {
	var errs []error
	if o.URL == "" {
		errs = append(errs, errors.New("no gateway URL"))
	}
	switch o.Carrier {
	case messages.CarrierTelnyx:
		if len(o.Key) != ed25519.PrivateKeySize {
			errs = append(errs, errors.New("no signing key"))
		}
	case messages.CarrierTwilio:
		if o.TwilioAuthToken == "" || o.TwilioAccountSID == "" || o.PublicBaseURL == "" {
			errs = append(errs, errors.New("twilio: the auth token, account SID and the engine's public base URL are needed"))
		}
	default:
		errs = append(errs, fmt.Errorf("carrier %q: want telnyx or twilio", o.Carrier))
	}
	if o.StubListener == nil {
		errs = append(errs, errors.New("no stub listener"))
	}
	if o.Duration <= 0 && o.Messages <= 0 {
		errs = append(errs, errors.New("set a duration or a message count"))
	}
	if o.Rate < 0 || o.Concurrency < 0 || o.LeadsPerClinic < 0 || o.ClinicCount < 0 {
		errs = append(errs, errors.New("rate, concurrency, leads and clinics must not be negative"))
	}
	for _, s := range []float64{o.DupShare, o.BadSigShare} {
		if s < 0 || s > 1 {
			errs = append(errs, fmt.Errorf("share %v outside 0..1", s))
		}
	}
	for i, sc := range o.Scripts {
		if len(sc) == 0 {
			errs = append(errs, fmt.Errorf("script %d is empty", i))
		}
		for _, st := range sc {
			if st.Replies < 0 {
				errs = append(errs, fmt.Errorf("script %d: negative reply count", i))
			}
		}
	}
	return errors.Join(errs...)
}

// clinicTarget is a clinic number leads text.
type clinicTarget struct {
	ID, Name, Number string
}

// targets picks count clinics with a number of the carrier, reusing them
// round-robin when count exceeds what is configured.
func targets(clinics []clinic.Clinic, count int, carrier messages.Carrier) ([]clinicTarget, error) {
	var avail []clinicTarget
	for i := range clinics {
		c := &clinics[i]
		for _, n := range c.PhoneNumbers {
			if c.CarrierFor(n) == carrier {
				avail = append(avail, clinicTarget{ID: c.ID, Name: c.Name, Number: n})
				break
			}
		}
	}
	if len(avail) == 0 {
		return nil, fmt.Errorf("no clinic has a %s number", carrier)
	}
	if count == 0 {
		count = len(avail)
	}
	out := make([]clinicTarget, count)
	for i := range out {
		out[i] = avail[i%len(avail)]
	}
	return out, nil
}
