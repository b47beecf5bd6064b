package understand

import "testing"

// TestSideQuestions: how a treatment feels, insurance and payment, and
// why the name is asked, each asked in several ways, and texts that ask
// none of them.
func TestSideQuestions(t *testing.T) {
	tests := []struct {
		text                   string
		comfort, payment, name bool
	}{
		{"is microneedling painful?", true, false, false},
		{"does it hurt", true, false, false},
		{"how painful is lip filler", true, false, false},
		{"will the laser hurt??", true, false, false},
		{"im kinda scared of needles lol", true, false, false},
		{"do you take carecredit? or insurance", false, true, false},
		{"is botox covered by insurance", false, true, false},
		{"do u do payment plans", false, true, false},
		{"care credit ok?", false, true, false},
		{"why do u need my name", false, false, true},
		{"what do you need my name for", false, false, true},
		{"why do you want my full name?", false, false, true},
		{"botox friday at 3", false, false, false},
		{"my name is Jo", false, false, false},
		{"how much is a hydrafacial", false, false, false},
	}
	for _, tt := range tests {
		u := NewUtterance(tt.text)
		if u.AsksComfort() != tt.comfort || u.AsksPayment() != tt.payment || u.WhyName() != tt.name {
			t.Errorf("%q: comfort %v payment %v why-name %v, want %v %v %v", tt.text,
				u.AsksComfort(), u.AsksPayment(), u.WhyName(), tt.comfort, tt.payment, tt.name)
		}
	}
}
