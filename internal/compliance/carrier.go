package compliance

// Carrier error codes that mean the recipient opted out with the carrier
// itself (the carrier refuses every text to the number until they opt in).
const (
	TelnyxOptedOut = "40300"
	TwilioOptedOut = "21610"
)

// CarrierOptOut reports whether a carrier error code means the recipient
// opted out at the carrier.
func CarrierOptOut(code string) bool {
	return code == TelnyxOptedOut || code == TwilioOptedOut
}

// FailedStatus reports whether a delivery status says a text did not reach
// the recipient.
func FailedStatus(status string) bool {
	switch status {
	case "sending_failed", "delivery_failed", "failed", "undelivered":
		return true
	}
	return false
}
