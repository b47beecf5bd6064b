package gateway_test

import (
	"bytes"
	"io"
	"net/http"
	"testing"
)

// The README's settings recipe, step by step: GET the settings into a
// file, edit a value in it and keep "version", PUT the file back as it is
// (curl --data @s.json, which drops the line breaks). The GET body carries
// updated_at and updated_by; the PUT takes them and ignores them.
func TestSettingsReadmeRoundTrip(t *testing.T) {
	e, actor := settingsEnv(t)
	tok := e.token("manager", "clinic_a")
	path := "/v1/clinics/clinic_a/settings"

	res := e.get(path, tok)
	s, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("GET: %d %v %s", res.StatusCode, err, s)
	}
	for _, field := range []string{`"updated_at":`, `"updated_by":"clinics_file"`, `"version":1`} {
		if !bytes.Contains(s, []byte(field)) {
			t.Fatalf("GET body %s lacks %s: the round trip would not test it", s, field)
		}
	}
	edited := bytes.Replace(s, []byte(`"name":"Glow Chicago"`), []byte(`"name":"Glow Chicago West Loop"`), 1)
	if bytes.Equal(edited, s) {
		t.Fatalf("the clinic's name is not in %s", s)
	}
	edited = bytes.ReplaceAll(bytes.ReplaceAll(edited, []byte("\r"), nil), []byte("\n"), nil)

	var got settingsBody
	res = e.put(path, tok, string(edited))
	decode(t, res, &got)
	if res.StatusCode != http.StatusOK || got.Version != 2 || got.Clinic.Name != "Glow Chicago West Loop" || got.UpdatedBy != "user-1" {
		t.Fatalf("PUT of the edited GET body: status %d, %+v", res.StatusCode, got)
	}
	if len(actor.got) != 1 || actor.got[0].By != "user-1" {
		t.Errorf("clinic actor got %+v, want one update by user-1 (updated_by of the body is ignored)", actor.got)
	}
	res = e.get(path, tok)
	s2, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !bytes.Contains(s2, []byte(`"version":2`)) || !bytes.Contains(s2, []byte(`"name":"Glow Chicago West Loop"`)) {
		t.Errorf("GET after PUT = %s", s2)
	}

	// The read-only fields are still typed: garbage in them is a 400.
	bad := bytes.Replace(s2, []byte(`"updated_by":"user-1"`), []byte(`"updated_by":7`), 1)
	if bytes.Equal(bad, s2) {
		t.Fatalf("no updated_by to spoil in %s", s2)
	}
	p := wantStatus(t, e.put(path, tok, string(bad)), http.StatusBadRequest)
	if errs, _ := p["errors"].(map[string]any); errs["body"] == nil {
		t.Errorf("problem %v does not name body", p)
	}
}
