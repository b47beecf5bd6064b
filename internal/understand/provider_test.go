package understand

import "testing"

func TestExtractProvider(t *testing.T) {
	c := glow(t)
	tests := []struct {
		text, id, unknown string
		same              bool
	}{
		{"botox with Dr. Kim please", "dr-kim", "", false},
		{"can I see Ali", "nurse-ali", "", false},
		{"I'd prefer sarah", "dr-kim", "", false},
		{"book me with nurse moreno", "nurse-ali", "", false},
		{"with Dr Smith", "", "Dr. Smith", false},
		{"doctor jones tuesday", "", "Dr. jones", false},
		{"same person as last time", "", "", true},
		{"the same provider please", "", "", true},
		{"Hi, I'm Ali", "", "", false},          // a lead's own name asks for no one
		{"botox with my friend", "", "", false}, // "with" and no provider's name
		{"can I come in with Kim tomorrow", "dr-kim", "", false},
	}
	for _, tt := range tests {
		id, unknown, same := extractProvider(NewUtterance(tt.text), c)
		if id != tt.id || unknown != tt.unknown || same != tt.same {
			t.Errorf("%q: got %q %q %v, want %q %q %v", tt.text, id, unknown, same, tt.id, tt.unknown, tt.same)
		}
	}
	none := *c
	none.Providers = nil
	if id, _, _ := extractProvider(NewUtterance("with Dr. Kim"), &none); id != "" {
		t.Errorf("a clinic without providers found %q", id)
	}
}
