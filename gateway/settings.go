package gateway

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/medspa/engine/internal/clinic"
)

// clinicSettings is a clinic's configuration as the engine runs it, with a
// version derived from its content.
type clinicSettings struct {
	Version string `json:"version"`
	// Source says where the settings come from: the clinics file every
	// process loads at start. Changing them means changing that file and
	// restarting; there is no write route yet.
	Source string        `json:"source"`
	Clinic clinic.Clinic `json:"clinic"`
}

// handleGetSettings answers a clinic's settings with an ETag equal to the
// version; If-None-Match with that version answers 304.
func handleGetSettings(dir *clinic.Directory) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, ok := dir.ByID(chi.URLParam(r, "clinic_id"))
		if !ok {
			Error(w, r, fmt.Errorf("%w: unknown clinic", ErrNotFound))
			return
		}
		b, err := json.Marshal(c)
		if err != nil {
			Error(w, r, fmt.Errorf("encode clinic: %w", err))
			return
		}
		sum := sha256.Sum256(b)
		version := hex.EncodeToString(sum[:8])
		etag := `"` + version + `"`
		w.Header().Set("ETag", etag)
		w.Header().Set("Cache-Control", "private, no-cache")
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		writeJSON(w, http.StatusOK, clinicSettings{Version: version, Source: "clinics_file", Clinic: *c})
	})
}
