package gateway

import (
	_ "embed"
	"net/http"
)

// openAPI is the OpenAPI 3 description of every route; a test fails when it
// and the router disagree.
//
//go:embed openapi.json
var openAPI []byte

// OpenAPI returns the OpenAPI document of the gateway.
func OpenAPI() []byte { return openAPI }

func handleOpenAPI() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-cache")
		_, _ = w.Write(openAPI)
	})
}
