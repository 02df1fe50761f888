// Package extension holds Allmende's recorder, a Chrome extension written
// in plain JavaScript (this folder is the unpacked extension Chromium
// loads), for the Go code that needs it: the capture script the recorder
// and the replay engine share (OutlineJS), and the whole extension, so that
// `allmende record` can load it into Chromium from a binary built anywhere
// (Unpack), and the list of sensitive sites the server checks uploads
// against (SensitiveSitesJSON).
package extension

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// OutlineJS is outline.js: evaluated in a page (best in an isolated world,
// where the page's scripts cannot reach it) it defines and evaluates to
// globalThis.__allmendeOutline, whose capture() reads the page's outline
// and describe(el) one element, in the form of internal/recording's
// Outline and Node.
//
//go:embed outline.js
var OutlineJS string

// SensitiveSitesJSON is sensitive-sites.json, the shipped list of sites
// where the recorder refuses to record; the server checks uploads against
// it again (internal/recording.CheckSites).
//
//go:embed sensitive-sites.json
var SensitiveSitesJSON []byte

// PrivacyFiles are the redaction module that cmd/privacywasm builds from
// internal/privacy and Go's loader script for it; the server's pages serve
// these same files under /static/.
var PrivacyFiles = []string{"privacy.wasm.gz", "wasm_exec.js"}

// Files is the extension as Chromium loads it.
func Files() fs.FS { return files }

// files is the extension as Chromium loads it. Go sources are not part of
// it.
//
//go:embed manifest.json *.js *.html *.css sensitive-sites.json privacy.wasm.gz icons
var files embed.FS

// Unpack writes the extension into dir (which must exist), ready for
// Chromium's --load-extension.
func Unpack(dir string) error {
	return fs.WalkDir(files, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		target := filepath.Join(dir, filepath.FromSlash(path))
		if d.IsDir() {
			if path == "." {
				return nil
			}
			return os.MkdirAll(target, 0o755)
		}
		data, err := files.ReadFile(path)
		if err != nil {
			return err
		}
		if err := os.WriteFile(target, data, 0o644); err != nil {
			return fmt.Errorf("unpacking the extension: %w", err)
		}
		return nil
	})
}

// UnpackGranting is Unpack for a browser that automation drives, with
// hosts (match patterns such as "<all_urls>" or "http://127.0.0.1/*")
// granted in the manifest as host_permissions. The shipped manifest
// grants no site: a member allows each site from the popup when they
// start recording there (optional_host_permissions), a click no program
// can make in headless Chromium, whose permission prompt has no window.
// The recorder and the tests, in a browser profile of their own, grant
// the sites they record instead.
func UnpackGranting(dir string, hosts []string) error {
	if err := Unpack(dir); err != nil {
		return err
	}
	path := filepath.Join(dir, "manifest.json")
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var manifest map[string]any
	if err := json.Unmarshal(raw, &manifest); err != nil {
		return fmt.Errorf("the extension's manifest: %w", err)
	}
	if len(hosts) > 0 {
		manifest["host_permissions"] = hosts
	} else {
		delete(manifest, "host_permissions") // null is not a list: Chromium would refuse the manifest
	}
	out, err := json.MarshalIndent(manifest, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, out, 0o644)
}
