package app_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Two leads asking for the same provider are offered the same opening; the
// first to pick it holds it and the second is told it was just taken and
// offered others (the clinic's other provider does not count: they asked
// for Dr. Kim). Both go through signed webhooks, JetStream, the clinic and
// lead actors and the store.
func TestTwoLeadsRaceForOneSlot(t *testing.T) {
	forEachStore(t, func(t *testing.T, dbURL string) {
		cfg, priv, tel := newConfig(t, dbURL)
		sys := start(t, cfg, priv, tel)
		a, b := "+13125550131", "+13125550132"
		ask := "Hi! Can I get botox with Dr. Kim next tuesday afternoon?"

		require.Equal(t, http.StatusOK, first(sys.sms("race-a-1", a, ask)))
		offerA := tel.WaitFor(t, a, 1, 10*time.Second)
		require.Len(t, offerA, 1)
		require.Contains(t, offerA[0].Text, "1)", "times are offered: %q", offerA[0].Text)

		require.Equal(t, http.StatusOK, first(sys.sms("race-b-1", b, ask)))
		offerB := tel.WaitFor(t, b, 1, 10*time.Second)
		require.Len(t, offerB, 1)
		require.Equal(t, firstOffer(offerA[0].Text), firstOffer(offerB[0].Text), "both are offered the same first time")

		require.Equal(t, http.StatusOK, first(sys.sms("race-a-2", a, "1")))
		heldA := tel.WaitFor(t, a, 3, 10*time.Second) // held, then the deposit link
		require.Len(t, heldA, 3)
		require.Contains(t, heldA[1].Text, "held for you")

		require.Equal(t, http.StatusOK, first(sys.sms("race-b-2", b, "1")))
		takenB := tel.WaitFor(t, b, 2, 10*time.Second)
		require.Len(t, takenB, 2)
		require.Contains(t, takenB[1].Text, "just taken", "the second lead cannot hold the same time")
		require.NotContains(t, takenB[1].Text, "held for you")

		// A third lead asking now is not offered the held time.
		c := "+13125550133"
		require.Equal(t, http.StatusOK, first(sys.sms("race-c-1", c, ask)))
		offerC := tel.WaitFor(t, c, 1, 10*time.Second)
		require.Len(t, offerC, 1)
		require.NotEqual(t, firstOffer(offerA[0].Text), firstOffer(offerC[0].Text))
	})
}

func first(status int, _ string) int { return status }

// firstOffer extracts the text of option 1 from an offer reply.
func firstOffer(text string) string {
	_, rest, ok := strings.Cut(text, "1) ")
	if !ok {
		return ""
	}
	if end := strings.Index(rest, " 2) "); end >= 0 {
		return rest[:end]
	}
	if end := strings.Index(rest, "."); end >= 0 {
		return rest[:end]
	}
	return rest
}
