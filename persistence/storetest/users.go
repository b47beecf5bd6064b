package storetest

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/medspa/engine/persistence"
)

func users(t *testing.T, s persistence.Store) persistence.Users {
	t.Helper()
	u, ok := s.(persistence.Users)
	if !ok {
		t.Fatalf("%T does not implement persistence.Users", s)
	}
	return u
}

func addUser(t *testing.T, us persistence.Users, id, email, role, clinicID string) persistence.User {
	t.Helper()
	u := persistence.User{ID: id, Email: email, Name: "Name " + id, Role: role, ClinicID: clinicID, CreatedAt: t0}
	if err := us.CreateUser(ctx(t), u); err != nil {
		t.Fatalf("CreateUser %s: %v", id, err)
	}
	return u
}

// Users are unique by id and by email in any case; emails are stored
// lower-case and found in any case; the list is ordered by email.
func testUsers(t *testing.T, s persistence.Store) {
	us := users(t, s)
	addUser(t, us, "usr_b", "  Bea@Example.COM ", persistence.RoleStaff, "c1")
	addUser(t, us, "usr_a", "ana@example.com", persistence.RoleAdmin, "")
	dup := persistence.User{ID: "usr_c", Email: "BEA@example.com", Name: "x", Role: persistence.RoleStaff, ClinicID: "c1"}
	if err := us.CreateUser(ctx(t), dup); !errors.Is(err, persistence.ErrDuplicate) {
		t.Errorf("same email in another case: %v, want ErrDuplicate", err)
	}
	dup = persistence.User{ID: "usr_a", Email: "other@example.com", Name: "x", Role: persistence.RoleAdmin}
	if err := us.CreateUser(ctx(t), dup); !errors.Is(err, persistence.ErrDuplicate) {
		t.Errorf("same id: %v, want ErrDuplicate", err)
	}
	got, err := us.UserByEmail(ctx(t), "bea@EXAMPLE.com")
	if err != nil {
		t.Fatalf("UserByEmail: %v", err)
	}
	if got.ID != "usr_b" || got.Email != "bea@example.com" || got.Name != "Name usr_b" || got.Role != persistence.RoleStaff ||
		got.ClinicID != "c1" || got.PasswordHash != "" || got.Disabled() || !got.CreatedAt.Equal(t0.Truncate(time.Microsecond)) {
		t.Errorf("UserByEmail = %+v", got)
	}
	if _, err := us.UserByEmail(ctx(t), "nobody@example.com"); !errors.Is(err, persistence.ErrNotFound) {
		t.Errorf("unknown email: %v, want ErrNotFound", err)
	}
	if _, err := us.GetUser(ctx(t), "usr_zz"); !errors.Is(err, persistence.ErrNotFound) {
		t.Errorf("unknown id: %v, want ErrNotFound", err)
	}
	if err := us.SetPassword(ctx(t), "usr_a", "$argon2id$x", t0.Add(time.Minute)); err != nil {
		t.Fatalf("SetPassword: %v", err)
	}
	if err := us.SetPassword(ctx(t), "usr_zz", "$argon2id$x", t0); !errors.Is(err, persistence.ErrNotFound) {
		t.Errorf("SetPassword unknown: %v, want ErrNotFound", err)
	}
	list, err := us.ListUsers(ctx(t))
	if err != nil {
		t.Fatalf("ListUsers: %v", err)
	}
	if len(list) != 2 || list[0].ID != "usr_a" || list[1].ID != "usr_b" || list[0].PasswordHash != "$argon2id$x" {
		t.Errorf("ListUsers = %+v, want usr_a (with password) then usr_b", list)
	}
}

// An invite is used once, only before it expires; a new invite voids the
// older unused one; a disabled user's invites are gone.
func testUserInvites(t *testing.T, s persistence.Store) {
	us := users(t, s)
	addUser(t, us, "usr_1", "one@example.com", persistence.RoleStaff, "c1")
	exp := t0.Add(72 * time.Hour)
	if err := us.CreateInvite(ctx(t), persistence.Invite{TokenHash: "h-old", UserID: "usr_1", CreatedAt: t0, ExpiresAt: exp}); err != nil {
		t.Fatalf("CreateInvite: %v", err)
	}
	if err := us.CreateInvite(ctx(t), persistence.Invite{TokenHash: "h-x", UserID: "usr_none", CreatedAt: t0, ExpiresAt: exp}); !errors.Is(err, persistence.ErrNotFound) {
		t.Errorf("invite for unknown user: %v, want ErrNotFound", err)
	}
	if err := us.CreateInvite(ctx(t), persistence.Invite{TokenHash: "h-new", UserID: "usr_1", CreatedAt: t0, ExpiresAt: exp}); err != nil {
		t.Fatalf("CreateInvite again: %v", err)
	}
	if _, err := us.UseInvite(ctx(t), "h-old", "pw", t0.Add(time.Hour)); !errors.Is(err, persistence.ErrNotFound) {
		t.Errorf("voided invite: %v, want ErrNotFound", err)
	}
	if _, err := us.UseInvite(ctx(t), "h-new", "pw", exp); !errors.Is(err, persistence.ErrNotFound) {
		t.Errorf("invite at its expiry: %v, want ErrNotFound", err)
	}
	sess := persistence.Session{IDHash: "s-before", UserID: "usr_1", CSRF: "c", CreatedAt: t0, LastSeen: t0, ExpiresAt: t0.Add(time.Hour)}
	if err := us.CreateSession(ctx(t), sess); err != nil {
		t.Fatalf("CreateSession: %v", err)
	}
	u, err := us.UseInvite(ctx(t), "h-new", "pw-hash", exp.Add(-time.Second))
	if err != nil {
		t.Fatalf("UseInvite: %v", err)
	}
	if u.ID != "usr_1" || u.PasswordHash != "pw-hash" {
		t.Errorf("UseInvite = %+v", u)
	}
	if _, err := us.GetSession(ctx(t), "s-before"); !errors.Is(err, persistence.ErrNotFound) {
		t.Errorf("session from before the new password: %v, want ErrNotFound", err)
	}
	if _, err := us.UseInvite(ctx(t), "h-new", "pw-2", exp.Add(-time.Second)); !errors.Is(err, persistence.ErrNotFound) {
		t.Errorf("second use: %v, want ErrNotFound", err)
	}
	if got, _ := us.GetUser(ctx(t), "usr_1"); got.PasswordHash != "pw-hash" {
		t.Errorf("password after second use = %q, want pw-hash", got.PasswordHash)
	}
	// Disabling voids the unused invite.
	if err := us.CreateInvite(ctx(t), persistence.Invite{TokenHash: "h-3", UserID: "usr_1", CreatedAt: t0, ExpiresAt: exp}); err != nil {
		t.Fatalf("CreateInvite: %v", err)
	}
	if err := us.DisableUser(ctx(t), "usr_1", t0.Add(2*time.Hour)); err != nil {
		t.Fatalf("DisableUser: %v", err)
	}
	if _, err := us.UseInvite(ctx(t), "h-3", "pw", t0.Add(3*time.Hour)); !errors.Is(err, persistence.ErrNotFound) {
		t.Errorf("invite of a disabled user: %v, want ErrNotFound", err)
	}
}

// Two concurrent uses of one invite: one wins.
func testUserInviteConcurrent(t *testing.T, s persistence.Store) {
	us := users(t, s)
	addUser(t, us, "usr_1", "one@example.com", persistence.RoleManager, "c1")
	if err := us.CreateInvite(ctx(t), persistence.Invite{TokenHash: "h", UserID: "usr_1", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}); err != nil {
		t.Fatalf("CreateInvite: %v", err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = us.UseInvite(ctx(t), "h", "pw", t0.Add(time.Minute))
		}()
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, persistence.ErrNotFound):
			t.Errorf("UseInvite: %v", err)
		}
	}
	if won != 1 {
		t.Errorf("%d uses won, want 1", won)
	}
}

// Sessions are stored, touched forward only, deleted; disabling a user
// deletes its sessions and marks it once.
func testUserSessions(t *testing.T, s persistence.Store) {
	us := users(t, s)
	addUser(t, us, "usr_1", "one@example.com", persistence.RoleStaff, "c1")
	addUser(t, us, "usr_2", "two@example.com", persistence.RoleStaff, "c1")
	mk := func(id, user string) persistence.Session {
		return persistence.Session{IDHash: id, UserID: user, CSRF: "csrf-" + id, CreatedAt: t0, LastSeen: t0, ExpiresAt: t0.Add(12 * time.Hour)}
	}
	for _, ss := range []persistence.Session{mk("s1", "usr_1"), mk("s2", "usr_1"), mk("s3", "usr_2")} {
		if err := us.CreateSession(ctx(t), ss); err != nil {
			t.Fatalf("CreateSession %s: %v", ss.IDHash, err)
		}
	}
	if err := us.CreateSession(ctx(t), mk("s1", "usr_2")); !errors.Is(err, persistence.ErrDuplicate) {
		t.Errorf("repeated session id: %v, want ErrDuplicate", err)
	}
	if err := us.CreateSession(ctx(t), mk("s9", "usr_none")); !errors.Is(err, persistence.ErrNotFound) {
		t.Errorf("session of unknown user: %v, want ErrNotFound", err)
	}
	got, err := us.GetSession(ctx(t), "s1")
	if err != nil {
		t.Fatalf("GetSession: %v", err)
	}
	want := mk("s1", "usr_1")
	want.CreatedAt, want.LastSeen, want.ExpiresAt = t0.Truncate(time.Microsecond), t0.Truncate(time.Microsecond), want.ExpiresAt.Truncate(time.Microsecond)
	if got != want {
		t.Errorf("GetSession = %+v, want %+v", got, want)
	}
	if err := us.TouchSession(ctx(t), "s1", t0.Add(time.Hour)); err != nil {
		t.Fatalf("TouchSession: %v", err)
	}
	if err := us.TouchSession(ctx(t), "s1", t0.Add(time.Minute)); err != nil {
		t.Fatalf("TouchSession back: %v", err)
	}
	if got, _ := us.GetSession(ctx(t), "s1"); !got.LastSeen.Equal(t0.Add(time.Hour).Truncate(time.Microsecond)) {
		t.Errorf("last seen = %s, want %s", got.LastSeen, t0.Add(time.Hour))
	}
	if err := us.DeleteSession(ctx(t), "s2"); err != nil {
		t.Fatalf("DeleteSession: %v", err)
	}
	if _, err := us.GetSession(ctx(t), "s2"); !errors.Is(err, persistence.ErrNotFound) {
		t.Errorf("deleted session: %v, want ErrNotFound", err)
	}
	if err := us.DeleteSession(ctx(t), "s2"); err != nil {
		t.Errorf("DeleteSession again: %v", err)
	}
	off := t0.Add(2 * time.Hour)
	if err := us.DisableUser(ctx(t), "usr_1", off); err != nil {
		t.Fatalf("DisableUser: %v", err)
	}
	if err := us.DisableUser(ctx(t), "usr_1", off.Add(time.Hour)); err != nil {
		t.Fatalf("DisableUser again: %v", err)
	}
	if err := us.DisableUser(ctx(t), "usr_none", off); !errors.Is(err, persistence.ErrNotFound) {
		t.Errorf("disable unknown: %v, want ErrNotFound", err)
	}
	if _, err := us.GetSession(ctx(t), "s1"); !errors.Is(err, persistence.ErrNotFound) {
		t.Errorf("disabled user's session: %v, want ErrNotFound", err)
	}
	if _, err := us.GetSession(ctx(t), "s3"); err != nil {
		t.Errorf("other user's session: %v", err)
	}
	u, _ := us.GetUser(ctx(t), "usr_1")
	if !u.Disabled() || !u.DisabledAt.Equal(off.Truncate(time.Microsecond)) {
		t.Errorf("disabled at %s, want %s (the first)", u.DisabledAt, off)
	}
	// A new session prunes the user's expired ones.
	late := mk("s4", "usr_2")
	late.CreatedAt, late.LastSeen, late.ExpiresAt = t0.Add(13*time.Hour), t0.Add(13*time.Hour), t0.Add(25*time.Hour)
	if err := us.CreateSession(ctx(t), late); err != nil {
		t.Fatalf("CreateSession: %v", err)
	}
	if _, err := us.GetSession(ctx(t), "s3"); !errors.Is(err, persistence.ErrNotFound) {
		t.Errorf("expired session after a new one: %v, want ErrNotFound", err)
	}
}

// PeekRate answers what TakeRate would, counting nothing.
func testPeekRate(t *testing.T, s persistence.Store) {
	us := users(t, s)
	acct := persistence.RateCheck{Key: "login:a", Max: 2, Window: 15 * time.Minute}
	ip := persistence.RateCheck{Key: "login:ip", Max: 3, Window: 15 * time.Minute}
	_, end := persistence.RateWindow(t0, 15*time.Minute)
	peek := func(at time.Time) persistence.RateResult {
		t.Helper()
		r, err := us.PeekRate(ctx(t), at, []persistence.RateCheck{ip, acct})
		if err != nil {
			t.Fatalf("PeekRate: %v", err)
		}
		return r
	}
	for range 5 {
		if r := peek(t0); !r.OK {
			t.Fatalf("peek on nothing = %+v", r)
		}
	}
	take(t, s, t0, ip, acct)
	if r := peek(t0); !r.OK {
		t.Fatalf("peek after one = %+v", r)
	}
	take(t, s, t0, ip, acct)
	if r := peek(t0); r.OK || r.Full != 1 || !r.Until.Equal(end) {
		t.Errorf("peek after two = %+v, want check 1 full until %s", r, end)
	}
	if r := peek(end); !r.OK {
		t.Errorf("peek in the next window = %+v", r)
	}
	if _, err := us.PeekRate(ctx(t), t0, []persistence.RateCheck{{Key: "", Max: 1, Window: time.Minute}}); err == nil {
		t.Error("bad check accepted")
	}
}
