package carrier

import (
	"fmt"
	"io"
	"net/http"
	"time"
)

// NewHTTPClient is the HTTP client carrier senders use: it keeps a
// connection open for every concurrent send. http.DefaultTransport keeps
// two idle connections per host, so with more sends in flight than that it
// dials (and leaves in TIME_WAIT) a new connection for most texts.
func NewHTTPClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns, tr.MaxIdleConnsPerHost = 512, 256
	return &http.Client{Timeout: 15 * time.Second, Transport: tr}
}

// ClientOrDefault is c, or http.DefaultClient when c is nil.
func ClientOrDefault(c *http.Client) *http.Client {
	if c != nil {
		return c
	}
	return http.DefaultClient
}

// RetryableStatus reports whether a provider's HTTP status is worth
// retrying: 429 and every 5xx.
func RetryableStatus(s int) bool { return s == http.StatusTooManyRequests || s >= 500 }

// Do sends req with c (http.DefaultClient when nil) and reads the answer,
// up to 1 MiB of it. Its errors start with name ("telnyx send: ...",
// "telnyx read response: ...").
func Do(c *http.Client, req *http.Request, name string) (status int, body []byte, err error) {
	resp, err := ClientOrDefault(c).Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("%s send: %w", name, err)
	}
	defer resp.Body.Close()
	body, err = io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return 0, nil, fmt.Errorf("%s read response: %w", name, err)
	}
	return resp.StatusCode, body, nil
}
