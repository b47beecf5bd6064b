package gateway

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/persistence"
)

// Default limits of POST /leads/web (WEB_LEAD_LIMIT_*): accepted forms per
// client address, per phone number, per clinic and in all. They are
// counted in the store, so they hold across every gateway; the address
// limit is also a token bucket in each process, which every request, even
// a malformed one, draws on before the store is asked.
var (
	DefaultLeadLimitIP     = RateLimit{Burst: 10, Per: time.Hour}
	DefaultLeadLimitPhone  = RateLimit{Burst: 3, Per: 24 * time.Hour}
	DefaultLeadLimitClinic = RateLimit{Burst: 100, Per: time.Hour}
	DefaultLeadLimitGlobal = RateLimit{Burst: 2000, Per: time.Hour}
)

// RateCounter counts hits against limits for every process that shares
// it: persistence.Store does (TakeRate, in fixed windows).
type RateCounter interface {
	TakeRate(ctx context.Context, at time.Time, checks []persistence.RateCheck) (persistence.RateResult, error)
}

// webLeadLimits are the web form's limits that every gateway shares.
type webLeadLimits struct {
	counts                    RateCounter
	ip, phone, clinic, global RateLimit
}

// take counts an accepted form from ip for number at clinicID against
// every limit, or none when one is reached: then it returns the wait and
// which limit it is, in words for the caller.
func (l webLeadLimits) take(ctx context.Context, at time.Time, ip, number, clinicID string) (ok bool, wait time.Duration, why string, err error) {
	if l.counts == nil {
		return false, 0, "", fmt.Errorf("%w: no store to count web form limits in", ErrUnavailable)
	}
	checks := []persistence.RateCheck{
		{Key: "web:ip:" + limitHash(ip), Max: l.ip.Burst, Window: l.ip.Per},
		{Key: "web:phone:" + limitHash(number), Max: l.phone.Burst, Window: l.phone.Per},
		{Key: "web:clinic:" + clinicID, Max: l.clinic.Burst, Window: l.clinic.Per},
		{Key: "web:all", Max: l.global.Burst, Window: l.global.Per},
	}
	res, err := l.counts.TakeRate(ctx, at, checks)
	if err != nil {
		return false, 0, "", fmt.Errorf("%w: web form limits: %v", ErrUnavailable, err)
	}
	if res.OK {
		return true, 0, "", nil
	}
	why = [...]string{
		"too many submissions from this address",
		"too many submissions for this phone number",
		"too many submissions for this clinic; try again later",
		"too many submissions; try again later",
	}[res.Full]
	return false, res.Until.Sub(at), why, nil
}

// limitHash keeps addresses and phone numbers out of the store's keys.
func limitHash(s string) string {
	sum := sha256.Sum256([]byte("medspa web lead limit|" + s))
	return hex.EncodeToString(sum[:16])
}

// admit decides whether the web form may text number for clinic c: a
// number of a country the clinic takes (400 otherwise, on the phone field)
// and room under every limit (429 with Retry-After otherwise). It answers
// the request itself when it refuses.
func (d webLeadDeps) admit(w http.ResponseWriter, r *http.Request, c *clinic.Clinic, number, ip string, at time.Time, outcome func(string)) bool {
	if !c.AcceptsWebLeadNumber(number) {
		outcome(OutcomeBadRequest)
		why := "must be a US or Canadian number"
		if len(c.WebLeadCountryCodes) > 0 {
			why += ", or one with country code +" + strings.Join(c.WebLeadCountryCodes, ", +")
		}
		Error(w, r, invalid(map[string]string{"phone": why}))
		return false
	}
	ok, wait, why, err := d.limits.take(r.Context(), at, ip, number, c.ID)
	switch {
	case err != nil:
		outcome(OutcomePublishFailed)
		Error(w, r, err)
		return false
	case !ok:
		outcome(OutcomeRateLimited)
		tooMany(w, r, wait, why)
		return false
	}
	return true
}
