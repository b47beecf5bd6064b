package storm

import (
	"fmt"
	"math/rand/v2"
)

// Numbers hands out the lead numbers of one run: Chicago numbers (area codes
// 312 and 773) in an exchange and line range drawn at random per run, so
// that two runs against the same store do not continue each other's
// conversations and every reply can be matched to its lead. Webhooks with
// bad signatures come from "ghost" numbers in area code 872, which no lead
// uses: any reply to one of them is a reply to a rejected webhook. Exchange
// 555 (fiction numbers, used by the demo conversations and the docs) is
// never drawn, so replies to other conversations on the same server are
// told apart (Foreign).
type Numbers struct {
	exchange int // index of the first exchange, 0..798
	offset   int // 0..9999
}

// exchanges is how many exchanges the plan uses: 200..999 without 555.
const exchanges = 799

// NewNumbers draws the run's exchange and line offset.
func NewNumbers(r *rand.Rand) Numbers {
	return Numbers{exchange: r.IntN(exchanges), offset: r.IntN(10000)}
}

// Foreign reports whether a number is outside every run's number plan:
// not in area 312, 773 or 872, or in exchange 555.
func (Numbers) Foreign(number string) bool {
	if len(number) != 12 || number[:2] != "+1" {
		return true
	}
	switch number[2:5] {
	case "312", "773", "872":
		return number[5:8] == "555"
	}
	return true
}

var leadAreas = [2]int{312, 773}

// Lead returns the number of lead i (i >= 0). Numbers are distinct for
// i < 2*800*10000.
func (n Numbers) Lead(i int) string {
	return n.number(leadAreas[i%2], i/2)
}

// Ghost returns the sender number of rejected webhooks near lead i.
func (n Numbers) Ghost(i int) string { return n.number(872, i) }

func (n Numbers) number(area, k int) string {
	line := (n.offset + k) % 10000
	exch := 200 + (n.exchange+(n.offset+k)/10000)%exchanges
	if exch >= 555 {
		exch++
	}
	return fmt.Sprintf("+1%03d%03d%04d", area, exch, line)
}
