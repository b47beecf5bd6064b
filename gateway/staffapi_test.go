package gateway_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/medspa/engine/gateway"
	"github.com/medspa/engine/messages"
	"github.com/medspa/engine/persistence"
	"github.com/medspa/engine/persistence/sqlite"
)

// seededStore is an SQLite store holding three conversations of clinic_a
// and one of clinic_b.
func seededStore(t *testing.T) persistence.Store {
	t.Helper()
	ctx := context.Background()
	s, err := sqlite.Open(ctx, t.TempDir(), sqlite.Options{})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	conv := func(clinicID, number, name, phase string, age time.Duration, texts ...string) persistence.Commit {
		lead := messages.LeadID(clinicID, number)
		at := testNow.Add(-age)
		c := persistence.Commit{
			DedupKey: "seed:" + lead,
			Snapshot: persistence.Snapshot{
				ClinicID: clinicID, LeadID: lead, Phone: number, Name: name, Phase: phase,
				State: []byte(`{}`), CreatedAt: at.Add(-time.Hour), UpdatedAt: at,
			},
		}
		for i, text := range texts {
			dir, author := "in", "lead"
			if i%2 == 1 {
				dir, author = "out", "engine"
			}
			c.Transcript = append(c.Transcript, persistence.TranscriptEntry{
				ID: fmt.Sprintf("%s-%d", lead, i), ClinicID: clinicID, LeadID: lead,
				Direction: dir, Author: author, Text: text, At: at.Add(time.Duration(i-len(texts)) * time.Minute),
			})
		}
		return c
	}
	commits := []persistence.Commit{
		conv("clinic_a", leadNumber, "Dana", "offering", time.Minute, "How much is Botox?", "Botox is $12 per unit.", "Friday?"),
		conv("clinic_a", "+13125550124", "Eli", "qualifying", time.Hour),
		conv("clinic_a", "+13125550125", "", "new", 2*time.Hour),
		conv("clinic_b", "+13055550111", "Fay", "booked", time.Minute, "Hello"),
	}
	res, err := s.Apply(ctx, commits)
	if err != nil {
		t.Fatalf("seed: %v", err)
	}
	for i, r := range res {
		if r != nil {
			t.Fatalf("seed commit %d: %v", i, r)
		}
	}
	return s
}

func (e *env) token(role, clinicID string) string {
	e.t.Helper()
	tok, err := gateway.IssueToken(e.secret, "user-1", role, clinicID, time.Hour, testNow)
	if err != nil {
		e.t.Fatalf("IssueToken: %v", err)
	}
	return tok
}

func signRaw(t *testing.T, method jwt.SigningMethod, secret []byte, claims jwt.MapClaims) string {
	t.Helper()
	tok, err := jwt.NewWithClaims(method, claims).SignedString(secret)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestStaffAPIAccess(t *testing.T) {
	e := newEnv(t, withPublisher(failingPublisher{}), withStore(seededStore(t)))
	valid := jwt.MapClaims{"sub": "u", "role": "admin", "exp": testNow.Add(time.Hour).Unix()}
	expired, err := gateway.IssueToken(e.secret, "u", "admin", "", time.Hour, testNow.Add(-2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		path   string
		auth   string // the whole Authorization header
		status int
	}{
		{"no token", "/v1/clinics/clinic_a/conversations", "", http.StatusUnauthorized},
		{"not bearer", "/v1/clinics/clinic_a/conversations", "Basic dXNlcjpwYXNz", http.StatusUnauthorized},
		{"garbage", "/v1/clinics/clinic_a/conversations", "Bearer not.a.jwt", http.StatusUnauthorized},
		{"other secret", "/v1/clinics/clinic_a/conversations", "Bearer " + signRaw(t, jwt.SigningMethodHS256, []byte("another secret"), valid), http.StatusUnauthorized},
		{"other algorithm", "/v1/clinics/clinic_a/conversations", "Bearer " + signRaw(t, jwt.SigningMethodHS512, e.secret, valid), http.StatusUnauthorized},
		{"expired", "/v1/clinics/clinic_a/conversations", "Bearer " + expired, http.StatusUnauthorized},
		{"no expiry", "/v1/clinics/clinic_a/conversations", "Bearer " + signRaw(t, jwt.SigningMethodHS256, e.secret, jwt.MapClaims{"sub": "u", "role": "admin"}), http.StatusUnauthorized},
		{"unknown role", "/v1/clinics/clinic_a/conversations", "Bearer " + signRaw(t, jwt.SigningMethodHS256, e.secret, jwt.MapClaims{"sub": "u", "role": "owner", "clinic_id": "clinic_a", "exp": testNow.Add(time.Hour).Unix()}), http.StatusUnauthorized},
		{"staff of another clinic", "/v1/clinics/clinic_a/conversations", "Bearer " + e.token("staff", "clinic_b"), http.StatusForbidden},
		{"staff of another clinic, detail", "/v1/clinics/clinic_a/conversations/" + messages.LeadID("clinic_a", leadNumber), "Bearer " + e.token("staff", "clinic_b"), http.StatusForbidden},
		{"staff of an unknown clinic", "/v1/clinics/nowhere/conversations", "Bearer " + e.token("staff", "nowhere"), http.StatusNotFound},
		{"admin, unknown clinic", "/v1/clinics/nowhere/conversations", "Bearer " + e.token("admin", ""), http.StatusNotFound},
		{"staff of the clinic", "/v1/clinics/clinic_a/conversations", "Bearer " + e.token("staff", "clinic_a"), http.StatusOK},
		{"admin", "/v1/clinics/clinic_b/conversations", "Bearer " + e.token("admin", ""), http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, e.srv.URL+tt.path, nil)
			if tt.auth != "" {
				req.Header.Set("Authorization", tt.auth)
			}
			res := e.do(req)
			wantStatus(t, res, tt.status)
			if tt.status == http.StatusUnauthorized && !strings.HasPrefix(res.Header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("WWW-Authenticate = %q", res.Header.Get("WWW-Authenticate"))
			}
		})
	}
}

type listBody struct {
	Items []struct {
		ID, ClinicID, Phone, Name, Phase string
		Version                          int64
		UpdatedAt                        time.Time `json:"updated_at"`
	}
	NextCursor string `json:"next_cursor"`
}

func TestListConversations(t *testing.T) {
	e := newEnv(t, withPublisher(failingPublisher{}), withStore(seededStore(t)))
	tok := e.token("staff", "clinic_a")
	var page listBody
	decode(t, e.get("/v1/clinics/clinic_a/conversations", tok), &page)
	if len(page.Items) != 3 || page.NextCursor != "" {
		t.Fatalf("page = %+v", page)
	}
	first := page.Items[0]
	if first.ID != messages.LeadID("clinic_a", leadNumber) || first.Phone != leadNumber || first.Name != "Dana" ||
		first.Phase != "offering" || first.Version != 1 || !first.UpdatedAt.Equal(testNow.Add(-time.Minute)) {
		t.Errorf("first item = %+v", first)
	}
	if page.Items[1].Name != "Eli" || page.Items[2].Phase != "new" {
		t.Errorf("items not newest first: %+v", page.Items)
	}

	// Two pages of two.
	var p1, p2 listBody
	decode(t, e.get("/v1/clinics/clinic_a/conversations?limit=2", tok), &p1)
	if len(p1.Items) != 2 || p1.NextCursor == "" {
		t.Fatalf("page 1 = %+v", p1)
	}
	decode(t, e.get("/v1/clinics/clinic_a/conversations?limit=2&cursor="+url.QueryEscape(p1.NextCursor), tok), &p2)
	if len(p2.Items) != 1 || p2.NextCursor != "" || p2.Items[0].ID != page.Items[2].ID {
		t.Fatalf("page 2 = %+v", p2)
	}

	// The phone filter takes any common spelling of the number.
	var byPhone listBody
	decode(t, e.get("/v1/clinics/clinic_a/conversations?phone="+url.QueryEscape("(312) 555-0124"), tok), &byPhone)
	if len(byPhone.Items) != 1 || byPhone.Items[0].Name != "Eli" {
		t.Fatalf("by phone = %+v", byPhone)
	}
}

func TestListConversationsBadQuery(t *testing.T) {
	e := newEnv(t, withPublisher(failingPublisher{}), withStore(seededStore(t)))
	tok := e.token("admin", "")
	for query, field := range map[string]string{
		"phone=12345":       "phone",
		"phone=call+me":     "phone",
		"limit=0":           "limit",
		"limit=201":         "limit",
		"limit=ten":         "limit",
		"limit=-1&phone=1x": "phone",
	} {
		t.Run(query, func(t *testing.T) {
			p := wantStatus(t, e.get("/v1/clinics/clinic_a/conversations?"+query, tok), http.StatusBadRequest)
			errs, _ := p["errors"].(map[string]any)
			if _, ok := errs[field]; !ok {
				t.Errorf("errors = %v, want %q", p["errors"], field)
			}
		})
	}
}

func TestGetConversation(t *testing.T) {
	e := newEnv(t, withPublisher(failingPublisher{}), withStore(seededStore(t)))
	tok := e.token("staff", "clinic_a")
	lead := messages.LeadID("clinic_a", leadNumber)
	var got struct {
		ID, ClinicID, Phone, Name, Phase string
		Version                          int64
		CreatedAt                        time.Time `json:"created_at"`
		UpdatedAt                        time.Time `json:"updated_at"`
		Messages                         []struct {
			Direction, Author, Text string
			At                      time.Time
		}
	}
	decode(t, e.get("/v1/clinics/clinic_a/conversations/"+lead, tok), &got)
	if got.ID != lead || got.Phone != leadNumber || got.Name != "Dana" || got.Version != 1 ||
		!got.CreatedAt.Equal(testNow.Add(-time.Minute-time.Hour)) || !got.UpdatedAt.Equal(testNow.Add(-time.Minute)) {
		t.Errorf("conversation = %+v", got)
	}
	want := []string{"in lead How much is Botox?", "out engine Botox is $12 per unit.", "in lead Friday?"}
	if len(got.Messages) != len(want) {
		t.Fatalf("messages = %+v", got.Messages)
	}
	for i, m := range got.Messages {
		if s := m.Direction + " " + m.Author + " " + m.Text; s != want[i] {
			t.Errorf("message %d = %q, want %q", i, s, want[i])
		}
	}

	// A conversation of another clinic is not found through this clinic.
	other := messages.LeadID("clinic_b", "+13055550111")
	wantStatus(t, e.get("/v1/clinics/clinic_a/conversations/"+other, e.token("admin", "")), http.StatusNotFound)
	wantStatus(t, e.get("/v1/clinics/clinic_a/conversations/ld_unknown", tok), http.StatusNotFound)
	wantStatus(t, e.get("/v1/clinics/clinic_a/conversations/bad%20id", tok), http.StatusNotFound)
}

func TestIssueTokenRejects(t *testing.T) {
	secret := []byte("s")
	for name, f := range map[string]func() (string, error){
		"empty secret":         func() (string, error) { return gateway.IssueToken(nil, "u", "admin", "", time.Hour, testNow) },
		"no subject":           func() (string, error) { return gateway.IssueToken(secret, "", "admin", "", time.Hour, testNow) },
		"unknown role":         func() (string, error) { return gateway.IssueToken(secret, "u", "owner", "c", time.Hour, testNow) },
		"staff without clinic": func() (string, error) { return gateway.IssueToken(secret, "u", "staff", "", time.Hour, testNow) },
		"no ttl":               func() (string, error) { return gateway.IssueToken(secret, "u", "admin", "", 0, testNow) },
	} {
		if tok, err := f(); err == nil {
			t.Errorf("%s: IssueToken = %q, want an error", name, tok)
		}
	}
}
