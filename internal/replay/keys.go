package replay

import "fmt"

// keyDef describes a key of a US keyboard as the DevTools protocol wants
// it: the KeyboardEvent.key and code, the Windows virtual key code, the text
// it types and where it sits. Puppeteer's USKeyboardLayout holds the same
// facts.
type keyDef struct {
	key      string
	code     string
	keyCode  int64
	text     string
	location int64  // 1 left, 2 right, 3 numpad
	shifted  string // the key value with Shift held, for printable keys
}

// Modifier bits of Input.dispatchKeyEvent and Input.dispatchMouseEvent.
const (
	modAlt   = 1
	modCtrl  = 2
	modMeta  = 4
	modShift = 8
)

var keys = buildKeys()

func buildKeys() map[string]keyDef {
	m := map[string]keyDef{}
	add := func(k keyDef) {
		if _, ok := m[k.key]; !ok {
			m[k.key] = k
		}
	}
	for c := 'a'; c <= 'z'; c++ {
		upper := string(c - 'a' + 'A')
		code := "Key" + upper
		kc := int64(c - 'a' + 'A')
		add(keyDef{key: string(c), code: code, keyCode: kc, text: string(c), shifted: upper})
		add(keyDef{key: upper, code: code, keyCode: kc, text: upper, shifted: upper})
	}
	digitsShifted := ")!@#$%^&*("
	for d := '0'; d <= '9'; d++ {
		add(keyDef{key: string(d), code: "Digit" + string(d), keyCode: int64(d), text: string(d), shifted: string(digitsShifted[d-'0'])})
	}
	for i, s := range digitsShifted {
		d := rune('0' + i)
		add(keyDef{key: string(s), code: "Digit" + string(d), keyCode: int64(d), text: string(s), shifted: string(s)})
	}
	for _, p := range []struct {
		plain, shifted string
		code           string
		keyCode        int64
	}{
		{";", ":", "Semicolon", 186}, {"=", "+", "Equal", 187}, {",", "<", "Comma", 188},
		{"-", "_", "Minus", 189}, {".", ">", "Period", 190}, {"/", "?", "Slash", 191},
		{"`", "~", "Backquote", 192}, {"[", "{", "BracketLeft", 219}, {"\\", "|", "Backslash", 220},
		{"]", "}", "BracketRight", 221}, {"'", "\"", "Quote", 222},
	} {
		add(keyDef{key: p.plain, code: p.code, keyCode: p.keyCode, text: p.plain, shifted: p.shifted})
		add(keyDef{key: p.shifted, code: p.code, keyCode: p.keyCode, text: p.shifted, shifted: p.shifted})
	}
	for _, k := range []keyDef{
		{key: " ", code: "Space", keyCode: 32, text: " "},
		{key: "Enter", code: "Enter", keyCode: 13, text: "\r"},
		{key: "Tab", code: "Tab", keyCode: 9},
		{key: "Backspace", code: "Backspace", keyCode: 8},
		{key: "Delete", code: "Delete", keyCode: 46},
		{key: "Escape", code: "Escape", keyCode: 27},
		{key: "Insert", code: "Insert", keyCode: 45},
		{key: "Home", code: "Home", keyCode: 36},
		{key: "End", code: "End", keyCode: 35},
		{key: "PageUp", code: "PageUp", keyCode: 33},
		{key: "PageDown", code: "PageDown", keyCode: 34},
		{key: "ArrowLeft", code: "ArrowLeft", keyCode: 37},
		{key: "ArrowUp", code: "ArrowUp", keyCode: 38},
		{key: "ArrowRight", code: "ArrowRight", keyCode: 39},
		{key: "ArrowDown", code: "ArrowDown", keyCode: 40},
		{key: "Shift", code: "ShiftLeft", keyCode: 16, location: 1},
		{key: "Control", code: "ControlLeft", keyCode: 17, location: 1},
		{key: "Alt", code: "AltLeft", keyCode: 18, location: 1},
		{key: "Meta", code: "MetaLeft", keyCode: 91, location: 1},
		{key: "CapsLock", code: "CapsLock", keyCode: 20},
		{key: "ContextMenu", code: "ContextMenu", keyCode: 93},
		{key: "Pause", code: "Pause", keyCode: 19},
		{key: "PrintScreen", code: "PrintScreen", keyCode: 44},
		{key: "ScrollLock", code: "ScrollLock", keyCode: 145},
		{key: "NumLock", code: "NumLock", keyCode: 144},
	} {
		add(k)
	}
	for i := 1; i <= 24; i++ {
		add(keyDef{key: fmt.Sprintf("F%d", i), code: fmt.Sprintf("F%d", i), keyCode: int64(111 + i)})
	}
	return m
}

// modifierBit returns the modifier bit a key sets while held, or 0.
func modifierBit(key string) int64 {
	switch key {
	case "Alt":
		return modAlt
	case "Control":
		return modCtrl
	case "Meta":
		return modMeta
	case "Shift":
		return modShift
	}
	return 0
}
