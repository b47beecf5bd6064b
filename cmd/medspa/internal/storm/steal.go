package storm

import (
	"bufio"
	"os"
	"strconv"
	"strings"
)

// machineTicks are the machine's CPU times from /proc/stat, in clock
// ticks: all of them, and those stolen by the hypervisor (time a virtual
// CPU was ready to run while the host ran something else). On a shared
// virtual machine a run with a large stolen share measures the neighbours
// as much as the system; the report prints the share beside each phase.
type machineTicks struct {
	total, steal uint64
	ok           bool
}

// readMachineTicks reads the "cpu" line of /proc/stat; ok is false where
// there is none (not Linux).
func readMachineTicks() machineTicks {
	f, err := os.Open("/proc/stat")
	if err != nil {
		return machineTicks{}
	}
	defer f.Close()
	line, err := bufio.NewReader(f).ReadString('\n')
	if err != nil {
		return machineTicks{}
	}
	return parseMachineTicks(line)
}

// parseMachineTicks parses "cpu user nice system idle iowait irq softirq
// steal ..." (guest times are already inside user and nice).
func parseMachineTicks(line string) machineTicks {
	fields := strings.Fields(line)
	if len(fields) < 9 || fields[0] != "cpu" {
		return machineTicks{}
	}
	var t machineTicks
	for i, f := range fields[1:9] {
		n, err := strconv.ParseUint(f, 10, 64)
		if err != nil {
			return machineTicks{}
		}
		t.total += n
		if i == 7 {
			t.steal = n
		}
	}
	t.ok = true
	return t
}

// stolenShare is the share of the machine's CPU time stolen between a
// and b, or -1 when it cannot be told.
func stolenShare(a, b machineTicks) float64 {
	if !a.ok || !b.ok || b.total <= a.total {
		return -1
	}
	return float64(b.steal-a.steal) / float64(b.total-a.total)
}
