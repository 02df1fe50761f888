package practice

import "strings"

// The suite's own values. Some carry what a learned program must keep
// intact: apostrophes, accents, a right-to-left name, an emoji.
var (
	firstNames = []string{"Ada", "Grace", "Alan", "Edsger", "Barbara", "Ken", "Margaret", "Donald", "Frances", "Niklaus", "Radia", "Tim", "Sophie", "Leslie", "Hedy", "Karen", "Zoë", "José", "Aoife", "Chidi", "Mei", "Olu", "Ingrid", "Tariq"}
	lastNames  = []string{"Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Thompson", "Hamilton", "Knuth", "Allen", "Wirth", "Perlman", "Lee", "Wilson", "Lamport", "Lamarr", "Spärck", "O'Brien", "Núñez", "Okafor", "Zhang", "Adeyemi", "Berg", "Haddad"}
	fruits     = []string{"apples", "pears", "figs", "plums", "cherries", "lemons", "grapes", "mangoes", "kiwis", "peaches", "apricots", "dates", "limes", "melons", "quinces", "raspberries"}
	cities     = []string{"Amsterdam", "Bergen", "Bologna", "Cork", "Dresden", "Gdańsk", "Ghent", "Graz", "Kraków", "Leeds", "Lille", "Lyon", "Malmö", "Nantes", "Porto", "Riga", "Seville", "Tampere", "Turin", "Utrecht", "Valencia", "Vilnius", "Zaragoza", "Zürich"}
	countries  = []string{"Austria", "Belgium", "Chile", "Denmark", "Estonia", "Finland", "Ghana", "Iceland", "Ireland", "Japan", "Kenya", "Latvia", "Mexico", "Nepal", "Norway", "Peru", "Portugal", "Senegal", "Slovenia", "Uruguay"}
	topics     = []string{"Invoice", "Meeting", "Report", "Holiday", "Budget", "Workshop", "Delivery", "Survey", "Contract", "Newsletter", "Training", "Election"}
	words      = []string{"harbour", "meadow", "lantern", "orchard", "compass", "pebble", "thistle", "willow", "granite", "saffron", "juniper", "falcon", "ember", "glacier", "tundra", "canyon", "marble", "cobalt"}
	rtlNames   = []string{"נועה כהן", "ليلى حداد"}
	emojiNotes = []string{"Thanks 🙏", "See you soon 🌻", "Great work 🎉"}
	months     = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
)

// title is s with its first letter in upper case.
func title(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
