package persistence

import "time"

// Funnel stages (FunnelStage.Stage): how far a conversation got.
const (
	StageCreated         = "created"          // the lead's first message; Source, UTM* set
	StageFirstReply      = "first_reply"      // the first text to the lead was decided (speed to lead)
	StageEngaged         = "engaged"          // the lead texted after the first answer
	StageOffered         = "offered"          // times were offered
	StageHeld            = "held"             // a time was held
	StageDepositPaid     = "deposit_paid"     // Ref: appointment id; AmountCents paid
	StageBooked          = "booked"           // an appointment was booked
	StageCompleted       = "completed"        // staff recorded a visit completed
	StageNoShow          = "no_show"          // staff recorded a no-show
	StageCancelled       = "cancelled"        // a booked appointment was cancelled
	StageOptedOut        = "opted_out"        // the lead opted out
	StageDepositRefunded = "deposit_refunded" // Ref: appointment id; AmountCents refunded
	StageHandedOff       = "handed_off"       // the conversation went to staff (the first time)
	StageStaffAnswered   = "staff_answered"   // staff first texted the lead after it went to them
)

// Lead sources (FunnelStage.Source of the created stage).
const (
	SourceSMSTelnyx  = "sms_telnyx"
	SourceSMSTwilio  = "sms_twilio"
	SourceMissedCall = "missed_call"
	SourceWebForm    = "web_form"
	SourceOther      = "other"
)

// FunnelStage records when a conversation first reached a stage. A commit
// carries the stages it reached (Commit.Funnel); the store keeps the first
// row of each (clinic, lead, stage, ref) and ignores later ones, so a
// stage reported twice is counted once.
type FunnelStage struct {
	ClinicID    string // the snapshot's when empty
	LeadID      string // the snapshot's when empty
	Stage       string
	Ref         string // "" but for stages that occur once per appointment
	At          time.Time
	AmountCents int64
	// Source, UTMSource and UTMCampaign: where the lead came from (the
	// created stage only).
	Source      string
	UTMSource   string
	UTMCampaign string
}
