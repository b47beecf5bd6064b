package gateway_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/medspa/engine/gateway"
	"github.com/medspa/engine/internal/password"
	"github.com/medspa/engine/messages"
	"github.com/medspa/engine/persistence"
	"github.com/medspa/engine/persistence/pgtest"
	"github.com/medspa/engine/persistence/postgres"
)

// testClock is a clock a test moves.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// authEnv is a gateway over a real JetStream and a seeded store, with a
// clock the test moves.
type authEnv struct {
	*surface
	clock *testClock
	users persistence.Users
}

func newAuthEnv(t *testing.T, opts ...option) *authEnv {
	t.Helper()
	clk := &testClock{t: testNow}
	s := newSurface(t, append([]option{func(c *gateway.Config) { c.Now = clk.Now }}, opts...)...)
	return &authEnv{surface: s, clock: clk, users: s.store.(persistence.Users)}
}

// addUser stores a user with a password directly.
func (e *authEnv) addUser(id, email, name, role, clinicID, pw string) {
	e.t.Helper()
	h, err := password.Hash(pw)
	if err != nil {
		e.t.Fatal(err)
	}
	if err := e.users.CreateUser(e.t.Context(), persistence.User{ID: id, Email: email, Name: name, Role: role, ClinicID: clinicID,
		PasswordHash: h, CreatedAt: testNow}); err != nil {
		e.t.Fatalf("CreateUser: %v", err)
	}
}

// browser is a signed-in browser: its cookie and CSRF token.
type browser struct {
	cookie, csrf string
}

// request sends method path with the browser's cookie (when set), the
// CSRF header (when csrf), and a JSON body (when not empty).
func (e *authEnv) request(b browser, method, path, body string, csrf bool) *http.Response {
	e.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if b.cookie != "" {
		req.AddCookie(&http.Cookie{Name: gateway.SessionCookie, Value: b.cookie})
	}
	if csrf {
		req.Header.Set(gateway.HeaderCSRF, b.csrf)
	}
	return e.do(req)
}

// sessionCookie returns the medspa_session cookie res sets.
func sessionCookie(t *testing.T, res *http.Response) *http.Cookie {
	t.Helper()
	for _, c := range res.Cookies() {
		if c.Name == gateway.SessionCookie {
			return c
		}
	}
	t.Fatalf("no %s cookie in %v", gateway.SessionCookie, res.Header.Values("Set-Cookie"))
	return nil
}

// signIn posts email and password and wants 200 with a cookie.
func (e *authEnv) signIn(email, pw string) browser {
	e.t.Helper()
	res := e.request(browser{}, http.MethodPost, "/v1/auth/login", jsonBody(map[string]string{"email": email, "password": pw}), false)
	body := wantStatus(e.t, res, http.StatusOK)
	csrf, _ := body["csrf_token"].(string)
	if csrf == "" {
		e.t.Fatalf("sign-in answer without csrf_token: %v", body)
	}
	return browser{cookie: sessionCookie(e.t, res).Value, csrf: csrf}
}

func (e *authEnv) login(email, pw string) *http.Response {
	e.t.Helper()
	return e.request(browser{}, http.MethodPost, "/v1/auth/login", jsonBody(map[string]string{"email": email, "password": pw}), false)
}

func jsonBody(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

const (
	staffPW = "front desk password 1"
	adminPW = "admin password for all"
)

func TestAuthInviteSignInMeLogout(t *testing.T) {
	e := newAuthEnv(t)
	admin := e.token("admin", "")
	res := e.post("/admin/users", admin, `{"email":"Ana@Example.com","name":"Ana Ruiz","role":"staff","clinic_id":"clinic_a"}`)
	created := wantStatus(t, res, http.StatusCreated)
	link, _ := created["invite_url"].(string)
	token, ok := strings.CutPrefix(link, publicBaseURL+"/inbox/#invite=")
	if !ok || len(token) < 40 {
		t.Fatalf("invite_url = %q, want %s/inbox/#invite=<token>", link, publicBaseURL)
	}
	if exp, _ := created["expires_at"].(string); exp != testNow.Add(72*time.Hour).Format(time.RFC3339) {
		t.Errorf("expires_at = %q, want 72 h from now", exp)
	}
	user, _ := created["user"].(map[string]any)
	if user["email"] != "ana@example.com" || user["name"] != "Ana Ruiz" || user["role"] != "staff" || user["clinic_id"] != "clinic_a" || user["status"] != "invited" {
		t.Errorf("created user = %v", user)
	}
	uid, _ := user["id"].(string)

	// Too short a password is refused and leaves the invite usable.
	res = e.request(browser{}, http.MethodPost, "/v1/auth/invites/"+token, `{"password":"short"}`, false)
	if f := fieldErrors(wantStatus(t, res, http.StatusBadRequest)); f["password"] == nil {
		t.Errorf("short password: fields %v", f)
	}
	res = e.request(browser{}, http.MethodPost, "/v1/auth/invites/"+token, jsonBody(map[string]string{"password": staffPW}), false)
	body := wantStatus(t, res, http.StatusOK)
	ck := sessionCookie(t, res)
	if !ck.HttpOnly || !ck.Secure || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" || ck.MaxAge != 12*3600 {
		t.Errorf("cookie = %+v, want HttpOnly, Secure, SameSite=Lax, Path=/, Max-Age 12 h", ck)
	}
	me, _ := body["user"].(map[string]any)
	if me["id"] != uid || me["name"] != "Ana Ruiz" || body["csrf_token"] == "" {
		t.Errorf("invite answer = %v", body)
	}
	// Single use.
	res = e.request(browser{}, http.MethodPost, "/v1/auth/invites/"+token, jsonBody(map[string]string{"password": "another long password"}), false)
	wantStatus(t, res, http.StatusNotFound)
	if strings.Contains(e.logs.String(), token) {
		t.Error("the invite token is in the logs")
	}

	// GET /v1/me with the invite's session.
	b := browser{cookie: ck.Value, csrf: body["csrf_token"].(string)}
	got := wantStatus(t, e.request(b, http.MethodGet, "/v1/me", "", false), http.StatusOK)
	if got["csrf_token"] != b.csrf || got["user"].(map[string]any)["email"] != "ana@example.com" {
		t.Errorf("me = %v", got)
	}

	// Sign in with the password set (any case of the email).
	b2 := e.signIn("ANA@example.com", staffPW)
	if b2.cookie == b.cookie {
		t.Error("a new sign-in reused the session")
	}
	// Logout needs the CSRF token.
	wantStatus(t, e.request(b2, http.MethodPost, "/v1/auth/logout", "", false), http.StatusForbidden)
	res = e.request(b2, http.MethodPost, "/v1/auth/logout", "", true)
	if res.StatusCode != http.StatusNoContent {
		t.Fatalf("logout: status %d, want 204", res.StatusCode)
	}
	if c := sessionCookie(t, res); c.MaxAge >= 0 || c.Value != "" {
		t.Errorf("logout cookie = %+v, want cleared", c)
	}
	wantStatus(t, e.request(b2, http.MethodGet, "/v1/me", "", false), http.StatusUnauthorized)
	// The other session lives on.
	wantStatus(t, e.request(b, http.MethodGet, "/v1/me", "", false), http.StatusOK)
	// Without any cookie or token.
	wantStatus(t, e.request(browser{}, http.MethodGet, "/v1/me", "", false), http.StatusUnauthorized)
	wantStatus(t, e.request(browser{cookie: "forged"}, http.MethodGet, "/v1/me", "", false), http.StatusUnauthorized)
}

func TestAuthWrongPasswordAndUnknownEmailSameAnswer(t *testing.T) {
	e := newAuthEnv(t)
	e.addUser("usr_ana", "ana@example.com", "Ana", "staff", "clinic_a", staffPW)
	e.addUser("usr_new", "new@example.com", "New", "staff", "clinic_a", staffPW)
	if err := e.users.DisableUser(t.Context(), "usr_new", testNow); err != nil {
		t.Fatal(err)
	}
	answer := func(email, pw string) map[string]any {
		res := e.login(email, pw)
		if len(res.Cookies()) != 0 {
			t.Errorf("%s: a failed sign-in set %v", email, res.Header.Values("Set-Cookie"))
		}
		body := wantStatus(t, res, http.StatusUnauthorized)
		delete(body, "request_id")
		return body
	}
	wrong := answer("ana@example.com", "not the password at all")
	unknown := answer("nobody@example.com", "not the password at all")
	disabled := answer("new@example.com", staffPW)
	if jsonBody(wrong) != jsonBody(unknown) || jsonBody(wrong) != jsonBody(disabled) {
		t.Errorf("answers differ:\nwrong %v\nunknown %v\ndisabled %v", wrong, unknown, disabled)
	}
	// Bad requests are 400, not a sign-in attempt.
	res := e.request(browser{}, http.MethodPost, "/v1/auth/login", `{"email":"ana@example.com"}`, false)
	wantStatus(t, res, http.StatusBadRequest)
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/v1/auth/login", strings.NewReader(`{"email":"ana@example.com","password":"x"}`))
	req.Header.Set("Content-Type", "text/plain")
	wantStatus(t, e.do(req), http.StatusBadRequest)
}

func TestAuthLockout(t *testing.T) {
	e := newAuthEnv(t)
	e.addUser("usr_ana", "ana@example.com", "Ana", "staff", "clinic_a", staffPW)
	for i := range 5 {
		res := e.login("ana@example.com", "wrong password "+strconv.Itoa(i))
		wantStatus(t, res, http.StatusUnauthorized)
	}
	// Locked: even the right password is refused, with Retry-After until
	// the end of the 15-minute window.
	res := e.login("Ana@example.com", staffPW)
	wantStatus(t, res, http.StatusTooManyRequests)
	_, end := persistence.RateWindow(testNow, 15*time.Minute)
	if got, want := res.Header.Get("Retry-After"), strconv.Itoa(int(end.Sub(testNow).Seconds())); got != want {
		t.Errorf("Retry-After = %q, want %q", got, want)
	}
	// An unknown email is locked the same way.
	for range 5 {
		wantStatus(t, e.login("ghost@example.com", "wrong password"), http.StatusUnauthorized)
	}
	wantStatus(t, e.login("ghost@example.com", "wrong password"), http.StatusTooManyRequests)
	// After the window the right password works.
	e.clock.Add(end.Sub(testNow))
	e.signIn("ana@example.com", staffPW)
}

func TestAuthLockoutPerIP(t *testing.T) {
	e := newAuthEnv(t, func(c *gateway.Config) { c.LoginLimitIP = gateway.LoginLimit{Max: 3, Window: 15 * time.Minute} })
	e.addUser("usr_ana", "ana@example.com", "Ana", "staff", "clinic_a", staffPW)
	for i := range 3 {
		wantStatus(t, e.login("user"+strconv.Itoa(i)+"@example.com", "wrong password"), http.StatusUnauthorized)
	}
	res := e.login("ana@example.com", staffPW)
	wantStatus(t, res, http.StatusTooManyRequests)
	if res.Header.Get("Retry-After") == "" {
		t.Error("no Retry-After")
	}
}

func TestAuthSessionOnStaffAPI(t *testing.T) {
	e := newAuthEnv(t)
	e.addUser("usr_ana", "ana@example.com", "Ana Ruiz", "staff", "clinic_a", staffPW)
	b := e.signIn("ana@example.com", staffPW)
	lead := inboxLead(0)
	wantStatus(t, e.request(b, http.MethodGet, "/v1/clinics/clinic_a/conversations", "", false), http.StatusOK)
	// Staff of clinic_a: clinic_b is forbidden, as for a token.
	wantStatus(t, e.request(b, http.MethodGet, "/v1/clinics/clinic_b/conversations", "", false), http.StatusForbidden)
	// The admin API needs role admin.
	wantStatus(t, e.request(b, http.MethodGet, "/admin/users", "", false), http.StatusForbidden)
	// A state-changing request needs the CSRF header, right.
	action := `{"type":"note","text":"Called back"}`
	path := "/v1/clinics/clinic_a/conversations/" + lead + "/actions"
	body := wantStatus(t, e.request(b, http.MethodPost, path, action, false), http.StatusForbidden)
	if !strings.Contains(body["detail"].(string), "X-CSRF-Token") {
		t.Errorf("detail = %v", body["detail"])
	}
	wantStatus(t, e.request(browser{cookie: b.cookie, csrf: "wrong"}, http.MethodPost, path, action, true), http.StatusForbidden)
	wantStatus(t, e.request(b, http.MethodPost, path, action, true), http.StatusAccepted)
	// The action carries the user's id and name.
	envs := e.streamEnvelopes()
	if len(envs) != 1 || envs[0].Staff == nil || envs[0].Staff.UserID != "usr_ana" || envs[0].Staff.UserName != "Ana Ruiz" {
		t.Fatalf("published %+v, want one staff action by usr_ana, Ana Ruiz", envs)
	}
	// The stream ticket route takes the cookie (with CSRF).
	wantStatus(t, e.request(b, http.MethodPost, "/v1/clinics/clinic_a/events/ticket", "", false), http.StatusForbidden)
	tk := wantStatus(t, e.request(b, http.MethodPost, "/v1/clinics/clinic_a/events/ticket", "", true), http.StatusCreated)
	openStream(t, e.surface, "/v1/clinics/clinic_a/events?ticket="+url.QueryEscape(tk["ticket"].(string)), "")
	// A bearer token needs no CSRF header, also next to a cookie.
	res := e.sendJSON(http.MethodPost, path, e.token("staff", "clinic_a"), action)
	wantStatus(t, res, http.StatusAccepted)
	me := wantStatus(t, e.get("/v1/me", e.token("manager", "clinic_a")), http.StatusOK)
	if u := me["user"].(map[string]any); u["id"] != "user-1" || u["role"] != "manager" || me["csrf_token"] != nil {
		t.Errorf("me with a token = %v", me)
	}
}

// streamEnvelopes returns the staff envelopes in the inbound stream.
func (e *authEnv) streamEnvelopes() []messages.Envelope {
	e.t.Helper()
	envs, _ := gateway.StreamedEnvelopes(e.t, e.stream)
	return envs
}

func TestAuthConversationShowsStaffNames(t *testing.T) {
	e := newAuthEnv(t)
	e.addUser("amy", "amy@example.com", "Amy Chen", "staff", "clinic_a", staffPW)
	b := e.signIn("amy@example.com", staffPW)
	var got struct {
		Messages []struct {
			Author     string `json:"author"`
			AuthorName string `json:"author_name"`
		} `json:"messages"`
		StaffNames map[string]string `json:"staff_names"`
	}
	decode(t, e.request(b, http.MethodGet, "/v1/clinics/clinic_a/conversations/"+inboxLead(0), "", false), &got)
	named := 0
	for _, m := range got.Messages {
		if m.Author == "staff:amy" {
			named++
			if m.AuthorName != "Amy Chen" {
				t.Errorf("staff message author_name = %q", m.AuthorName)
			}
		} else if m.AuthorName != "" {
			t.Errorf("%s has author_name %q", m.Author, m.AuthorName)
		}
	}
	if named != 1 || got.StaffNames["amy"] != "Amy Chen" {
		t.Errorf("named %d staff messages, staff_names %v", named, got.StaffNames)
	}
}

func TestAuthDisableEndsSessionsAtOnce(t *testing.T) {
	e := newAuthEnv(t)
	e.addUser("usr_admin", "boss@example.com", "Boss", "admin", "", adminPW)
	e.addUser("usr_ana", "ana@example.com", "Ana", "staff", "clinic_a", staffPW)
	ana := e.signIn("ana@example.com", staffPW)
	boss := e.signIn("boss@example.com", adminPW)
	wantStatus(t, e.request(ana, http.MethodGet, "/v1/clinics/clinic_a/conversations", "", false), http.StatusOK)
	// The admin's cookie works on the admin API, with CSRF.
	wantStatus(t, e.request(boss, http.MethodPost, "/admin/users/usr_ana/disable", "", false), http.StatusForbidden)
	body := wantStatus(t, e.request(boss, http.MethodPost, "/admin/users/usr_ana/disable", "", true), http.StatusOK)
	if u := body["user"].(map[string]any); u["status"] != "disabled" || u["disabled_at"] == nil {
		t.Errorf("disabled user = %v", u)
	}
	// The very next request with Ana's cookie is refused, and the cookie
	// cleared.
	res := e.request(ana, http.MethodGet, "/v1/clinics/clinic_a/conversations", "", false)
	wantStatus(t, res, http.StatusUnauthorized)
	if c := sessionCookie(t, res); c.MaxAge >= 0 {
		t.Errorf("cookie not cleared: %+v", c)
	}
	wantStatus(t, e.login("ana@example.com", staffPW), http.StatusUnauthorized)
	wantStatus(t, e.request(boss, http.MethodPost, "/admin/users/usr_ana/reset", "", true), http.StatusConflict)
	wantStatus(t, e.request(boss, http.MethodPost, "/admin/users/usr_nobody/disable", "", true), http.StatusNotFound)
	list := wantStatus(t, e.request(boss, http.MethodGet, "/admin/users", "", false), http.StatusOK)
	items, _ := list["items"].([]any)
	if len(items) != 2 || items[0].(map[string]any)["email"] != "ana@example.com" || items[1].(map[string]any)["status"] != "active" {
		t.Errorf("users = %v", items)
	}
}

func TestAuthSessionExpiry(t *testing.T) {
	e := newAuthEnv(t)
	e.addUser("usr_ana", "ana@example.com", "Ana", "staff", "clinic_a", staffPW)
	// Idle: 2 hours without a request end the session.
	b := e.signIn("ana@example.com", staffPW)
	e.clock.Add(2*time.Hour - time.Second)
	wantStatus(t, e.request(b, http.MethodGet, "/v1/me", "", false), http.StatusOK)
	e.clock.Add(2*time.Hour - time.Second)
	wantStatus(t, e.request(b, http.MethodGet, "/v1/me", "", false), http.StatusOK)
	e.clock.Add(2 * time.Hour)
	wantStatus(t, e.request(b, http.MethodGet, "/v1/me", "", false), http.StatusUnauthorized)
	// Absolute: 12 hours after sign-in, however busy.
	start := e.clock.Now()
	b = e.signIn("ana@example.com", staffPW)
	for e.clock.Now().Before(start.Add(12*time.Hour - time.Hour)) {
		e.clock.Add(time.Hour)
		wantStatus(t, e.request(b, http.MethodGet, "/v1/me", "", false), http.StatusOK)
	}
	e.clock.Add(time.Hour)
	wantStatus(t, e.request(b, http.MethodGet, "/v1/me", "", false), http.StatusUnauthorized)
}

func TestAuthInviteExpiryAndReset(t *testing.T) {
	e := newAuthEnv(t)
	admin := e.token("admin", "")
	created := wantStatus(t, e.post("/admin/users", admin, `{"email":"bo@example.com","name":"Bo","role":"manager","clinic_id":"clinic_b"}`), http.StatusCreated)
	first := strings.TrimPrefix(created["invite_url"].(string), publicBaseURL+"/inbox/#invite=")
	uid := created["user"].(map[string]any)["id"].(string)
	accept := func(tok string) *http.Response {
		return e.request(browser{}, http.MethodPost, "/v1/auth/invites/"+tok, jsonBody(map[string]string{"password": staffPW}), false)
	}
	e.clock.Add(72 * time.Hour)
	wantStatus(t, accept(first), http.StatusNotFound)
	admin, err := gateway.IssueToken(e.secret, "root", "admin", "", time.Hour, e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	reset := wantStatus(t, e.post("/admin/users/"+uid+"/reset", admin, ""), http.StatusOK)
	second := strings.TrimPrefix(reset["invite_url"].(string), publicBaseURL+"/inbox/#invite=")
	again := wantStatus(t, e.post("/admin/users/"+uid+"/reset", admin, ""), http.StatusOK)
	third := strings.TrimPrefix(again["invite_url"].(string), publicBaseURL+"/inbox/#invite=")
	wantStatus(t, accept(second), http.StatusNotFound) // replaced by the third
	wantStatus(t, accept(third), http.StatusOK)
	before := e.signIn("bo@example.com", staffPW)
	// A password set through a new link ends the sessions from before.
	fourth := wantStatus(t, e.post("/admin/users/"+uid+"/reset", admin, ""), http.StatusOK)
	wantStatus(t, e.request(before, http.MethodGet, "/v1/me", "", false), http.StatusOK)
	tok := strings.TrimPrefix(fourth["invite_url"].(string), publicBaseURL+"/inbox/#invite=")
	res := e.request(browser{}, http.MethodPost, "/v1/auth/invites/"+tok, jsonBody(map[string]string{"password": "a new password for bo"}), false)
	wantStatus(t, res, http.StatusOK)
	wantStatus(t, e.request(before, http.MethodGet, "/v1/me", "", false), http.StatusUnauthorized)
	wantStatus(t, e.login("bo@example.com", staffPW), http.StatusUnauthorized)
	e.signIn("bo@example.com", "a new password for bo")
}

func TestAuthAdminUserValidation(t *testing.T) {
	e := newAuthEnv(t)
	admin := e.token("admin", "")
	for body, field := range map[string]string{
		`{"email":"not-an-email","name":"A","role":"staff","clinic_id":"clinic_a"}`:  "email",
		`{"email":"a@example.com","name":"","role":"staff","clinic_id":"clinic_a"}`:  "name",
		`{"email":"a@example.com","name":"A","role":"owner","clinic_id":"clinic_a"}`: "role",
		`{"email":"a@example.com","name":"A","role":"staff"}`:                        "clinic_id",
		`{"email":"a@example.com","name":"A","role":"staff","clinic_id":"nowhere"}`:  "clinic_id",
		`{"email":"a@example.com","name":"A","role":"admin","clinic_id":"clinic_a"}`: "clinic_id",
	} {
		if f := fieldErrors(wantStatus(t, e.post("/admin/users", admin, body), http.StatusBadRequest)); f[field] == nil {
			t.Errorf("%s: fields %v, want %s", body, f, field)
		}
	}
	wantStatus(t, e.post("/admin/users", admin, `{"email":"a@example.com","name":"A","role":"admin"}`), http.StatusCreated)
	wantStatus(t, e.post("/admin/users", admin, `{"email":"A@EXAMPLE.com","name":"B","role":"admin"}`), http.StatusConflict)
	wantStatus(t, e.post("/admin/users", e.token("manager", "clinic_a"), `{"email":"c@example.com","name":"C","role":"staff","clinic_id":"clinic_a"}`), http.StatusForbidden)
}

func TestAuthInsecureCookieForLoopbackDevelopment(t *testing.T) {
	e := newAuthEnv(t, func(c *gateway.Config) { c.InsecureCookie = true })
	e.addUser("usr_ana", "ana@example.com", "Ana", "staff", "clinic_a", staffPW)
	res := e.login("ana@example.com", staffPW)
	wantStatus(t, res, http.StatusOK)
	if c := sessionCookie(t, res); c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
		t.Errorf("cookie = %+v, want HttpOnly, SameSite=Lax, not Secure", c)
	}
}

// The whole sign-in path on Postgres.
func TestAuthOnPostgres(t *testing.T) {
	url, schema := pgtest.NewSchema(t)
	store, err := postgres.Open(t.Context(), url, postgres.Options{Schema: schema})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { store.Close() })
	clk := &testClock{t: testNow}
	e := &authEnv{surface: &surface{env: newEnv(t, withStore(store), withPublisher(failingPublisher{}),
		func(c *gateway.Config) { c.Now = clk.Now })}, clock: clk, users: store}
	e.addUser("usr_ana", "ana@example.com", "Ana", "staff", "clinic_a", staffPW)
	for range 5 {
		wantStatus(t, e.login("ana@example.com", "wrong password"), http.StatusUnauthorized)
	}
	wantStatus(t, e.login("ana@example.com", staffPW), http.StatusTooManyRequests)
	clk.Add(15 * time.Minute)
	b := e.signIn("ana@example.com", staffPW)
	wantStatus(t, e.request(b, http.MethodGet, "/v1/clinics/clinic_a/conversations", "", false), http.StatusOK)
	wantStatus(t, e.request(b, http.MethodGet, "/v1/clinics/clinic_b/conversations", "", false), http.StatusForbidden)
	if err := store.DisableUser(t.Context(), "usr_ana", clk.Now()); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, e.request(b, http.MethodGet, "/v1/me", "", false), http.StatusUnauthorized)
}

func fieldErrors(body map[string]any) map[string]any {
	m, _ := body["errors"].(map[string]any)
	return m
}

// A stream opened through a session delivers events while the session
// lives and ends with "expired" at the first event after its user is
// disabled (or signs out).
func TestAuthSessionStreamEndsWithTheSession(t *testing.T) {
	e := newAuthEnv(t)
	e.addUser("usr_ana", "ana@example.com", "Ana", "staff", "clinic_a", staffPW)
	e.addUser("usr_bo", "bo@example.com", "Bo", "staff", "clinic_a", staffPW)
	nc := e.js.Conn()
	lead := inboxLead(1)
	open := func(b browser) sseReader {
		tk := wantStatus(t, e.request(b, http.MethodPost, "/v1/clinics/clinic_a/events/ticket", "", true), http.StatusCreated)
		r, _, _ := openStream(t, e.surface, "/v1/clinics/clinic_a/events?ticket="+url.QueryEscape(tk["ticket"].(string)), "")
		return r
	}
	publish := func(id string) {
		if err := nc.Publish(messages.EventSubject("clinic_a", lead, "phase.changed"), eventJSON(t, id, "clinic_a", lead, "phase.changed")); err != nil {
			t.Fatal(err)
		}
	}
	ana, bo := e.signIn("ana@example.com", staffPW), e.signIn("bo@example.com", staffPW)
	ra, rb := open(ana), open(bo)
	publish("a#0")
	if ev := ra.next(t); ev.id != "a#0" {
		t.Fatalf("ana's first event = %+v", ev)
	}
	if ev := rb.next(t); ev.id != "a#0" {
		t.Fatalf("bo's first event = %+v", ev)
	}
	if err := e.users.DisableUser(t.Context(), "usr_ana", testNow); err != nil {
		t.Fatal(err)
	}
	if res := e.request(bo, http.MethodPost, "/v1/auth/logout", "", true); res.StatusCode != http.StatusNoContent {
		t.Fatalf("logout: status %d", res.StatusCode)
	}
	publish("a#1")
	for name, r := range map[string]sseReader{"disabled": ra, "signed out": rb} {
		if ev := r.next(t); ev.event != "expired" {
			t.Errorf("%s user's stream: %+v, want expired", name, ev)
		}
	}
}
