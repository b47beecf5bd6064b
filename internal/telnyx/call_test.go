package telnyx_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/medspa/engine/internal/telnyx"
)

func hangupFixture(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "telnyx", "call.hangup.json"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseCallMissed(t *testing.T) {
	c, err := telnyx.ParseCall(hangupFixture(t))
	if err != nil {
		t.Fatalf("ParseCall: %v", err)
	}
	want := telnyx.Missed{From: "+13125550123", To: "+17735550100", Cause: "timeout"}
	if c.Type != telnyx.EventHangup || c.ID != "0ccc7b54-4df3-4bca-a65a-3da1ecc777f0" || c.Missed == nil || *c.Missed != want {
		t.Fatalf("ParseCall = %+v %+v", c, c.Missed)
	}
}

func TestParseCallAnsweredIsNotMissed(t *testing.T) {
	body := bytes.Replace(hangupFixture(t), []byte(`"timeout"`), []byte(`"normal_clearing"`), 1)
	c, err := telnyx.ParseCall(body)
	if err != nil || c.Missed != nil {
		t.Fatalf("ParseCall = %+v, %v; want no missed call", c, err)
	}
}

func TestParseCallInvalid(t *testing.T) {
	for name, body := range map[string]string{
		"malformed":  `{"data":`,
		"no data":    `{}`,
		"no id":      `{"data":{"event_type":"call.hangup","payload":{}}}`,
		"no payload": `{"data":{"event_type":"call.hangup","id":"x"}}`,
		"bad to":     `{"data":{"event_type":"call.hangup","id":"x","payload":{"from":"+13125550123","to":"","direction":"incoming","hangup_cause":"timeout"}}}`,
	} {
		if _, err := telnyx.ParseCall([]byte(body)); !errors.Is(err, telnyx.ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrInvalid", name, err)
		}
	}
}

func FuzzParseCall(f *testing.F) {
	f.Add([]byte(`{"data":{"event_type":"call.hangup","id":"x","payload":{"from":"+13125550123","to":"+17735550100","direction":"incoming","hangup_cause":"timeout"}}}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		c, err := telnyx.ParseCall(body)
		if err != nil {
			if !errors.Is(err, telnyx.ErrInvalid) {
				t.Fatalf("error without ErrInvalid: %v", err)
			}
			return
		}
		if c.Missed != nil && (c.Type != telnyx.EventHangup || !telnyx.MissedCause(c.Missed.Cause) || c.Missed.From == "" || c.Missed.To == "") {
			t.Fatalf("bad missed call %+v", c.Missed)
		}
	})
}
