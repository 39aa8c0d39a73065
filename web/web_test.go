package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

// site is the embedded site with a stand-in engine.
func site() fs.FS {
	engine := fstest.MapFS{
		"main.wasm":    {Data: append([]byte("\x00asm\x01\x00\x00\x00"), bytes.Repeat([]byte{0}, 4096)...)},
		"wasm_exec.js": {Data: []byte("// wasm_exec.js\n")},
	}
	return overlay{Files(), engine}
}

func TestHandler(t *testing.T) {
	srv := httptest.NewServer(Handler(site()))
	defer srv.Close()
	for _, tc := range []struct{ path, ctype, encoding string }{
		{"/", "text/html; charset=utf-8", "gzip"},
		{"/app.js", "text/javascript; charset=utf-8", "gzip"},
		{"/engine/main.wasm", "application/wasm", "gzip"},
		{"/katex/fonts/KaTeX_Main-Regular.woff2", "font/woff2", ""},
	} {
		req, _ := http.NewRequest("GET", srv.URL+tc.path, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != tc.ctype || resp.Header.Get("Content-Encoding") != tc.encoding {
			t.Errorf("%s: %d %q %q", tc.path, resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Encoding"))
		}
		if resp.Header.Get("Content-Security-Policy") != ContentSecurityPolicy {
			t.Errorf("%s: no Content-Security-Policy", tc.path)
		}
		if tc.encoding == "gzip" {
			zr, err := gzip.NewReader(bytes.NewReader(body))
			if err != nil {
				t.Fatalf("%s: %v", tc.path, err)
			}
			plain, _ := io.ReadAll(zr)
			want, _ := fs.ReadFile(site(), strings.TrimPrefix(map[string]string{"/": "/index.html"}[tc.path]+tc.path, "/"))
			if tc.path == "/" {
				want, _ = fs.ReadFile(site(), "index.html")
			}
			if !bytes.Equal(plain, want) {
				t.Errorf("%s: the gzip body is not the file", tc.path)
			}
		}
	}
	resp, err := http.Get(srv.URL + "/nosuchfile")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Errorf("missing file: %d", resp.StatusCode)
	}
}

func TestExport(t *testing.T) {
	dir := t.TempDir()
	if err := Export(site(), dir); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"index.html", "index.html.gz", "worker.js", "engine/main.wasm", "engine/main.wasm.gz", "katex/katex.min.css"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Error(err)
		}
	}
	if err := Export(Files(), t.TempDir()); err == nil && !HasEngine(Files()) {
		t.Error("Export of a site without the engine did not fail")
	}
}

// TestKaTeXCopy checks that web/static/katex is the KaTeX that tools/katex
// pins (scripts/web-katex.sh makes it), byte for byte.
func TestKaTeXCopy(t *testing.T) {
	src := "../tools/katex/node_modules/katex"
	if _, err := os.Stat(src); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("tools/katex is not installed (scripts/katex-setup.sh)")
		}
		t.Skip("tools/katex is not installed: run scripts/katex-setup.sh")
	}
	same := func(a, b string) {
		x, err1 := os.ReadFile(a)
		y, err2 := fs.ReadFile(Files(), b)
		if err1 != nil || err2 != nil || !bytes.Equal(x, y) {
			t.Errorf("web/static/%s differs from %s (%v %v): run scripts/web-katex.sh", b, a, err1, err2)
		}
	}
	same(src+"/dist/katex.min.js", "katex/katex.min.js")
	same(src+"/LICENSE", "katex/LICENSE")
	fonts, _ := filepath.Glob(src + "/dist/fonts/*.woff2")
	if len(fonts) == 0 {
		t.Fatal("no woff2 fonts in the KaTeX package")
	}
	for _, f := range fonts {
		same(f, "katex/fonts/"+filepath.Base(f))
	}
	css, _ := fs.ReadFile(Files(), "katex/katex.min.css")
	for _, f := range fonts {
		if !bytes.Contains(css, []byte("fonts/"+filepath.Base(f))) {
			t.Errorf("katex.min.css does not name %s", filepath.Base(f))
		}
	}
}

func TestModuleRoot(t *testing.T) {
	root := ModuleRoot(".")
	if root == "" || ModuleRoot(filepath.Join(root, "web", "engine")) != root {
		t.Errorf("ModuleRoot(.) = %q", root)
	}
	if r := ModuleRoot(t.TempDir()); r != "" {
		t.Errorf("ModuleRoot of a temporary folder = %q", r)
	}
}
