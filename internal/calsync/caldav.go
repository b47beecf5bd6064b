package calsync

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/emersion/go-ical"
	"github.com/emersion/go-webdav"
	"github.com/emersion/go-webdav/caldav"
	"github.com/emersion/go-webdav/carddav"
)

// Credential is a user name and password for HTTP basic authentication.
type Credential struct {
	User, Password string
}

// Object is one calendar object resource of a collection.
type Object struct {
	Path string
	ETag string
	Cal  *ical.Calendar
}

// Collection is a CalDAV calendar collection and what was last read of it.
// It is used by one goroutine at a time.
type Collection struct {
	base    *url.URL
	path    string // the collection's path, with a trailing slash
	hc      webdav.HTTPClient
	dav     *caldav.Client
	sync    *carddav.Client // RFC 6578 sync-collection, which is not CardDAV-specific
	token   string
	objects map[string]Object // by path
	// Incremental tells whether the last Sync used a sync token.
	Incremental bool
}

// parseURL parses the URL of a calendar collection or feed (what): http
// or https, with a host, and without credentials (they are a Credential).
func parseURL(what, rawURL string) (*url.URL, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%s URL must be an http or https URL", what)
	}
	if u.User != nil {
		return nil, fmt.Errorf("%s URL must not carry credentials", what)
	}
	return u, nil
}

// multigetBatch bounds the hrefs of one calendar-multiget REPORT.
const multigetBatch = 100

// NewCollection returns a client of the calendar collection at rawURL; cred
// may be nil. hc nil means http.DefaultClient.
func NewCollection(rawURL string, cred *Credential, hc *http.Client) (*Collection, error) {
	u, err := parseURL("calendar", rawURL)
	if err != nil {
		return nil, err
	}
	if hc == nil {
		hc = http.DefaultClient
	}
	var c webdav.HTTPClient = hc
	if cred != nil {
		c = webdav.HTTPClientWithBasicAuth(hc, cred.User, cred.Password)
	}
	p := u.Path
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	dav, err := caldav.NewClient(c, u.String())
	if err != nil {
		return nil, fmt.Errorf("caldav client: %w", err)
	}
	sc, err := carddav.NewClient(c, u.String())
	if err != nil {
		return nil, fmt.Errorf("sync client: %w", err)
	}
	return &Collection{base: u, path: p, hc: c, dav: dav, sync: sc, objects: map[string]Object{}}, nil
}

// Sync brings the objects up to date: with the sync token of the last sync
// when there is one (RFC 6578), the changes only; otherwise, or when the
// server refuses the token, all of them (sync-collection from scratch, or
// a calendar-query REPORT on servers without sync-collection).
func (c *Collection) Sync(ctx context.Context) error {
	if c.token != "" {
		err := c.syncFrom(ctx, c.token)
		if err == nil {
			c.Incremental = true
			return nil
		}
		if ctx.Err() != nil {
			return err
		}
		c.token = "" // expired or refused: read everything again
	}
	c.Incremental = false
	if err := c.syncFrom(ctx, ""); err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	objs, err := c.dav.QueryCalendar(ctx, c.path, &caldav.CalendarQuery{
		CompRequest: caldav.CalendarCompRequest{Name: ical.CompCalendar, AllProps: true, AllComps: true},
		CompFilter:  caldav.CompFilter{Name: ical.CompCalendar, Comps: []caldav.CompFilter{{Name: ical.CompEvent}}},
	})
	if err != nil {
		return fmt.Errorf("calendar query: %w", err)
	}
	c.objects = map[string]Object{}
	for _, o := range objs {
		c.objects[o.Path] = Object{Path: o.Path, ETag: o.ETag, Cal: o.Data}
	}
	return nil
}

// syncFrom runs one sync-collection REPORT from token ("" for all) and
// fetches the changed objects.
func (c *Collection) syncFrom(ctx context.Context, token string) error {
	res, err := c.sync.SyncCollection(ctx, c.path, &carddav.SyncQuery{SyncToken: token})
	if err != nil {
		return fmt.Errorf("sync-collection: %w", err)
	}
	if res.SyncToken == "" {
		return errors.New("sync-collection: the server sent no sync token")
	}
	next := c.objects
	if token == "" {
		next = map[string]Object{}
	}
	var changed []string
	for _, u := range res.Updated {
		if o, ok := next[u.Path]; ok && u.ETag != "" && o.ETag == u.ETag {
			continue // our own write, already known
		}
		changed = append(changed, u.Path)
	}
	for _, p := range res.Deleted {
		delete(next, p)
	}
	for len(changed) > 0 {
		n := min(len(changed), multigetBatch)
		objs, err := c.dav.MultiGetCalendar(ctx, c.path, &caldav.CalendarMultiGet{Paths: changed[:n],
			CompRequest: caldav.CalendarCompRequest{Name: ical.CompCalendar, AllProps: true, AllComps: true}})
		if err != nil {
			return fmt.Errorf("calendar-multiget: %w", err)
		}
		for _, o := range objs {
			next[o.Path] = Object{Path: o.Path, ETag: o.ETag, Cal: o.Data}
		}
		changed = changed[n:]
	}
	c.objects = next
	c.token = res.SyncToken
	return nil
}

// Calendars returns the calendar data of every object last read.
func (c *Collection) Calendars() []*ical.Calendar {
	out := make([]*ical.Calendar, 0, len(c.objects))
	for _, o := range c.objects {
		out = append(out, o.Cal)
	}
	return out
}

// Written returns the events the engine wrote to this collection for
// owner (see Entry.Owner), by appointment id.
func (c *Collection) Written(owner string) map[string]Written {
	out := map[string]Written{}
	for _, o := range c.objects {
		if w, ok := readWritten(o, owner); ok {
			out[w.AppointmentID] = w
		}
	}
	return out
}

// Put writes the event of e (a create or a replace, by UID).
func (c *Collection) Put(ctx context.Context, e Entry) error {
	cal := e.Calendar()
	p := c.objectPath(e.AppointmentID)
	obj, err := c.dav.PutCalendarObject(ctx, p, cal)
	if err != nil {
		return fmt.Errorf("put %s: %w", e.AppointmentID, err)
	}
	c.objects[p] = Object{Path: p, ETag: obj.ETag, Cal: cal}
	return nil
}

// Delete removes the event at path; one already gone is no error.
func (c *Collection) Delete(ctx context.Context, path string) error {
	u := *c.base
	u.Path = path
	req, err := http.NewRequestWithContext(ctx, http.MethodDelete, u.String(), nil)
	if err != nil {
		return err
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return fmt.Errorf("delete: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 && resp.StatusCode != http.StatusNotFound {
		return fmt.Errorf("delete: %s", resp.Status)
	}
	delete(c.objects, path)
	return nil
}

// objectPath is where the engine keeps the event of an appointment.
func (c *Collection) objectPath(appointmentID string) string {
	return c.path + url.PathEscape(appointmentID) + ".ics"
}
