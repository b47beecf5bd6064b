package compliance

import (
	"strings"
	"unicode/utf8"
)

// maxNameRunes bounds the clinic name in the texts so that every text stays
// within two SMS segments (320 characters).
const maxNameRunes = 60

// OptOutConfirmation is the one text allowed after an opt-out.
func OptOutConfirmation(clinicName string) string {
	return name(clinicName) + ": You are unsubscribed and will get no more messages from us. " +
		"Reply START to opt back in."
}

// WrongRecipientReply is the one text after an opt-out by someone the
// clinic reached by mistake ("wrong number"): an apology in place of the
// opt-out confirmation, which would read as if they had subscribed.
func WrongRecipientReply(clinicName string) string {
	return name(clinicName) + ": Sorry about that! We won't text this number again."
}

// OptInConfirmation answers START, UNSTOP, or YES after an opt-out.
func OptInConfirmation(clinicName string) string {
	return name(clinicName) + ": You are subscribed again to texts about your inquiries and appointments. " +
		"Msg & data rates may apply. Reply HELP for help, STOP to opt out."
}

// HelpText answers HELP and INFO.
func HelpText(clinicName, clinicPhone string) string {
	reach := "Reply here or contact the clinic"
	if p := strings.TrimSpace(clinicPhone); p != "" {
		if utf8.RuneCountInString(p) > 20 {
			p = string([]rune(p)[:20])
		}
		reach = "Call " + p
	}
	return name(clinicName) + ": texts about your inquiries, appointments and deposits. " +
		"Msg frequency varies. Msg & data rates may apply. " + reach + " for help. Reply STOP to opt out."
}

// name trims the clinic name, bounds its length and falls back to a generic
// name when it is empty.
func name(clinicName string) string {
	n := strings.Join(strings.Fields(clinicName), " ")
	if n == "" {
		return "Your clinic"
	}
	if utf8.RuneCountInString(n) > maxNameRunes {
		n = strings.TrimSpace(string([]rune(n)[:maxNameRunes]))
	}
	return n
}
