package carrier

import (
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
