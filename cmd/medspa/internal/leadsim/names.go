package leadsim

import "strings"

// names are the personas' names, written as people write their own: bare
// first names, hyphens and apostrophes, initials, accents and other scripts.
var names = []string{
	"Dana Whitfield", "Priya", "Jen O'Brien", "Sarah-Jane Cole", "Olivia M.", "Zoë", "José Martinez",
	"李娜", "Marcus Bell", "Tom", "Aaliyah Johnson", "Mei Chen", "Siobhan Kelly", "Fatima Al-Sayed",
	"Ana Lúcia Souza", "Kateryna Shevchenko", "Grace", "Lauren Kim", "Maria Garcia", "Jessica Taylor",
	"Ashley", "Brittany R.", "Emily Rose Carter", "Chloé Dubois", "Hannah Müller", "Yuki Tanaka",
	"Ngozi Okafor", "Mackenzie", "Destiny Brooks", "Camila Reyes", "Rachel", "Tiffany Nguyen",
	"Renée Lambert", "Светлана Иванова", "김민지", "D'Andra Wells", "Mary Ellen O'Neill", "Kim",
	"Jordan Lee", "Anh Tran", "Zoë Park-Hughes", "Lupita", "Bea", "Jo", "Nadia El Amrani",
}

// relations are who a persona books for when it is not for themselves.
var relations = []string{"mom", "mother", "sister", "daughter", "wife", "husband", "friend", "aunt", "grandma", "son", "boyfriend"}

// firstName is the first word of a name.
func firstName(name string) string {
	if i := strings.IndexByte(name, ' '); i > 0 {
		return name[:i]
	}
	return name
}
