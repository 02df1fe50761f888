// Package privacy finds personal data in free text, replaces it with typed
// placeholders before a contribution is stored, and generalises tabular
// datasets to k-anonymity before they are exported.
//
// # Detection
//
// [Scan] reports spans of personal data with a type and a score in [0,1].
// The types carry the entity names of Microsoft Presidio's analyzer
// (PERSON, LOCATION, ORGANIZATION, DATE_TIME, EMAIL_ADDRESS, PHONE_NUMBER,
// CREDIT_CARD, IBAN_CODE, IP_ADDRESS, URL, US_SSN, US_PASSPORT, DE_TAX_ID,
// DE_PASSPORT), so that results can be compared with, or merged into, a
// Presidio pipeline; the others are named in the same style, after the
// labels of Presidio's synthetic evaluation data where it has them
// (STREET_ADDRESS, TITLE, AGE, ZIP_CODE, DOMAIN_NAME, DRIVER_LICENSE,
// DE_ID_CARD) and
// PASSPORT for a passport-like number of another country.
// Scoring follows Presidio's recognisers too: a pattern alone scores low, a
// pattern with a valid check digit scores high, and a context word near the
// match ("Tel.", "born", "IBAN", "Reisepass", …) raises the score.
//
// The validators implement the published rules: the Luhn check and issuer
// ranges for payment cards (ISO/IEC 7812), MOD 97-10 and the per-country
// length of the IBAN registry (ISO 13616, ISO 7064), ISO 7064 MOD 11,10 and
// the digit-repetition rule of the German tax identification number
// (Steuer-IdNr, § 139b AO), the ICAO Doc 9303 check digit of machine-readable
// passport numbers, the Social Security Administration's never-issued area,
// group and serial numbers, and RFC 3986 for URLs.
//
// Names, places and organisations have no checksum. Where a named-entity
// model would read them from the sentence, this package reads a run of
// capitalised words against gazetteers shipped in data/ (given names,
// surnames, GeoNames cities, countries in English and German, and the
// ordinary English and German words that tell a name from a noun; sources
// and licences in data/README.md) and against small grammars: a known given
// name followed by capitalised words is a person ("Nora Tester"); two
// capitalised words inside a sentence that are no ordinary words are a
// person ("Rico Kuvalis"); the longest run the city or country list holds is
// a place, and a place that is also a word ("Essen") only after "in",
// "aus", "from"; a legal form ("GmbH", "Inc.", "e.V.") or an institution
// word ("Bank", "Universität", "Hospital") makes an organisation. A title
// ("Dr.", "Frau"), an introduction ("my name is", "ich heiße"), a
// salutation ("Dear", "Hallo") or a sign-off ("Best regards") raises a
// name's score, and street addresses follow a grammar of house numbers and
// street words in English, German, French, Spanish and Italian. A
// capitalised German noun ("Haus", "Straße") or a word that starts a
// sentence is never a name by itself.
//
// The gazetteers are parsed on the first scan (a few hundred milliseconds,
// an 8 MB table), not when the package is initialised.
//
// Speed comes from a single pass over the text that stops only at anchors
// (a digit, '@', "://", an upper-case letter, a keyword from a fixed
// table) and runs the matching detector there. Regular expressions are not
// used.
//
// Overlapping findings are resolved deterministically: the higher score
// wins, then the longer span, then the earlier one.
//
// # Redaction
//
// [Redact] replaces every span at or above a minimum score with the
// placeholder "<TYPE>" (Presidio's default "replace" operator), and returns
// the list of what it replaced, with offsets into the original text, so that
// a member can preview the result before the contribution is stored.
// Redaction is idempotent: placeholders are never detected again.
//
// # k-anonymity
//
// [Anonymize] implements Mondrian multidimensional k-anonymity: K. LeFevre,
// D. J. DeWitt and R. Ramakrishnan, "Mondrian Multidimensional
// K-Anonymity", ICDE 2006. [IsKAnonymous] checks the property.
package privacy
