package ui

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"sort"
)

//go:embed static
var embedded embed.FS

// staticFiles are the embedded screens, and catalog.js, the message
// catalogue made by the server. Pages name their assets under
// /s/VERSION/, where VERSION is a hash of every file, so a new build is
// never mixed with a cached old one (cache busting); assets are cached
// for good, pages never.
type staticFiles struct {
	files   map[string][]byte
	version string
}

func loadStatic(catalogJS []byte) *staticFiles {
	sub, err := fs.Sub(embedded, "static")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	st := &staticFiles{files: map[string][]byte{}}
	var names []string
	fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, rerr := fs.ReadFile(sub, p)
			if rerr == nil {
				st.files[p] = b
				names = append(names, p)
			}
		}
		return nil
	})
	st.files["catalog.js"] = catalogJS // made from ui/catalog, part of the version
	names = append(names, "catalog.js")
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		h.Write([]byte(n))
		h.Write(st.files[n])
	}
	st.version = hex.EncodeToString(h.Sum(nil))[:12]
	for _, n := range names {
		if path.Ext(n) == ".html" {
			st.files[n] = bytes.ReplaceAll(st.files[n], []byte("{{V}}"), []byte(st.version))
		}
	}
	return st
}

// page serves an HTML page, never cached.
func (st *staticFiles) page(name string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("Content-Security-Policy", "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'")
		w.Header().Set("X-Frame-Options", "DENY")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Write(st.files[name])
	}
}

// serveAsset serves /s/VERSION/FILE: immutable when VERSION is this build's.
func (st *staticFiles) serveAsset(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	b, ok := st.files[name]
	if !ok || path.Ext(name) == ".html" {
		http.NotFound(w, r)
		return
	}
	ct := mime.TypeByExtension(path.Ext(name))
	if path.Ext(name) == ".js" {
		ct = "text/javascript; charset=utf-8"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("X-Content-Type-Options", "nosniff") // a browser must not run an asset as another type
	if r.PathValue("version") == st.version {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	w.Write(b)
}
