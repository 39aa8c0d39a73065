// app.js is the playground's page: it sends the fields to the engine in a
// Web Worker as you type, renders the answers with KaTeX, keeps the state in
// the URL fragment, and restarts the worker when a derivation runs too long.
'use strict';

const EXAMPLES = [
	{ name: 'the lecture: uᵀf(Wx+b)', f: 'uᵀf(Wx+b)', let: '' },
	{ name: 'CS224N: two-layer softmax network', f: 'J = -yᵀlog(softmax(U relu(Wx+b₁)+b₂))', let: 'x: vector(d); W: matrix(h,d); b₁: vector(h)\nU: matrix(c,h); b₂, y: vector(c)' },
	{ name: 'logistic regression', f: 'L = -(yᵀlog(σ(Xw)) + (1 - y)ᵀlog(1 - σ(Xw)))', let: 'X: matrix(N,d); w: vector(d); y: vector(N)', wrt: 'w' },
	{ name: 'logistic regression: the Hessian', f: 'L = -(yᵀlog(σ(Xw)) + (1 - y)ᵀlog(1 - σ(Xw)))', let: 'X: matrix(N,d); w: vector(d); y: vector(N)', wrt: 'w', order: '2' },
	{ name: 'Matrix Cookbook: tr, inverse, logdet', f: 'tr(AXB) + aᵀX⁻¹b + logdet(X)', let: 'A, B, X: matrix(n,n); a, b: vector(n)', wrt: 'X' },
	{ name: 'ridge regression', f: 'R = ‖Xw − y‖² + λ‖w‖²', let: 'X: matrix(N,d); w: vector(d); y: vector(N); λ: scalar', wrt: 'w, λ' },
	{ name: 'quadratic form: Hessian', f: 'xᵀAx', let: '', wrt: 'x', order: '2' },
	{ name: 'softmax Jacobian', f: 'softmax(θ)', let: '' },
	{ name: 'backprop lecture: (x+y)·max(y,z)', f: '(x+y)*max(y,z)', let: '', at: 'x=1,y=2,z=0', tab: 'graph' },
];

// PALETTE: [label, inserted text, shortcut key with Alt, title]
const PALETTE = [
	['ᵀ', 'ᵀ', 't', 'transpose (Alt+T)'],
	['∘', ' ∘ ', 'o', 'Hadamard product (Alt+O)'],
	['‖x‖', '‖‖', 'n', 'norm (Alt+N)'],
	['⁻¹', '⁻¹', 'i', 'inverse (Alt+I)'],
	['²', '²', 's', 'square (Alt+S)'],
	['′', '′', 'p', 'derivative of a generic function (Alt+P)'],
	['σ', 'σ(', null, 'sigmoid'],
	['λ', 'λ', 'l', 'lambda (Alt+L)'],
	['θ', 'θ', 'h', 'theta (Alt+H)'],
	['−', '−', null, 'minus'],
	['𝟙', '𝟙', null, 'ones'],
	['₁', '₁', '1', 'subscripts: Alt+0 … Alt+9'],
	['₂', '₂', '2', ''],
];
const SUB = '₀₁₂₃₄₅₆₇₈₉';

const FIELDS = ['f', 'let', 'wrt', 'order', 'at', 'fun'];
const $ = (id) => document.getElementById(id);
const el = {
	f: $('formula'), let: $('let'), wrt: $('wrt'), order: $('order'), at: $('at'), fun: $('fun'),
	error: $('error'), result: $('result'), status: $('status'), examples: $('examples'),
};

// Settings from the fragment that are no fields: the tab, the time limit.
const state = { tab: '', limit: 5000, seed: 0 };

// stats is read by the tests and the measurement: every answer rendered.
const stats = { ready: false, readyAt: 0, loadMs: 0, renders: [], errors: 0, restarts: 0 };
window.matcalcStats = stats;

// ---- the worker ----------------------------------------------------------

let worker = null;
let ready = false;
let nextId = 1;
let running = null; // {id, tab, req, inputAt, timer, postedAt}
let queue = [];     // jobs waiting for the worker; replaced by newer input
const resourceWaiters = [];

// matcalcWorkerResources resolves to the resource timings of the worker (the
// engine's files), which the page's own performance timeline lacks.
window.matcalcWorkerResources = () => new Promise((resolve) => {
	resourceWaiters.push(resolve);
	worker.postMessage({ resources: true });
});

function startWorker() {
	ready = false;
	worker = new Worker('worker.js');
	const t0 = performance.now();
	worker.onmessage = (e) => {
		const m = e.data;
		if (m.ready) {
			ready = true;
			if (!stats.ready) {
				stats.ready = true;
				stats.readyAt = performance.now();
			}
			setStatus(`engine ready (${Math.round(performance.now() - t0)} ms)`);
			pump();
			return;
		}
		if (m.resources) {
			for (const f of resourceWaiters.splice(0)) f(m.resources);
			return;
		}
		if (m.fatal) {
			setStatus('the engine could not start: ' + m.fatal, true);
			return;
		}
		if (!running || m.id !== running.id) return;
		const job = running;
		clearTimeout(job.timer);
		running = null;
		let resp;
		try {
			resp = JSON.parse(m.out);
		} catch (err) {
			resp = { error: { field: '', msg: 'bad answer from the engine: ' + err, offset: -1, text: String(err) } };
		}
		try {
			show(job, resp, m.ms);
		} finally {
			pump(); // whatever happened while showing, the next job runs
		}
	};
	worker.onerror = (e) => {
		setStatus('engine error: ' + (e.message || e), true);
	};
}

// pump sends the next queued job when the worker is idle.
function pump() {
	if (!ready || running || queue.length === 0) return;
	const job = queue.shift();
	job.id = nextId++;
	job.postedAt = performance.now();
	job.timer = setTimeout(() => timeout(job), state.limit);
	running = job;
	worker.postMessage({ id: job.id, tab: job.tab, req: job.req });
}

// timeout stops a derivation that runs longer than the limit: the worker is
// terminated (a wasm call cannot be interrupted) and a new one started.
function timeout(job) {
	if (running !== job) return;
	running = null;
	worker.terminate();
	stats.restarts++;
	showError({ field: '', msg: `stopped: the ${job.tab === 'result' ? 'derivation' : job.tab + ' tab'} took longer than ${state.limit / 1000} s`, offset: -1 });
	queue = queue.filter((j) => j.tab !== job.tab);
	startWorker();
}

// ---- input ---------------------------------------------------------------

function request() {
	return {
		f: el.f.value, let: el.let.value, wrt: el.wrt.value,
		order: parseInt(el.order.value, 10) || 1, at: el.at.value, fun: el.fun.value, seed: state.seed,
	};
}

// update is called on every change: the result and the open tab are asked
// for, replacing whatever was still waiting (newest input wins, so typing
// fast never builds a queue), and the fragment is rewritten.
function update(inputAt) {
	const req = request();
	const at = inputAt || performance.now();
	queue = [{ tab: 'result', req, inputAt: at }];
	if (state.tab) queue.push({ tab: state.tab, req, inputAt: at });
	pump();
	writeFragment();
}

function writeFragment() {
	const parts = [];
	for (const k of FIELDS) {
		const v = k === 'f' ? el.f.value : el[k].value;
		if (k === 'order' && v === '1') continue;
		if (v !== '' || k === 'f') parts.push(k + '=' + encodeURIComponent(v));
	}
	if (state.tab) parts.push('tab=' + state.tab);
	if (state.seed) parts.push('seed=' + state.seed);
	if (state.limit !== 5000) parts.push('limit=' + state.limit);
	const hash = '#' + parts.join('&');
	if (location.hash !== hash) history.replaceState(null, '', hash);
}

// readFragment sets the fields from #f=…&let=…; '+' stays a plus (the
// formula is URL-encoded with encodeURIComponent, not as a form).
function readFragment() {
	const h = location.hash.replace(/^#/, '');
	if (!h) return false;
	const p = {};
	for (const part of h.split('&')) {
		const i = part.indexOf('=');
		if (i < 0) continue;
		try {
			p[part.slice(0, i)] = decodeURIComponent(part.slice(i + 1));
		} catch (e) {
			p[part.slice(0, i)] = part.slice(i + 1);
		}
	}
	for (const k of FIELDS) el[k].value = p[k] !== undefined ? p[k] : (k === 'order' ? '1' : '');
	state.tab = ['steps', 'latex', 'go', 'graph', 'check'].includes(p.tab) ? p.tab : '';
	state.seed = parseInt(p.seed, 10) || 0;
	state.limit = parseInt(p.limit, 10) || 5000;
	return true;
}

// ---- output --------------------------------------------------------------

function setStatus(text, bad) {
	el.status.textContent = text;
	el.status.classList.toggle('bad', !!bad);
}

function tex(target, src, display) {
	try {
		katex.render(src, target, { displayMode: display !== false, throwOnError: true, strict: 'ignore', output: 'htmlAndMathml' });
	} catch (err) {
		target.textContent = src;
		target.classList.add('tex-error');
		target.title = String(err);
	}
}

function show(job, resp, workerMs) {
	if (resp.error) {
		// An answer for the tab only replaces the result's error when the
		// result is fine; the result's error is the one to show.
		if (job.tab === 'result') showError(resp.error);
		else showPanelError(job.tab, resp.error);
		stats.errors++;
		record(job, resp, workerMs, true);
		return;
	}
	if (job.tab === 'result') {
		clearError();
		showResult(resp.result);
	} else {
		showPanel(job.tab, resp.result);
	}
	record(job, resp, workerMs, false);
}

// record notes when the answer is on screen: after the DOM update, at the
// next animation frame (the frame that paints it); a tab in the background
// gets no frames, so a timer stands in after 250 ms.
function record(job, resp, workerMs, isError) {
	let done = false;
	const fin = () => {
		if (done) return;
		done = true;
		const now = performance.now();
		stats.renders.push({
			tab: job.tab, f: job.req.f, error: isError, inputAt: job.inputAt, renderedAt: now,
			ms: now - job.inputAt, workerMs, engineMicros: resp.micros,
		});
		if (stats.renders.length > 1000) stats.renders.splice(0, 500);
		if (job.tab === 'result' && !isError) {
			setStatus(`${(resp.micros / 1000).toFixed(1)} ms in the engine, ${Math.round(now - job.inputAt)} ms to the screen`);
		}
	};
	requestAnimationFrame(fin);
	setTimeout(fin, 250);
}

function showResult(r) {
	const box = el.result;
	box.replaceChildren();
	const vars = document.createElement('p');
	vars.className = 'vars';
	vars.textContent = r.canonical + '   ·   ' + (r.vars || []).map((v) => `${v.name}: ${v.shape === '' ? 'scalar' : v.shape}`).join(', ');
	box.append(vars);
	const lines = [...(r.defs || []), r.func, ...(r.derivs || [])];
	const rows = lines.map((it) => it.latex.replace(/ = /, ' &= ') + (it.shape ? ` && ${shapeTeX(it.shape)}` : ''));
	const math = document.createElement('div');
	math.className = 'math';
	math.dataset.lines = String(lines.length);
	tex(math, '\\begin{aligned}' + rows.join(' \\\\ ') + '\\end{aligned}');
	box.append(math);
	box.dataset.text = r.text;
}

function shapeTeX(s) {
	return '\\scriptsize ' + s.replace(/×/g, '\\times ').replace(/([A-Za-z]+)/g, '$1');
}

function panel(tab) {
	return document.getElementById('panel-' + tab);
}

function showPanelError(tab, err) {
	const p = panel(tab);
	let box = p.querySelector('.panel-error');
	if (!box) {
		box = document.createElement('pre');
		box.className = 'panel-error error';
		p.prepend(box);
	}
	box.textContent = err.text || err.msg;
	box.hidden = false;
}

function showPanel(tab, r) {
	const p = panel(tab);
	const perr = p.querySelector('.panel-error');
	if (perr) perr.hidden = true;
	if (tab === 'steps') {
		$('steps-text').textContent = r.text;
		const m = p.querySelector('.steps-math');
		m.replaceChildren();
		for (const block of r.latex || []) {
			const d = document.createElement('div');
			d.className = 'math';
			tex(d, block);
			m.append(d);
		}
	} else if (tab === 'latex') {
		$('latex-src').textContent = r;
	} else if (tab === 'go') {
		$('go-src').textContent = r;
	} else if (tab === 'graph') {
		// The SVG is matcalc's own drawing (render.SVG escapes every text);
		// the XML declaration is dropped to put it inline.
		$('graph-svg').innerHTML = r.svg.replace(/^<\?xml[^>]*>\s*/, '');
		let note = r.random ? `at random values (seed ${state.seed || 1}): ${r.values}` : 'at the values given';
		if (r.bound && r.bound.length) note += `; generic functions evaluated as ${r.bound.join(', ')}`;
		$('graph-note').textContent = note + '. Forward values in green above the edges, gradients in red below.';
	} else if (tab === 'check') {
		const body = $('check-table').querySelector('tbody');
		body.replaceChildren();
		for (const row of r.rows || []) {
			const tr = document.createElement('tr');
			const name = document.createElement('td');
			const err = document.createElement('td');
			const ok = document.createElement('td');
			name.textContent = row.name;
			err.textContent = row.maxRel < 0 ? '∞' : row.maxRel.toExponential(1);
			ok.textContent = row.ok ? 'ok' : 'FAIL';
			ok.className = row.ok ? 'ok' : 'fail';
			tr.append(name, err, ok);
			body.append(tr);
		}
		let note = `Central finite differences ${r.where}, tolerance ${r.tol}.`;
		if (r.bound && r.bound.length) note += ` Generic functions evaluated as ${r.bound.join(', ')}.`;
		$('check-note').textContent = note;
		$('check-table').dataset.text = r.text;
	}
}

const caretFor = { f: $('caret-line'), let: $('let-caret') };

function clearError() {
	el.error.hidden = true;
	el.error.textContent = '';
	for (const c of Object.values(caretFor)) c.classList.remove('on');
	for (const k of FIELDS) el[k].classList.remove('bad');
}

// showError shows the message, and a caret under the place in the formula
// box (or the declarations): the text before the place is laid out
// invisibly in the same font under the box, so the caret lands under the
// right character whatever the widths of ᵀ, ‖ or ₂.
function showError(err) {
	clearError();
	el.error.hidden = false;
	el.error.textContent = err.msg;
	el.error.dataset.field = err.field || '';
	if (el[err.field]) el[err.field].classList.add('bad');
	const c = caretFor[err.field];
	if (!c || err.offset < 0) return;
	const src = el[err.field].value;
	const lineStart = src.lastIndexOf('\n', err.offset - 1) + 1;
	const before = utf8Slice(src, lineStart, err.offset);
	c.querySelector('.before').textContent = before;
	c.dataset.col = String(err.col);
	c.dataset.line = String(err.line);
	c.classList.add('on');
	if (err.field === 'f') c.style.transform = `translateX(${-el.f.scrollLeft}px)`;
}

// utf8Slice returns src between two byte offsets of its UTF-8 encoding (the
// engine's positions are byte offsets, JavaScript strings UTF-16).
function utf8Slice(src, from, to) {
	const b = new TextEncoder().encode(src);
	return new TextDecoder().decode(b.slice(from, to));
}

// ---- tabs, palette, examples, copy ------------------------------------------

function openTab(tab) {
	state.tab = state.tab === tab ? '' : tab;
	for (const b of document.querySelectorAll('.tabs button')) {
		b.classList.toggle('active', b.dataset.tab === state.tab);
		b.setAttribute('aria-selected', String(b.dataset.tab === state.tab));
	}
	for (const p of document.querySelectorAll('.panel')) p.hidden = p.dataset.tab !== state.tab;
	update();
}

function insert(text) {
	const f = el.f;
	const s = f.selectionStart ?? f.value.length;
	const e = f.selectionEnd ?? f.value.length;
	let caret = s + text.length;
	if (text === '‖‖') caret = s + 1;
	if (text === '‖‖' && e > s) {
		text = '‖' + f.value.slice(s, e) + '‖';
		caret = s + text.length;
	}
	f.value = f.value.slice(0, s) + text + f.value.slice(e);
	f.focus();
	f.setSelectionRange(caret, caret);
	update();
}

function setup() {
	const pal = $('palette');
	for (const [label, text, , title] of PALETTE) {
		const b = document.createElement('button');
		b.type = 'button';
		b.textContent = label;
		b.title = title;
		b.addEventListener('mousedown', (e) => e.preventDefault()); // keep the focus and selection
		b.addEventListener('click', () => insert(text));
		pal.append(b);
	}
	el.f.addEventListener('keydown', (e) => {
		if (!e.altKey || e.ctrlKey || e.metaKey) return;
		if (/^Digit[0-9]$/.test(e.code)) {
			e.preventDefault();
			insert(SUB[+e.code.slice(5)]);
			return;
		}
		const hit = PALETTE.find((p) => p[2] && !/[0-9]/.test(p[2]) && e.code === 'Key' + p[2].toUpperCase());
		if (hit) {
			e.preventDefault();
			insert(hit[1]);
		}
	});
	for (const k of FIELDS) {
		el[k].addEventListener(k === 'order' ? 'change' : 'input', (e) => update(e.timeStamp));
	}
	el.f.addEventListener('scroll', () => {
		caretFor.f.style.transform = `translateX(${-el.f.scrollLeft}px)`;
	});
	EXAMPLES.forEach((ex, i) => {
		const o = document.createElement('option');
		o.value = String(i);
		o.textContent = ex.name;
		el.examples.append(o);
	});
	el.examples.addEventListener('change', () => {
		const ex = EXAMPLES[+el.examples.value];
		if (!ex) return;
		el.f.value = ex.f;
		el.let.value = ex.let || '';
		el.wrt.value = ex.wrt || '';
		el.order.value = ex.order || '1';
		el.at.value = ex.at || '';
		el.fun.value = '';
		el.examples.value = '';
		if (ex.tab && state.tab !== ex.tab) openTab(ex.tab);
		else update();
	});
	for (const b of document.querySelectorAll('.tabs button')) b.addEventListener('click', () => openTab(b.dataset.tab));
	for (const b of document.querySelectorAll('button.copy')) {
		b.addEventListener('click', async () => {
			const text = $(b.dataset.copy).textContent;
			try {
				await navigator.clipboard.writeText(text);
				b.textContent = 'copied';
			} catch (err) {
				// Without clipboard permission: select the text for Ctrl-C.
				const r = document.createRange();
				r.selectNodeContents($(b.dataset.copy));
				getSelection().removeAllRanges();
				getSelection().addRange(r);
				b.textContent = 'selected: press Ctrl-C';
			}
			setTimeout(() => { b.textContent = b.dataset.copy === 'steps-text' ? 'copy text' : 'copy'; }, 1500);
		});
	}
	window.addEventListener('hashchange', () => {
		readFragment();
		syncTabs();
		update();
	});
	if (!readFragment()) el.f.value = EXAMPLES[0].f;
	syncTabs();
	startWorker();
	update();
	el.f.focus();
}

function syncTabs() {
	for (const b of document.querySelectorAll('.tabs button')) {
		b.classList.toggle('active', b.dataset.tab === state.tab);
		b.setAttribute('aria-selected', String(b.dataset.tab === state.tab));
	}
	for (const p of document.querySelectorAll('.panel')) p.hidden = p.dataset.tab !== state.tab;
}

setup();
