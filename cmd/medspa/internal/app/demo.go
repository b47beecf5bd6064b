package app

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/medspa/engine/internal/directory"

	"github.com/medspa/engine/internal/bus"
	"github.com/medspa/engine/messages"
	"github.com/medspa/engine/persistence"
)

// demoLeads are the conversations `make run` starts with, so the staff
// inbox has something to show: a price question, a medical question that
// needs a person, and a web form lead.
var demoLeads = []struct {
	phone string
	env   func(id, clinicID, leadID, phone, to string, at time.Time) messages.Envelope
}{
	{"+13125550101", func(id, c, l, p, to string, at time.Time) messages.Envelope {
		return messages.Envelope{V: messages.Version, ID: id, Kind: messages.KindSMS, ClinicID: c, LeadID: l, Phone: p, Received: at,
			SMS: &messages.InboundSMS{Carrier: messages.CarrierTelnyx, ProviderID: id, From: p, To: to, Text: "Hi! How much is Botox? I'm Jordan"}}
	}},
	{"+13125550102", func(id, c, l, p, to string, at time.Time) messages.Envelope {
		return messages.Envelope{V: messages.Version, ID: id, Kind: messages.KindSMS, ClinicID: c, LeadID: l, Phone: p, Received: at,
			SMS: &messages.InboundSMS{Carrier: messages.CarrierTelnyx, ProviderID: id, From: p, To: to, Text: "Is lip filler safe while breastfeeding?"}}
	}},
	{"+13125550103", func(id, c, l, p, _ string, at time.Time) messages.Envelope {
		return messages.Envelope{V: messages.Version, ID: id, Kind: messages.KindWebLead, ClinicID: c, LeadID: l, Phone: p, Received: at,
			Web: &messages.WebLead{Name: "Sam Rivera", Service: "hydrafacial", Message: "Do you have anything Saturday morning?",
				ConsentText: "I agree to receive texts about my inquiry from Glow Chicago."}}
	}},
}

// seedDemo starts the demo conversations once, through JetStream like any
// inbound work, when the built-in demo clinics run on an empty store. The
// envelope ids are fixed, so a restart never repeats them.
func seedDemo(ctx context.Context, cfg Config, store persistence.Store, pub bus.Publisher, clinics *directory.Directory, now time.Time, log *slog.Logger) error {
	if cfg.ClinicsFile != "" || !cfg.Embedded() {
		return nil
	}
	c, ok := clinics.ByID("glow-chicago")
	if !ok {
		return nil
	}
	page, err := store.ListConversations(ctx, persistence.ConversationQuery{ClinicID: c.ID, Limit: 1})
	if err != nil {
		return fmt.Errorf("demo conversations: %w", err)
	}
	if len(page.Items) > 0 {
		return nil
	}
	for i, d := range demoLeads {
		lead := messages.LeadID(c.ID, d.phone)
		env := d.env(fmt.Sprintf("demo:%d", i+1), c.ID, lead, d.phone, c.PhoneNumbers[0], now)
		b, err := env.Encode()
		if err != nil {
			return err
		}
		if err := pub.Publish(ctx, messages.InboundSubject(c.ID, lead, env.Kind), env.ID, b, now); err != nil {
			return fmt.Errorf("demo conversations: %w", err)
		}
	}
	log.Info("started the demo conversations for the staff inbox", slog.Int("conversations", len(demoLeads)))
	return nil
}
