//go:build !failover_long

package failover

func activePlan() plan { return shortPlan }
