package compliance

import (
	_ "embed"
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // zone data in the binary, whatever the host has
)

//go:embed areacodes.tsv
var areaCodesTSV string

// areaCode is one row of areacodes.tsv.
type areaCode struct {
	State string
	Zones []*time.Location
}

// areaCodes maps a US (NANP) area code, three digits, to its state and zones.
var areaCodes = mustParseAreaCodes(areaCodesTSV)

// stateZones maps a state code to every zone its area codes reach.
var stateZones = zonesByState(areaCodes)

func mustParseAreaCodes(s string) map[string]areaCode {
	m, err := parseAreaCodes(s)
	if err != nil {
		panic(fmt.Sprintf("compliance: areacodes.tsv: %v", err))
	}
	return m
}

// parseAreaCodes reads "NPA<TAB>STATE<TAB>ZONE[,ZONE...]" lines; "#" starts a
// comment line.
func parseAreaCodes(s string) (map[string]areaCode, error) {
	m := make(map[string]areaCode)
	for i, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 3 || len(f[0]) != 3 || len(f[1]) != 2 {
			return nil, fmt.Errorf("line %d: want NPA, state, zones", i+1)
		}
		if _, dup := m[f[0]]; dup {
			return nil, fmt.Errorf("line %d: duplicate area code %s", i+1, f[0])
		}
		var zones []*time.Location
		for _, name := range strings.Split(f[2], ",") {
			loc, err := time.LoadLocation(name)
			if err != nil {
				return nil, fmt.Errorf("line %d: zone %q: %w", i+1, name, err)
			}
			zones = append(zones, loc)
		}
		m[f[0]] = areaCode{State: f[1], Zones: zones}
	}
	return m, nil
}

func zonesByState(m map[string]areaCode) map[string][]*time.Location {
	out := make(map[string][]*time.Location)
	for _, ac := range m {
		for _, z := range ac.Zones {
			if !hasZone(out[ac.State], z) {
				out[ac.State] = append(out[ac.State], z)
			}
		}
	}
	return out
}

func hasZone(zs []*time.Location, z *time.Location) bool {
	for _, x := range zs {
		if x.String() == z.String() {
			return true
		}
	}
	return false
}

// lookupAreaCode returns the row for a phone number's area code. The number
// may be in E.164 ("+13125550123") or as ten or eleven digits with
// separators; only NANP numbers have an area code here.
func lookupAreaCode(number string) (areaCode, bool) {
	d := make([]byte, 0, 11)
	for i := 0; i < len(number); i++ {
		if c := number[i]; c >= '0' && c <= '9' {
			d = append(d, c)
		}
	}
	switch {
	case len(d) == 11 && d[0] == '1':
		d = d[1:]
	case len(d) == 10 && !strings.HasPrefix(strings.TrimSpace(number), "+"):
	default:
		return areaCode{}, false
	}
	ac, ok := areaCodes[string(d[:3])]
	return ac, ok
}
