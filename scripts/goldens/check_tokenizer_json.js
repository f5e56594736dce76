#!/usr/bin/env node
// Check fixture tokenizer.json files against the reference library
// (@anush008/tokenizers 0.6.0 = Hugging Face tokenizers 0.22.x; `npm ci` here).
//
// Usage:
//   node scripts/goldens/check_tokenizer_json.js [--canonical] TOKENIZER.json [...]
//
// For each file: load it, save it again with the library's own serializer
// and report every difference (values and key order, not formatting) between
// the file and the re-saved JSON. Floats are compared at float32
// precision: every score comes from a float32 in the .model file, and
// serde_json's default float parser may land one ulp away from the f64 written
// in the file, so the re-saved digits can differ in the last place.
// With --canonical any difference is an error (exit 1); without it the
// differences are listed (use this for legacy files, to see how the library
// reads them). Then a few sample texts are encoded and printed.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');

let Tokenizer;
try {
  ({ Tokenizer } = require('@anush008/tokenizers'));
} catch (e) {
  process.stderr.write(`cannot load @anush008/tokenizers (run \`npm ci\` in ${__dirname}): ${e.message}\n`);
  process.exit(2);
}

const SAMPLES = ['Hello world', 'Crème brûlée ﬁne ①', 'a <mask> b', '  two  spaces ', '東京 😀'];

function diff(a, b, where, out) {
  if (typeof a === 'number' && typeof b === 'number') {
    if (Math.fround(a) !== Math.fround(b)) out.push(`${where}: ${a} -> ${b}`);
    return;
  }
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') {
    if (a !== b) out.push(`${where}: ${JSON.stringify(a)} -> ${JSON.stringify(b)}`);
    return;
  }
  if (Array.isArray(a) !== Array.isArray(b)) {
    out.push(`${where}: array/object mismatch`);
    return;
  }
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (!Array.isArray(a) && keysA.join('\u0000') !== keysB.join('\u0000')) {
    out.push(`${where}: keys ${JSON.stringify(keysA)} -> ${JSON.stringify(keysB)}`);
  }
  if (Array.isArray(a) && a.length !== b.length) out.push(`${where}: length ${a.length} -> ${b.length}`);
  for (const k of keysA) {
    if (k in b) diff(a[k], b[k], `${where}.${k}`, out);
  }
}

async function main() {
  const args = process.argv.slice(2);
  const canonical = args[0] === '--canonical';
  const files = canonical ? args.slice(1) : args;
  if (files.length === 0) {
    process.stderr.write('usage: check_tokenizer_json.js [--canonical] TOKENIZER.json [...]\n');
    process.exit(2);
  }
  let bad = 0;
  for (const file of files) {
    const tok = Tokenizer.fromFile(file);
    const tmp = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tokcheck-')), 'tokenizer.json');
    tok.save(tmp, true);
    const out = [];
    diff(JSON.parse(fs.readFileSync(file, 'utf8')), JSON.parse(fs.readFileSync(tmp, 'utf8')), '$', out);
    fs.rmSync(path.dirname(tmp), { recursive: true });
    console.log(`${file}: ${out.length === 0 ? 're-saved JSON equal' : out.length + ' difference(s)'}`);
    for (const d of out.slice(0, 40)) console.log(`  ${d}`);
    if (canonical && out.length) bad++;
    for (const s of SAMPLES) {
      const e = await tok.encode(s, null, { addSpecialTokens: true });
      console.log(`  ${JSON.stringify(s)} -> ${JSON.stringify(e.getTokens())} ${JSON.stringify(e.getIds())}`);
    }
  }
  process.exit(bad ? 1 : 0);
}

main().catch((e) => {
  process.stderr.write(String(e && e.stack ? e.stack : e) + '\n');
  process.exit(2);
});
