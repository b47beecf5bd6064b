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
