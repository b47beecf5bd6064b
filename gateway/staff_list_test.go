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
		// Flo Ray is urgent (a possible emergency): first wherever listed.
		{"", []string{"Flo Ray", "Ann Lee", "Bo Diaz", "+13125550103", "Cy Annan", "Di Park", "Ed Ng"}},
		{"needs_person=true", []string{"Flo Ray", "Ann Lee", "Cy Annan"}},
		{"needs_person=false", []string{"Bo Diaz", "+13125550103", "Di Park", "Ed Ng"}},
		{"phase=booked", []string{"Di Park"}},
		{"phase=handed_to_staff&needs_person=true", []string{"Flo Ray", "Ann Lee", "Cy Annan"}},
		{"updated_since=" + since, []string{"Ann Lee", "Bo Diaz", "+13125550103", "Cy Annan", "Di Park"}},
		{"updated_since=" + since + "&needs_person=true", []string{"Ann Lee", "Cy Annan"}},
		{"q=ANN", []string{"Ann Lee", "Cy Annan"}},
		{"q=" + url.QueryEscape("(708) 555"), []string{"Ed Ng"}},
		{"q=0107", []string{"Flo Ray"}},
		{"q=nobody", []string{}},
		{"q=" + url.QueryEscape("a%"), []string{}},
		{"has_booking=true", []string{"Flo Ray", "Bo Diaz", "Di Park"}},
		{"has_booking=false", []string{"Ann Lee", "+13125550103", "Cy Annan", "Ed Ng"}},
		{"has_booking=true&needs_person=true", []string{"Flo Ray"}},
		{"has_booking=true&phase=offering", []string{"Bo Diaz"}},
		{"has_booking=false&q=ann", []string{"Ann Lee", "Cy Annan"}},
		{"has_booking=true&updated_since=" + since, []string{"Bo Diaz", "Di Park"}},
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
	for _, query := range []string{"needs_person=false", "q=a", "phase=handed_to_staff", "has_booking=true", "has_booking=false&needs_person=false", ""} {
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
		"has_booking=maybe":                        "has_booking",
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

// Each item says whether the conversation has a booking, whether it needs
// a person, and whether it is urgent.
func TestListItemFlags(t *testing.T) {
	s := newSurface(t)
	var p struct {
		Items []struct {
			Name        string `json:"name"`
			NeedsPerson bool   `json:"needs_person"`
			HasBooking  bool   `json:"has_booking"`
			Urgent      bool   `json:"urgent"`
		} `json:"items"`
	}
	decode(t, s.get("/v1/clinics/clinic_a/conversations", s.token("staff", "clinic_a")), &p)
	if len(p.Items) != len(inboxConvs) {
		t.Fatalf("%d items, want %d", len(p.Items), len(inboxConvs))
	}
	byName := map[string]int{}
	for i, c := range inboxConvs {
		byName[c.name] = i
	}
	for i, it := range p.Items {
		c := inboxConvs[byName[it.Name]]
		if it.HasBooking != c.booked || it.NeedsPerson != (c.phase == "handed_to_staff") || it.Urgent != c.urgent {
			t.Errorf("item %d = %+v, want %s with has_booking %v, phase %s, urgent %v", i, it, c.name, c.booked, c.phase, c.urgent)
		}
		if (i == 0) != c.urgent {
			t.Errorf("item %d (%s): urgent %v, want the urgent conversation first", i, it.Name, c.urgent)
		}
	}
}
