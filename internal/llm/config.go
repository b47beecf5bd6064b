// Package llm asks an OpenAI-compatible chat-completions API to understand
// a lead's message and suggest a reply, under guardrails. It is an adapter
// of the imperative shell: the actor calls it before the pure decision,
// with a deadline, and hands its validated Result to the decision as an
// input. Without a model, or when it is slow, down or wrong, Fallback
// answers with the built-in understanding, so a lead always gets a reply.
//
// The model never decides: prices, slots, deposits, links and policies
// come from the clinic's data and the state machine. A suggested reply is
// only a phrasing, accepted when CheckReply finds nothing in it that the
// facts do not hold.
package llm

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/medspa/engine/internal/clock"
)

// Config configures a Client. Zero values take the defaults.
type Config struct {
	// BaseURL is the API root up to and including the version segment,
	// e.g. https://api.openai.com/v1 or http://127.0.0.1:11434/v1;
	// /chat/completions is appended.
	BaseURL string
	APIKey  string // sent as a bearer token when set; local servers need none
	Model   string
	// Timeout bounds one Understand call, retries included (default 2s).
	Timeout time.Duration
	// MaxRetries is how many times a 429, a 5xx or a refused connection is
	// retried within the deadline (default 1; negative: none).
	MaxRetries int
	// RetryBackoff is the first wait before a retry, doubled each time
	// (default 100ms).
	RetryBackoff time.Duration
	// BreakerThreshold consecutive failures open the breaker (default 5)
	// for BreakerCooldown (default 30s).
	BreakerThreshold int
	BreakerCooldown  time.Duration
	// Window is how many recent transcript lines are sent (default 4).
	Window int
	// MaxTokens caps the model's answer (default 300).
	MaxTokens int

	HTTPClient *http.Client     // default: a client without its own timeout
	Logger     *slog.Logger     // default: discard
	Metrics    *Metrics         // nil: no metrics
	Now        func() time.Time // clock of the breaker and latency (default clock.Real)
}

// Defaults.
const (
	DefaultTimeout          = 2 * time.Second
	DefaultMaxRetries       = 1
	DefaultRetryBackoff     = 100 * time.Millisecond
	DefaultBreakerThreshold = 5
	DefaultBreakerCooldown  = 30 * time.Second
	DefaultWindow           = 4
	DefaultMaxTokens        = 300
)

func (c *Config) setDefaults() {
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.MaxRetries == 0 {
		c.MaxRetries = DefaultMaxRetries
	}
	if c.MaxRetries < 0 {
		c.MaxRetries = 0
	}
	if c.RetryBackoff <= 0 {
		c.RetryBackoff = DefaultRetryBackoff
	}
	if c.BreakerThreshold <= 0 {
		c.BreakerThreshold = DefaultBreakerThreshold
	}
	if c.BreakerCooldown <= 0 {
		c.BreakerCooldown = DefaultBreakerCooldown
	}
	if c.Window <= 0 {
		c.Window = DefaultWindow
	}
	if c.MaxTokens <= 0 {
		c.MaxTokens = DefaultMaxTokens
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{}
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = clock.Real
	}
}

func (c Config) validate() error {
	var errs []error
	u, err := url.Parse(c.BaseURL)
	switch {
	case c.BaseURL == "":
		errs = append(errs, errors.New("base URL is required"))
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		errs = append(errs, fmt.Errorf("base URL %q is not an http(s) URL", c.BaseURL))
	case strings.HasSuffix(strings.TrimRight(u.Path, "/"), "/chat/completions"):
		errs = append(errs, errors.New("base URL must stop at the version segment (…/v1); /chat/completions is appended"))
	}
	if c.Model == "" {
		errs = append(errs, errors.New("model is required"))
	}
	return errors.Join(errs...)
}

// endpoint is the chat-completions URL.
func (c Config) endpoint() string {
	return strings.TrimRight(c.BaseURL, "/") + "/chat/completions"
}
