package clinic

import _ "embed"

//go:embed demo/clinics.yaml
var demoFile []byte

// Demo returns the demo clinics, parsed and validated. It panics only if the
// embedded file is broken, which the package's tests rule out.
func Demo() []Clinic {
	cs, err := Parse("demo/clinics.yaml", demoFile)
	if err != nil {
		panic("clinic: embedded demo file: " + err.Error())
	}
	return cs
}
