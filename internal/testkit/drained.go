package testkit

import (
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"
)

// Drained waits until each work-queue stream holds no message: every
// message published to it has been acknowledged by its consumer, so
// nothing is pending or waiting for redelivery. A stream that does not
// exist counts as drained. Tests use it as the barrier before asserting
// that something did not happen, instead of sleeping.
func Drained(t testing.TB, js jetstream.JetStream, streams ...string) {
	t.Helper()
	for _, name := range streams {
		require.Eventually(t, func() bool {
			st, err := js.Stream(context.Background(), name)
			if err != nil {
				return err == jetstream.ErrStreamNotFound
			}
			info, err := st.Info(context.Background())
			return err == nil && info.State.Msgs == 0
		}, 15*time.Second, 10*time.Millisecond, "stream %s drained", name)
	}
}

// DrainedURL is Drained through a new connection to the NATS server at url.
func DrainedURL(t testing.TB, url string, streams ...string) {
	t.Helper()
	nc, err := nats.Connect(url)
	require.NoError(t, err)
	defer nc.Close()
	js, err := jetstream.New(nc)
	require.NoError(t, err)
	Drained(t, js, streams...)
}
