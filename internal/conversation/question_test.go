package conversation

import (
	"testing"
	"time"
)

// TestReadAnswer checks texts read as the answer to the question asked.
func TestReadAnswer(t *testing.T) {
	c := glow(t)
	now := time.Date(2026, 11, 20, 18, 10, 0, 0, time.UTC)
	tests := []struct {
		text    string
		asked   Question
		option  int
		service string
		name    string
	}{
		{"i'd like the 1st time", AskPick, 1, "", ""},
		{"the 2nd one please", AskPick, 2, "", ""},
		{"4", AskServiceMenu, 0, "hydrafacial", ""},
		{"number 2", AskServiceMenu, 0, "dysport", ""},
		{"lip filler", AskServiceMenu, 0, "lip-filler", ""},
		{"its my sons appointment - Renée Lambert", AskName, 0, "", "Renée Lambert"},
		{"hi! Emily Rose Carter here, wanting to book a hydrafacial", AskNothing, 0, "hydrafacial", "Emily Rose Carter"},
		{"maria here - do you have a consultation?", AskNothing, 0, "consultation", "Maria"},
		{"hello this is rachel - botox this wednesday?", AskNothing, 0, "botox", "Rachel"},
		{"hello, i'm brittany r.. i'd like to schedule botox", AskNothing, 0, "botox", "Brittany R."},
		{"hi this is mei chen, looking for a hydrafacial", AskNothing, 0, "hydrafacial", "Mei Chen"},
		{"this is so exciting, botox please", AskNothing, 0, "botox", ""},
		{"i'm free friday, botox please", AskNothing, 0, "botox", ""},
		{"1 please, my name is Zoë", AskPick, 1, "", "Zoë"},
		{"Dana here. the 2nd one", AskPick, 2, "", "Dana"},
		{"Hannah Price", AskName, 0, "", "Hannah Price"},
		{"Jo Good", AskName, 0, "", "Jo Good"},
		{"price", AskName, 0, "", ""},
		{"hi it's Hannah again, botox please", AskNothing, 0, "botox", "Hannah"},
	}
	for _, tt := range tests {
		u := UnderstandAnswer(tt.text, c, now, tt.asked)
		if u.Option != tt.option || u.ServiceID != tt.service || u.Name != tt.name {
			t.Errorf("UnderstandAnswer(%q, %s) = option %d, service %q, name %q; want %d, %q, %q",
				tt.text, tt.asked, u.Option, u.ServiceID, u.Name, tt.option, tt.service, tt.name)
		}
	}
}
