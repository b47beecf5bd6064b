package clinic

import (
	"testing"
)

func TestDecodeSettingsRoundTrip(t *testing.T) {
	for _, c := range Demo() {
		b, err := EncodeSettings(c)
		if err != nil {
			t.Fatal(err)
		}
		got, err := DecodeSettings(b)
		if err != nil {
			t.Fatalf("%s: %v", c.ID, err)
		}
		again, _ := EncodeSettings(got)
		if string(again) != string(b) {
			t.Errorf("%s: round trip changed the settings:\n%s\n%s", c.ID, b, again)
		}
	}
}

func TestDecodeSettingsRefuses(t *testing.T) {
	cases := map[string]struct {
		json  string
		field string // the FieldErrors key expected, "" for a parse error
	}{
		"unknown field":  {`{"id":"a","colour":"red"}`, ""},
		"trailing data":  {`{"id":"a"} {}`, ""},
		"not an object":  {`[1]`, ""},
		"no numbers":     {`{"id":"a","name":"A","timezone":"America/Chicago"}`, "phone_numbers"},
		"bad zone":       {`{"id":"a","name":"A","timezone":"Mars/Base","phone_numbers":["+13125550100"]}`, "timezone"},
		"bad hours":      {`{"id":"a","name":"A","timezone":"UTC","phone_numbers":["+13125550100"],"hours":{"mon":"9-5"}}`, "hours.mon"},
		"http review":    {`{"id":"a","name":"A","timezone":"UTC","phone_numbers":["+13125550100"],"review_link":"http://x.test/r"}`, "review_link"},
		"negative price": {`{"id":"a","name":"A","timezone":"UTC","phone_numbers":["+13125550100"],"services":[{"id":"s","name":"S","duration_minutes":30,"price_cents":-1}]}`, "services[s].price_cents"},
	}
	for name, tc := range cases {
		_, err := DecodeSettings([]byte(tc.json))
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		fields := FieldErrors(err)
		if tc.field == "" && fields != nil {
			t.Errorf("%s: field errors %v for a parse error", name, fields)
		}
		if tc.field != "" && fields[tc.field] == "" {
			t.Errorf("%s: field errors %v do not name %s (%v)", name, fields, tc.field, err)
		}
	}
}
