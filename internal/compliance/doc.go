// Package compliance is the pure core of the messaging rules: opt-out, opt-in
// and help keywords, the texts that answer them, the consent ledger, and the
// quiet hours and daily caps that gate every initiated text.
//
// It does no I/O: the clock and the recipient's record are passed in, and
// the area code table is embedded.
package compliance
