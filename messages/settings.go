package messages

import (
	"encoding/json"
	"hash/fnv"
	"time"
)

// SubjectSettings is a core NATS request subject: the engine node that owns
// the clinic's partition answers an update of the clinic's settings.
const SubjectSettings = "medspa.rpc.settings" // medspa.rpc.settings.<clinic>

// EventSettingsChanged is the type of the event published on
// EventSubject(clinic, ClinicToken, EventSettingsChanged) after a clinic's
// settings changed; every process reloads that clinic's settings.
const EventSettingsChanged = "settings.changed"

// ClinicToken stands for the lead in the subject of a clinic-wide event.
// Lead ids are hex digests, so it never names a conversation.
const ClinicToken = "clinic"

// SettingsSubject is the request subject of a clinic's settings updates.
func SettingsSubject(clinicID string) string { return SubjectSettings + "." + clinicID }

// PartitionOf is the inbound partition a clinic's work lands in: the same
// FNV-1a hash of the clinic id modulo the partition count that the stream's
// subject transform (PartitionTransform) computes on the server.
func PartitionOf(clinicID string, partitions int) int {
	h := fnv.New32a()
	_, _ = h.Write([]byte(clinicID))
	return int(h.Sum32() % uint32(partitions))
}

// SettingsUpdate asks the clinic's actor to replace its settings.
type SettingsUpdate struct {
	V        int             `json:"v"`
	ClinicID string          `json:"clinic_id"`
	Version  int64           `json:"version"`  // the version the update was made from
	Settings json.RawMessage `json:"settings"` // a validated clinic.Clinic
	By       string          `json:"by"`       // the staff user
}

// Outcomes of a settings update.
const (
	SettingsOK        = "ok"
	SettingsConflict  = "conflict"      // Version is not the stored version
	SettingsInvalid   = "invalid"       // the settings do not validate
	SettingsNumberUse = "number_in_use" // a number belongs to another clinic
	SettingsFailed    = "failed"        // the store failed; try again
)

// SettingsReply is the clinic actor's answer: the stored settings and their
// version after the update, or, on a conflict, the current ones.
type SettingsReply struct {
	V         int             `json:"v"`
	Outcome   string          `json:"outcome"`
	Detail    string          `json:"detail,omitempty"`
	Version   int64           `json:"version,omitempty"`
	Settings  json.RawMessage `json:"settings,omitempty"`
	UpdatedAt time.Time       `json:"updated_at,omitzero"`
	UpdatedBy string          `json:"updated_by,omitempty"`
}
