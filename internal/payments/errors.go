package payments

import (
	"context"
	"errors"
	"net/http"

	"github.com/stripe/stripe-go/v85"
)

// Error is a failed Stripe call. Retryable ones (429, 5xx, a concurrent
// request with the same idempotency key, the network) may succeed if tried
// again with the same idempotency key; the others never will.
type Error struct {
	Status    int // HTTP status, 0 when no response arrived
	Retryable bool
	Err       error
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// IsRetryable reports whether err is a Stripe failure worth another try.
func IsRetryable(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Retryable
}

func classify(ctx context.Context, err error) error {
	var se *stripe.Error
	if errors.As(err, &se) {
		s := se.HTTPStatusCode
		retry := s == http.StatusTooManyRequests || s >= 500 ||
			s == http.StatusConflict // the same key is still being processed
		return &Error{Status: s, Retryable: retry, Err: err}
	}
	// No answer from Stripe: a network failure or a timeout of this try.
	// When the caller's context ended, the worker stops anyway.
	return &Error{Retryable: ctx.Err() == nil || errors.Is(err, context.DeadlineExceeded), Err: err}
}
