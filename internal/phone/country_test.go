package phone

import "testing"

func TestCountryCode(t *testing.T) {
	for in, want := range map[string]string{
		"+13125550123":  "1",
		"+442071838750": "44",
		"+353861234567": "353",
		"+74951234567":  "7",
		"+88216123456":  "882",
		"3125550123":    "",
		"":              "",
	} {
		if got := CountryCode(in); got != want {
			t.Errorf("CountryCode(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestIsCountryCode(t *testing.T) {
	for _, cc := range []string{"1", "7", "44", "52", "353", "971"} {
		if !IsCountryCode(cc) {
			t.Errorf("IsCountryCode(%q) = false", cc)
		}
	}
	for _, cc := range []string{"", "0", "01", "4", "441", "1234", "+44", "4a", "882", "881", "979", "800"} {
		if IsCountryCode(cc) {
			t.Errorf("IsCountryCode(%q) = true", cc)
		}
	}
}

func TestUSOrCanada(t *testing.T) {
	for _, n := range []string{"+13125550123", "+14165550123", "+17875550123", "+16045550123"} {
		if !USOrCanada(n) {
			t.Errorf("USOrCanada(%q) = false", n)
		}
	}
	for _, n := range []string{"+18765550123", "+18095550123", "+14415550123", "+442071838750", "+88216123456", "+1312555012"} {
		if USOrCanada(n) {
			t.Errorf("USOrCanada(%q) = true", n)
		}
	}
}
