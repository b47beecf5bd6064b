package gateway

import (
	"fmt"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/medspa/engine/internal/phone"
	"github.com/medspa/engine/internal/safetext"
	"github.com/medspa/engine/internal/telnyx"
	"github.com/medspa/engine/messages"
)

// brandRequest is the JSON body of POST /admin/10dlc/brands.
type brandRequest struct {
	ClinicID      string `json:"clinic_id"`
	EntityType    string `json:"entity_type"`
	DisplayName   string `json:"display_name"`
	CompanyName   string `json:"company_name"`
	EIN           string `json:"ein"`
	Phone         string `json:"phone"`
	Street        string `json:"street"`
	City          string `json:"city"`
	State         string `json:"state"`
	PostalCode    string `json:"postal_code"`
	Country       string `json:"country"`
	Email         string `json:"email"`
	Website       string `json:"website"`
	Vertical      string `json:"vertical"`
	StockSymbol   string `json:"stock_symbol,omitempty"`
	StockExchange string `json:"stock_exchange,omitempty"`
}

var (
	einRE    = regexp.MustCompile(`^\d{2}-\d{7}$`)
	upper2RE = regexp.MustCompile(`^[A-Z]{2}$`)
	usZipRE  = regexp.MustCompile(`^\d{5}(-\d{4})?$`)
)

// Valid returns what is wrong with the request, field by field.
func (q brandRequest) Valid(time.Time) map[string]string {
	f := map[string]string{}
	checkClinicID(f, q.ClinicID)
	switch {
	case q.EntityType == "SOLE_PROPRIETOR":
		f["entity_type"] = "sole proprietor brands need an OTP verification this API does not do"
	case !telnyx.Known(telnyx.EntityTypes, q.EntityType):
		f["entity_type"] = "one of PRIVATE_PROFIT, PUBLIC_PROFIT, NON_PROFIT, GOVERNMENT"
	}
	lengthField(f, "display_name", q.DisplayName, 1, 255)
	lengthField(f, "company_name", q.CompanyName, 1, 255)
	if !einRE.MatchString(q.EIN) {
		f["ein"] = "required: the EIN as NN-NNNNNNN"
	}
	if _, err := phone.Normalize(q.Phone); err != nil {
		f["phone"] = "required: a phone number"
	}
	lengthField(f, "street", q.Street, 1, 100)
	lengthField(f, "city", q.City, 1, 100)
	if !upper2RE.MatchString(q.Country) {
		f["country"] = "required: an ISO 3166-1 alpha-2 code, e.g. US"
	}
	if q.Country == "US" {
		if !upper2RE.MatchString(q.State) {
			f["state"] = "required: the two-letter state code"
		}
		if !usZipRE.MatchString(q.PostalCode) {
			f["postal_code"] = "required: a ZIP code, NNNNN or NNNNN-NNNN"
		}
	} else {
		lengthField(f, "state", q.State, 1, 20)
		lengthField(f, "postal_code", q.PostalCode, 1, 10)
	}
	if a, err := mail.ParseAddress(q.Email); err != nil || a.Address != q.Email {
		f["email"] = "required: an email address"
	}
	if q.Website != "" && !httpURL(q.Website) {
		f["website"] = "an http or https URL"
	}
	if !telnyx.Known(telnyx.Verticals, q.Vertical) {
		f["vertical"] = "one of " + strings.Join(telnyx.Verticals, ", ")
	}
	if q.EntityType == "PUBLIC_PROFIT" {
		lengthField(f, "stock_symbol", q.StockSymbol, 1, 10)
		if !telnyx.Known(telnyx.StockExchanges, q.StockExchange) {
			f["stock_exchange"] = "required of a public company: one of " + strings.Join(telnyx.StockExchanges, ", ")
		}
	}
	return f
}

func (q brandRequest) telnyx() telnyx.Brand {
	number, _ := phone.Normalize(q.Phone)
	return telnyx.Brand{
		EntityType: q.EntityType, DisplayName: q.DisplayName, CompanyName: q.CompanyName, EIN: q.EIN,
		Phone: number, Street: q.Street, City: q.City, State: q.State, PostalCode: q.PostalCode,
		Country: q.Country, Email: q.Email, Website: q.Website, Vertical: q.Vertical,
		StockSymbol: q.StockSymbol, StockExchange: q.StockExchange,
	}
}

// campaignRequest is the JSON body of POST /admin/10dlc/campaigns: what
// The Campaign Registry requires of a campaign.
type campaignRequest struct {
	ClinicID               string   `json:"clinic_id"`
	BrandID                string   `json:"brand_id"`
	Usecase                string   `json:"usecase"`
	SubUsecases            []string `json:"sub_usecases,omitempty"`
	Description            string   `json:"description"`
	MessageFlow            string   `json:"message_flow"`
	SampleMessages         []string `json:"sample_messages"`
	OptInMessage           string   `json:"opt_in_message,omitempty"`
	OptOutMessage          string   `json:"opt_out_message"`
	HelpMessage            string   `json:"help_message"`
	OptInKeywords          []string `json:"opt_in_keywords,omitempty"`
	OptOutKeywords         []string `json:"opt_out_keywords"`
	HelpKeywords           []string `json:"help_keywords"`
	EmbeddedLink           bool     `json:"embedded_link"`
	EmbeddedPhone          bool     `json:"embedded_phone"`
	NumberPool             bool     `json:"number_pool"`
	AgeGated               bool     `json:"age_gated"`
	DirectLending          bool     `json:"direct_lending"`
	AffiliateMarketing     bool     `json:"affiliate_marketing"`
	TermsAndConditions     bool     `json:"terms_and_conditions"`
	PrivacyPolicyLink      string   `json:"privacy_policy_link,omitempty"`
	TermsAndConditionsLink string   `json:"terms_and_conditions_link,omitempty"`
}

// Limits of a campaign's texts, in characters.
const (
	minSampleLen = 20
	maxSampleLen = 1024
	maxSamples   = 5
)

var keywordRE = regexp.MustCompile(`^[A-Za-z0-9]{1,20}$`)

// Valid returns what is wrong with the request, field by field.
func (q campaignRequest) Valid(time.Time) map[string]string {
	f := map[string]string{}
	checkClinicID(f, q.ClinicID)
	lengthField(f, "brand_id", q.BrandID, 1, 100)
	if !telnyx.Known(telnyx.UseCases, q.Usecase) {
		f["usecase"] = "one of " + strings.Join(telnyx.UseCases, ", ")
	}
	if q.Usecase == "MIXED" || q.Usecase == "LOW_VOLUME" {
		ok := len(q.SubUsecases) >= 2 && len(q.SubUsecases) <= 5
		for _, s := range q.SubUsecases {
			ok = ok && telnyx.Known(telnyx.StandardUseCases, s) && s != "MIXED" && s != "LOW_VOLUME"
		}
		if !ok {
			f["sub_usecases"] = "2 to 5 standard use cases (not MIXED or LOW_VOLUME)"
		}
	} else if len(q.SubUsecases) > 0 {
		f["sub_usecases"] = "only for MIXED and LOW_VOLUME"
	}
	lengthField(f, "description", q.Description, 40, 4096)
	lengthField(f, "message_flow", q.MessageFlow, 40, 2048)
	switch n := len(q.SampleMessages); {
	case n < 1 || n > maxSamples:
		f["sample_messages"] = fmt.Sprintf("1 to %d sample messages", maxSamples)
	default:
		for i, s := range q.SampleMessages {
			if !lengthOK(s, minSampleLen, maxSampleLen) {
				f[fmt.Sprintf("sample_messages[%d]", i)] = fmt.Sprintf("%d to %d characters", minSampleLen, maxSampleLen)
			}
		}
	}
	if q.OptInMessage != "" {
		lengthField(f, "opt_in_message", q.OptInMessage, 20, 320)
	}
	lengthField(f, "opt_out_message", q.OptOutMessage, 20, 320)
	lengthField(f, "help_message", q.HelpMessage, 20, 320)
	keywordsField(f, "opt_in_keywords", q.OptInKeywords, "")
	keywordsField(f, "opt_out_keywords", q.OptOutKeywords, "STOP")
	keywordsField(f, "help_keywords", q.HelpKeywords, "HELP")
	if !q.TermsAndConditions {
		f["terms_and_conditions"] = "must be true: the brand accepts the 10DLC terms"
	}
	if q.PrivacyPolicyLink != "" && !httpURL(q.PrivacyPolicyLink) {
		f["privacy_policy_link"] = "an http or https URL"
	}
	if q.TermsAndConditionsLink != "" && !httpURL(q.TermsAndConditionsLink) {
		f["terms_and_conditions_link"] = "an http or https URL"
	}
	return f
}

// keywordsField checks a keyword list: letters and digits, no repeats, and
// must among them when set.
func keywordsField(f map[string]string, name string, kws []string, must string) {
	seen := map[string]bool{}
	for _, k := range kws {
		u := strings.ToUpper(k)
		if !keywordRE.MatchString(k) || seen[u] {
			f[name] = "letters and digits only, up to 20 each, no repeats"
			return
		}
		seen[u] = true
	}
	if must != "" && !seen[must] {
		f[name] = "must include " + must
	}
}

func (q campaignRequest) telnyx() telnyx.Campaign {
	s := make([]string, maxSamples)
	copy(s, q.SampleMessages)
	kw := func(k []string) string { return strings.ToUpper(strings.Join(k, ",")) }
	return telnyx.Campaign{
		BrandID: q.BrandID, Usecase: q.Usecase, SubUsecases: q.SubUsecases,
		Description: q.Description, MessageFlow: q.MessageFlow,
		Sample1: s[0], Sample2: s[1], Sample3: s[2], Sample4: s[3], Sample5: s[4],
		SubscriberOptin: len(q.OptInKeywords) > 0 || q.OptInMessage != "", SubscriberOptout: true, SubscriberHelp: true,
		OptinKeywords: kw(q.OptInKeywords), OptoutKeywords: kw(q.OptOutKeywords), HelpKeywords: kw(q.HelpKeywords),
		OptinMessage: q.OptInMessage, OptoutMessage: q.OptOutMessage, HelpMessage: q.HelpMessage,
		EmbeddedLink: q.EmbeddedLink, EmbeddedPhone: q.EmbeddedPhone, NumberPool: q.NumberPool,
		AgeGated: q.AgeGated, DirectLending: q.DirectLending, AffiliateMarketing: q.AffiliateMarketing,
		TermsAndConditions: q.TermsAndConditions, PrivacyPolicyLink: q.PrivacyPolicyLink,
		TermsAndConditionsLink: q.TermsAndConditionsLink,
	}
}

// hostedOrderRequest is the JSON body of POST /admin/hosted/orders.
type hostedOrderRequest struct {
	ClinicID           string   `json:"clinic_id"`
	PhoneNumbers       []string `json:"phone_numbers"`
	MessagingProfileID string   `json:"messaging_profile_id,omitempty"`
}

const maxHostedNumbers = 20

// Valid returns what is wrong with the request, field by field.
func (q hostedOrderRequest) Valid(time.Time) map[string]string {
	f := map[string]string{}
	checkClinicID(f, q.ClinicID)
	if n := len(q.PhoneNumbers); n < 1 || n > maxHostedNumbers {
		f["phone_numbers"] = fmt.Sprintf("1 to %d phone numbers", maxHostedNumbers)
	}
	seen := map[string]bool{}
	for i, p := range q.PhoneNumbers {
		n, err := phone.Normalize(p)
		switch {
		case err != nil:
			f[fmt.Sprintf("phone_numbers[%d]", i)] = "not a phone number"
		case seen[n]:
			f[fmt.Sprintf("phone_numbers[%d]", i)] = "listed twice"
		}
		seen[n] = true
	}
	if len(q.MessagingProfileID) > 100 {
		f["messaging_profile_id"] = "at most 100 characters"
	}
	return f
}

// numbers returns the order's numbers in E.164 (after Valid).
func (q hostedOrderRequest) numbers() []string {
	out := make([]string, len(q.PhoneNumbers))
	for i, p := range q.PhoneNumbers {
		out[i], _ = phone.Normalize(p)
	}
	return out
}

// sendRequest is the JSON body of POST /admin/messages:send.
type sendRequest struct {
	ClinicID string `json:"clinic_id"`
	To       string `json:"to"`
	Text     string `json:"text"`
	Purpose  string `json:"purpose"`
}

const maxSendText = 1600

// Valid returns what is wrong with the request, field by field; messages
// never repeat the values. The text is checked as it will be sent: without
// its control characters but newline and tab (safetext.Body).
func (q sendRequest) Valid(time.Time) map[string]string {
	f := map[string]string{}
	checkClinicID(f, q.ClinicID)
	if _, err := phone.Normalize(q.To); err != nil {
		f["to"] = "required: a phone number"
	}
	if text := safetext.Body(q.Text); strings.TrimSpace(text) == "" || !lengthOK(text, 1, maxSendText) {
		f["text"] = fmt.Sprintf("required: 1 to %d characters", maxSendText)
	}
	if q.Purpose != messages.StaffPurposeReply && q.Purpose != messages.StaffPurposeInitiated {
		f["purpose"] = "reply or initiated"
	}
	return f
}

// checkClinicID adds a field error when id cannot be a clinic id.
func checkClinicID(f map[string]string, id string) {
	if !messages.ValidToken(id) {
		f["clinic_id"] = "required: a clinic id"
	}
}

func lengthOK(s string, min, max int) bool {
	n := utf8.RuneCountInString(strings.TrimSpace(s))
	return utf8.ValidString(s) && n >= min && n <= max
}

func lengthField(f map[string]string, name, v string, min, max int) {
	if !lengthOK(v, min, max) {
		f[name] = fmt.Sprintf("required: %d to %d characters", min, max)
	}
}

func httpURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// telnyxOrder is the Telnyx order of a valid request, with the default
// messaging profile when it names none.
func telnyxOrder(q hostedOrderRequest, defaultProfile string) telnyx.HostedOrder {
	return telnyx.HostedOrder{PhoneNumbers: q.numbers(), MessagingProfileID: firstNonEmpty(q.MessagingProfileID, defaultProfile)}
}
