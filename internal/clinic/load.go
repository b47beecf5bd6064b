package clinic

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"go.yaml.in/yaml/v3"
)

// file is the layout of a clinics file.
type file struct {
	Clinics []Clinic `yaml:"clinics"`
}

// Parse decodes a clinics file named name (clinicsync.LoadFile reads one) (used in error messages), applies
// defaults and validates every clinic and the file as a whole: clinic ids
// and phone numbers must be unique across clinics. Unknown fields are
// errors. All problems found are reported together.
func Parse(name string, data []byte) ([]Clinic, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var f file
	if err := dec.Decode(&f); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: empty file, want a top-level clinics: list", name)
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: more than one YAML document", name)
	}
	if len(f.Clinics) == 0 {
		return nil, fmt.Errorf("%s: no clinics", name)
	}
	var errs []error
	ids := map[string]int{}
	numbers := map[string]string{}
	for i := range f.Clinics {
		c := &f.Clinics[i]
		c.SetDefaults()
		if err := c.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", name, err))
		}
		if j, dup := ids[c.ID]; dup && c.ID != "" {
			errs = append(errs, fmt.Errorf("%s: clinics[%d] and clinics[%d] share id %q", name, j, i, c.ID))
		}
		ids[c.ID] = i
		for _, n := range c.PhoneNumbers {
			if other, dup := numbers[n]; dup && other != c.ID {
				errs = append(errs, fmt.Errorf("%s: clinic %q: phone number %s already belongs to clinic %q", name, c.ID, n, other))
			}
			numbers[n] = c.ID
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return f.Clinics, nil
}

// Defaults applied by SetDefaults.
const (
	DefaultHoldMinutes             = 15
	DefaultCancellationWindowHours = 24
	DefaultLeadTimeMinutes         = 60
)

// SetDefaults fills the optional settings left at zero.
func (c *Clinic) SetDefaults() {
	if c.HoldMinutes == 0 {
		c.HoldMinutes = DefaultHoldMinutes
	}
	if c.CancellationWindowHours == 0 {
		c.CancellationWindowHours = DefaultCancellationWindowHours
	}
	if c.LeadTimeMinutes == 0 {
		c.LeadTimeMinutes = DefaultLeadTimeMinutes
	}
}
