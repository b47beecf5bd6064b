package gateway

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"

	"github.com/medspa/engine/internal/telnyx"
)

// telnyxFailure answers a failed call to Telnyx. A request Telnyx refused
// is the caller's to fix: 422 (409 for a conflict) with Telnyx's error
// texts. No answer within the call timeout is 504: Telnyx may have acted,
// and the same request again gets its first answer (Idempotency-Key).
// Anything else (429, 5xx, a refused API key, no answer) is 502. Both are
// logged without Telnyx's texts, which may quote the request.
func telnyxFailure(w http.ResponseWriter, r *http.Request, err error) {
	var te *telnyx.APIError
	isTelnyx := errors.As(err, &te)
	if isTelnyx && te.Rejected() {
		status := http.StatusUnprocessableEntity
		if te.Status == http.StatusConflict {
			status = http.StatusConflict
		}
		p := Problem{
			Type: "/problems/telnyx-rejected", Title: http.StatusText(status), Status: status,
			Detail: "telnyx refused the request: " + te.Summary(), Instance: r.URL.Path, RequestID: requestIDFrom(r.Context()),
		}
		for _, d := range te.Errors {
			if field := strings.TrimPrefix(d.Source.Pointer, "/"); field != "" {
				if p.Errors == nil {
					p.Errors = map[string]string{}
				}
				p.Errors[field] = strings.TrimSpace(d.Title + ": " + d.Detail)
			}
		}
		writeProblem(w, p)
		return
	}
	if !isTelnyx && !errors.Is(err, telnyx.ErrUnreachable) && !errors.Is(err, context.DeadlineExceeded) {
		Error(w, r, err)
		return
	}
	status, title, typ := http.StatusBadGateway, http.StatusText(http.StatusBadGateway), "/problems/bad-gateway"
	detail := "Telnyx did not answer; retry later"
	if !isTelnyx && timedOut(err) {
		status, title, typ = http.StatusGatewayTimeout, http.StatusText(http.StatusGatewayTimeout), "/problems/gateway-timeout"
		detail = "Telnyx did not answer in time and may still have accepted the request; retry it unchanged, with the same Idempotency-Key if it had one, and Telnyx answers with what it created"
	}
	attrs := []slog.Attr{slog.Int("status", status), slog.String("method", r.Method), slog.String("path", r.URL.Path)}
	if isTelnyx {
		attrs = append(attrs, slog.Int("telnyx_status", te.Status))
		codes := make([]string, len(te.Errors))
		for i, d := range te.Errors {
			codes[i] = d.Code
		}
		attrs = append(attrs, slog.String("telnyx_codes", strings.Join(codes, ",")))
		detail = "Telnyx is unavailable; retry later"
		if !te.Temporary() {
			detail = "Telnyx refused the engine's API key"
		}
	} else if status == http.StatusGatewayTimeout {
		attrs = append(attrs, slog.String("error", "telnyx timed out"))
	} else {
		attrs = append(attrs, slog.String("error", "telnyx unreachable"))
	}
	loggerFrom(r.Context()).LogAttrs(r.Context(), slog.LevelError, "telnyx call failed", attrs...)
	writeProblem(w, Problem{
		Type: typ, Title: title, Status: status,
		Detail: detail, Instance: r.URL.Path, RequestID: requestIDFrom(r.Context()),
	})
}

// timedOut reports whether err is a call that ran out of time.
func timedOut(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
