package gateway

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"time"
)

// bodyRules say how a route reads its JSON body.
type bodyRules struct {
	// limit is the most bytes read; a longer body is 413.
	limit int64
	// shape says what the body should be, in the error of a body that is
	// not one JSON object.
	shape string
	// strict refuses unknown fields and names the decoder's complaint;
	// the public web form ignores unknown fields and says only that the
	// body is not JSON.
	strict bool
	// jsonType requires Content-Type application/json: a cross-site form
	// cannot send it without a CORS preflight.
	jsonType bool
}

// request is a body that checks itself, field by field, at the gateway's
// time of the request (passed in, never read from the context).
type request interface {
	Valid(now time.Time) map[string]string
}

// decodeRequest reads r's body into a T by rules and checks it: T's own
// Valid at now, then extra, which adds checks that need the handler's
// dependencies. Every failure is an error for Error: 400 problem+json
// with the fields named, 413 for a body over the limit.
func decodeRequest[T request](w http.ResponseWriter, r *http.Request, rules bodyRules, now time.Time, extra func(T, map[string]string)) (T, error) {
	var v T
	if err := readJSON(w, r, rules, &v); err != nil {
		return v, err
	}
	var more func(map[string]string)
	if extra != nil {
		more = func(f map[string]string) { extra(v, f) }
	}
	return v, check(v, now, more)
}

// check is v's own checks at now and then extra's, as one error.
func check(v request, now time.Time, extra func(map[string]string)) error {
	f := v.Valid(now)
	if extra != nil {
		if f == nil {
			f = map[string]string{}
		}
		extra(f)
	}
	return invalid(f)
}

// readJSON reads one JSON object of at most rules.limit bytes into v: the
// one reader of request bodies.
func readJSON(w http.ResponseWriter, r *http.Request, rules bodyRules, v any) error {
	if rules.jsonType {
		if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
			return invalid(map[string]string{"Content-Type": "must be application/json"})
		}
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, rules.limit))
	if rules.strict {
		dec.DisallowUnknownFields()
	}
	if err := dec.Decode(v); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return fmt.Errorf("%w: at most %d bytes", ErrTooLarge, rules.limit)
		}
		if !rules.strict {
			return invalid(map[string]string{"body": rules.shape})
		}
		return invalid(map[string]string{"body": rules.shape + ": " + err.Error()})
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return invalid(map[string]string{"body": "one JSON object only"})
	}
	return nil
}
