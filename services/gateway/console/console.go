// Package console serves the web console, a single-page application built from /web with Vite
// into dist/ and embedded at compile time (`make web` builds it; dist/ is not committed).
package console

import (
	"embed"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

//go:embed all:dist
var files embed.FS

// Index returns the console's index.html, or an error when the console is not built in.
func Index() ([]byte, error) {
	return fs.ReadFile(files, "dist/index.html")
}

// Handler serves the built console: files as they are (hashed assets cached for a year), and
// index.html for every other path, so the app's own routes survive a reload.
func Handler() http.Handler {
	dist, _ := fs.Sub(files, "dist")
	index, err := fs.ReadFile(dist, "index.html")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		if err != nil {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("The web console is not built into this binary: run `make web` (or `make run`) and rebuild.\n" +
				"The JSON API is at /api/ and the live statistics stream at /events/overview.\n"))
			return
		}
		name := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
		if name == "door" || strings.HasPrefix(name, "door/") {
			if r.URL.Path == "/door" { // the app's scope is /door/
				http.Redirect(w, r, "/door/", http.StatusMovedPermanently)
				return
			}
			serveDoor(w, r, dist, name)
			return
		}
		if name != "" && name != "index.html" {
			if st, err := fs.Stat(dist, name); err == nil && !st.IsDir() {
				if strings.HasPrefix(name, "assets/") {
					w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
				}
				http.ServeFileFS(w, r, dist, name)
				return
			}
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		_, _ = w.Write(index)
	})
}

// serveDoor serves the door app, its own small bundle built into dist/door: files as they are,
// and its index.html for every other path under /door/. The service worker and the manifest
// are revalidated on every load, so a new version reaches the doors at their next visit; the
// hashed assets (the QR decoder's WebAssembly among them) are cached for a year.
func serveDoor(w http.ResponseWriter, r *http.Request, dist fs.FS, name string) {
	if st, err := fs.Stat(dist, name); err == nil && !st.IsDir() {
		switch {
		case strings.HasPrefix(name, "door/assets/"):
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		default:
			w.Header().Set("Cache-Control", "no-cache")
		}
		if strings.HasSuffix(name, ".webmanifest") {
			w.Header().Set("Content-Type", "application/manifest+json")
		}
		http.ServeFileFS(w, r, dist, name)
		return
	}
	index, err := fs.ReadFile(dist, "door/index.html")
	if err != nil {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("The door app is not built into this binary: run `make web` (or `make run`) and rebuild.\n"))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write(index)
}
