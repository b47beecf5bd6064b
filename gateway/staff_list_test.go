package gateway_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// names lists the names (or numbers) of a list page.
func names(p listBody) []string {
	out := make([]string, len(p.Items))
	for i, it := range p.Items {
		out[i] = it.Name
		if it.Name == "" {
			out[i] = it.Phone
		}
	}
	return out
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestListFilters(t *testing.T) {
	s := newSurface(t)
	tok := s.token("staff", "clinic_a")
	since := url.QueryEscape(testNow.Add(-10 * time.Minute).Format(time.RFC3339))
	tests := []struct {
		query string
		want  []string
	}{
		{"", []string{"Ann Lee", "Bo Diaz", "+13125550103", "Cy Annan", "Di Park", "Ed Ng", "Flo Ray"}},
		{"needs_person=true", []string{"Ann Lee", "Cy Annan", "Flo Ray"}},
		{"needs_person=false", []string{"Bo Diaz", "+13125550103", "Di Park", "Ed Ng"}},
		{"phase=booked", []string{"Di Park"}},
		{"phase=handed_to_staff&needs_person=true", []string{"Ann Lee", "Cy Annan", "Flo Ray"}},
		{"updated_since=" + since, []string{"Ann Lee", "Bo Diaz", "+13125550103", "Cy Annan", "Di Park"}},
		{"updated_since=" + since + "&needs_person=true", []string{"Ann Lee", "Cy Annan"}},
		{"q=ANN", []string{"Ann Lee", "Cy Annan"}},
		{"q=" + url.QueryEscape("(708) 555"), []string{"Ed Ng"}},
		{"q=0107", []string{"Flo Ray"}},
		{"q=nobody", []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			var p listBody
			decode(t, s.get("/v1/clinics/clinic_a/conversations?"+tt.query, tok), &p)
			if got := names(p); !equal(got, tt.want) || p.NextCursor != "" {
				t.Errorf("got %q (next %q), want %q", got, p.NextCursor, tt.want)
			}
		})
	}
}

// Paging through a filtered list one item at a time returns every match
// once, in order, and ends.
func TestListFilteredPaging(t *testing.T) {
	s := newSurface(t)
	tok := s.token("admin", "")
	for _, query := range []string{"needs_person=false", "q=a", "phase=handed_to_staff", ""} {
		t.Run(query, func(t *testing.T) {
			var all listBody
			decode(t, s.get("/v1/clinics/clinic_a/conversations?"+query, tok), &all)
			var got []string
			cursor := ""
			for range 20 {
				var p listBody
				decode(t, s.get("/v1/clinics/clinic_a/conversations?limit=1&"+query+"&cursor="+url.QueryEscape(cursor), tok), &p)
				got = append(got, names(p)...)
				if p.NextCursor == "" {
					break
				}
				cursor = p.NextCursor
			}
			if len(all.Items) < 2 || !equal(got, names(all)) {
				t.Errorf("paged %q, want %q", got, names(all))
			}
		})
	}
}

func TestListFilterErrors(t *testing.T) {
	s := newSurface(t)
	tok := s.token("staff", "clinic_a")
	for query, field := range map[string]string{
		"phase=sleeping":                           "phase",
		"needs_person=maybe":                       "needs_person",
		"needs_person=true&phase=new":              "needs_person",
		"needs_person=false&phase=handed_to_staff": "needs_person",
		"updated_since=yesterday":                  "updated_since",
		"cursor=not-a-cursor":                      "cursor",
		"q=" + strings.Repeat("x", 101):            "q",
	} {
		t.Run(field, func(t *testing.T) {
			p := wantStatus(t, s.get("/v1/clinics/clinic_a/conversations?"+url.PathEscape(query), tok), http.StatusBadRequest)
			if errs, _ := p["errors"].(map[string]any); errs[field] == nil {
				t.Errorf("errors = %v, want %q", p["errors"], field)
			}
		})
	}
}
