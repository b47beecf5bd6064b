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
		if n.Foreign(n.Lead(i)) || n.Foreign(n.Ghost(i)) {
			t.Fatalf("lead %d's numbers count as foreign", i)
		}
	}
	other := NewNumbers(rand.New(rand.NewPCG(7, 8)))
	if other.Lead(0) == n.Lead(0) {
		t.Error("two runs drew the same numbers")
	}
}

func TestForeignNumbers(t *testing.T) {
	var n Numbers
	for _, num := range []string{"+13125550101", "+17735550100", "+14155550123", "+442071234567", "+1312"} {
		if !n.Foreign(num) {
			t.Errorf("%s is not foreign", num)
		}
	}
	// No run draws exchange 555, whatever its seed.
	for seed := uint64(0); seed < 2000; seed++ {
		m := NewNumbers(rand.New(rand.NewPCG(seed, seed)))
		for _, i := range []int{0, 1, 19_999, 20_000} {
			if num := m.Lead(i); num[5:8] == "555" {
				t.Fatalf("seed %d lead %d drew %s", seed, i, num)
			}
		}
	}
}
