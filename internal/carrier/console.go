package carrier

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"sync"

	"github.com/medspa/engine/internal/phone"
	"github.com/medspa/engine/messages"
)

// Console "sends" by printing to a terminal, with masked numbers. It is what
// `make run` uses when no carrier API key is configured, so a developer sees
// the replies. The printed text is the product's output, not a log line.
type Console struct {
	mu sync.Mutex
	W  io.Writer
}

// Send implements Sender.
func (c *Console) Send(_ context.Context, cmd messages.SendSMS) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, err := fmt.Fprintf(c.W, "[sms %s] %s -> %s: %s\n", cmd.Carrier, phone.Mask(cmd.From), phone.Mask(cmd.To), cmd.Text)
	if err != nil {
		return "", fmt.Errorf("console send: %w", err)
	}
	h := sha256.Sum256([]byte(cmd.ID))
	return "console-" + hex.EncodeToString(h[:8]), nil
}
