package conversation

import "testing"

// TestSameName: a first name already known in full keeps the full name.
func TestSameName(t *testing.T) {
	tests := []struct {
		known, name string
		want        bool
	}{
		{"Hannah Price", "Hannah", true},
		{"Hannah Price", "hannah price", true},
		{"Olivia M.", "Olivia M", true},
		{"Hannah", "Hannah Price", false},
		{"Hannah Price", "Anna", false},
		{"", "Anna", false},
	}
	for _, tt := range tests {
		if got := sameName(tt.known, tt.name); got != tt.want {
			t.Errorf("sameName(%q, %q) = %v, want %v", tt.known, tt.name, got, tt.want)
		}
	}
}
