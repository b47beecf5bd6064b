package llm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/medspa/engine/internal/clock"
)

// maxResponse bounds how much of an answer is read.
const maxResponse = 1 << 20

// Client asks an OpenAI-compatible chat-completions API for structured
// understanding. It is safe for concurrent use.
type Client struct {
	cfg     Config
	breaker *Breaker
}

// New returns a client, or an error when the configuration is unusable.
func New(cfg Config) (*Client, error) {
	cfg.setDefaults()
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("llm config: %w", err)
	}
	return &Client{cfg: cfg, breaker: NewBreaker(cfg.BreakerThreshold, cfg.BreakerCooldown, cfg.Now)}, nil
}

// BreakerState reports the circuit breaker's state, for health pages.
func (c *Client) BreakerState() BreakerState { return c.breaker.State() }

// Understand asks the model about req.Text within the configured timeout.
// It refuses, without calling the model, a clinic that turned it off, a
// text with an injection attempt, a medical question, and any call while
// the breaker is open. A result with an error carries the outcome and the
// latency only; the caller answers with the built-in understanding.
// A suggested reply the guardrails refuse is dropped, not an error: the
// model's understanding stands and the template answers.
func (c *Client) Understand(ctx context.Context, req Request) (Result, error) {
	start := c.cfg.Now()
	res := Result{Source: SourceModel}
	fail := func(outcome string, err error) (Result, error) {
		res.Outcome, res.Reason = outcome, err.Error()
		c.cfg.Metrics.outcome(outcome)
		return res, err
	}
	clean, inj := Sanitize(req.Text)
	res.Injection = inj
	switch {
	case req.Off:
		return fail(OutcomeSkipped, ErrOff)
	case inj:
		return fail(OutcomeSkipped, ErrInjection)
	case IsMedical(clean):
		return fail(OutcomeSkipped, ErrMedical)
	}
	if !c.breaker.Allow() {
		return fail(OutcomeBreakerOpen, ErrBreakerOpen)
	}
	body, err := json.Marshal(c.chatRequest(req, clean))
	if err != nil {
		c.breaker.Done(true) // nothing was asked; not the model's failure
		return fail(OutcomeError, fmt.Errorf("encode chat request: %w", err))
	}
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	resp, err := c.post(ctx, body)
	res.Latency = c.cfg.Now().Sub(start)
	if err != nil {
		c.breaker.Done(false)
		c.cfg.Metrics.observe(res.Latency, Usage{})
		switch {
		case errors.Is(err, ErrTimeout):
			return fail(OutcomeTimeout, err)
		case errors.Is(err, ErrInvalid):
			return fail(OutcomeInvalid, err)
		}
		return fail(OutcomeError, err)
	}
	res.Usage = resp.Usage
	c.cfg.Metrics.observe(res.Latency, resp.Usage)
	ans, err := parseAnswer(resp, req.Facts)
	if err != nil {
		c.breaker.Done(false)
		return fail(OutcomeInvalid, err)
	}
	c.breaker.Done(true)
	c.accept(&res, ans, req, clean)
	c.cfg.Metrics.outcome(res.Outcome)
	return res, nil
}

// accept fills the result from a valid answer, vetting its reply.
func (c *Client) accept(res *Result, ans modelAnswer, req Request, sent string) {
	res.Intent = intentOf(ans)
	res.Entities = Entities{
		Name:      nameOf(ans.Name, req.Names, sent),
		ServiceID: ans.ServiceID,
		TimeText:  truncateRunes(ans.TimeText, 80),
		Option:    ans.Option,
		Patient:   ans.Patient,
	}
	res.Outcome = OutcomeOK
	reply := unmaskName(ans.Reply, req.LeadName)
	switch {
	case handOff(res.Intent):
		// staff answer hand-offs; the template says so
	case reply == "":
		res.Reason = ErrEmptyReply.Error()
	default:
		if err := CheckReply(reply, req.Facts); err != nil {
			res.Outcome, res.Reason = OutcomeRejected, err.Error()
			c.cfg.Logger.Info("llm reply rejected", "reason", err.Error(), "intent", string(res.Intent))
			return
		}
		res.SuggestedReply = reply
	}
}

func (c *Client) chatRequest(req Request, clean string) chatRequest {
	window := req.Window
	if len(window) > c.cfg.Window {
		window = window[len(window)-c.cfg.Window:]
	}
	masked := make([]Line, 0, len(window))
	for _, l := range window {
		t, _ := Sanitize(l.Text)
		masked = append(masked, Line{FromLead: l.FromLead, Text: Mask(t, req.Names...)})
	}
	return chatRequest{
		Model: c.cfg.Model,
		Messages: []chatMessage{
			{Role: "system", Content: systemPrompt(req.Facts, req.Persona)},
			{Role: "user", Content: userPrompt(masked, req.Asked, Mask(clean, req.Names...))},
		},
		MaxTokens: c.cfg.MaxTokens,
		ResponseFormat: responseFormat{Type: "json_schema", JSONSchema: jsonSchema{
			Name: "lead_message", Strict: true, Schema: schema(req.Facts)}},
	}
}

// post sends the request, retrying a 429, a 5xx or a refused connection:
// cases where no byte of an answer was used, so a retry cannot double
// anything. It does not retry once the deadline is too near for a retry
// to finish.
func (c *Client) post(ctx context.Context, body []byte) (*chatResponse, error) {
	backoff := c.cfg.RetryBackoff
	for attempt := 0; ; attempt++ {
		resp, retry, err := c.once(ctx, body)
		if err == nil {
			return resp, nil
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%w: %w", ErrTimeout, err)
		}
		if !retry || attempt >= c.cfg.MaxRetries {
			return nil, err
		}
		if left, ok := clock.Remaining(ctx); ok && left < 2*backoff {
			return nil, err
		}
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("%w: %w", ErrTimeout, err)
		case <-t.C:
		}
		backoff *= 2
	}
}

// StatusError is a non-2xx answer of the API.
type StatusError struct{ Status int }

func (e *StatusError) Error() string { return "chat completions: status " + strconv.Itoa(e.Status) }

func (c *Client) once(ctx context.Context, body []byte) (_ *chatResponse, retry bool, _ error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.endpoint(), bytes.NewReader(body))
	if err != nil {
		return nil, false, fmt.Errorf("chat request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if c.cfg.APIKey != "" {
		req.Header.Set("Authorization", "Bearer "+c.cfg.APIKey)
	}
	resp, err := c.cfg.HTTPClient.Do(req)
	if err != nil {
		var op *net.OpError
		return nil, errors.As(err, &op) && op.Op == "dial", fmt.Errorf("chat completions: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxResponse))
		return nil, true, &StatusError{Status: resp.StatusCode}
	}
	if resp.StatusCode/100 != 2 {
		return nil, false, &StatusError{Status: resp.StatusCode}
	}
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return nil, false, fmt.Errorf("read chat response: %w", err)
	}
	var out chatResponse
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, false, fmt.Errorf("%w: response body: %w", ErrInvalid, err)
	}
	return &out, false, nil
}
