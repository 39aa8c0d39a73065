#!/usr/bin/env bash
# graph-picture.sh draws the lecture's computational graph, (x+y)*max(y,z) at
# x=1, y=2, z=0, with its forward values and backward gradients, as
# docs/backprop.svg (and docs/backprop.png when rsvg-convert is available or
# can be installed from Debian's librsvg2-bin). The picture is made by
# matcalc itself: `matcalc backprop --format svg`, with its own layout (no
# Graphviz needed).
#
# Usage: scripts/graph-picture.sh [OUTDIR]   (default docs)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-docs}
mkdir -p "$out"
svg=$out/backprop.svg
png=$out/backprop.png

bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
go build -o "$bin/matcalc" ./cmd/matcalc
"$bin/matcalc" backprop '(x+y)*max(y,z)' --at 'x=1,y=2,z=0' --format svg -o "$svg"
echo "graph-picture: $svg"

if ! command -v rsvg-convert >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
	apt-get install -y -qq librsvg2-bin >/dev/null 2>&1 ||
		{ apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq librsvg2-bin >/dev/null 2>&1; } || true
fi
if command -v rsvg-convert >/dev/null; then
	rsvg-convert --zoom 1.5 --background-color white "$svg" -o "$png"
	echo "graph-picture: $png"
else
	echo "graph-picture: rsvg-convert not available, no PNG" >&2
fi
