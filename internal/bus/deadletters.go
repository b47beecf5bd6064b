package bus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/medspa/engine/messages"
)

// HeaderReplayOf names, on a replayed message, the dead letter it came
// from.
const HeaderReplayOf = "Medspa-Replay-Of"

// StoredDeadLetter is one message of the dead-letter stream.
type StoredDeadLetter struct {
	Seq    uint64    // its sequence in MEDSPA_DLQ: the dead letter's id
	Stored time.Time // when the stream stored it
	Letter messages.DeadLetter
	// Bad is set when the message is not a dead letter this version can
	// read; Letter is then empty.
	Bad error
}

// At is when the message was dead-lettered.
func (d StoredDeadLetter) At() time.Time {
	if !d.Letter.At.IsZero() {
		return d.Letter.At
	}
	return d.Stored
}

// ReadDeadLetter reads dead letter seq of the dead-letter stream st; the
// error wraps jetstream.ErrMsgNotFound when there is none (never written,
// replayed or dropped).
func ReadDeadLetter(ctx context.Context, st jetstream.Stream, seq uint64) (StoredDeadLetter, error) {
	m, err := st.GetMsg(ctx, seq)
	if err != nil {
		return StoredDeadLetter{}, fmt.Errorf("dead letter %d: %w", seq, err)
	}
	d := StoredDeadLetter{Seq: seq, Stored: m.Time}
	if err := json.Unmarshal(m.Data, &d.Letter); err != nil {
		d.Letter, d.Bad = messages.DeadLetter{}, fmt.Errorf("not a dead letter: %v", err)
	}
	if d.Letter.Source == "" {
		d.Letter.Source = strings.TrimPrefix(m.Subject, messages.SubjectDead+".")
	}
	return d, nil
}

// ReplayTarget is where a replay publishes the dead letter's message.
func ReplayTarget(dl messages.DeadLetter) string {
	if dl.ReplayTo != "" {
		return dl.ReplayTo
	}
	return ReplaySubject(dl.Subject) // written before replay_to was recorded
}

// ReplayDeadLetter publishes the message of dead letter d again to its
// original subject with its headers, waits for JetStream to store it, then
// deletes the dead letter from st; it returns the subject. The message id
// becomes "<original>~replay-<seq>": inside the stream's duplicate window
// JetStream would drop the original id, and the consumers deduplicate on
// the message's own id (the envelope's, the command's), so replaying again
// after a delete that failed is harmless.
func ReplayDeadLetter(ctx context.Context, js jetstream.JetStream, st jetstream.Stream, d StoredDeadLetter) (string, error) {
	if d.Bad != nil {
		return "", d.Bad
	}
	dl := d.Letter
	subject := ReplayTarget(dl)
	if subject == "" || len(dl.Data) == 0 {
		return "", errors.New("the dead letter holds no message to replay")
	}
	m := nats.NewMsg(subject)
	m.Data = dl.Data
	for k, v := range dl.Headers {
		m.Header[k] = append([]string(nil), v...)
	}
	id := dl.MsgID
	if id == "" {
		id = m.Header.Get(jetstream.MsgIDHeader)
	}
	seq := strconv.FormatUint(d.Seq, 10)
	m.Header.Set(jetstream.MsgIDHeader, strings.TrimPrefix(id+"~replay-"+seq, "~"))
	m.Header.Set(HeaderReplayOf, seq)
	if _, err := js.PublishMsg(ctx, m); err != nil {
		return "", fmt.Errorf("publish to %s: %w", subject, err)
	}
	if err := st.DeleteMsg(ctx, d.Seq); err != nil && !errors.Is(err, jetstream.ErrMsgNotFound) {
		return "", fmt.Errorf("published to %s, but the dead letter was not removed (replaying it again is harmless): %w", subject, err)
	}
	return subject, nil
}
