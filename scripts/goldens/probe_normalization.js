#!/usr/bin/env node
// Reads code points (one decimal number per line) on stdin and writes, for each, the
// reference's (HF tokenizers') NFD and NFKD of that one character as a JSON line
// [cp, nfd, nfkd]. Used by make_unicode_frozen.py.
'use strict';
const fs = require('fs');
const t = require('@anush008/tokenizers');
const nfd = t.nfdNormalizer();
const nfkd = t.nfkdNormalizer();
const out = [];
for (const line of fs.readFileSync(0, 'utf8').split('\n')) {
  if (!line.trim()) continue;
  const cp = Number(line);
  const s = String.fromCodePoint(cp);
  out.push(JSON.stringify([cp, nfd.normalizeString(s), nfkd.normalizeString(s)]));
}
process.stdout.write(out.join('\n') + '\n');
