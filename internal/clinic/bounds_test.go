package clinic

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
)

// boundsBase is a valid clinic the bounds cases change one field of.
func boundsBase() Clinic {
	c := Clinic{
		ID: "a", Name: "A Spa", Timezone: "America/Chicago", PhoneNumbers: []string{"+13125550100"},
		Hours: map[string]string{"mon": "09:00-17:00"},
		Services: []Service{
			{ID: "botox", Name: "Botox", DurationMinutes: 30, PriceCents: 1200, PriceUnit: "unit", DepositCents: 5000},
			{ID: "peel", Name: "Peel", DurationMinutes: 45, PriceCents: 17500, DepositCents: 5000},
		},
	}
	c.SetDefaults()
	return c
}

// Every settings field has a bound, and a value past it is refused with an
// error naming that field (finding 5 of security issue 16: the absurd
// values of the report, each alone).
func TestValidateBounds(t *testing.T) {
	if err := func() error { c := boundsBase(); return c.Validate() }(); err != nil {
		t.Fatalf("base clinic: %v", err)
	}
	many := make([]Service, 2500)
	for i := range many {
		many[i] = Service{ID: fmt.Sprintf("s%d", i), Name: fmt.Sprintf("Service %d", i), DurationMinutes: 30}
	}
	cases := []struct {
		name  string
		edit  func(*Clinic)
		field string
	}{
		{"duration 10^9 minutes", func(c *Clinic) { c.Services[0].DurationMinutes = 1_000_000_000 }, "services[botox].duration_minutes"},
		{"duration 601 minutes", func(c *Clinic) { c.Services[0].DurationMinutes = 601 }, "services[botox].duration_minutes"},
		{"deposit 10^12 cents", func(c *Clinic) { c.Services[0].DepositCents = 1_000_000_000_000 }, "services[botox].deposit_cents"},
		{"deposit over $10,000", func(c *Clinic) {
			c.Services[1].PriceCents, c.Services[1].DepositCents = 5_000_000, 1_000_001
		}, "services[peel].deposit_cents"},
		{"deposit over a fixed price", func(c *Clinic) { c.Services[1].DepositCents = 17501 }, "services[peel].deposit_cents"},
		{"deposit on a free service", func(c *Clinic) { c.Services[1].PriceCents = 0 }, "services[peel].deposit_cents"},
		{"price over $100,000", func(c *Clinic) { c.Services[1].PriceCents = 10_000_001 }, "services[peel].price_cents"},
		{"hold 10^9 minutes", func(c *Clinic) { c.HoldMinutes = 1_000_000_000 }, "hold_minutes"},
		{"hold 1441 minutes", func(c *Clinic) { c.HoldMinutes = 1441 }, "hold_minutes"},
		{"lead time 10^12 minutes", func(c *Clinic) { c.LeadTimeMinutes = 1_000_000_000_000 }, "lead_time_minutes"},
		{"lead time 30 days and a minute", func(c *Clinic) { c.LeadTimeMinutes = 30*24*60 + 1 }, "lead_time_minutes"},
		{"cancellation window 721 hours", func(c *Clinic) { c.CancellationWindowHours = 721 }, "cancellation_window_hours"},
		{"2,500 services", func(c *Clinic) { c.Services = many }, "services"},
		{"3,000-character name", func(c *Clinic) { c.Name = strings.Repeat("A", 3000) }, "name"},
		{"name with a newline", func(c *Clinic) { c.Name = "A Spa\nClick here" }, "name"},
		{"name with a link", func(c *Clinic) { c.Name = "A Spa http://evil.example/win" }, "name"},
		{"name with www", func(c *Clinic) { c.Name = "Win at WWW.evil.example" }, "name"},
		{"blank name", func(c *Clinic) { c.Name = "  " }, "name"},
		{"101-character service name", func(c *Clinic) { c.Services[0].Name = strings.Repeat("b", 101) }, "services[botox].name"},
		{"service name with a tab", func(c *Clinic) { c.Services[0].Name = "Bo\ttox" }, "services[botox].name"},
		{"service name with a link", func(c *Clinic) { c.Services[0].Name = "https://x.example" }, "services[botox].name"},
		{"long price unit", func(c *Clinic) { c.Services[0].PriceUnit = strings.Repeat("u", 31) }, "services[botox].price_unit"},
		{"too many aliases", func(c *Clinic) {
			for i := range 31 {
				c.Services[0].Aliases = append(c.Services[0].Aliases, fmt.Sprintf("tox %d", i))
			}
		}, "services[botox].aliases"},
		{"long alias", func(c *Clinic) { c.Services[0].Aliases = []string{strings.Repeat("x", 101)} }, "services[botox].aliases[0]"},
		{"address with a newline", func(c *Clinic) { c.Address = "1 Main St\nSuite 2" }, "address"},
		{"long address", func(c *Clinic) { c.Address = strings.Repeat("x", 201) }, "address"},
		{"21 numbers", func(c *Clinic) {
			c.PhoneNumbers = nil
			for i := range 21 {
				c.PhoneNumbers = append(c.PhoneNumbers, fmt.Sprintf("+1312555%04d", i))
			}
		}, "phone_numbers"},
		{"twilio number twice", func(c *Clinic) { c.TwilioNumbers = []string{"+13125550100", "+13125550100"} }, "twilio_numbers[1]"},
		{"country code 1", func(c *Clinic) { c.WebLeadCountryCodes = []string{"1"} }, "web_lead_country_codes[0]"},
		{"country code with +", func(c *Clinic) { c.WebLeadCountryCodes = []string{"+44"} }, "web_lead_country_codes[0]"},
		{"network code 882", func(c *Clinic) { c.WebLeadCountryCodes = []string{"44", "882"} }, "web_lead_country_codes[1]"},
		{"country code twice", func(c *Clinic) { c.WebLeadCountryCodes = []string{"44", "44"} }, "web_lead_country_codes[1]"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := boundsBase()
			tc.edit(&c)
			fields := FieldErrors(c.Validate())
			if fields[tc.field] == "" {
				t.Fatalf("field errors %v do not name %s", fields, tc.field)
			}
			// The same through the settings API's decoder.
			b, err := json.Marshal(c)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := DecodeSettings(b); FieldErrors(err)[tc.field] == "" {
				t.Errorf("DecodeSettings: %v does not name %s", err, tc.field)
			}
		})
	}
}

// The bounds are inclusive, and a deposit may exceed a price per unit.
func TestValidateBoundsAtTheLimits(t *testing.T) {
	c := boundsBase()
	c.Name = strings.Repeat("é", MaxNameLen)
	c.HoldMinutes, c.LeadTimeMinutes, c.CancellationWindowHours = 1440, 43200, 720
	c.Services[0].DurationMinutes = 600
	c.Services[0].DepositCents = MaxDepositCents // $10,000 against $12 per unit
	c.Services[1].PriceCents, c.Services[1].DepositCents = MaxPriceCents, MaxDepositCents
	c.WebLeadCountryCodes = []string{"44", "52", "353"}
	for len(c.Services) < MaxServices {
		i := len(c.Services)
		c.Services = append(c.Services, Service{ID: fmt.Sprintf("s%d", i), Name: fmt.Sprintf("Service %d", i), DurationMinutes: 30})
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
}

// The clinics the demo and the lead simulator ship validate under the
// bounds.
func TestShippedClinicFilesValidate(t *testing.T) {
	for _, path := range []string{"demo/clinics.yaml", "../../cmd/medspa/internal/leadsim/clinics.yaml"} {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Parse(path, data); err != nil {
			t.Errorf("%s: %v", path, err)
		}
	}
}

func TestAcceptsWebLeadNumber(t *testing.T) {
	c := boundsBase()
	for n, want := range map[string]bool{
		"+13125550123":  true,
		"+14165550123":  true,  // Toronto
		"+18765550123":  false, // Jamaica shares +1
		"+442071838750": false,
		"+88216123456":  false,
	} {
		if got := c.AcceptsWebLeadNumber(n); got != want {
			t.Errorf("%s: %v, want %v", n, got, want)
		}
	}
	c.WebLeadCountryCodes = []string{"44"}
	if !c.AcceptsWebLeadNumber("+442071838750") || c.AcceptsWebLeadNumber("+353861234567") {
		t.Error("a listed country code is not accepted, or an unlisted one is")
	}
}
