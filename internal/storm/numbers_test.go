package storm

import (
	"math/rand/v2"
	"testing"

	"github.com/medspa/engine/internal/phone"
)

func TestNumbersAreValidDistinctAndApartFromGhosts(t *testing.T) {
	n := NewNumbers(rand.New(rand.NewPCG(5, 6)))
	seen := map[string]bool{}
	const leads = 50_000 // crosses exchange boundaries
	for i := range leads {
		for _, num := range []string{n.Lead(i), n.Ghost(i)} {
			norm, err := phone.Normalize(num)
			if err != nil || norm != num {
				t.Fatalf("%s is not a valid E.164 US number: %v", num, err)
			}
			if seen[num] {
				t.Fatalf("%s handed out twice", num)
			}
			seen[num] = true
		}
		if a := n.Lead(i)[2:5]; a != "312" && a != "773" {
			t.Fatalf("lead %d has area code %s", i, a)
		}
	}
	other := NewNumbers(rand.New(rand.NewPCG(7, 8)))
	if other.Lead(0) == n.Lead(0) {
		t.Error("two runs drew the same numbers")
	}
}
