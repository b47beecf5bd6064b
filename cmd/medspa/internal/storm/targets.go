package storm

// The performance targets the reports judge runs against
// (docs/PERFORMANCE.md): 64 messages in flight, medians of three runs.
const (
	targetEngineOverBare         = "(target >= 0.70)"
	targetEngineOverConventional = "(target >= 2.00)"
	targetOpenP99                = "(target < 50 ms at half of the engine's peak)"
	targetMemoryGrowth           = "(target <= 1.20)"
	targetMemoryThroughput       = "(target: within 10 %)"
)
