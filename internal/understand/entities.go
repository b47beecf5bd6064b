package understand

import "strconv"

// Entities lists what an understanding found, keyed by entity kind (name,
// service, when, option, patient), in the terms of the labelled set
// (testdata/nlu_labelled.tsv) that the accuracy test and `medspa eval`
// score against.
func (u Understanding) Entities() map[string]string {
	e := map[string]string{}
	if u.Name != "" {
		e["name"] = u.Name
	}
	if u.ServiceID != "" {
		e["service"] = u.ServiceID
	}
	if u.When != nil {
		e["when"] = u.When.String()
	}
	if u.Option > 0 {
		e["option"] = strconv.Itoa(u.Option)
	}
	if u.Patient != "" {
		e["patient"] = u.Patient
	}
	return e
}
