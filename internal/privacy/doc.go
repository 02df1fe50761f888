// Package privacy finds personal data in free text, replaces it with typed
// placeholders before a contribution is stored, and generalises tabular
// datasets to k-anonymity before they are exported.
//
// # Detection
//
// [Scan] reports spans of personal data with a type and a score in [0,1].
// The types carry the entity names of Microsoft Presidio's analyzer
// (PERSON, EMAIL_ADDRESS, PHONE_NUMBER, CREDIT_CARD, IBAN_CODE, IP_ADDRESS,
// URL, US_SSN, US_PASSPORT, DE_TAX_ID, DE_PASSPORT, DATE_TIME, LOCATION), so
// that results can be compared with, or merged into, a Presidio pipeline; two
// types have no Presidio counterpart and are named in the same style:
// STREET_ADDRESS and PASSPORT (a passport-like number of another country).
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
// Names, street addresses, places and dates of birth have no checksum. They
// are found only next to the words that announce them: a title (Mr, Dr,
// Herr, Frau), an introduction ("my name is", "ich heiße"), a salutation
// ("Dear", "Hallo"), a sign-off ("Best regards"), an address (a house number
// beside a street word) or a birth ("born", "geboren", "DOB"). A capitalised
// word without such a context is never reported: the package favours
// precision on the free text members write over the recall of a trained
// named-entity model.
//
// Speed comes from a single pass over the text that stops only at anchors
// (a digit, '@', "://", an upper-case letter that starts an IBAN, a keyword
// from a fixed table) and runs the matching validator there. Regular
// expressions are not used.
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
