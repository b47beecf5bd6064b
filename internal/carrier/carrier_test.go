package carrier_test

import (
	"strings"
	"testing"

	"github.com/medspa/engine/internal/carrier"
)

func TestErrorMasksNumbers(t *testing.T) {
	e := &carrier.Error{Status: 400, Code: "21211", Detail: "The 'To' number +1 (312) 555-0123 is not a valid phone number."}
	if got := e.Error(); strings.Contains(got, "555") || !strings.Contains(got, "[number]") {
		t.Fatalf("Error() = %q: the number is not masked", got)
	}
}
