package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/medspa/engine/persistence"
)

func testTranscriptOrderAndLimit(t *testing.T, s persistence.Store) {
	var want []string
	for v := range int64(5) {
		key := fmt.Sprintf("k%d", v)
		c := commit("c1", "l1", v, key, t0.Add(time.Duration(v)*time.Second))
		c.Transcript = append(c.Transcript, persistence.TranscriptEntry{
			ID: "reply-" + key, Direction: "out", Author: "engine", Text: "reply",
			At: t0, // older than the entry before it: order is the order written
		})
		want = append(want, "tr-"+key, "reply-"+key)
		mustApply(t, s, c)
	}
	mustApply(t, s, commit("c1", "other", 0, "o1", t0))

	wantStrings(t, "all", transcriptIDs(t, s, "c1", "l1", 0), want...)
	wantStrings(t, "limit 100", transcriptIDs(t, s, "c1", "l1", 100), want...)
	wantStrings(t, "limit 3", transcriptIDs(t, s, "c1", "l1", 3), want[len(want)-3:]...)
	wantStrings(t, "limit 1", transcriptIDs(t, s, "c1", "l1", 1), want[len(want)-1])
	wantStrings(t, "other", transcriptIDs(t, s, "c1", "other", 0), "tr-o1")
	wantStrings(t, "unknown", transcriptIDs(t, s, "c1", "nobody", 0))
}

func testTranscriptDuplicateIDs(t *testing.T, s persistence.Store) {
	mustApply(t, s, commit("c1", "l1", 0, "k1", t0))
	c := commit("c1", "l1", 1, "k2", t0.Add(time.Second))
	c.Transcript = append([]persistence.TranscriptEntry{{ID: "tr-k1", Direction: "in", Author: "lead", Text: "again"}}, c.Transcript...)
	mustApply(t, s, c)
	es, err := s.Transcript(ctx(t), "c1", "l1", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 2 || es[0].ID != "tr-k1" || es[0].Text != "text k1" || es[1].ID != "tr-k2" {
		t.Errorf("transcript = %+v, want tr-k1 (first text) then tr-k2", es)
	}
}

// seedConversations creates n conversations of clinic, lead ids
// "<prefix>NN", in one batch; every third shares its update time with the
// one before, to exercise the lead-id tie break.
func seedConversations(t *testing.T, s persistence.Store, clinic, prefix string, n int, phone func(i int) string) {
	t.Helper()
	var cs []persistence.Commit
	for i := range n {
		at := t0.Add(time.Duration(i-i%3/2) * time.Minute)
		c := commit(clinic, fmt.Sprintf("%s%03d", prefix, i), 0, fmt.Sprintf("%s-%s-%d", clinic, prefix, i), at)
		if phone != nil {
			c.Snapshot.Phone = phone(i)
		}
		cs = append(cs, c)
	}
	mustApply(t, s, cs...)
}

// walk pages through a query and returns every item; it fails on a page
// that is empty yet not the first.
func walk(t *testing.T, s persistence.Store, q persistence.ConversationQuery) (items []persistence.Snapshot, pages int) {
	t.Helper()
	for {
		page, err := s.ListConversations(ctx(t), q)
		if err != nil {
			t.Fatalf("ListConversations: %v", err)
		}
		pages++
		if len(page.Items) == 0 && pages > 1 {
			t.Errorf("page %d is empty", pages)
		}
		if q.Limit > 0 && len(page.Items) > q.Limit {
			t.Errorf("page %d has %d items, limit %d", pages, len(page.Items), q.Limit)
		}
		items = append(items, page.Items...)
		if page.NextCursor == "" {
			return items, pages
		}
		if pages > 1000 {
			t.Fatal("paging does not end")
		}
		q.Cursor = page.NextCursor
	}
}

// wantNewestFirst checks the items are ordered by (UpdatedAt, LeadID)
// descending with no repeats.
func wantNewestFirst(t *testing.T, items []persistence.Snapshot) {
	t.Helper()
	for i := 1; i < len(items); i++ {
		a, b := items[i-1], items[i]
		if b.UpdatedAt.After(a.UpdatedAt) || (b.UpdatedAt.Equal(a.UpdatedAt) && b.LeadID >= a.LeadID) {
			t.Errorf("item %d (%s %v) is not older than item %d (%s %v)", i, b.LeadID, b.UpdatedAt, i-1, a.LeadID, a.UpdatedAt)
		}
	}
}

func testListWalk(t *testing.T, s persistence.Store) {
	seedConversations(t, s, "c1", "l", 11, nil)
	seedConversations(t, s, "c2", "l", 4, nil)
	for _, limit := range []int{1, 3, 11, 50} {
		items, pages := walk(t, s, persistence.ConversationQuery{ClinicID: "c1", Limit: limit})
		if want := (11 + limit - 1) / limit; pages != want {
			t.Errorf("limit %d: %d pages, want %d", limit, pages, want)
		}
		seen := map[string]bool{}
		for _, it := range items {
			if it.ClinicID != "c1" || seen[it.LeadID] {
				t.Errorf("limit %d: unexpected or repeated item %s/%s", limit, it.ClinicID, it.LeadID)
			}
			seen[it.LeadID] = true
		}
		if len(seen) != 11 {
			t.Errorf("limit %d: walked %d conversations, want 11", limit, len(seen))
		}
		wantNewestFirst(t, items)
	}
}

func testListUpdatedMovesToTop(t *testing.T, s persistence.Store) {
	seedConversations(t, s, "c1", "l", 5, nil)
	mustApply(t, s, commit("c1", "l000", 1, "bump", t0.Add(time.Hour)))
	page, err := s.ListConversations(ctx(t), persistence.ConversationQuery{ClinicID: "c1", Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 2 || page.Items[0].LeadID != "l000" || page.Items[0].Version != 2 {
		t.Errorf("first page = %+v, want l000 (version 2) first", page.Items)
	}
}

func testListPhoneFilter(t *testing.T, s persistence.Store) {
	phone := func(i int) string { return fmt.Sprintf("+1555000000%d", i%2) }
	seedConversations(t, s, "c1", "l", 9, phone)
	seedConversations(t, s, "c2", "l", 3, phone)
	items, _ := walk(t, s, persistence.ConversationQuery{ClinicID: "c1", Phone: "+15550000001", Limit: 2})
	if len(items) != 4 {
		t.Errorf("got %d conversations, want 4", len(items))
	}
	for _, it := range items {
		if it.ClinicID != "c1" || it.Phone != "+15550000001" {
			t.Errorf("unexpected item %s/%s %s", it.ClinicID, it.LeadID, it.Phone)
		}
	}
	wantNewestFirst(t, items)
	if items, _ := walk(t, s, persistence.ConversationQuery{ClinicID: "c1", Phone: "+15559999999"}); len(items) != 0 {
		t.Errorf("unknown phone: %d items", len(items))
	}
}

func testListLimitClamp(t *testing.T, s persistence.Store) {
	seedConversations(t, s, "c1", "l", 205, nil)
	for limit, want := range map[int]int{0: 50, -3: 50, 1000: 200, 201: 200, 7: 7} {
		page, err := s.ListConversations(ctx(t), persistence.ConversationQuery{ClinicID: "c1", Limit: limit})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Items) != want || page.NextCursor == "" {
			t.Errorf("limit %d: %d items (cursor %q), want %d and a cursor", limit, len(page.Items), page.NextCursor, want)
		}
	}
}

func testListBadCursor(t *testing.T, s persistence.Store) {
	seedConversations(t, s, "c1", "l", 2, nil)
	for _, cur := range []string{"not a cursor", "e30"} { // "e30" is base64 of {}
		if _, err := s.ListConversations(ctx(t), persistence.ConversationQuery{ClinicID: "c1", Cursor: cur}); err == nil {
			t.Errorf("cursor %q: no error", cur)
		}
	}
}

func testListEmpty(t *testing.T, s persistence.Store) {
	page, err := s.ListConversations(ctx(t), persistence.ConversationQuery{ClinicID: "nobody"})
	if err != nil || len(page.Items) != 0 || page.NextCursor != "" {
		t.Errorf("ListConversations(empty clinic) = %+v, %v", page, err)
	}
}

// filterConvs are the conversations of the filter tests, oldest first.
// l04 and l05, and l07 and l08, share their update times. Some names hold
// LIKE wildcards, with decoys that an unescaped pattern would match.
var filterConvs = []struct {
	name, phone, phase string
	booked             bool
	at                 time.Duration // after t0
}{
	{"Ann Lee", "+13125550100", "handed_to_staff", false, 0},
	{"Bo Diaz", "+13125550101", "offering", true, 1 * time.Minute},
	{"", "+17085550102", "new", false, 2 * time.Minute},
	{"CY ANNAN", "+13125550103", "handed_to_staff", true, 3 * time.Minute},
	{"Élodie Ng", "+13125550104", "booked", true, 4 * time.Minute},
	{"Real_Name 50%", "+13125550105", "qualifying", false, 4 * time.Minute},
	{"RealXName 500", "+13125550106", "qualifying", false, 5 * time.Minute},
	{`Back\Slash`, "+13125550107", "lost", false, 6 * time.Minute},
	{"Backslash", "+13125550108", "lost", false, 6 * time.Minute},
	{"Ann Lee", "+13125550109", "handed_to_staff", true, 7 * time.Minute},
}

// seedFilterConvs stores filterConvs as leads l00..l09 of clinic.
func seedFilterConvs(t *testing.T, s persistence.Store, clinic string) {
	t.Helper()
	var cs []persistence.Commit
	for i, fc := range filterConvs {
		c := commit(clinic, fmt.Sprintf("l%02d", i), 0, fmt.Sprintf("%s-f%d", clinic, i), t0.Add(fc.at))
		c.Snapshot.Name, c.Snapshot.Phone, c.Snapshot.Phase, c.Snapshot.HasBooking = fc.name, fc.phone, fc.phase, fc.booked
		cs = append(cs, c)
	}
	mustApply(t, s, cs...)
}

func leadIDs(items []persistence.Snapshot) []string {
	ids := make([]string, len(items))
	for i, it := range items {
		ids[i] = it.LeadID
	}
	return ids
}

func yes() *bool { b := true; return &b }
func no() *bool  { b := false; return &b }

// testListFilters runs each filter alone and combined, paging through
// every result one, two and fifty at a time: each page walk returns every
// match once, newest first. A second clinic holds the same conversations,
// none of which may show.
func testListFilters(t *testing.T, s persistence.Store) {
	seedFilterConvs(t, s, "c1")
	seedFilterConvs(t, s, "c2")
	since := us(t0.Add(4 * time.Minute)) // l04's and l05's time: inclusive
	tests := []struct {
		name string
		q    persistence.ConversationQuery
		want []string
	}{
		{"none", persistence.ConversationQuery{}, []string{"l09", "l08", "l07", "l06", "l05", "l04", "l03", "l02", "l01", "l00"}},
		{"one phase", persistence.ConversationQuery{Phases: []string{"handed_to_staff"}}, []string{"l09", "l03", "l00"}},
		{"two phases", persistence.ConversationQuery{Phases: []string{"handed_to_staff", "booked"}}, []string{"l09", "l04", "l03", "l00"}},
		{"unknown phase", persistence.ConversationQuery{Phases: []string{"sleeping"}}, nil},
		{"updated since", persistence.ConversationQuery{UpdatedSince: since}, []string{"l09", "l08", "l07", "l06", "l05", "l04"}},
		{"has booking", persistence.ConversationQuery{HasBooking: yes()}, []string{"l09", "l04", "l03", "l01"}},
		{"has no booking", persistence.ConversationQuery{HasBooking: no()}, []string{"l08", "l07", "l06", "l05", "l02", "l00"}},
		{"name", persistence.ConversationQuery{Text: "ann"}, []string{"l09", "l03", "l00"}},
		{"name upper case", persistence.ConversationQuery{Text: "ANN"}, []string{"l09", "l03", "l00"}},
		{"name with spaces", persistence.ConversationQuery{Text: "y an"}, []string{"l03"}},
		{"name beyond ASCII", persistence.ConversationQuery{Text: "ÉLODIE"}, []string{"l04"}},
		{"name beyond ASCII lower case", persistence.ConversationQuery{Text: "élodie n"}, []string{"l04"}},
		{"number digits", persistence.ConversationQuery{Text: "0109"}, []string{"l09"}},
		{"number as written", persistence.ConversationQuery{Text: "(708) 555"}, []string{"l02"}},
		{"two digits search names only", persistence.ConversationQuery{Text: "10"}, nil},
		{"no match", persistence.ConversationQuery{Text: "nobody"}, nil},
		{"percent is literal", persistence.ConversationQuery{Text: "50%"}, []string{"l05"}},
		{"percent alone", persistence.ConversationQuery{Text: "%"}, []string{"l05"}},
		{"underscore is literal", persistence.ConversationQuery{Text: "real_name"}, []string{"l05"}},
		{"underscore alone", persistence.ConversationQuery{Text: "_"}, []string{"l05"}},
		{"backslash is literal", persistence.ConversationQuery{Text: `k\s`}, []string{"l07"}},
		{"phase and booking", persistence.ConversationQuery{Phases: []string{"handed_to_staff"}, HasBooking: yes()}, []string{"l09", "l03"}},
		{"phase, text and no booking", persistence.ConversationQuery{Phases: []string{"handed_to_staff"}, Text: "ann", HasBooking: no()}, []string{"l00"}},
		{"since and booking", persistence.ConversationQuery{UpdatedSince: since, HasBooking: yes()}, []string{"l09", "l04"}},
		{"since, phases and text", persistence.ConversationQuery{UpdatedSince: us(t0.Add(3 * time.Minute)),
			Phases: []string{"handed_to_staff", "booked"}, Text: "N"}, []string{"l09", "l04", "l03"}},
		{"phone and text", persistence.ConversationQuery{Phone: "+13125550103", Text: "cy"}, []string{"l03"}},
		{"phone and other phase", persistence.ConversationQuery{Phone: "+13125550103", Phases: []string{"new"}}, nil},
	}
	for _, tt := range tests {
		for _, limit := range []int{1, 2, 50} {
			q := tt.q
			q.ClinicID, q.Limit = "c1", limit
			items, _ := walk(t, s, q)
			for _, it := range items {
				if it.ClinicID != "c1" {
					t.Errorf("%s, limit %d: item of clinic %s", tt.name, limit, it.ClinicID)
				}
			}
			wantStrings(t, fmt.Sprintf("%s, limit %d", tt.name, limit), leadIDs(items), tt.want...)
		}
	}
}

// testListHasBookingFollowsWrites: updates set and clear has_booking, and
// snapshots read back carry it.
func testListHasBookingFollowsWrites(t *testing.T, s persistence.Store) {
	seedFilterConvs(t, s, "c1")
	unbook := commit("c1", "l01", 1, "unbook", t0.Add(time.Hour))
	book := commit("c1", "l02", 1, "book", t0.Add(time.Hour))
	book.Snapshot.HasBooking = true
	mustApply(t, s, unbook, book)
	if !load(t, s, "c1", "l02").HasBooking || load(t, s, "c1", "l01").HasBooking {
		t.Errorf("LoadSnapshot: l02 has a booking, l01 has none")
	}
	items, _ := walk(t, s, persistence.ConversationQuery{ClinicID: "c1", HasBooking: yes()})
	wantStrings(t, "has booking", leadIDs(items), "l02", "l09", "l04", "l03")
	for _, it := range items {
		if !it.HasBooking {
			t.Errorf("listed %s without HasBooking", it.LeadID)
		}
	}
}

// testListHasBookingBulkLoaded: BulkLoad writes has_booking as Apply does.
func testListHasBookingBulkLoaded(t *testing.T, s persistence.Store) {
	bl, ok := s.(persistence.BulkLoader)
	if !ok {
		t.Skipf("%T does not implement persistence.BulkLoader", s)
	}
	booked := commit("c1", "booked", 0, "k-booked", t0)
	booked.Snapshot.HasBooking = true
	if err := bl.BulkLoad(ctx(t), []persistence.Commit{booked, commit("c1", "other", 0, "k-other", t0)}); err != nil {
		t.Fatalf("BulkLoad: %v", err)
	}
	items, _ := walk(t, s, persistence.ConversationQuery{ClinicID: "c1", HasBooking: yes()})
	wantStrings(t, "has booking", leadIDs(items), "booked")
	items, _ = walk(t, s, persistence.ConversationQuery{ClinicID: "c1", HasBooking: no()})
	wantStrings(t, "has no booking", leadIDs(items), "other")
}
