package privacy

import "testing"

// The check-digit rules, tested on published examples and on the same
// numbers with one digit changed.

func TestLuhnAndIssuer(t *testing.T) {
	tests := []struct {
		number     string
		luhn, card bool
	}{
		{"4111111111111111", true, true},      // Visa test number
		{"4111111111111112", false, false},    // last digit changed
		{"5500000000000004", true, true},      // Mastercard
		{"2223003122003222", true, true},      // Mastercard 2-series
		{"378282246310005", true, true},       // American Express
		{"37828224631000", false, false},      // one digit short
		{"6011111111111117", true, true},      // Discover
		{"3530111333300000", true, true},      // JCB
		{"30569309025904", true, true},        // Diners Club
		{"1234567812345670", true, false},     // Luhn-valid, no issuer starts with 1
		{"9999999999999995", true, false},     // no issuer starts with 9
		{"4111111111111", false, false},       // 13 digits, Luhn fails
		{"4222222222222", true, true},         // Visa, 13 digits
		{"5105105105105100", true, true},      // Mastercard
		{"4000056655665556", true, true},      // Visa debit
		{"6200000000000005", true, true},      // UnionPay
		{"4111111111111111111", false, false}, // 19 digits, Luhn fails
	}
	for _, tt := range tests {
		d := []byte(tt.number)
		if got := luhn(d); got != tt.luhn {
			t.Errorf("luhn(%s) = %v, want %v", tt.number, got, tt.luhn)
		}
		if got := luhn(d) && issuer(d) && !allSame(d); got != tt.card {
			t.Errorf("card(%s) = %v, want %v", tt.number, got, tt.card)
		}
	}
}

func TestIBANChecksum(t *testing.T) {
	tests := []struct {
		iban string
		ok   bool
	}{
		{"DE89370400440532013000", true},
		{"DE89370400440532013001", false}, // last digit changed
		{"DE98370400440532013000", false}, // check digits swapped
		{"GB82WEST12345698765432", true},
		{"GB82WEST12345698765423", false}, // two digits transposed
		{"FR1420041010050500013M02606", true},
		{"NL91ABNA0417164300", true},
		{"CH9300762011623852957", true},
		{"NO9386011117947", true},
		{"MT84MALT011000012345MTLCAST001S", true},
		{"DE8937040044053201300", false},  // one character short for DE
		{"XX89370400440532013000", false}, // no such country
	}
	for _, tt := range tests {
		s := scanner{text: tt.iban}
		s.iban(0)
		if got := len(s.cands) == 1; got != tt.ok {
			t.Errorf("iban(%s) = %v, want %v", tt.iban, got, tt.ok)
		}
	}
}

func TestTaxID(t *testing.T) {
	tests := []struct {
		id string
		ok bool
	}{
		{"86095742719", true},
		{"65929970489", true},
		{"57549285017", true},
		{"12345678995", true},
		{"86095742718", false}, // check digit changed
		{"06095742719", false}, // leading zero
		{"12345678901", false}, // every digit once: no repeated digit
		{"11234567890", true},
		{"11234567891", false}, // check digit changed
		{"11123456789", false}, // a digit three times in a row
		{"11223456789", false}, // two repeated digits
		{"11111111111", false},
		{"1234567899", false}, // ten digits
	}
	for _, tt := range tests {
		if got := validTaxID([]byte(tt.id)); got != tt.ok {
			t.Errorf("validTaxID(%s) = %v, want %v", tt.id, got, tt.ok)
		}
	}
}

func TestSSN(t *testing.T) {
	tests := []struct {
		ssn string
		ok  bool
	}{
		{"536904399", true},
		{"000123456", false}, // area 000
		{"666123456", false}, // area 666
		{"912456789", false}, // area 9xx
		{"536004399", false}, // group 00
		{"536900000", false}, // serial 0000
		{"078051120", false}, // the Woolworth wallet number
		{"123456789", false}, // the usual example
		{"899991234", true},
	}
	for _, tt := range tests {
		if got := validSSN([]byte(tt.ssn)); got != tt.ok {
			t.Errorf("validSSN(%s) = %v, want %v", tt.ssn, got, tt.ok)
		}
	}
}

func TestPassportType(t *testing.T) {
	tests := []struct {
		number string
		typ    Type
	}{
		{"C01X00T41", DEPassport}, // ICAO check digit 1
		{"F20400481", DEPassport},
		{"C01X00T42", Passport},   // bad check digit: only passport-like
		{"912345678", USPassport}, // nine digits
		{"A12345678", USPassport}, // letter and eight digits
		{"X1234567", Passport},
		{"AB12", ""},        // too short
		{"ABCDEFGH1", ""},   // too few digits
		{"a12345678", ""},   // lower case
		{"12345678901", ""}, // too long
	}
	for _, tt := range tests {
		if typ, _ := passportType(tt.number); typ != tt.typ {
			t.Errorf("passportType(%s) = %q, want %q", tt.number, typ, tt.typ)
		}
	}
}

func TestGermanIDCard(t *testing.T) {
	for _, tt := range []struct {
		w    string
		want float64
	}{
		{"T220001293", scoreDEIDCard},  // the specimen card's number and check digit
		{"T220001294", 0},              // a wrong check digit
		{"T22000129", scoreDEIDSerial}, // the serial alone
		{"A22000129", 0},               // A is not in the alphabet
		{"TCFGHJK12", 0},               // too few digits
		{"T2200012", 0},                // too short
		{"t220001293", 0},              // lower case
	} {
		if got := germanIDCard(tt.w); got != tt.want {
			t.Errorf("germanIDCard(%q) = %v, want %v", tt.w, got, tt.want)
		}
	}
}

func TestValidDate(t *testing.T) {
	tests := []struct {
		d, m, y int
		ok      bool
	}{
		{29, 2, 1992, true},
		{29, 2, 1990, false},
		{29, 2, 2000, true},  // divisible by 400
		{29, 2, 1900, false}, // divisible by 100
		{31, 4, 1980, false},
		{31, 12, 1999, true},
		{1, 1, 1899, false},
		{0, 1, 1980, false},
		{1, 13, 1980, false},
	}
	for _, tt := range tests {
		if got := validDate(tt.d, tt.m, tt.y); got != tt.ok {
			t.Errorf("validDate(%d, %d, %d) = %v, want %v", tt.d, tt.m, tt.y, got, tt.ok)
		}
	}
}

func TestCountryCodeLen(t *testing.T) {
	tests := []struct {
		digits string
		want   int
	}{
		{"4930123", 2}, {"1555123", 1}, {"7495123", 1}, {"3531234", 3}, {"8801234", 3},
		{"2812345", 0}, // +28 is unassigned
		{"0123456", 0},
		{"49", 0}, // too short to tell
	}
	for _, tt := range tests {
		if got := countryCodeLen([]byte(tt.digits)); got != tt.want {
			t.Errorf("countryCodeLen(%s) = %d, want %d", tt.digits, got, tt.want)
		}
	}
}
