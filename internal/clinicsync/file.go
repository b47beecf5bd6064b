package clinicsync

import (
	"fmt"
	"os"

	"github.com/medspa/engine/internal/clinic"
)

// LoadFile reads, parses and validates a clinics file (YAML or JSON,
// clinic.Parse). The reading is here so that package clinic stays pure.
func LoadFile(path string) ([]clinic.Clinic, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load clinics: %w", err)
	}
	return clinic.Parse(path, data)
}
