#!/usr/bin/env bash
# web-katex.sh copies the pinned KaTeX of tools/katex (npm, see
# katex-setup.sh) into web/static/katex, the playground's own copy that
# `matcalc serve` embeds: katex.min.js, katex.min.css (its fonts reduced to
# the woff2 files, which every browser the page supports reads) and the
# woff2 fonts, with KaTeX's licence. The copy is committed, so that a fresh
# clone serves the page without npm; web's tests check that it is the pinned
# version, byte for byte. Run it after changing KaTeX's version.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$root/scripts/katex-setup.sh" >&2
src="$root/tools/katex/node_modules/katex"
dst="$root/web/static/katex"
rm -rf "$dst"
mkdir -p "$dst/fonts"
cp "$src/dist/katex.min.js" "$src/LICENSE" "$dst/"
cp "$src"/dist/fonts/*.woff2 "$dst/fonts/"
sed -E 's/,url\(fonts\/[A-Za-z0-9_-]+\.(woff|ttf)\) format\("(woff|truetype)"\)//g' "$src/dist/katex.min.css" >"$dst/katex.min.css"
if grep -qE '\.(woff|ttf)\)' "$dst/katex.min.css"; then
	echo "web-katex: katex.min.css still names woff or ttf fonts" >&2
	exit 1
fi
node -p "require('$src/package.json').version" >"$dst/VERSION"
echo "web-katex: KaTeX $(cat "$dst/VERSION") copied to web/static/katex ($(du -sk "$dst" | cut -f1) KiB)"
