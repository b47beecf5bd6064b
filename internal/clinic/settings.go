package clinic

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// DecodeSettings parses a clinic's settings as ParseSettings does, applies
// the defaults and validates; a validation error lists every problem
// (FieldErrors).
func DecodeSettings(data []byte) (Clinic, error) {
	c, err := ParseSettings(data)
	if err != nil {
		return Clinic{}, err
	}
	c.SetDefaults()
	if err := c.Validate(); err != nil {
		return Clinic{}, err
	}
	return c, nil
}

// ParseSettings parses a clinic's settings as JSON (the shape of Clinic),
// strictly: unknown fields and trailing data are errors. It neither
// applies defaults nor validates.
func ParseSettings(data []byte) (Clinic, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var c Clinic
	if err := dec.Decode(&c); err != nil {
		return Clinic{}, fmt.Errorf("clinic settings: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Clinic{}, errors.New("clinic settings: trailing data after the object")
	}
	return c, nil
}

// EncodeSettings is the stored form of a clinic's settings.
func EncodeSettings(c Clinic) ([]byte, error) {
	b, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("encode clinic settings: %w", err)
	}
	return b, nil
}
