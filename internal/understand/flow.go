package understand

import "strings"

// This file holds the understanding of the booking flow: hand-off topics,
// cancelling and moving, picking an offered time and the kind of patient.

func isComplaint(u *Utterance) bool {
	return u.phrase("charged me twice", "double charged", "money back", "nobody called", "no one called", "didnt even work",
		"did not work", "didnt work", "waited", "cancelled on me", "canceled on me", "not ok", "unacceptable",
		"ridiculous", "never called back", "still waiting") || u.any("complaint", "complain", "complaining", "unhappy", "terrible", "awful", "horrible", "rude",
		"refund", "botched", "disappointed", "worst", "ruined", "lawyer", "sue", "unprofessional", "furious") ||
		u.phrase("not happy", "messed up", "went wrong", "not satisfied", "very upset", "so upset", "really upset")
}

// isUrgent reads a medical problem happening now, after a treatment or
// otherwise, as opposed to a question about one ("is bruising normal?").
// Severe signs are urgent however they are asked.
func isUrgent(u *Utterance) bool {
	if u.any("emergency", "911", "anaphylaxis", "anaphylactic", "necrosis", "pus", "fever", "hives", "blind",
		"blurry", "blurred", "fainted", "fainting", "dizzy") ||
		u.phrase("cant breathe", "can not breathe", "cannot breathe", "trouble breathing", "hard to breathe",
			"short of breath", "my vision", "cant see", "double vision", "throat is closing", "throat closing",
			"allergic reaction", "turning white", "turned white", "turning blue", "turned blue", "white patch",
			"skin is dying", "spreading redness", "chest pain", "face is numb", "lip is numb", "eyelid is drooping",
			"eye is drooping", "eyelid drooping") {
		return true
	}
	symptom := u.any("swollen", "swelling", "pain", "painful", "hurts", "hurting", "bleeding", "infected",
		"infection", "oozing", "burning", "burn", "burned", "blister", "blisters", "blistering", "lump", "lumps",
		"hard", "bumps", "rash", "itchy", "redness", "throbbing", "numb", "numbness", "drooping", "droopy",
		"reaction", "bruised", "discolored", "discoloration")
	if !symptom {
		return false
	}
	hypothetical := u.phrase("is it normal", "is that normal", "is it safe", "what if", "will i", "will it",
		"can i", "could i", "should i expect", "how long does", "how long will", "do people", "does it hurt",
		"is there", "how painful", "how much pain", "does botox hurt", "does filler hurt", "is it painful",
		"side effects", "normal to")
	current := u.any("my", "im", "ive", "since", "still", "after", "now", "today", "yesterday", "help", "worse",
		"getting", "started", "really", "so", "very", "swollen", "bleeding", "infected") ||
		u.phrase("i have", "i got", "i think", "call me", "is swollen", "are swollen", "keeps", "wont stop")
	return current && !hypothetical || u.phrase("call me", "someone call", "getting worse", "wont stop", "please help")
}

func isMedical(u *Utterance) bool {
	return u.any("pregnant", "pregnancy", "breastfeeding", "nursing", "allergic", "allergy", "allergies",
		"reaction", "swollen", "swelling", "bruise", "bruising", "bruised", "infection", "infected",
		"medication", "medications", "meds", "antibiotics", "accutane", "thinners", "thinner", "warfarin", "eliquis", "diabetic", "diabetes", "numb",
		"numbness", "droopy", "drooping", "lump", "lumps", "bump", "bumps", "rash", "blister", "blisters",
		"contraindications", "contraindicated", "lidocaine", "herpes", "keloid", "autoimmune") ||
		u.any("ibuprofen", "aspirin", "retinol", "retin", "tretinoin", "rosacea", "eczema", "antidepressants",
			"condition", "sunburn", "tan", "accutane", "aftercare") ||
		(u.phrase("after botox", "after filler", "after a facial", "after the facial", "after a hydrafacial", "after laser",
			"before botox", "before filler", "before laser") &&
			u.any("can", "should", "how", "need", "ok", "okay", "allowed")) ||
		u.phrase("is it safe", "safe to", "safe for", "safe if", "safe while", "side effect", "side effects",
			"blood thinner", "blood thinners", "cold sore", "cold sores", "what if i", "normal to")
}

func isCancel(u *Utterance) bool {
	if u.any("cancel", "cancellation", "cancelling", "canceling") {
		return !u.whole("cancel") // a bare CANCEL is an opt-out keyword, not ours
	}
	return u.phrase("cant make it", "can not make it", "cannot make it", "wont make it", "cant come",
		"not gonna make it", "not going to make", "bail on", "wont be able to come", "not be able to come",
		"wont be able to make", "have to skip", "need to skip",
		"cant come in", "wont be able to make", "not going to make it", "release it", "release the", "let it go",
		"dont need it anymore")
}

func isReschedule(u *Utterance) bool {
	return u.any("reschedule", "rescheduling", "rebook", "postpone") ||
		u.phrase("move my", "move it", "move the", "change my appointment", "change the time", "change my time",
			"different time", "different day", "another time", "another day", "push it", "push my", "switch my",
			"switch it", "change it to", "later time", "earlier time")
}

// ordinalWords map spelt and numbered ordinals to an option number.
var ordinalWords = map[string]int{
	"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3,
	"one": 1, "two": 2, "three": 3,
}

// optionFiller are words that may surround an option number in a short
// answer: "2 please", "the 2nd one works", "option 3 is good".
var optionFiller = map[string]bool{
	"the": true, "one": true, "please": true, "pls": true, "plz": true, "works": true, "work": true,
	"is": true, "good": true, "great": true, "perfect": true, "ok": true, "okay": true, "yes": true,
	"yeah": true, "yep": true, "sure": true, "lets": true, "do": true, "go": true, "with": true, "id": true,
	"like": true, "take": true, "ill": true, "i": true, "option": true, "number": true, "slot": true,
	"that": true, "for": true, "me": true, "book": true, "hold": true, "thanks": true, "thank": true, "you": true,
	"sounds": true, "fine": true, "want": true, "pick": true, "choose": true, "and": true, "then": true,
}

// extractOption finds an offered time picked by number: "2", "#2",
// "option 3", "the first one", "2nd works". It returns 0 when there is none.
// A number with a time ("2pm", "at 2") is a time, not an option.
func extractOption(u *Utterance) int {
	raw := strings.TrimSpace(u.raw)
	if strings.HasPrefix(raw, "#") && len(u.words) >= 1 {
		if n := smallNumber(u.words[0]); n > 0 {
			return n
		}
	}
	for i, w := range u.words {
		if (w == "option" || w == "number" || w == "slot" || w == "choice") && i+1 < len(u.words) {
			if n := smallNumber(u.words[i+1]); n > 0 {
				return n
			}
			if n, ok := ordinalWords[u.words[i+1]]; ok {
				return n
			}
		}
	}
	if len(u.words) > 6 || strings.ContainsAny(raw, ":/") {
		return 0
	}
	found := 0
	for i, w := range u.words {
		n := smallNumber(w)
		if n == 0 {
			if o, ok := ordinalWords[w]; ok && w != "one" && w != "two" && w != "three" {
				if i+1 < len(u.words) && (u.words[i+1] == "time" || u.words[i+1] == "available" || u.words[i+1] == "visit") {
					return 0 // "first time", "first available"
				}
				n = o
			}
		}
		switch {
		case n > 0 && found == 0:
			found = n
		case n > 0:
			return 0 // two numbers: not a plain pick
		case !optionFiller[w]:
			return 0
		}
	}
	return found
}

// smallNumber reads "1" to "9".
func smallNumber(w string) int {
	if len(w) == 1 && w[0] >= '1' && w[0] <= '9' {
		return int(w[0] - '0')
	}
	return 0
}

func extractPatient(u *Utterance) string {
	switch {
	case u.phrase("returning", "been before", "been there before", "been in before", "came in before",
		"come in before", "existing patient", "existing client", "current patient", "regular", "was there",
		"been to you", "seen before", "ive been", "i have been", "not new", "not my first", "last time i", "back again",
		"came in last", "was in last", "came last", "been a while", "i saw dr", "my last"),
		u.whole("existing", "returning", "yes returning", "regular"):
		return PatientReturning
	case u.phrase("new patient", "new client", "first time", "never been", "im new", "i am new",
		"havent been", "have not been", "first visit", "never had", "new here", "never tried"):
		return PatientNew
	}
	return ""
}

// spanishWords are common Spanish words that are not English ones.
var spanishWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`
		hola quisiera quiero queria necesito una unos unas cita citas para por los las del
		tienen tiene hay cuanto cuánto cuesta cuestan precio precios gracias muchas favor buenas buenos
		dias días tardes noches tarde mañana manana hoy lunes martes miércoles miercoles jueves viernes
		sábado sabado domingo semana próxima proxima primera primero segunda segundo sí entiendo
		habla hablan español espanol inglés ingles puedo puede hacer mis usted ustedes
		qué cómo cuándo cuando dónde donde está están estan soy pero también
		tambien vale claro disponible disponibilidad horario labios relleno depilación
		hablo hablas llamar llame llámame llamame llamo gustaría gustaria podría podria ustedes nosotros`) {
		spanishWords[w] = true
	}
}

// Spanish reports a text written in Spanish: most of its words Spanish
// ones, at least two of them, or Spanish punctuation ("¿", "¡") with one;
// or a wish to be served in Spanish, in either language ("do you speak
// Spanish?", "no hablo inglés"). The engine answers in English only, so a
// person takes over.
func (u *Utterance) Spanish() bool {
	if u.phrase("speak spanish", "speaks spanish", "in spanish", "habla español", "habla espanol", "hablan español",
		"hablan espanol", "hablas español", "hablas espanol", "en español", "en espanol", "no hablo ingles",
		"no hablo inglés", "no hablo mucho ingles", "no hablo mucho inglés", "no english", "dont speak english") {
		return true
	}
	n := 0
	for _, w := range u.words {
		if spanishWords[w] {
			n++
		}
	}
	if n >= 1 && strings.ContainsAny(u.raw, "¿¡") {
		return true
	}
	return n >= 2 && 2*n >= len(u.words)
}
