// Package failover holds the failover test of the engine: three `medspa
// engine` processes share the partitions while a load storm runs, one is
// killed and another paused, and every accepted message must still be
// applied once, in order, and answered once. The short form runs with the
// normal tests; build with -tags failover_long for the long one.
package failover
