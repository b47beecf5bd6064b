package gateway

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/medspa/engine/internal/stage"
)

// Webhook outcomes, the values of the outcome label.
const (
	OutcomeAccepted      = "accepted"
	OutcomeUnknownNumber = "unknown_number"
	OutcomeIgnored       = "ignored"
	OutcomeBadSignature  = "bad_signature"
	OutcomeBadRequest    = "bad_request"
	OutcomePublishFailed = "publish_failed"
	OutcomeHoneypot      = "honeypot"
	OutcomeRateLimited   = "rate_limited"
	OutcomeNotFound      = "not_found"
	OutcomeForbidden     = "forbidden"
)

var outcomes = []string{
	OutcomeAccepted, OutcomeUnknownNumber, OutcomeIgnored,
	OutcomeBadSignature, OutcomeBadRequest, OutcomePublishFailed,
	OutcomeHoneypot, OutcomeRateLimited, OutcomeNotFound,
}

// Providers, the values of the provider label.
const (
	ProviderTelnyx = "telnyx"
	ProviderTwilio = "twilio"
	ProviderWeb    = "web"
	ProviderStripe = "stripe"
)

var providers = []string{ProviderTelnyx, ProviderTwilio, ProviderWeb, ProviderStripe}

// Metrics are the gateway's Prometheus collectors.
type Metrics struct {
	// Gatherer is what GET /metrics serves. NewMetrics sets it to the
	// registerer when that is also a Gatherer (a *prometheus.Registry).
	Gatherer prometheus.Gatherer

	webhooks        *prometheus.CounterVec
	webhookDuration *prometheus.HistogramVec
	stages          *stage.Timer
}

// NewMetrics creates the gateway's collectors and registers them with reg.
// A nil reg means a new registry of its own.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	m := &Metrics{
		webhooks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "medspa_webhooks_total",
			Help: "Webhooks and web leads received, by provider and outcome.",
		}, []string{"provider", "outcome"}),
		webhookDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "medspa_webhook_duration_seconds",
			Help:    "Time to answer a webhook, durable publish included.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2, 5},
		}, []string{"provider"}),
	}
	reg.MustRegister(m.webhooks, m.webhookDuration)
	m.stages = stage.New(reg)
	if g, ok := reg.(prometheus.Gatherer); ok {
		m.Gatherer = g
	}
	for _, p := range providers {
		for _, o := range outcomes {
			m.webhooks.WithLabelValues(p, o)
		}
	}
	return m
}

func (m *Metrics) webhook(provider, outcome string) {
	m.webhooks.WithLabelValues(provider, outcome).Inc()
}
