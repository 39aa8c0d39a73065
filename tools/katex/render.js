#!/usr/bin/env node
// render.js checks matcalc's LaTeX with KaTeX, the renderer used for the
// README picture and by web pages that show matcalc's output.
//
//   node render.js          reads one JSON array of TeX strings on stdin and
//                           renders each in display mode with throwOnError
//                           and strict mode; exits 1 naming every string
//                           that fails, 0 when all render.
//   node render.js --html   reads one TeX string (raw, not JSON) on stdin and
//                           prints a complete HTML page showing it, with the
//                           KaTeX stylesheet and fonts from node_modules.
'use strict';

const fs = require('fs');
const path = require('path');

let katex;
try {
  katex = require('katex');
} catch (e) {
  process.stderr.write('render.js: the katex package is missing: run scripts/katex-setup.sh\n');
  process.exit(3);
}

// strict 'error' rejects what KaTeX only tolerates (Unicode letters in math
// mode, for one), which pdflatex would reject as well.
const options = {throwOnError: true, displayMode: true, strict: 'error'};

function readStdin() {
  return fs.readFileSync(0, 'utf8');
}

function check() {
  let texs;
  try {
    texs = JSON.parse(readStdin());
  } catch (e) {
    process.stderr.write('render.js: stdin is not one JSON array of strings: ' + e.message + '\n');
    process.exit(2);
  }
  if (!Array.isArray(texs) || texs.some((t) => typeof t !== 'string')) {
    process.stderr.write('render.js: stdin is not one JSON array of strings\n');
    process.exit(2);
  }
  let failed = 0;
  texs.forEach((tex, i) => {
    try {
      katex.renderToString(tex, options);
    } catch (e) {
      failed++;
      process.stderr.write(`KaTeX cannot render string ${i}: ${e.message}\n  ${JSON.stringify(tex)}\n`);
    }
  });
  process.stdout.write(`katex ${katex.version}: ${texs.length - failed} passed, ${failed} failed\n`);
  process.exit(failed > 0 ? 1 : 0);
}

function html() {
  const tex = readStdin();
  const body = katex.renderToString(tex, options);
  const css = path.join(path.dirname(require.resolve('katex')), 'katex.min.css');
  process.stdout.write(`<!DOCTYPE html>
<html><head><meta charset="utf-8">
<link rel="stylesheet" href="file://${css}">
<style>
  html, body { margin: 0; background: #fff; }
  #math { display: inline-block; padding: 16px 24px; font-size: 22px; }
  .katex-display { margin: 0; }
</style></head>
<body><div id="math">${body}</div></body></html>
`);
}

if (process.argv.includes('--html')) {
  html();
} else {
  check();
}
