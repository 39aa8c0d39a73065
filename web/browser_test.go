//go:build unix

package web_test

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/network"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/matcalc/matcalc/web/engine"
)

var (
	screenshot = flag.String("screenshot", "", "write the page's screenshot (PNG) to this file, e.g. ../docs/playground.png")
	report     = flag.String("report", "", "write the measurements (JSON) to this file")
	reps       = flag.Int("reps", 15, "keystrokes timed per formula")
)

const (
	lecture = "uᵀf(Wx+b)"
	cs224n  = "-yᵀlog(softmax(U relu(Wx+b₁)+b₂))"
)

// chromium finds Debian's chromium. Without it the browser tests skip,
// except under CI=true, where they fail: CI installs it
// (scripts/web-chromium.sh, called by scripts/test.sh).
func chromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "no chromium on the PATH: install Debian's chromium (bash scripts/web-chromium.sh, or apt-get install chromium)"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// freshClone copies the files git tracks (as they are in the work tree)
// into a new folder: what a fresh clone holds, without anything built or
// installed (no engine, no node_modules).
func freshClone(t *testing.T) string {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("git", "-C", root, "ls-files", "-z").Output()
	if err != nil {
		t.Skipf("git ls-files: %v (the fresh-clone test needs git)", err)
	}
	dst := t.TempDir()
	for _, name := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		b, err := os.ReadFile(filepath.Join(root, name))
		if os.IsNotExist(err) {
			continue // deleted in the work tree
		}
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dst, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(filepath.Join(dst, "web", "static", "engine")); err == nil {
		t.Fatal("the engine is tracked by git: it must be built, not committed")
	}
	return dst
}

// serveFreshClone runs `go run ./cmd/matcalc serve --addr 127.0.0.1:0` in a
// fresh clone and returns the address it prints.
func serveFreshClone(t *testing.T) string {
	dir := freshClone(t)
	cmd := exec.Command("go", "run", "./cmd/matcalc", "serve", "--addr", "127.0.0.1:0")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "XDG_CACHE_HOME="+t.TempDir()) // the engine is built anew
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}         // to stop go run and its child
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGINT)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
	})
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	addr := regexp.MustCompile(`on (http://127\.0\.0\.1:\d+/)`)
	timeout := time.After(8 * time.Minute)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("matcalc serve stopped: %s", stderr.String())
			}
			if m := addr.FindStringSubmatch(l); m != nil {
				t.Logf("go run ./cmd/matcalc serve in a fresh clone: serving after %.1f s (%s)", time.Since(start).Seconds(), strings.TrimSpace(stderr.String()))
				go func() {
					for range lines {
					}
				}()
				return m[1]
			}
		case <-timeout:
			t.Fatalf("matcalc serve printed no address in 8 minutes: %s", stderr.String())
		}
	}
}

// proxy is the browser's HTTP proxy, for every request of the browser,
// loopback ones included (--proxy-bypass-list=<-loopback>): it records each
// URL, from the page and from its worker alike, forwards those to the
// playground's server and refuses the rest.
type proxy struct {
	allowed string // host:port of the playground's server
	mu      sync.Mutex
	urls    []string // requests of the web platform (page, worker)
	other   []string // requests of the browser's own services
}

func (p *proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	u := r.URL.String()
	if r.Method == http.MethodConnect {
		u = "https://" + r.Host
	}
	// Every fetch of a page or worker carries Sec-Fetch-* headers; the
	// browser's own services (component updates, sign-in) send none, and
	// an https tunnel shows none: those are kept apart (the page's own
	// https requests are seen by the DevTools protocol instead).
	p.mu.Lock()
	if r.Header.Get("Sec-Fetch-Mode") != "" {
		p.urls = append(p.urls, u)
	} else {
		p.other = append(p.other, u)
	}
	p.mu.Unlock()
	if r.Method == http.MethodConnect || r.URL.Host != p.allowed {
		http.Error(w, "the playground's tests let no request leave the local server", http.StatusBadGateway)
		return
	}
	out := r.Clone(r.Context())
	out.RequestURI = ""
	resp, err := http.DefaultTransport.RoundTrip(out)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	io.Copy(w, resp.Body)
}

func (p *proxy) add(u string) {
	p.mu.Lock()
	p.urls = append(p.urls, u)
	p.mu.Unlock()
}

func (p *proxy) list() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.urls...)
}

type page struct {
	t    *testing.T
	ctx  context.Context
	base string
}

func (p *page) run(actions ...chromedp.Action) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Run(ctx, actions...); err != nil {
		p.t.Fatal(err)
	}
}

func (p *page) eval(js string, out any) {
	p.t.Helper()
	p.run(chromedp.Evaluate(js, out, func(e *runtime.EvaluateParams) *runtime.EvaluateParams { return e.WithAwaitPromise(true) }))
}

// rendered waits until the page has rendered an answer of tab for the
// formula f after the render count n, and returns it.
func (p *page) rendered(tab, f string, n int) render {
	p.t.Helper()
	js := fmt.Sprintf(`new Promise((resolve) => {
		const t0 = performance.now();
		const find = () => matcalcStats.renders.slice(%d).filter((r) => r.tab === %q && r.f === %q).pop();
		const poll = () => {
			const r = find();
			if (r) resolve(r);
			else if (performance.now() - t0 > 20000) resolve({ timeout: true, diag: JSON.stringify({ visibility: document.visibilityState, href: location.href, status: document.getElementById('status').textContent, renders: matcalcStats.renders.slice(-5) }) });
			else setTimeout(poll, 2);
		};
		poll();
	})`, n, tab, f)
	var r render
	p.eval(js, &r)
	if r.Timeout {
		p.t.Fatalf("no %s answer for %q in 20 s: %s", tab, f, r.Diag)
	}
	return r
}

func (p *page) renders() int {
	var n int
	p.eval(`matcalcStats.renders.length`, &n)
	return n
}

type render struct {
	Tab          string  `json:"tab"`
	F            string  `json:"f"`
	Error        bool    `json:"error"`
	Ms           float64 `json:"ms"`
	WorkerMs     float64 `json:"workerMs"`
	EngineMicros float64 `json:"engineMicros"`
	Timeout      bool    `json:"timeout"`
	Diag         string  `json:"diag"`
}

// setField sets the value of the field id as a paste would, firing its
// input event.
func (p *page) setField(id, value string) {
	p.t.Helper()
	p.run(chromedp.Evaluate(fmt.Sprintf(`(() => { const e = document.getElementById(%q); e.value = %q; e.dispatchEvent(new Event(e.tagName === 'SELECT' ? 'change' : 'input')); })()`, id, value), nil))
}

// open loads the page afresh at the fragment.
func (p *page) open(fragment string) {
	p.t.Helper()
	p.run(chromedp.Navigate("about:blank"), chromedp.Navigate(p.base+"#"+fragment))
}

// enc is JavaScript's encodeURIComponent, which the page's fragment uses.
func enc(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }

// typeFormula clears the formula box and types f key by key.
func (p *page) typeFormula(f string) render {
	p.t.Helper()
	p.setField("formula", "")
	n := p.renders()
	p.run(chromedp.SendKeys("#formula", f, chromedp.ByID))
	return p.rendered("result", f, n)
}

// mathRows returns the rows of the KaTeX rendering in sel as MathML text
// (what KaTeX put in the DOM), cell by cell.
func (p *page) mathRows(sel string) [][]string {
	var rows [][]string
	p.eval(fmt.Sprintf(`[...document.querySelectorAll(%q + ' .katex-mathml mtable > mtr')].map((tr) => [...tr.children].map((td) => td.textContent))`, sel), &rows)
	return rows
}

func TestPlayground(t *testing.T) {
	exe := chromium(t)
	base := serveFreshClone(t)
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}

	reqs := &proxy{allowed: u.Host}
	ps := httptest.NewServer(reqs)
	defer ps.Close()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ProxyServer(ps.URL),
		chromedp.Flag("proxy-bypass-list", "<-loopback>"),
		// The browser's own services (autofill, sign-in, model
		// downloads) would go through the proxy too and be taken for
		// the page's requests: switch them off.
		chromedp.Flag("disable-features", "site-per-process,Translate,BlinkGenPropertyTrees,AutofillServerCommunication,OptimizationHints,OptimizationHintsFetching,OptimizationGuideModelDownloading,OptimizationTargetPrediction,MediaRouter,DialMediaRouteProvider,InterestFeedContentSuggestions,CertificateTransparencyComponentUpdater,AccountConsistency"),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-domain-reliability", true),
		chromedp.Flag("no-pings", true),
		chromedp.ExecPath(exe),
		chromedp.NoSandbox,
		chromedp.WindowSize(1200, 900),
		chromedp.Flag("headless", "new"),
	)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	// The page's requests as the DevTools protocol sees them, https
	// ones included, before they are sent.
	chromedp.ListenTarget(ctx, func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok {
			reqs.add(e.Request.URL)
		}
	})
	if err := chromedp.Run(ctx,
		network.Enable(),
		network.SetCacheDisabled(true),
		browser.SetPermission(&browser.PermissionDescriptor{Name: "clipboard-read"}, browser.PermissionSettingGranted).WithOrigin(strings.TrimSuffix(base, "/")),
		browser.SetPermission(&browser.PermissionDescriptor{Name: "clipboard-write"}, browser.PermissionSettingGranted).WithOrigin(strings.TrimSuffix(base, "/")),
	); err != nil {
		t.Fatal(err)
	}
	p := &page{t: t, ctx: ctx, base: base}
	measured := map[string]any{}

	t.Run("first load", func(t *testing.T) {
		p.t = t
		start := time.Now()
		p.open("f=" + enc(lecture))
		r := p.rendered("result", lecture, 0)
		if r.Error {
			t.Fatalf("the page shows an error for %s", lecture)
		}
		var load struct {
			FirstResult float64 `json:"firstResult"`
			Ready       float64 `json:"ready"`
			DOMLoaded   float64 `json:"domLoaded"`
			Page        []res   `json:"page"`
			Worker      []res   `json:"worker"`
		}
		p.eval(`(async () => {
			const nav = performance.getEntriesByType('navigation')[0];
			const first = matcalcStats.renders.find((r) => r.tab === 'result' && !r.error);
			const pick = (r) => ({ name: r.name, transferSize: r.transferSize, encodedBodySize: r.encodedBodySize, decodedBodySize: r.decodedBodySize });
			return {
				firstResult: first.renderedAt, ready: matcalcStats.readyAt, domLoaded: nav.domContentLoadedEventEnd,
				page: [pick(nav), ...performance.getEntriesByType('resource').map(pick)],
				worker: await matcalcWorkerResources(),
			};
		})()`, &load)
		var transferred, decoded float64
		names := map[string]bool{}
		for _, r := range append(load.Page, load.Worker...) {
			transferred += r.TransferSize
			decoded += r.DecodedBodySize
			ru, _ := url.Parse(r.Name)
			names[ru.Path] = true
		}
		for _, want := range []string{"/", "/app.js", "/worker.js", "/katex/katex.min.js", "/katex/katex.min.css", "/engine/wasm_exec.js", "/engine/main.wasm"} {
			if !names[want] {
				t.Errorf("the browser's resource timings lack %s: %v", want, names)
			}
		}
		t.Logf("first load (cache disabled, local server): DOM ready %.0f ms, engine ready %.0f ms, first result on screen %.0f ms (%.1f s wall clock); transferred %.2f MB (%.2f MB uncompressed) in %d requests",
			load.DOMLoaded, load.Ready, load.FirstResult, time.Since(start).Seconds(), transferred/1e6, decoded/1e6, len(load.Page)+len(load.Worker))
		if transferred > 5e6 {
			t.Errorf("the page transfers %.2f MB, more than the 5 MB goal", transferred/1e6)
		}
		measured["first_load"] = map[string]float64{"dom_ms": load.DOMLoaded, "engine_ready_ms": load.Ready, "first_result_ms": load.FirstResult,
			"transferred_bytes": transferred, "uncompressed_bytes": decoded, "requests": float64(len(load.Page) + len(load.Worker))}
	})

	t.Run("lecture", func(t *testing.T) {
		p.t = t
		r := p.typeFormula(lecture)
		if r.Error {
			t.Fatalf("error for %s", lecture)
		}
		rows := p.mathRows("#result")
		got := map[string]string{}
		for _, row := range rows {
			if len(row) >= 2 {
				got[row[0]] = row[1]
			}
		}
		// The lecture's closed form: z = Wx + b, δ = u ∘ f′(z) and
		// ∂s/∂W = δxᵀ, ∂s/∂x = Wᵀδ, ∂s/∂b = δ, ∂s/∂u = f(z), as KaTeX
		// writes them in MathML (⊙ for ∘, ⊤ for ᵀ, fractions as ∂s∂W).
		want := map[string]string{
			"z": "=Wx+b", "δ": "=u⊙f′(z)",
			"∂s∂W": "=δx⊤", "∂s∂x": "=W⊤δ", "∂s∂b": "=δ", "∂s∂u": "=f(z)",
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("KaTeX shows %s%s, want %s%s (all rows: %q)", k, got[k], k, v, rows)
			}
		}
		var katexErrors int
		p.eval(`document.querySelectorAll('#result .tex-error, #result .katex-error').length`, &katexErrors)
		if katexErrors > 0 {
			t.Errorf("KaTeX could not render the result")
		}
	})

	t.Run("shape error caret", func(t *testing.T) {
		p.t = t
		// Wx + b is a vector, W a matrix: the caret goes under the + that
		// adds them, the second + of the formula.
		f := "uᵀf(Wx + b + W)"
		r := p.typeFormula(f)
		if !r.Error {
			t.Fatalf("no error shown for %s", f)
		}
		wantCol := utf8.RuneCountInString(f[:strings.LastIndex(f, "+")]) + 1
		var c struct {
			Msg     string  `json:"msg"`
			Col     string  `json:"col"`
			Visible bool    `json:"visible"`
			CaretX  float64 `json:"caretX"`
			CharX   float64 `json:"charX"`
		}
		// Where the character is drawn in the box, measured with the
		// box's own font, and where the caret is.
		p.eval(fmt.Sprintf(`(() => {
			const f = document.getElementById('formula');
			const line = document.getElementById('caret-line');
			const caret = line.querySelector('.caret').getBoundingClientRect();
			const cs = getComputedStyle(f);
			const ctx = document.createElement('canvas').getContext('2d');
			ctx.font = cs.font;
			const chars = [...f.value];
			const before = chars.slice(0, %d - 1).join('');
			const ch = chars[%d - 1];
			const box = f.getBoundingClientRect();
			const left = box.left + parseFloat(cs.borderLeftWidth) + parseFloat(cs.paddingLeft) - f.scrollLeft;
			return {
				msg: document.getElementById('error').textContent, col: line.dataset.col,
				visible: getComputedStyle(line).visibility === 'visible',
				caretX: caret.left + caret.width / 2,
				charX: left + ctx.measureText(before).width + ctx.measureText(ch).width / 2,
			};
		})()`, wantCol, wantCol), &c)
		if c.Col != fmt.Sprint(wantCol) || !c.Visible {
			t.Errorf("caret at column %s (visible %v), want column %d; message %q", c.Col, c.Visible, wantCol, c.Msg)
		}
		if math.Abs(c.CaretX-c.CharX) > 3 {
			t.Errorf("the caret is drawn at x=%.1f, the + at x=%.1f", c.CaretX, c.CharX)
		}
		if !strings.Contains(c.Msg, "cannot add") {
			t.Errorf("message %q", c.Msg)
		}
	})

	t.Run("shared URL", func(t *testing.T) {
		p.t = t
		p.open("f=")
		p.rendered("result", "", 0)
		p.setField("wrt", "W, b₁")
		if r := p.typeFormula(cs224n); r.Error {
			t.Fatalf("error for %s with wrt W, b₁", cs224n)
		}
		var link string
		p.eval(`location.href`, &link)
		if !strings.Contains(link, "#f=") || !strings.Contains(link, "wrt=") {
			t.Fatalf("the link %s lacks the formula or wrt", link)
		}
		first := p.mathRows("#result")
		// The same link in a new tab.
		tctx, cancel := chromedp.NewContext(ctx)
		defer cancel()
		// The tab lives as long as the context of its first run: run
		// it once without a timeout.
		if err := chromedp.Run(tctx); err != nil {
			t.Fatal(err)
		}
		q := &page{t: t, ctx: tctx, base: base}
		// A tab in the background gets no animation frames: bring it
		// to the front.
		q.run(chromedp.Navigate(link), cdppage.BringToFront())
		r := q.rendered("result", cs224n, 0)
		if r.Error {
			var msg, href string
			q.eval(`document.getElementById('error').textContent`, &msg)
			q.eval(`location.href`, &href)
			t.Fatalf("the shared link %s shows an error: %s", href, msg)
		}
		second := q.mathRows("#result")
		if len(first) < 3 || fmt.Sprint(first) != fmt.Sprint(second) {
			t.Errorf("the shared link shows\n%q\nthe page showed\n%q", second, first)
		}
		var wrt string
		q.eval(`document.getElementById('wrt').value`, &wrt)
		if wrt != "W, b₁" {
			t.Errorf("wrt is %q in the shared page", wrt)
		}
		cancel()
		p.run(cdppage.BringToFront())
	})

	t.Run("tabs", func(t *testing.T) {
		p.t = t
		req := engine.Request{Formula: lecture}
		p.open("f=")
		p.rendered("result", "", 0)
		p.typeFormula(lecture)
		open := func(tab string) {
			n := p.renders()
			p.run(chromedp.Click(`.tabs button[data-tab="`+tab+`"]`, chromedp.ByQuery))
			if r := p.rendered(tab, lecture, n); r.Error {
				t.Fatalf("the %s tab shows an error", tab)
			}
		}

		open("steps")
		var steps struct {
			Text   string `json:"text"`
			Blocks int    `json:"blocks"`
			Errors int    `json:"errors"`
		}
		p.eval(`({ text: document.getElementById('steps-text').textContent,
			blocks: document.querySelectorAll('#panel-steps .steps-math .katex').length,
			errors: document.querySelectorAll('#panel-steps .tex-error').length })`, &steps)
		if !strings.Contains(steps.Text, "chain rule: ∂s/∂z = ∂s/∂h · ∂h/∂z") || steps.Blocks < 4 || steps.Errors > 0 {
			t.Errorf("steps tab: %d KaTeX blocks, %d errors, text:\n%s", steps.Blocks, steps.Errors, steps.Text)
		}

		open("latex")
		var src string
		p.eval(`document.getElementById('latex-src').textContent`, &src)
		want, err := engine.LaTeX(req)
		if err != nil {
			t.Fatal(err)
		}
		if src != want {
			t.Errorf("the LaTeX tab shows\n%s\nwant (matcalc derive --format latex)\n%s", src, want)
		}
		var renderErr string
		p.eval(fmt.Sprintf(`(() => { try { katex.renderToString(%q, { displayMode: true, throwOnError: true }); return ''; } catch (e) { return String(e); } })()`, src), &renderErr)
		if renderErr != "" {
			t.Errorf("KaTeX cannot render the LaTeX tab: %s", renderErr)
		}

		open("go")
		p.run(chromedp.Click(`#panel-go button.copy`, chromedp.ByQuery))
		var copied string
		p.eval(`navigator.clipboard.readText()`, &copied)
		if !strings.Contains(copied, "func F(") {
			t.Fatalf("the copy button put %q on the clipboard", copied)
		}
		compileGo(t, copied)

		// The lecture's computational graph at x=1, y=2, z=0:
		// f = (x+y)·max(y,z) = 6, ∂f/∂x = max(y,z) = 2,
		// ∂f/∂y = max(y,z) + (x+y)·[y ≥ z] = 5, ∂f/∂z = (x+y)·[z > y] = 0.
		p.setField("at", "x=1,y=2,z=0")
		f := "(x+y)*max(y,z)"
		p.typeFormula(f)
		n := p.renders()
		p.run(chromedp.Click(`.tabs button[data-tab="graph"]`, chromedp.ByQuery))
		if r := p.rendered("graph", f, n); r.Error {
			t.Fatal("the graph tab shows an error")
		}
		var nodes map[string][]string
		p.eval(`Object.fromEntries([...document.querySelectorAll('#graph-svg svg g.node')].map((g) => [g.querySelector('title').textContent, [...g.querySelectorAll('text')].map((t) => t.textContent)]))`, &nodes)
		for title, wantGrad := range map[string]string{"x = 1": "2", "y = 2": "5", "z = 0": "0"} {
			texts := nodes[title]
			if len(texts) != 3 || !strings.HasSuffix(texts[2], wantGrad) {
				t.Errorf("graph node %q shows %q, want the gradient %s last", title, texts, wantGrad)
			}
		}
		foundOut := false
		for title, texts := range nodes {
			if strings.HasPrefix(title, "f = ") && len(texts) == 3 && texts[1] == "6" {
				foundOut = true
			}
		}
		if !foundOut {
			t.Errorf("no output node with value 6: %q", nodes)
		}
		p.setField("at", "")

		p.typeFormula(lecture)
		open("check")
		var rows [][]string
		p.eval(`[...document.querySelectorAll('#check-table tbody tr')].map((tr) => [...tr.children].map((td) => td.textContent))`, &rows)
		if len(rows) != 4 {
			t.Errorf("check tab rows %q, want one per variable of %s", rows, lecture)
		}
		for _, r := range rows {
			var e float64
			if len(r) != 3 || r[2] != "ok" || func() error { _, err := fmt.Sscan(r[1], &e); return err }() != nil || e > 1e-6 {
				t.Errorf("check row %q", r)
			}
		}
		p.run(chromedp.Click(`.tabs button[data-tab="check"]`, chromedp.ByQuery)) // close it
	})

	t.Run("time limit", func(t *testing.T) {
		p.t = t
		// A limit of 1 ms stops the finite-difference check of the CS224N
		// network, which takes longer: the worker is restarted and the
		// page still answers afterwards.
		var restarts int
		p.open("f=" + enc(cs224n) + "&tab=check&limit=1")
		p.eval(`new Promise((resolve) => { const poll = () => matcalcStats.restarts > 0 ? resolve(matcalcStats.restarts) : setTimeout(poll, 5); poll(); })`, &restarts)
		var msg string
		p.eval(`new Promise((resolve) => { const poll = () => { const e = document.getElementById('error'); e.hidden ? setTimeout(poll, 5) : resolve(e.textContent); }; poll(); })`, &msg)
		if !strings.Contains(msg, "took longer than") {
			t.Errorf("error after the time limit: %q", msg)
		}
		p.open("f=" + enc(lecture))
		if r := p.rendered("result", lecture, 0); r.Error {
			t.Error("the page does not answer after a restart")
		}
		// And the engine refuses a formula over its size limit.
		big := strings.Repeat("x+", engine.MaxFormula/2) + "x"
		p.setField("formula", big)
		if r := p.rendered("result", big, 0); !r.Error {
			t.Error("no error for a formula over the size limit")
		}
	})

	t.Run("keystroke to result", func(t *testing.T) {
		p.t = t
		p.open("f=")
		p.rendered("result", "", 0)
		for _, f := range []string{lecture, cs224n} {
			var ms, engineMs []float64
			for i := 0; i < *reps; i++ {
				// The formula but its last character, then the last
				// key typed: the time from that keystroke to its result
				// on the screen.
				chars := []rune(f)
				head := string(chars[:len(chars)-1])
				n := p.renders()
				p.setField("formula", head)
				p.rendered("result", head, n)
				n = p.renders()
				p.run(chromedp.SendKeys("#formula", string(chars[len(chars)-1]), chromedp.ByID))
				r := p.rendered("result", f, n)
				if r.Error {
					t.Fatalf("error for %s", f)
				}
				ms = append(ms, r.Ms)
				engineMs = append(engineMs, r.EngineMicros/1000)
			}
			sort.Float64s(ms)
			sort.Float64s(engineMs)
			med, worst := ms[len(ms)/2], ms[len(ms)-1]
			t.Logf("keystroke to rendered result for %s: median %.1f ms, max %.1f ms over %d keystrokes (engine median %.2f ms)", f, med, worst, len(ms), engineMs[len(engineMs)/2])
			measured["keystroke_"+map[string]string{lecture: "lecture", cs224n: "cs224n"}[f]] = map[string]float64{"median_ms": med, "max_ms": worst, "engine_median_ms": engineMs[len(engineMs)/2], "n": float64(len(ms))}
		}
	})

	t.Run("screenshot", func(t *testing.T) {
		p.t = t
		p.open("f=" + enc(lecture) + "&tab=steps&wrt=b")
		p.rendered("steps", lecture, 0)
		var png []byte
		p.run(chromedp.FullScreenshot(&png, 100))
		if len(png) < 8 || string(png[1:4]) != "PNG" {
			t.Fatal("the screenshot is no PNG")
		}
		if *screenshot != "" {
			if err := os.WriteFile(*screenshot, png, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	})

	t.Run("no request leaves the page", func(t *testing.T) {
		all := reqs.list()
		sawWasm := false
		for _, r := range all {
			ru, err := url.Parse(r)
			if err != nil {
				t.Errorf("request to %q", r)
				continue
			}
			switch ru.Scheme {
			case "data", "blob":
				continue
			}
			if ru.Host != u.Host {
				t.Errorf("a request left the page: %s", r)
			}
			sawWasm = sawWasm || ru.Path == "/engine/main.wasm"
		}
		if !sawWasm {
			t.Errorf("the worker's requests were not recorded (no /engine/main.wasm among %d requests)", len(all))
		}
		t.Logf("%d requests of the page and its worker recorded, all to %s; %d of the browser's own services set apart", len(all), u.Host, len(reqs.other))
	})

	if *report != "" {
		b, _ := json.MarshalIndent(measured, "", "  ")
		if err := os.WriteFile(*report, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

type res struct {
	Name            string  `json:"name"`
	TransferSize    float64 `json:"transferSize"`
	EncodedBodySize float64 `json:"encodedBodySize"`
	DecodedBodySize float64 `json:"decodedBodySize"`
}

// compileGo builds and vets the Go the page copied, in a module of its own
// that requires the gonum of matcalc's go.mod.
func compileGo(t *testing.T, src string) {
	t.Helper()
	dir := t.TempDir()
	gomod, err := os.ReadFile("../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	gonum := regexp.MustCompile(`gonum.org/v1/gonum v\S+`).Find(gomod)
	if gonum == nil {
		t.Fatal("no gonum in go.mod")
	}
	sum, err := os.ReadFile("../go.sum")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"go.mod":  "module copied\n\ngo 1.24\n\nrequire " + string(gonum) + "\n",
		"go.sum":  string(sum),
		"grad.go": src,
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, args := range [][]string{{"build", "./..."}, {"vet", "./..."}} {
		cmd := exec.Command("go", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("go %s on the copied Go code: %v\n%s\n%s", args[0], err, out, src)
		}
	}
}
