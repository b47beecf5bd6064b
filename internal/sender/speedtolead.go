package sender

import "github.com/prometheus/client_golang/prometheus"

// newSpeedToLead is the histogram of speed to lead: from a new lead's first
// message at the gateway to the first text to it accepted by the carrier.
// It is observed once per lead, for the send command the engine marked
// First (messages.SendSMS.First). A lead whose first answer waits for
// quiet hours is not observed: its first text is not the answer to its
// arrival. The label clinic is the clinic id: operators create clinics, so
// its values stay few.
func newSpeedToLead() *prometheus.HistogramVec {
	return prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "medspa_speed_to_lead_seconds",
		Help:    "From a new lead's first message at the gateway to the first text to it accepted by the carrier.",
		Buckets: []float64{.1, .25, .5, 1, 2, 3, 5, 10, 30, 60, 300, 900}}, []string{"clinic"})
}
