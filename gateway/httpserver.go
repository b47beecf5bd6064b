package gateway

import (
	"net/http"
	"time"
)

// Timeouts of the HTTP server the gateway runs in (NewHTTPServer). Calls
// the gateway makes to other services while a request waits end before
// WriteTimeout, so that the caller gets an answer rather than a cut
// connection (event streams lift the write deadline for themselves).
const (
	ReadHeaderTimeout = 5 * time.Second
	ReadTimeout       = 30 * time.Second
	WriteTimeout      = 30 * time.Second
)

// NewHTTPServer returns the HTTP server of handler with the gateway's
// timeouts; the caller sets its listener.
func NewHTTPServer(handler http.Handler) *http.Server {
	return &http.Server{Handler: handler, ReadHeaderTimeout: ReadHeaderTimeout, ReadTimeout: ReadTimeout, WriteTimeout: WriteTimeout}
}
