#!/usr/bin/env bash
# web-build.sh builds the playground (web/) into one folder that any static
# web server can serve: the page, KaTeX, the engine (GOOS=js GOARCH=wasm) and
# the wasm_exec.js of the same Go, with a .gz copy of each compressible file
# for servers that send precompressed files.
#
#   scripts/web-build.sh [DIR]   the site in DIR (default web/dist)
#   scripts/web-build.sh --embed the engine in web/static/engine, so that
#                                `go build ./cmd/matcalc` embeds it and the
#                                binary serves the page anywhere
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
if [ "${1:-}" = "--embed" ]; then
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	go run -trimpath ./cmd/matcalc serve --export "$tmp/site" >/dev/null
	rm -rf web/static/engine
	mkdir -p web/static/engine
	cp "$tmp/site/engine/main.wasm" "$tmp/site/engine/wasm_exec.js" web/static/engine/
	echo "web-build: engine in web/static/engine ($(du -k web/static/engine/main.wasm | cut -f1) KiB); go build ./cmd/matcalc now embeds it"
	exit 0
fi
out=${1:-web/dist}
rm -rf "$out"
go run -trimpath ./cmd/matcalc serve --export "$out"
echo "web-build: $(du -sk "$out" | cut -f1) KiB in $out (main.wasm $(du -k "$out/engine/main.wasm" | cut -f1) KiB, gzip $(du -k "$out/engine/main.wasm.gz" | cut -f1) KiB)"
