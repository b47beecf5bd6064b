//go:build failover_long

package failover

import "time"

// The long form: three minutes of heavier traffic, the same faults.
func activePlan() plan {
	return plan{traffic: 3 * time.Minute, rate: 120, killAt: 30 * time.Second, pauseAt: 90 * time.Second,
		pauseFor: 20 * time.Second, clinics: 100, leadsPerOne: 8}
}
