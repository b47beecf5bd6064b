package phone

import "strings"

// CountryCode returns the ITU country calling code of an E.164 number
// ("1" for +13125550123, "44" for +442071838750), or "" when s is not
// E.164. Country codes are prefix-free, so the number's first digits name
// exactly one.
func CountryCode(e164 string) string {
	if !Valid(e164) {
		return ""
	}
	return e164[1 : 1+countryCodeLen(e164[1:])]
}

// IsCountryCode reports whether cc is written as a country calling code:
// one to three digits, not starting with 0, of the length the numbering
// plan gives codes that start that way ("1", "7", "44", "353"; not "4",
// "441" or "0"). Codes of international services rather than countries
// (freephone 800 and 808, satellite and network codes 870, 878, 881, 882,
// 883, 888, premium 979) are refused: a text to them costs what the network
// charges and reaches no one in particular.
func IsCountryCode(cc string) bool {
	if cc == "" || len(cc) > 3 || cc[0] == '0' {
		return false
	}
	for i := 0; i < len(cc); i++ {
		if cc[i] < '0' || cc[i] > '9' {
			return false
		}
	}
	if countryCodeLen(cc+"00") != len(cc) {
		return false
	}
	return !serviceCodes[cc]
}

var serviceCodes = map[string]bool{"800": true, "808": true, "870": true, "878": true, "881": true, "882": true, "883": true, "888": true, "979": true}

// USOrCanada reports whether an E.164 number is a US (with its territories)
// or Canadian number: +1 with an area code that is not one of the other
// countries sharing the North American Numbering Plan (the Caribbean
// nations and Bermuda, whose numbers are international).
func USOrCanada(e164 string) bool {
	if CountryCode(e164) != "1" || len(e164) != 12 {
		return false
	}
	return !otherNANP[e164[2:5]]
}

// otherNANP are the area codes of the NANP members other than the United
// States and Canada.
var otherNANP = map[string]bool{}

func init() {
	for _, npa := range strings.Fields(`242 246 264 268 284 345 441 473 649 658 664 721
		758 767 784 809 829 849 868 869 876`) {
		otherNANP[npa] = true
	}
}
