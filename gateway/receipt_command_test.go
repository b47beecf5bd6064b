package gateway_test

import (
	"bytes"
	"net/http"
	"strconv"
	"testing"

	"github.com/medspa/engine/internal/telnyx"
	"github.com/medspa/engine/messages"
)

// A receipt posted to the callback URL of one text (carrier.CallbackURL)
// carries the command id it names, for both carriers; a value that cannot
// be a command id is dropped, and a receipt without one still works.
func TestReceiptNamesItsCommand(t *testing.T) {
	e := newEnv(t)
	post := func(path string) {
		t.Helper()
		body := fixture(t, "message.finalized.json")
		stamp := strconv.FormatInt(testNow.Unix(), 10)
		req, err := http.NewRequest(http.MethodPost, e.srv.URL+path, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(telnyx.HeaderTimestamp, stamp)
		req.Header.Set(telnyx.HeaderSignature, telnyx.Sign(e.priv, stamp, body))
		wantStatus(t, e.do(req), http.StatusOK)
	}
	post("/webhooks/telnyx/messages?command_id=telnyx%3Aev-7%230")
	wantTwiML(t, e.postTwilioSigned(twilioStatusPath+"?command_id=sms%3Acmd-8", twilioFixture(t, "status-callback.form.txt")))
	failed := bytes.Replace(twilioFixture(t, "status-callback.form.txt"), []byte("MessageStatus=delivered"), []byte("MessageStatus=failed"), 1)
	wantTwiML(t, e.postTwilioSigned(twilioStatusPath+"?command_id=%3Cscript%3E%20x", failed))
	for seq, want := range map[uint64]string{1: "telnyx:ev-7#0", 2: "sms:cmd-8", 3: ""} {
		got, err := messages.DecodeEnvelope(e.storedMsg(seq).Data)
		if err != nil {
			t.Fatal(err)
		}
		if got.Receipt == nil || got.Receipt.CommandID != want {
			t.Errorf("receipt %d = %+v, want command %q", seq, got.Receipt, want)
		}
	}
}
