package clinic

import "testing"

func TestMatchService(t *testing.T) {
	glow := Demo()[0]
	tests := []struct {
		text string
		want string // service id, "" for none
	}{
		{"How much is Botox?", "botox"},
		{"botx price", "botox"},
		{"BOTOX!!", "botox"},
		{"what does botox's pricing look like", "botox"},
		{"do you do tox", "botox"},
		{"wrinkle relaxer for my forehead", "botox"},
		{"what does lip filler cost", "lip-filler"},
		{"I want fuller lips", "lip-filler"},
		{"juvederm?", "lip-filler"},
		{"hydrafacail please", "hydrafacial"},
		{"a hydra facial", "hydrafacial"},
		{"hydrafacial", "hydrafacial"},
		{"facial", "hydrafacial"},
		{"laser hair removal on legs", "laser-hair-removal"},
		{"Dysprot", "dysport"},
		{"dysport", "dysport"},
		{"free consultation", "consultation"},
		{"can I get a consult", "consultation"},
		{"laser-hair-removal", "laser-hair-removal"},
		{"text me later", ""},
		{"tips", ""},
		{"hello", ""},
		{"", ""},
		{"bot", ""},
		{"how much is microneedling", ""},
		// longest mention wins
		{"botox or lip filler?", "lip-filler"},
		{"lips or botox", "botox"},
	}
	for _, tt := range tests {
		s, ok := glow.MatchService(tt.text)
		if ok != (tt.want != "") || s.ID != tt.want {
			t.Errorf("MatchService(%q) = %q, %v; want %q", tt.text, s.ID, ok, tt.want)
		}
	}
}

func TestWithinOneEdit(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"botox", "botox", true},
		{"botx", "botox", true},
		{"bottox", "botox", true},
		{"botix", "botox", true},
		{"btoox", "botox", true},
		{"hydrafacail", "hydrafacial", true},
		{"btx", "botox", false},
		{"xotob", "botox", false},
		{"botoxes", "botox", false},
		{"", "a", true},
		{"ab", "ba", true},
		{"abc", "cab", false},
	}
	for _, tt := range tests {
		if got := withinOneEdit(tt.a, tt.b); got != tt.want {
			t.Errorf("withinOneEdit(%q, %q) = %v", tt.a, tt.b, got)
		}
		if got := withinOneEdit(tt.b, tt.a); got != tt.want {
			t.Errorf("withinOneEdit(%q, %q) = %v", tt.b, tt.a, got)
		}
	}
}

func TestServiceByID(t *testing.T) {
	glow := Demo()[0]
	if s, ok := glow.ServiceByID("dysport"); !ok || s.Name != "Dysport" {
		t.Errorf("ServiceByID(dysport) = %+v, %v", s, ok)
	}
	if _, ok := glow.ServiceByID("nope"); ok {
		t.Errorf("ServiceByID(nope) found something")
	}
}

func TestFormatPrice(t *testing.T) {
	tests := []struct {
		s    Service
		want string
	}{
		{Service{PriceCents: 1200, PriceUnit: "unit"}, "$12 per unit"},
		{Service{PriceCents: 65000, PriceUnit: "syringe"}, "$650 per syringe"},
		{Service{PriceCents: 19900}, "$199"},
		{Service{PriceCents: 0}, "free"},
		{Service{PriceCents: 4950}, "$49.50"},
		{Service{PriceCents: 105}, "$1.05"},
		{Service{PriceCents: 125000}, "$1,250"},
		{Service{PriceCents: 123456789}, "$1,234,567.89"},
	}
	for _, tt := range tests {
		if got := FormatPrice(tt.s); got != tt.want {
			t.Errorf("FormatPrice(%d %q) = %q, want %q", tt.s.PriceCents, tt.s.PriceUnit, got, tt.want)
		}
	}
}

func TestMatchServiceHeadWord(t *testing.T) {
	c := &Clinic{Services: []Service{
		{ID: "dysport", Name: "Dysport"},
		{ID: "laser-hair-removal", Name: "Laser Hair Removal", Aliases: []string{"hair removal"}},
		{ID: "chemical-peel", Name: "Chemical Peel"},
		{ID: "lip-filler", Name: "Lip Filler"},
		{ID: "cheek-filler", Name: "Cheek Filler"},
		{ID: "laser-resurfacing", Name: "Laser Resurfacing"},
		{ID: "microneedling", Name: "Microneedling"},
		{ID: "hydrafacial", Name: "HydraFacial"},
	}}
	tests := []struct{ text, want string }{
		{"can I book lhr", "laser-hair-removal"},
		{"a peel please", "chemical-peel"},
		{"filler for my cheeks", "cheek-filler"}, // "filler" is shared, "cheek" is not
		{"some filler", ""},
		{"laser", ""}, // two laser services
		{"resurfacing or a peel", ""},
		{"my face", ""},
		{"microneedle", "microneedling"},
		{"a facial please", "hydrafacial"},
		{"some needling", "microneedling"},
	}
	for _, tt := range tests {
		s, ok := c.MatchService(tt.text)
		if ok != (tt.want != "") || s.ID != tt.want {
			t.Errorf("MatchService(%q) = %q, %v; want %q", tt.text, s.ID, ok, tt.want)
		}
	}
}
