package annotation

import (
	"io/fs"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"
)

// File names come from files people upload (a COCO file_name, a Label
// Studio data.image, a browser's upload) and end up as paths inside the
// archives a client downloads (labels/<name>.txt in a YOLO zip) and in the
// files other tools read (a COCO file_name joined to an image folder). A
// name such as "..\..\x.jpg" or "C:\Windows\x.jpg" is harmless to Go's
// slash-only path functions and escapes the folder on the machine that
// extracts it, since Windows, and most archive tools there, treat a
// backslash as a separator. So names are made safe once, when they come
// in, and checked again when they go out.

// CleanFileName makes name a relative slash-separated path that stays under
// whatever folder it is put in: both "/" and "\" separate, a drive letter
// ("C:") and leading separators go, "." elements and empty ones are
// dropped, ".." takes back the element before it and is dropped where
// there is none. It returns "" when nothing is left ("..", "C:\"). It does
// not judge the characters; checkFileName does.
func CleanFileName(name string) string {
	// Each round removes what it can see; what it leaves may show more
	// ("C:/D:/x" is "D:/x" after one), so clean until nothing changes.
	for {
		clean := cleanOnce(name)
		if clean == name {
			return clean
		}
		name = clean
	}
}

func cleanOnce(name string) string {
	name = strings.ReplaceAll(name, `\`, "/")
	if len(name) >= 2 && name[1] == ':' && ('a' <= name[0]|0x20 && name[0]|0x20 <= 'z') {
		name = name[2:]
	}
	var parts []string
	for p := range strings.SplitSeq(name, "/") {
		switch p {
		case "", ".":
		case "..":
			if len(parts) > 0 {
				parts = parts[:len(parts)-1]
			}
		default:
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, "/")
}

// BaseName is the last element of a file name under either separator, as
// CleanFileName reads it: the name under which an uploaded file is known.
func BaseName(name string) string {
	clean := CleanFileName(name)
	if clean == "" {
		return ""
	}
	return path.Base(clean)
}

// checkFileName reports why name cannot name a file in an archive, or "":
// it must be what CleanFileName makes of it, valid UTF-8, and free of
// control characters.
func checkFileName(name string) string {
	switch {
	case name == "":
		return "empty"
	case !fs.ValidPath(name) || name == "." || strings.Contains(name, `\`) || CleanFileName(name) != name:
		return `not a relative slash-separated path without "." or ".." elements`
	case !utf8.ValidString(name):
		return "not valid UTF-8"
	case strings.ContainsFunc(name, unicode.IsControl):
		return "contains a control character"
	}
	return ""
}

// IsLocalEntry reports whether name, as an archive entry, stays under the
// folder it is extracted to on any system: no separator of either kind at
// its start, no drive letter, and no "." or ".." element between either.
func IsLocalEntry(name string) bool {
	return name != "" && CleanFileName(name) == name
}

// FileNameProblem says why name, as cleaned by CleanFileName, cannot name
// a file in an archive, or "" if it can.
func FileNameProblem(name string) string { return checkFileName(CleanFileName(name)) }
