// worker.js runs matcalc's engine (Go compiled to WebAssembly) off the page's
// thread, so that typing never waits for a derivation. The page terminates
// and restarts this worker when a derivation takes longer than its limit.
'use strict';
importScripts('engine/wasm_exec.js');

const go = new Go();
const started = performance.now();

async function load() {
	const url = 'engine/main.wasm';
	let result;
	try {
		result = await WebAssembly.instantiateStreaming(fetch(url), go.importObject);
	} catch (e) {
		// A server that sends another Content-Type than application/wasm.
		const resp = await fetch(url);
		if (!resp.ok) throw new Error(`${url}: ${resp.status} ${await resp.text()}`);
		result = await WebAssembly.instantiate(await resp.arrayBuffer(), go.importObject);
	}
	// main posts {ready: true} once matcalcRun is defined.
	go.run(result.instance);
}

onmessage = (e) => {
	if (e.data.resources) {
		// For the measurements: what the worker fetched (the engine).
		const list = performance.getEntriesByType('resource').map((r) => ({
			name: r.name, transferSize: r.transferSize, encodedBodySize: r.encodedBodySize,
			decodedBodySize: r.decodedBodySize, duration: r.duration,
		}));
		postMessage({ resources: list });
		return;
	}
	const { id, tab, req } = e.data;
	const t0 = performance.now();
	const out = self.matcalcRun(tab, JSON.stringify(req));
	postMessage({ id, out, ms: performance.now() - t0 });
};

load().catch((err) => postMessage({ fatal: String(err && err.message || err), ms: performance.now() - started }));
