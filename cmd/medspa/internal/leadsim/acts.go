// Package leadsim is an agenda-based lead simulator (Schatzmann et al.
// 2007): simulated leads with a goal (a treatment, when they would like to
// come in, their name, how they pick among offered times) text the real
// conversation core, built from a grammar of phrasings, and each
// conversation is scored: a held slot inside the lead's stated window,
// turns to the hold, hand-offs, repeated questions and, for failures, one
// category. It does no I/O besides its embedded files and reads no clock:
// a seed decides everything.
package leadsim

// Act is one thing a lead says; the grammar has a section of templates for
// each.
type Act string

// Acts.
const (
	ActGreeting        Act = "greeting"
	ActService         Act = "service"
	ActServiceWhen     Act = "service_when"
	ActWhen            Act = "when"
	ActPrice           Act = "price"
	ActHours           Act = "hours"
	ActPriceWhen       Act = "price_when"
	ActName            Act = "name"
	ActNameOther       Act = "name_other"
	ActNameService     Act = "name_service"
	ActNameServiceWhen Act = "name_service_when"
	ActNewPatient      Act = "new_patient"
	ActReturning       Act = "returning"
	ActPickNumber      Act = "pick_number"
	ActPickOrdinal     Act = "pick_ordinal"
	ActPickTime        Act = "pick_time"
	ActPickDay         Act = "pick_day"
	ActPickYes         Act = "pick_yes"
	ActAffirm          Act = "affirm"
	ActCorrectOrdinal  Act = "correct_ordinal"
	ActCorrectDay      Act = "correct_day"
	ActLater           Act = "later"
	ActEarlier         Act = "earlier"
	ActReject          Act = "reject"
	ActHandoffAsk      Act = "handoff_ask"
)

// Acts lists every act; each split of the grammar covers all of them.
var Acts = []Act{
	ActGreeting, ActService, ActServiceWhen, ActWhen, ActPrice, ActHours, ActPriceWhen,
	ActName, ActNameOther, ActNameService, ActNameServiceWhen, ActNewPatient, ActReturning,
	ActPickNumber, ActPickOrdinal, ActPickTime, ActPickDay, ActPickYes, ActAffirm,
	ActCorrectOrdinal, ActCorrectDay, ActLater, ActEarlier, ActReject, ActHandoffAsk,
}

// ServiceIDs are the treatments the grammar names ([svc:ID]); every
// simulated clinic's catalogue is drawn from them.
var ServiceIDs = []string{
	"botox", "dysport", "lip-filler", "hydrafacial", "laser-hair-removal",
	"consultation", "microneedling", "chemical-peel",
}

// Sections are every section a split of the grammar must have: the acts,
// the service names and the ways to say each kind of when.
func Sections() []string {
	var out []string
	for _, a := range Acts {
		out = append(out, string(a))
	}
	for _, id := range ServiceIDs {
		out = append(out, "svc:"+id)
	}
	for _, k := range WhenKinds {
		out = append(out, "when:"+string(k))
	}
	return out
}
