package storetest

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/medspa/engine/persistence"
)

func adminRecord(id, kind, clinic, ext string, at time.Time) persistence.AdminRecord {
	return persistence.AdminRecord{
		ID: id, Kind: kind, ClinicID: clinic, ExternalID: ext, Status: "pending",
		Request: []byte(`{"req":"` + id + `"}`), Response: []byte(`{"resp":"` + id + `"}`),
		CreatedAt: at, UpdatedAt: at,
	}
}

func getAdmin(t *testing.T, s persistence.Store, kind, ext string) persistence.AdminRecord {
	t.Helper()
	r, err := s.GetAdminRecord(ctx(t), kind, ext)
	if err != nil {
		t.Fatalf("GetAdminRecord(%s, %s): %v", kind, ext, err)
	}
	return r
}

func sameAdminRecord(t *testing.T, got, want persistence.AdminRecord) {
	t.Helper()
	if got.ID != want.ID || got.Kind != want.Kind || got.ClinicID != want.ClinicID || got.ExternalID != want.ExternalID ||
		got.Status != want.Status || got.Detail != want.Detail || !bytes.Equal(got.Request, want.Request) ||
		!bytes.Equal(got.Response, want.Response) || !got.CreatedAt.Equal(us(want.CreatedAt)) || !got.UpdatedAt.Equal(us(want.UpdatedAt)) {
		t.Errorf("admin record\n got %+v (request %s, response %s)\nwant %+v (request %s, response %s)",
			got, got.Request, got.Response, want, want.Request, want.Response)
	}
}

func testAdminRecordSaveGet(t *testing.T, s persistence.Store) {
	want := adminRecord("ar1", persistence.AdminKindBrand, "c1", "brand-1", t0)
	want.Detail = "submitted"
	if err := s.SaveAdminRecord(ctx(t), want); err != nil {
		t.Fatalf("SaveAdminRecord: %v", err)
	}
	sameAdminRecord(t, getAdmin(t, s, persistence.AdminKindBrand, "brand-1"), want)

	for _, k := range [][2]string{
		{persistence.AdminKindCampaign, "brand-1"}, // same id, other kind
		{persistence.AdminKindBrand, "brand-2"},
		{persistence.AdminKindBrand, ""},
	} {
		if _, err := s.GetAdminRecord(ctx(t), k[0], k[1]); !errors.Is(err, persistence.ErrNotFound) {
			t.Errorf("GetAdminRecord(%s, %q) err = %v, want ErrNotFound", k[0], k[1], err)
		}
	}

	sameID := adminRecord("ar1", persistence.AdminKindCampaign, "c1", "camp-1", t0)
	if err := s.SaveAdminRecord(ctx(t), sameID); !errors.Is(err, persistence.ErrDuplicate) {
		t.Errorf("SaveAdminRecord(same id) err = %v, want ErrDuplicate", err)
	}
	sameExt := adminRecord("ar2", persistence.AdminKindBrand, "c2", "brand-1", t0)
	if err := s.SaveAdminRecord(ctx(t), sameExt); !errors.Is(err, persistence.ErrDuplicate) {
		t.Errorf("SaveAdminRecord(same kind and external id) err = %v, want ErrDuplicate", err)
	}
	sameAdminRecord(t, getAdmin(t, s, persistence.AdminKindBrand, "brand-1"), want)
	if _, err := s.GetAdminRecord(ctx(t), persistence.AdminKindCampaign, "camp-1"); !errors.Is(err, persistence.ErrNotFound) {
		t.Errorf("a refused record was stored: err = %v", err)
	}

	otherKind := adminRecord("ar3", persistence.AdminKindCampaign, "c1", "brand-1", t0)
	if err := s.SaveAdminRecord(ctx(t), otherKind); err != nil {
		t.Errorf("SaveAdminRecord(same external id, other kind): %v", err)
	}
	for _, id := range []string{"ar4", "ar5"} {
		if err := s.SaveAdminRecord(ctx(t), adminRecord(id, persistence.AdminKindBrand, "c1", "", t0)); err != nil {
			t.Errorf("SaveAdminRecord(%s without external id): %v", id, err)
		}
	}

	before := time.Now().Add(-time.Second)
	bare := persistence.AdminRecord{ID: "ar6", Kind: persistence.AdminKindMessage, ClinicID: "c1", ExternalID: "msg-1", Status: "accepted"}
	if err := s.SaveAdminRecord(ctx(t), bare); err != nil {
		t.Fatalf("SaveAdminRecord(zero times, nil JSON): %v", err)
	}
	got := getAdmin(t, s, persistence.AdminKindMessage, "msg-1")
	if len(got.Request) != 0 || len(got.Response) != 0 || got.CreatedAt.Before(before) || !got.UpdatedAt.Equal(got.CreatedAt) {
		t.Errorf("bare record = %+v, want empty JSON, created now, updated = created", got)
	}
}

func testAdminRecordStatus(t *testing.T, s persistence.Store) {
	r := adminRecord("st1", persistence.AdminKindHostedOrder, "c1", "order-1", t0)
	if err := s.SaveAdminRecord(ctx(t), r); err != nil {
		t.Fatal(err)
	}
	later := t0.Add(time.Hour)
	if err := s.UpdateAdminRecordStatus(ctx(t), persistence.AdminKindHostedOrder, "order-1", "successful", "all numbers hosted", later); err != nil {
		t.Fatalf("UpdateAdminRecordStatus: %v", err)
	}
	want := r
	want.Status, want.Detail, want.UpdatedAt = "successful", "all numbers hosted", later
	sameAdminRecord(t, getAdmin(t, s, persistence.AdminKindHostedOrder, "order-1"), want)

	// An update older than the stored one (events out of order) is ignored.
	if err := s.UpdateAdminRecordStatus(ctx(t), persistence.AdminKindHostedOrder, "order-1", "pending", "", t0.Add(time.Minute)); err != nil {
		t.Fatalf("UpdateAdminRecordStatus(older): %v", err)
	}
	sameAdminRecord(t, getAdmin(t, s, persistence.AdminKindHostedOrder, "order-1"), want)

	// The same time again applies (a redelivered event changes nothing new).
	if err := s.UpdateAdminRecordStatus(ctx(t), persistence.AdminKindHostedOrder, "order-1", "successful", "again", later); err != nil {
		t.Fatalf("UpdateAdminRecordStatus(same time): %v", err)
	}
	want.Detail = "again"
	sameAdminRecord(t, getAdmin(t, s, persistence.AdminKindHostedOrder, "order-1"), want)

	for _, k := range [][2]string{
		{persistence.AdminKindHostedOrder, "order-2"},
		{persistence.AdminKindBrand, "order-1"},
		{persistence.AdminKindHostedOrder, ""},
	} {
		if err := s.UpdateAdminRecordStatus(ctx(t), k[0], k[1], "failed", "", later); !errors.Is(err, persistence.ErrNotFound) {
			t.Errorf("UpdateAdminRecordStatus(%s, %q) err = %v, want ErrNotFound", k[0], k[1], err)
		}
	}
}

func testAdminRecordList(t *testing.T, s persistence.Store) {
	if got, err := s.ListAdminRecords(ctx(t), "", "", 10); err != nil || len(got) != 0 {
		t.Fatalf("ListAdminRecords(empty store) = %v, %v; want none", got, err)
	}
	kinds := []string{persistence.AdminKindBrand, persistence.AdminKindCampaign, persistence.AdminKindMessage}
	for i := range 9 {
		clinic := "c1"
		if i%3 == 2 {
			clinic = "c2"
		}
		id := fmt.Sprintf("ls%d", i)
		r := adminRecord(id, kinds[i%3], clinic, "ext-"+id, t0.Add(time.Duration(i)*time.Minute))
		if err := s.SaveAdminRecord(ctx(t), r); err != nil {
			t.Fatal(err)
		}
	}
	ids := func(kind, clinic string, limit int) []string {
		t.Helper()
		rs, err := s.ListAdminRecords(ctx(t), kind, clinic, limit)
		if err != nil {
			t.Fatalf("ListAdminRecords(%q, %q, %d): %v", kind, clinic, limit, err)
		}
		out := make([]string, len(rs))
		for i, r := range rs {
			out[i] = r.ID
		}
		return out
	}
	wantStrings(t, "all", ids("", "", 100), "ls8", "ls7", "ls6", "ls5", "ls4", "ls3", "ls2", "ls1", "ls0")
	wantStrings(t, "limit 2", ids("", "", 2), "ls8", "ls7")
	wantStrings(t, "brands", ids(persistence.AdminKindBrand, "", 100), "ls6", "ls3", "ls0")
	wantStrings(t, "clinic c2", ids("", "c2", 100), "ls8", "ls5", "ls2")
	wantStrings(t, "campaigns of c1", ids(persistence.AdminKindCampaign, "c1", 100), "ls7", "ls4", "ls1")
	wantStrings(t, "messages of c1", ids(persistence.AdminKindMessage, "c1", 100))
	wantStrings(t, "unknown clinic", ids("", "c9", 100))
	if got := ids("", "", 0); len(got) != 9 {
		t.Errorf("limit 0 (default) returned %d records, want 9", len(got))
	}
}

func testAdminRecords(t *testing.T, s persistence.Store) {
	// One store, in this order: List wants it empty; the ids do not overlap.
	t.Run("List", func(t *testing.T) { testAdminRecordList(t, s) })
	t.Run("SaveGet", func(t *testing.T) { testAdminRecordSaveGet(t, s) })
	t.Run("Status", func(t *testing.T) { testAdminRecordStatus(t, s) })
}
