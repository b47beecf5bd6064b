package calsync

import (
	"context"
	"fmt"
	"io"
	"net/http"

	"github.com/emersion/go-ical"
)

// maxFeedBytes bounds an ICS feed's body.
const maxFeedBytes = 16 << 20

// Feed is a read-only ICS feed and what was last read of it. It is used by
// one goroutine at a time.
type Feed struct {
	url  string
	cred *Credential
	hc   *http.Client
	etag string
	cal  *ical.Calendar
	// NotModified tells whether the last Fetch was answered 304.
	NotModified bool
}

// NewFeed returns a reader of the feed at rawURL; cred may be nil.
func NewFeed(rawURL string, cred *Credential, hc *http.Client) (*Feed, error) {
	u, err := parseURL("feed", rawURL)
	if err != nil {
		return nil, err
	}
	if hc == nil {
		hc = http.DefaultClient
	}
	return &Feed{url: u.String(), cred: cred, hc: hc}, nil
}

// Fetch reads the feed, conditionally on the ETag of the last read: a 304
// keeps what was read before.
func (f *Feed) Fetch(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", ical.MIMEType)
	if f.etag != "" && f.cal != nil {
		req.Header.Set("If-None-Match", f.etag)
	}
	if f.cred != nil {
		req.SetBasicAuth(f.cred.User, f.cred.Password)
	}
	resp, err := f.hc.Do(req)
	if err != nil {
		return fmt.Errorf("feed: %w", err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotModified && f.cal != nil:
		f.NotModified = true
		return nil
	case resp.StatusCode != http.StatusOK:
		return fmt.Errorf("feed: %s", resp.Status)
	}
	cal, err := ical.NewDecoder(io.LimitReader(resp.Body, maxFeedBytes)).Decode()
	if err != nil {
		return fmt.Errorf("feed: %w", err)
	}
	f.cal, f.etag, f.NotModified = cal, resp.Header.Get("ETag"), false
	return nil
}

// Calendars returns the feed as last read.
func (f *Feed) Calendars() []*ical.Calendar {
	if f.cal == nil {
		return nil
	}
	return []*ical.Calendar{f.cal}
}
