package annotation

import (
	"strings"
	"testing"
)

func TestCleanFileName(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"a.jpg", "a.jpg"},
		{"train/a.jpg", "train/a.jpg"},
		{`..\..\x.jpg`, "x.jpg"},
		{"../../y.jpg", "y.jpg"},
		{`C:\Users\ada\z.jpg`, "Users/ada/z.jpg"},
		{"c:z.jpg", "z.jpg"},
		{"/etc/passwd", "etc/passwd"},
		{`\\server\share\w.jpg`, "server/share/w.jpg"},
		{"a/./b//c.jpg", "a/b/c.jpg"},
		{"a/../b.jpg", "b.jpg"},
		{`a\..\..\..\b.jpg`, "b.jpg"},
		{"..", ""},
		{`C:\`, ""},
		{"", ""},
	} {
		if got := CleanFileName(tt.in); got != tt.want {
			t.Errorf("CleanFileName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := BaseName(`C:\photos\..\x.jpg`); got != "x.jpg" {
		t.Errorf("BaseName = %q", got)
	}
}

// TestImportsCleanFileNames: a COCO or Label Studio file naming its images
// "..\..\x.jpg" or "../../y.jpg" is read with names that stay in their
// folder, and the COCO import says so.
func TestImportsCleanFileNames(t *testing.T) {
	imp, err := ImportCOCO(strings.NewReader(`{"images":[{"id":1,"file_name":"..\\..\\x.jpg","width":4,"height":4},{"id":2,"file_name":"../../y.jpg","width":4,"height":4}],"categories":[]}`))
	if err != nil {
		t.Fatal(err)
	}
	if imp.Images[0].FileName != "x.jpg" || imp.Images[1].FileName != "y.jpg" || len(imp.Warnings) != 2 {
		t.Fatalf("images %+v, warnings %v", imp.Images, imp.Warnings)
	}
	ls, err := ImportLabelStudio(strings.NewReader(`[{"id":1,"data":{"image":"..\\..\\x.jpg"}},{"id":2,"data":{"image":"https://example.org/a/..%5C..%5Cy.jpg"}}]`))
	if err != nil {
		t.Fatal(err)
	}
	if ls.Images[0].FileName != "x.jpg" || ls.Images[1].FileName != "y.jpg" {
		t.Fatalf("images %+v", ls.Images)
	}
}

// FuzzCleanFileName: whatever name comes in, what comes out stays under
// its folder on every system, and cleaning it again changes nothing.
func FuzzCleanFileName(f *testing.F) {
	for _, s := range []string{`..\..\x.jpg`, "../../y.jpg", `C:\a`, "//x", "a/./b", "\x00", "é/ü.jpg"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		c := CleanFileName(name)
		if c == "" {
			return
		}
		if CleanFileName(c) != c || !IsLocalEntry(c) || strings.Contains(c, `\`) || strings.HasPrefix(c, "/") {
			t.Fatalf("CleanFileName(%q) = %q is not a local path", name, c)
		}
		for _, el := range strings.Split(c, "/") {
			if el == ".." || el == "." || el == "" {
				t.Fatalf("CleanFileName(%q) = %q has element %q", name, c, el)
			}
		}
		if len(c) >= 2 && c[1] == ':' && (c[0]|0x20 >= 'a' && c[0]|0x20 <= 'z') {
			t.Fatalf("CleanFileName(%q) = %q starts with a drive", name, c)
		}
	})
}
