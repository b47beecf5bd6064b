package telnyx

// EntityTypes are the brand entity types The Campaign Registry knows.
var EntityTypes = []string{"PRIVATE_PROFIT", "PUBLIC_PROFIT", "NON_PROFIT", "GOVERNMENT", "SOLE_PROPRIETOR"}

// Verticals are the brand verticals of The Campaign Registry (Telnyx's
// GET /v2/10dlc/enum/vertical).
var Verticals = []string{
	"REAL_ESTATE", "HEALTHCARE", "ENERGY", "ENTERTAINMENT", "RETAIL", "AGRICULTURE",
	"INSURANCE", "EDUCATION", "HOSPITALITY", "FINANCIAL", "GAMBLING", "CONSTRUCTION",
	"NGO", "MANUFACTURING", "GOVERNMENT", "TECHNOLOGY", "COMMUNICATION",
	"PROFESSIONAL", "HUMAN_RESOURCES", "LEGAL", "POLITICAL", "POSTAL", "TRANSPORTATION",
}

// StandardUseCases are the standard campaign use cases of The Campaign
// Registry; MIXED and LOW_VOLUME campaigns list 2 to 5 others of them as
// sub use cases.
var StandardUseCases = []string{
	"2FA", "ACCOUNT_NOTIFICATION", "CUSTOMER_CARE", "DELIVERY_NOTIFICATION", "FRAUD_ALERT",
	"HIGHER_EDUCATION", "LOW_VOLUME", "MARKETING", "MIXED", "POLLING_VOTING",
	"PUBLIC_SERVICE_ANNOUNCEMENT", "SECURITY_ALERT",
}

// SpecialUseCases are the use cases a brand must be qualified for.
var SpecialUseCases = []string{
	"AGENTS_FRANCHISES", "CARRIER_EXEMPT", "CHARITY", "EMERGENCY", "K12_EDUCATION",
	"POLITICAL", "PROXY", "SOCIAL", "SOLE_PROPRIETOR", "SWEEPSTAKE", "UCAAS_HIGH", "UCAAS_LOW",
}

// UseCases are every campaign use case: standard and special.
var UseCases = append(append([]string(nil), StandardUseCases...), SpecialUseCases...)

// StockExchanges are the exchanges a PUBLIC_PROFIT brand may list.
var StockExchanges = []string{"NONE", "NASDAQ", "NYSE", "AMEX", "AMX", "ASX", "B3", "BME", "BSE", "FRA", "ICEX", "JPX", "JSE", "KRX", "LON", "NSE", "OMX", "SEHK", "SSE", "STO", "SWX", "SZSE", "TSX", "TWSE", "VSE"}

// Known reports whether v is one of list.
func Known(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
