package gateway_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/medspa/engine/gateway"
	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/messages"
	"github.com/medspa/engine/persistence"
)

// fakeClinicActor answers settings updates as the clinic actor does, over
// the store: apply when the version is the stored one, conflict otherwise.
type fakeClinicActor struct {
	store persistence.Store
	mu    sync.Mutex
	got   []messages.SettingsUpdate
	fail  error
}

func (f *fakeClinicActor) update(ctx context.Context, req messages.SettingsUpdate) (messages.SettingsReply, error) {
	f.mu.Lock()
	f.got = append(f.got, req)
	f.mu.Unlock()
	if f.fail != nil {
		return messages.SettingsReply{}, f.fail
	}
	err := f.store.SaveClinicSettings(ctx, persistence.ClinicSettings{ClinicID: req.ClinicID, Version: req.Version, Settings: req.Settings, UpdatedBy: req.By})
	if err != nil {
		cur, lerr := f.store.LoadClinicSettings(ctx, req.ClinicID)
		if lerr != nil {
			return messages.SettingsReply{}, lerr
		}
		return messages.SettingsReply{V: messages.Version, Outcome: messages.SettingsConflict, Version: cur.Version, Settings: cur.Settings}, nil
	}
	return messages.SettingsReply{V: messages.Version, Outcome: messages.SettingsOK, Version: req.Version + 1, Settings: req.Settings, UpdatedBy: req.By}, nil
}

func withSettings(u gateway.SettingsUpdater) option {
	return func(c *gateway.Config) { c.Settings = u }
}

// settingsEnv is a gateway whose store holds both test clinics' settings at
// version 1.
func settingsEnv(t *testing.T) (*env, *fakeClinicActor) {
	t.Helper()
	store := inboxStore(t)
	var seeds []persistence.ClinicSettings
	for _, c := range testClinics().All() {
		b, err := clinic.EncodeSettings(*c)
		if err != nil {
			t.Fatal(err)
		}
		seeds = append(seeds, persistence.ClinicSettings{ClinicID: c.ID, Settings: b, UpdatedBy: "clinics_file"})
	}
	if _, err := store.SeedClinicSettings(context.Background(), seeds); err != nil {
		t.Fatal(err)
	}
	actor := &fakeClinicActor{store: store}
	return newEnv(t, withPublisher(failingPublisher{}), withStore(store), withSettings(actor.update)), actor
}

type settingsBody struct {
	Version   int64         `json:"version"`
	UpdatedBy string        `json:"updated_by"`
	Clinic    clinic.Clinic `json:"clinic"`
}

func (e *env) put(path, token, body string, header ...string) *http.Response {
	e.t.Helper()
	return e.sendJSON(http.MethodPut, path, token, body, header...)
}

// clinicAJSON is clinic_a's settings with one service priced at cents.
func clinicAJSON(t *testing.T, cents int64) string {
	t.Helper()
	c, _ := testClinics().ByID("clinic_a")
	cp := *c
	cp.Hours = map[string]string{"mon": "09:00-17:00"}
	cp.Services = []clinic.Service{{ID: "botox", Name: "Botox", DurationMinutes: 30, PriceCents: cents, PriceUnit: "unit", DepositCents: 5000}}
	b, err := json.Marshal(cp)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestSettingsRead(t *testing.T) {
	e, _ := settingsEnv(t)
	tok := e.token("staff", "clinic_a")
	res := e.get("/v1/clinics/clinic_a/settings", tok)
	var got settingsBody
	decode(t, res, &got)
	if got.Version != 1 || got.UpdatedBy != "clinics_file" || got.Clinic.ID != "clinic_a" || got.Clinic.Name != "Glow Chicago" || res.Header.Get("ETag") != `"1"` {
		t.Errorf("settings = %+v, ETag %q; want version 1 from the clinics file", got, res.Header.Get("ETag"))
	}
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/v1/clinics/clinic_a/settings", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("If-None-Match", `"1"`)
	if res := e.do(req); res.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match: status %d, want 304", res.StatusCode)
	}
	wantStatus(t, e.get("/v1/clinics/clinic_a/settings", ""), http.StatusUnauthorized)
	wantStatus(t, e.get("/v1/clinics/clinic_a/settings", e.token("staff", "clinic_b")), http.StatusForbidden)
	wantStatus(t, e.get("/v1/clinics/nowhere/settings", e.token("admin", "")), http.StatusNotFound)
}

func TestSettingsUpdate(t *testing.T) {
	e, actor := settingsEnv(t)
	mgr := e.token("manager", "clinic_a")
	res := e.put("/v1/clinics/clinic_a/settings", mgr, fmt.Sprintf(`{"version": 1, "clinic": %s}`, clinicAJSON(t, 1300)))
	var got settingsBody
	decode(t, res, &got)
	if res.StatusCode != http.StatusOK || got.Version != 2 || got.UpdatedBy != "user-1" || res.Header.Get("ETag") != `"2"` || got.Clinic.Services[0].PriceCents != 1300 {
		t.Fatalf("PUT: status %d, %+v, ETag %q", res.StatusCode, got, res.Header.Get("ETag"))
	}
	if got.Clinic.HoldMinutes != clinic.DefaultHoldMinutes {
		t.Errorf("hold_minutes = %d, want the default filled in", got.Clinic.HoldMinutes)
	}
	if n := len(actor.got); n != 1 || actor.got[0].By != "user-1" || actor.got[0].Version != 1 || actor.got[0].ClinicID != "clinic_a" {
		t.Errorf("clinic actor got %+v", actor.got)
	}
	decode(t, e.get("/v1/clinics/clinic_a/settings", mgr), &got)
	if got.Version != 2 || got.UpdatedBy != "user-1" || got.Clinic.Services[0].PriceCents != 1300 {
		t.Errorf("GET after PUT = %+v", got)
	}

	// If-Match names the version as well as the body.
	res = e.put("/v1/clinics/clinic_a/settings", e.token("admin", ""), fmt.Sprintf(`{"clinic": %s}`, clinicAJSON(t, 1400)), "If-Match", `"2"`)
	if res.StatusCode != http.StatusOK || res.Header.Get("ETag") != `"3"` {
		t.Fatalf("PUT with If-Match: status %d, ETag %q", res.StatusCode, res.Header.Get("ETag"))
	}

	// An edit of an older version is refused with the current one.
	res = e.put("/v1/clinics/clinic_a/settings", mgr, fmt.Sprintf(`{"version": 2, "clinic": %s}`, clinicAJSON(t, 9900)))
	p := wantStatus(t, res, http.StatusConflict)
	if p["current_version"] != float64(3) || res.Header.Get("ETag") != `"3"` {
		t.Errorf("stale PUT: status %d, problem %+v, ETag %q; want 409 naming version 3", res.StatusCode, p, res.Header.Get("ETag"))
	}
	decode(t, e.get("/v1/clinics/clinic_a/settings", mgr), &got)
	if got.Version != 3 || got.Clinic.Services[0].PriceCents != 1400 {
		t.Errorf("a stale PUT changed the settings: %+v", got)
	}
}

func TestSettingsUpdateRefusals(t *testing.T) {
	e, actor := settingsEnv(t)
	mgr := e.token("manager", "clinic_a")
	good := clinicAJSON(t, 1300)
	path := "/v1/clinics/clinic_a/settings"
	cases := []struct {
		name   string
		token  string
		body   string
		header []string
		status int
		field  string // a field the problem must name
	}{
		{"no token", "", `{"version":1,"clinic":` + good + `}`, nil, http.StatusUnauthorized, ""},
		{"staff token", e.token("staff", "clinic_a"), `{"version":1,"clinic":` + good + `}`, nil, http.StatusForbidden, ""},
		{"manager of another clinic", e.token("manager", "clinic_b"), `{"version":1,"clinic":` + good + `}`, nil, http.StatusForbidden, ""},
		{"no version", mgr, `{"clinic":` + good + `}`, nil, http.StatusPreconditionRequired, ""},
		{"versions disagree", mgr, `{"version":1,"clinic":` + good + `}`, []string{"If-Match", `"4"`}, http.StatusBadRequest, "version"},
		{"bad If-Match", mgr, `{"clinic":` + good + `}`, []string{"If-Match", `"abc"`}, http.StatusBadRequest, "If-Match"},
		{"malformed JSON", mgr, `{"version":1,`, nil, http.StatusBadRequest, "body"},
		{"unknown field", mgr, `{"version":1,"clinic":` + good + `,"extra":1}`, nil, http.StatusBadRequest, "body"},
		{"unknown clinic field", mgr, `{"version":1,"clinic":{"id":"clinic_a","colour":"red"}}`, nil, http.StatusBadRequest, "clinic"},
		{"no clinic", mgr, `{"version":1}`, nil, http.StatusBadRequest, "clinic"},
		{"other id", mgr, `{"version":1,"clinic":` + strings.Replace(good, `"clinic_a"`, `"clinic_z"`, 1) + `}`, nil, http.StatusBadRequest, "clinic.id"},
		{"bad hours", mgr, `{"version":1,"clinic":` + strings.Replace(good, `09:00-17:00`, `17:00-09:00`, 1) + `}`, nil, http.StatusBadRequest, "clinic.hours.mon"},
		{"negative price", mgr, `{"version":1,"clinic":` + strings.Replace(good, `"price_cents":1300`, `"price_cents":-1`, 1) + `}`, nil, http.StatusBadRequest, "clinic.services[botox].price_cents"},
		{"number of another clinic", e.token("admin", ""), `{"version":1,"clinic":` + strings.Replace(good, `"phone_numbers":[`, `"phone_numbers":["+13055550100",`, 1) + `}`, nil, http.StatusConflict, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := wantStatus(t, e.put(path, tc.token, tc.body, tc.header...), tc.status)
			if errs, _ := p["errors"].(map[string]any); tc.field != "" && errs[tc.field] == nil {
				t.Errorf("problem %v does not name %s", p, tc.field)
			}
		})
	}
	wantStatus(t, e.put("/v1/clinics/nowhere/settings", e.token("admin", ""), `{"version":1,"clinic":{}}`), http.StatusNotFound)
	huge := `{"version":1,"clinic":{"id":"clinic_a","name":"` + strings.Repeat("x", 300<<10) + `"}}`
	wantStatus(t, e.put(path, mgr, huge), http.StatusRequestEntityTooLarge)
	if len(actor.got) != 0 {
		t.Errorf("refused updates reached the clinic actor: %+v", actor.got)
	}

	actor.fail = fmt.Errorf("%w: no engine node answered", gateway.ErrUnavailable)
	wantStatus(t, e.put(path, mgr, `{"version":1,"clinic":`+good+`}`), http.StatusServiceUnavailable)
	noEngine := newEnv(t, withPublisher(failingPublisher{}), withStore(inboxStore(t)))
	wantStatus(t, noEngine.put(path, noEngine.token("admin", ""), `{"version":0,"clinic":`+good+`}`), http.StatusServiceUnavailable)
}
