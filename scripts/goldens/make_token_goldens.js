#!/usr/bin/env node
// Tokenizer goldens from the reference implementation: the Hugging Face
// `tokenizers` Rust library (crate 0.22.x), through its N-API binding
// `@anush008/tokenizers` (pinned in package.json; `npm ci` in this folder).
//
// Usage:
//   node scripts/goldens/make_token_goldens.js --tokenizer PATH/tokenizer.json \
//        --input CASES.jsonl --output OUT.jsonl
//   node scripts/goldens/make_token_goldens.js --tokenizer PATH/tokenizer.json \
//        --from-shared SHARED_DATA_DIR --output OUT.jsonl [--cases-output CASES.jsonl]
//
// Cases (one JSON object per line):
//   {"kind":"single","text":"..."}
//   {"kind":"pair","text_a":"...","text_b":"...","max_length":N}
// Output: one line per case, same order; the case's own fields (in their
// order) followed by
//   single: "ids", "tokens"            encode(text), add_special_tokens=false,
//                                      no truncation, no padding
//   pair:   "input_ids", "token_type_ids", "tokens"
//                                      encode(text_a, text_b),
//                                      add_special_tokens=true, truncation
//                                      LongestFirst at max_length, stride 0,
//                                      direction Right, no padding
//
// --from-shared DIR builds a deterministic case set from DIR/stsb/sts-test.csv
// and DIR/wikiqa/WikiQA-test.tsv (300 singles + 300 pairs). Those texts must
// never be committed: write the output into a build directory.
//
// Output lines are JSON.stringify() of each record (UTF-8, not ASCII-escaped),
// except that U+0085, U+2028 and U+2029 are written as \uXXXX escapes so that
// no line reader treats them as line breaks.
'use strict';

const fs = require('fs');
const path = require('path');

function die(msg) {
  process.stderr.write(`make_token_goldens: ${msg}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const known = new Set(['--tokenizer', '--input', '--output', '--from-shared', '--cases-output']);
  const args = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') {
      process.stdout.write(
        'usage: make_token_goldens.js --tokenizer TOKENIZER.json ' +
          '(--input CASES.jsonl | --from-shared DIR [--cases-output CASES.jsonl]) --output OUT.jsonl\n');
      process.exit(0);
    }
    if (!known.has(a)) die(`unknown argument: ${a}`);
    if (i + 1 >= argv.length) die(`missing value for ${a}`);
    args[a.slice(2)] = argv[++i];
  }
  if (!args.tokenizer) die('--tokenizer is required');
  if (!args.output) die('--output is required');
  if (!!args.input === !!args['from-shared']) die('give exactly one of --input and --from-shared');
  if (args['cases-output'] && !args['from-shared']) die('--cases-output only goes with --from-shared');
  return args;
}

function loadBinding() {
  try {
    return require('@anush008/tokenizers');
  } catch (e) {
    die(`cannot load @anush008/tokenizers (run \`npm ci\` in ${__dirname}): ${e.message}`);
  }
}

// JSON line writer: JSON.stringify keeps non-ASCII as UTF-8; escape the three
// characters that some line splitters (e.g. Python's str.splitlines) treat as
// line breaks. They can only occur inside strings, so this stays valid JSON.
function jsonLine(obj) {
  return JSON.stringify(obj).replace(/[\u0085\u2028\u2029]/g,
    (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')) + '\n';
}

function writeFile(file, text) {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, text);
}

function readCases(file) {
  const text = fs.readFileSync(file, 'utf8');
  const cases = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '');
    if (line.trim() === '') continue;
    let c;
    try {
      c = JSON.parse(line);
    } catch (e) {
      die(`${file}:${i + 1}: bad JSON: ${e.message}`);
    }
    validateCase(c, `${file}:${i + 1}`);
    cases.push(c);
  }
  return cases;
}

function validateCase(c, where) {
  if (c === null || typeof c !== 'object' || Array.isArray(c)) die(`${where}: case is not an object`);
  if (c.kind === 'single') {
    if (typeof c.text !== 'string') die(`${where}: single case needs a string "text"`);
  } else if (c.kind === 'pair') {
    if (typeof c.text_a !== 'string' || typeof c.text_b !== 'string') {
      die(`${where}: pair case needs string "text_a" and "text_b"`);
    }
    if (!Number.isInteger(c.max_length) || c.max_length < 0) {
      die(`${where}: pair case needs a non-negative integer "max_length"`);
    }
  } else {
    die(`${where}: unknown kind ${JSON.stringify(c.kind)}`);
  }
}

// ---------------------------------------------------------------------------
// --from-shared: deterministic selection from STS-B test and WikiQA test.

const SHARED_MAX_LENGTHS = [16, 24, 32, 64, 512];
const N_PER_SOURCE = 150; // 150 singles + 150 pairs from each source

// Every k-th row, k = floor(n / count), starting at row 0.
function everyKth(rows, count) {
  if (rows.length < count) die(`need ${count} rows, have ${rows.length}`);
  const k = Math.floor(rows.length / count);
  const out = [];
  for (let i = 0; i < count; i++) out.push(rows[i * k]);
  return out;
}

function readTsv(file) {
  return fs.readFileSync(file, 'utf8').split('\n')
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => l !== '')
    .map((l) => l.split('\t'));
}

function sharedCases(dir) {
  // STS-B: no header; genre, file, year, id, score, sentence1, sentence2
  // [, source1, source2] (the 2016 rows carry two extra columns).
  const sts = readTsv(path.join(dir, 'stsb', 'sts-test.csv')).map((f, i) => {
    if (f.length < 7) die(`sts-test.csv row ${i + 1}: ${f.length} columns`);
    return { s1: f[5], s2: f[6] };
  });
  // WikiQA: header QuestionID Question DocumentID DocumentTitle SentenceID Sentence Label
  const wq = readTsv(path.join(dir, 'wikiqa', 'WikiQA-test.tsv'));
  const header = wq.shift();
  const qi = header.indexOf('Question');
  const si = header.indexOf('Sentence');
  if (qi < 0 || si < 0) die('WikiQA-test.tsv: no Question/Sentence header');
  const wiki = wq.map((f) => ({ q: f[qi], s: f[si] }));

  const singles = [];
  const pairs = [];
  // Singles: alternate sentence1/sentence2 over STS-B rows; WikiQA sentences.
  everyKth(sts, N_PER_SOURCE).forEach((r, i) => singles.push(i % 2 ? r.s2 : r.s1));
  everyKth(wiki, N_PER_SOURCE).forEach((r, i) => singles.push(i % 3 === 2 ? r.q : r.s));
  // Pairs: take rows offset by half a stride so they differ from the singles.
  const stsP = everyKth(sts.slice(Math.floor(sts.length / N_PER_SOURCE / 2)), N_PER_SOURCE);
  const wikiP = everyKth(wiki.slice(Math.floor(wiki.length / N_PER_SOURCE / 2)), N_PER_SOURCE);
  stsP.forEach((r, i) => pairs.push([r.s1, r.s2, SHARED_MAX_LENGTHS[i % SHARED_MAX_LENGTHS.length]]));
  // WikiQA question/answer in both orders, so the long side is first or second.
  wikiP.forEach((r, i) => {
    const ml = SHARED_MAX_LENGTHS[i % SHARED_MAX_LENGTHS.length];
    pairs.push(Math.floor(i / SHARED_MAX_LENGTHS.length) % 2 ? [r.s, r.q, ml] : [r.q, r.s, ml]);
  });
  return singles.map((text) => ({ kind: 'single', text }))
    .concat(pairs.map(([a, b, ml]) => ({ kind: 'pair', text_a: a, text_b: b, max_length: ml })));
}

// ---------------------------------------------------------------------------

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const { Tokenizer } = loadBinding();

  let cases;
  if (args.input) {
    cases = readCases(args.input);
  } else {
    cases = sharedCases(args['from-shared']);
    if (args['cases-output']) {
      writeFile(args['cases-output'], cases.map(jsonLine).join(''));
    }
  }

  // Two instances: one never has truncation; the other gets the pair's
  // max_length before each (awaited, so sequential) pair encode. The binding's
  // async encode reads the tokenizer's settings when the task runs, so encodes
  // must not overlap with setTruncation calls.
  const plain = Tokenizer.fromFile(args.tokenizer);
  plain.disableTruncation();
  plain.disablePadding();
  const trunc = Tokenizer.fromFile(args.tokenizer);
  trunc.disablePadding();

  const specialCount = (await plain.encode('', '', { addSpecialTokens: true })).getLength();

  const out = [];
  for (let i = 0; i < cases.length; i++) {
    const c = cases[i];
    const rec = Object.assign({}, c);
    if (c.kind === 'single') {
      const e = await plain.encode(c.text, null, { addSpecialTokens: false });
      rec.ids = e.getIds();
      rec.tokens = e.getTokens();
    } else {
      if (c.max_length < specialCount) {
        // tokenizers computes max_length - added_tokens in usize; below the
        // number of special tokens it wraps and nothing is truncated.
        process.stderr.write(`make_token_goldens: warning: case ${i + 1}: max_length ` +
          `${c.max_length} < ${specialCount} special tokens; the library does not truncate\n`);
      }
      trunc.setTruncation(c.max_length, { strategy: 'LongestFirst', stride: 0, direction: 'right' });
      const e = await trunc.encode(c.text_a, c.text_b, { addSpecialTokens: true });
      rec.input_ids = e.getIds();
      rec.token_type_ids = e.getTypeIds();
      rec.tokens = e.getTokens();
    }
    out.push(jsonLine(rec));
  }
  writeFile(args.output, out.join(''));
  process.stderr.write(`make_token_goldens: wrote ${out.length} records to ${args.output}\n`);
}

main().catch((e) => die(e && e.stack ? e.stack : String(e)));
