package telnyx

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "telnyx", name))
	if err != nil {
		t.Fatalf("fixture: %v", err)
	}
	return b
}

func TestParseTelnyx(t *testing.T) {
	received := readFixture(t, "message.received.json")
	finalized := readFixture(t, "message.finalized.json")
	tests := []struct {
		name string
		body []byte
		want Event
	}{
		{"received", received, Event{
			Type: "message.received", ID: "b301ed3f-1490-491f-995f-6e64e69674d4",
			Inbound: &Inbound{
				MessageID: "84cca175-9755-4859-b67f-4730d7f58aa3", From: "+13125550123",
				To: []string{"+17735550100"}, Text: "Hi! How much is Botox? Could I come in Friday afternoon?",
			},
		}},
		{"received with media and a national number", bytes.Replace(
			bytes.Replace(received, []byte(`"media": []`), []byte(`"media": [{"url": "https://m.example/1.jpg", "content_type": "image/jpeg"}, {"url": ""}]`), 1),
			[]byte(`"phone_number": "+13125550123"`), []byte(`"phone_number": "(312) 555-0123"`), 1),
			Event{
				Type: "message.received", ID: "b301ed3f-1490-491f-995f-6e64e69674d4",
				Inbound: &Inbound{
					MessageID: "84cca175-9755-4859-b67f-4730d7f58aa3", From: "+13125550123",
					To: []string{"+17735550100"}, Text: "Hi! How much is Botox? Could I come in Friday afternoon?",
					Media: []string{"https://m.example/1.jpg"},
				},
			}},
		{"finalized", finalized, Event{
			Type: "message.finalized", ID: "4ee8c3a6-4995-4309-a3c6-38e3db9ea4be",
			Receipt: &Receipt{
				MessageID: "40385f64-5717-4562-b3fc-2c963f66afa6", From: "+17735550100",
				To: "+13125550123", Status: "delivered",
			},
		}},
		{"sent with a numeric error code", bytes.Replace(
			bytes.Replace(finalized, []byte("message.finalized"), []byte("message.sent"), 1),
			[]byte(`"errors": []`), []byte(`"errors": [{"code": null}, {"code": 40300}]`), 1),
			Event{
				Type: "message.sent", ID: "4ee8c3a6-4995-4309-a3c6-38e3db9ea4be",
				Receipt: &Receipt{
					MessageID: "40385f64-5717-4562-b3fc-2c963f66afa6", From: "+17735550100",
					To: "+13125550123", Status: "delivered", ErrorCode: "40300",
				},
			}},
		{"control characters in the text are removed, newline and tab kept", bytes.Replace(received,
			[]byte(`"text": "Hi! How much is Botox?`), []byte(`"text": "Hi!\u0000 How\u001b[2J much\r\nis\tBotox?`), 1),
			Event{
				Type: "message.received", ID: "b301ed3f-1490-491f-995f-6e64e69674d4",
				Inbound: &Inbound{
					MessageID: "84cca175-9755-4859-b67f-4730d7f58aa3", From: "+13125550123",
					To: []string{"+17735550100"}, Text: "Hi! How[2J much\nis\tBotox? Could I come in Friday afternoon?",
				},
			}},
		{"call event is ignored, payload unread", readFixture(t, "call.hangup.json"), Event{
			Type: "call.hangup", ID: "0ccc7b54-4df3-4bca-a65a-3da1ecc777f0",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseMessage(tt.body)
			if err != nil {
				t.Fatalf("ParseMessage: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("ParseMessage =\n%+v %+v %+v\nwant\n%+v %+v %+v", got, got.Inbound, got.Receipt, tt.want, tt.want.Inbound, tt.want.Receipt)
			}
			if err := got.Valid(); err != nil {
				t.Fatalf("valid: %v", err)
			}
		})
	}
}

func TestParseTelnyxErrors(t *testing.T) {
	received := readFixture(t, "message.received.json")
	finalized := readFixture(t, "message.finalized.json")
	tests := []struct {
		name  string
		body  []byte
		field string // "" when the error is not about one field
	}{
		{"empty", nil, ""},
		{"truncated", received[:100], ""},
		{"null", []byte("null"), "data"},
		{"data null", []byte(`{"data": null}`), "data"},
		{"no event type", []byte(`{"data": {"id": "x"}}`), "data.event_type"},
		{"id with newline", []byte(`{"data": {"id": "a\nb", "event_type": "call.hangup"}}`), "data.id"},
		{"message without payload", []byte(`{"data": {"id": "x", "event_type": "message.received"}}`), "data.payload"},
		{"payload of the wrong shape", []byte(`{"data": {"id": "x", "event_type": "message.received", "payload": {"from": "+13125550123"}}}`), "data.payload"},
		{"no message id", bytes.Replace(received, []byte(`"id": "84cca175-9755-4859-b67f-4730d7f58aa3"`), []byte(`"id": null`), 1), "data.payload.id"},
		{"bad recipient", bytes.Replace(received, []byte(`"+17735550100"`), []byte(`"12"`), 1), "data.payload.to[0].phone_number"},
		{"receipt without status", bytes.Replace(finalized, []byte(`"status": "delivered"`), []byte(`"status": ""`), 1), "data.payload.to[0].status"},
		{"receipt without recipient", bytes.Replace(finalized, []byte(`"to": [`), []byte(`"to": [], "x": [`), 1), "data.payload.to"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseMessage(tt.body)
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("ParseMessage error = %v, want ErrInvalid", err)
			}
			if tt.field == "" {
				return
			}
			var fe FieldErrors
			if !errors.As(err, &fe) || fe[tt.field] == "" {
				t.Fatalf("ParseMessage error = %v, want a message for %q", err, tt.field)
			}
		})
	}
}

func FuzzParseTelnyx(f *testing.F) {
	for _, name := range []string{"message.received.json", "message.finalized.json", "call.hangup.json", "send-message.response.json"} {
		f.Add(readFixture(f, name))
	}
	f.Add([]byte(`{"data":{"id":"x","event_type":"message.sent","payload":{"id":"m","from":{"phone_number":"+17735550100"},"to":[{"phone_number":"3125550123","status":"sent"}],"errors":[{"code":1}]}}}`))
	f.Add([]byte(`{"data":{"id":"x","event_type":"message.received","payload":null}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		ev, err := ParseMessage(body)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error does not wrap ErrInvalid: %v", err)
			}
			return
		}
		if err := ev.Valid(); err != nil {
			t.Fatalf("parsed event is not valid: %v: %+v", err, ev)
		}
	})
}
