#!/usr/bin/env bash
# katex-check.sh renders LaTeX files with KaTeX (throwOnError, strict), as
# render's tests do: a file holding a complete document (\documentclass)
# is checked display by display, any other file is one TeX string. It
# installs KaTeX first (scripts/katex-setup.sh) and exits 1 naming every
# string that fails.
#
#   scripts/katex-check.sh FILE.tex...
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
[ $# -gt 0 ] || { echo "usage: scripts/katex-check.sh FILE.tex..." >&2; exit 2; }
"$root/scripts/katex-setup.sh" >/dev/null
node -e '
const fs = require("fs");
const out = [];
for (const f of process.argv.slice(1)) {
  const s = fs.readFileSync(f, "utf8").replace(/\n$/, "");
  if (!s.includes("\\documentclass")) { out.push(s); continue; }
  const re = /\\\[\n([\s\S]*?)\n\\\]|\\begin\{align\*\}\n([\s\S]*?)\n\\end\{align\*\}/g;
  let m, n = 0;
  while ((m = re.exec(s)) !== null) {
    n++;
    out.push(m[1] !== undefined ? m[1] : "\\begin{aligned}\n" + m[2] + "\n\\end{aligned}");
  }
  if (n === 0) { console.error(f + ": a document without display math"); process.exit(1); }
}
process.stdout.write(JSON.stringify(out));
' "$@" | node "$root/tools/katex/render.js"
