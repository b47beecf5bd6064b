package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"sort"
	"strings"

	"github.com/medspa/engine/persistence"
)

// Sentinel errors of the HTTP layer. Handlers wrap them with a detail that
// is safe to show the caller: fmt.Errorf("%w: missing token", ErrUnauthorized).
var (
	ErrInvalid          = errors.New("invalid request")
	ErrUnauthorized     = errors.New("unauthorized")
	ErrForbidden        = errors.New("forbidden")
	ErrNotFound         = errors.New("not found")
	ErrMethodNotAllowed = errors.New("method not allowed")
	ErrConflict         = errors.New("conflict")
	ErrTooLarge         = errors.New("request body too large")
	ErrUnavailable      = errors.New("service unavailable")
	ErrTooManyRequests  = errors.New("too many requests")
	// ErrPreconditionRequired: an update that must name the version it
	// edits did not.
	ErrPreconditionRequired = errors.New("precondition required")
)

// ValidationError tells, field by field, what is wrong with a request. It
// answers 400 with the fields in the problem's "errors" member.
type ValidationError struct {
	Fields map[string]string
}

func (e *ValidationError) Error() string {
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ": " + e.Fields[k]
	}
	return "invalid request: " + strings.Join(parts, "; ")
}

// Unwrap makes a ValidationError match ErrInvalid.
func (e *ValidationError) Unwrap() error { return ErrInvalid }

// invalid returns a ValidationError for fields, or nil when fields is empty.
func invalid(fields map[string]string) error {
	if len(fields) == 0 {
		return nil
	}
	return &ValidationError{Fields: fields}
}

// Problem is an RFC 9457 problem details body.
type Problem struct {
	Type      string            `json:"type"`
	Title     string            `json:"title"`
	Status    int               `json:"status"`
	Detail    string            `json:"detail,omitempty"`
	Instance  string            `json:"instance,omitempty"`
	RequestID string            `json:"request_id,omitempty"`
	Errors    map[string]string `json:"errors,omitempty"`
	// CurrentVersion, on a 409 for a stale version, is the version to
	// read and edit instead.
	CurrentVersion int64 `json:"current_version,omitempty"`
}

// ContentTypeProblem is the media type of every error body.
const ContentTypeProblem = "application/problem+json"

// statusOf maps an error to its HTTP status.
func statusOf(err error) int {
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge), errors.Is(err, ErrTooLarge):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, ErrInvalid), errors.Is(err, persistence.ErrBadCursor):
		return http.StatusBadRequest
	case errors.Is(err, ErrUnauthorized):
		return http.StatusUnauthorized
	case errors.Is(err, ErrForbidden):
		return http.StatusForbidden
	case errors.Is(err, ErrNotFound), errors.Is(err, persistence.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, ErrMethodNotAllowed):
		return http.StatusMethodNotAllowed
	case errors.Is(err, ErrConflict), errors.Is(err, persistence.ErrVersionConflict):
		return http.StatusConflict
	case errors.Is(err, ErrTooManyRequests):
		return http.StatusTooManyRequests
	case errors.Is(err, ErrPreconditionRequired):
		return http.StatusPreconditionRequired
	case errors.Is(err, ErrUnavailable), persistence.Unavailable(err):
		// NATS or the store cannot be reached: the caller may retry.
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// Error answers a request with the problem that err maps to. It is the only
// place that logs internal errors (5xx): the detail of those stays in the log
// and the caller sees a generic text. Errors must not carry phone numbers or
// message bodies; the 4xx detail is shown to the caller, never logged here.
func Error(w http.ResponseWriter, r *http.Request, err error) {
	status := statusOf(err)
	p := Problem{
		Type:      problemType(status),
		Title:     http.StatusText(status),
		Status:    status,
		Instance:  r.URL.Path,
		RequestID: requestIDFrom(r.Context()),
	}
	if status >= 500 {
		loggerFrom(r.Context()).LogAttrs(r.Context(), slog.LevelError, "request failed",
			slog.Int("status", status),
			slog.String("method", r.Method),
			slog.String("path", logPath(r)),
			slog.String("error", err.Error()))
		if status == http.StatusServiceUnavailable {
			p.Detail = "temporarily unavailable; retry later"
		} else {
			p.Detail = "internal error"
		}
	} else {
		p.Detail = err.Error()
	}
	var ve *ValidationError
	if errors.As(err, &ve) {
		p.Errors = ve.Fields
	}
	var nf *numbersForbidden
	if errors.As(err, &nf) {
		p.Errors = nf.fields
	}
	var sv *staleVersion
	if errors.As(err, &sv) {
		p.CurrentVersion = sv.current
	}
	writeProblem(w, p)
}

func writeProblem(w http.ResponseWriter, p Problem) {
	w.Header().Set("Content-Type", ContentTypeProblem)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

func problemType(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "/problems/invalid-request"
	case http.StatusUnauthorized:
		return "/problems/unauthorized"
	case http.StatusForbidden:
		return "/problems/forbidden"
	case http.StatusNotFound:
		return "/problems/not-found"
	case http.StatusMethodNotAllowed:
		return "/problems/method-not-allowed"
	case http.StatusConflict:
		return "/problems/conflict"
	case http.StatusRequestEntityTooLarge:
		return "/problems/too-large"
	case http.StatusTooManyRequests:
		return "/problems/rate-limited"
	case http.StatusPreconditionRequired:
		return "/problems/precondition-required"
	case http.StatusServiceUnavailable:
		return "/problems/unavailable"
	}
	return "/problems/internal"
}

// writeJSON answers with a JSON body.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeItems answers 200 with {"items": [...]}, each of list as view
// shows it.
func writeItems[T, V any](w http.ResponseWriter, list []T, view func(T) V) {
	items := make([]V, len(list))
	for i, x := range list {
		items[i] = view(x)
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
}

// Request-scoped values set by the middleware.
type ctxKey int

const (
	keyLogger ctxKey = iota
	keyRequestID
	keyClaims
)

var discard = slog.New(slog.DiscardHandler)

func loggerFrom(ctx context.Context) *slog.Logger {
	if l, ok := ctx.Value(keyLogger).(*slog.Logger); ok {
		return l
	}
	return discard
}

func requestIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(keyRequestID).(string)
	return id
}
