// ONNX Runtime peer for scripts/compare_ort.sh: transformers.js (onnxruntime-node, CPU).
//
//   node run_ort.mjs --model ONNX_DIR --pairs PAIRS.jsonl [--orders sorted,input]
//        [--batch-size 32] [--threads N] [--max-length 512] [--out RESULTS.jsonl]
//
// compare_ort.sh copies this file next to the node_modules that `npm ci` made from
// scripts/ort/package-lock.json, so that `import "@huggingface/transformers"` resolves.
//
// Load (timed separately): AutoTokenizer + AutoModelForSequenceClassification from the
// local folder (no network), CPU, fp32 (onnx/model.onnx), intra-op threads = --threads.
// Warm-up (untimed): one batch of the first --batch-size pairs.
// Each order is one timed pass over all pairs, which is the whole work a user's program
// does after loading the model:
//   1. tokenize every pair with transformers.js (truncation to --max-length, no padding);
//   2. form batches of --batch-size pairs, after sorting by token length ("sorted") or in
//      input order ("input");
//   3. right-pad each batch (pad id 0, attention mask 0) and run the model on it;
//   4. put the logits back in input order.
// stdout: one JSON line {onnxruntime_node, transformers_js, load_s, warmup_s, passes: {order:
// {seconds, tokenize_s, pairs_per_s, padding}}}. --out: one JSON line per pair in input order
// {input_ids, token_type_ids, logits: {order: [..]}} for the score check.

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { AutoModelForSequenceClassification, AutoTokenizer, Tensor, env } from "@huggingface/transformers";

const require = createRequire(import.meta.url);

function fail(msg) {
  console.error(`run_ort: ERROR: ${msg}`);
  process.exit(1);
}

function parseArgs(argv) {
  const a = { orders: "sorted,input", batchSize: 32, threads: os.availableParallelism(), maxLength: 512 };
  const names = { "--model": "model", "--pairs": "pairs", "--orders": "orders", "--batch-size": "batchSize",
                  "--threads": "threads", "--max-length": "maxLength", "--out": "out" };
  for (let i = 0; i < argv.length; i += 2) {
    const key = names[argv[i]];
    if (!key || i + 1 >= argv.length) fail(`bad argument ${argv[i]} (see the comment at the top)`);
    a[key] = ["batchSize", "threads", "maxLength"].includes(key) ? Number(argv[i + 1]) : argv[i + 1];
  }
  if (!a.model || !a.pairs) fail("--model and --pairs are required");
  a.orders = a.orders.split(",");
  for (const o of a.orders) if (o !== "sorted" && o !== "input") fail(`unknown order ${o}`);
  for (const k of ["batchSize", "threads", "maxLength"]) {
    if (!Number.isInteger(a[k]) || a[k] < 1) fail(`--${k} must be a positive integer`);
  }
  return a;
}

// The pair forms crossrank's score command accepts.
const FORMS = [["text_a", "text_b"], ["query", "text"], ["query", "document"], ["sentence1", "sentence2"]];

function readPairs(file) {
  const first = [], second = [];
  fs.readFileSync(file, "utf8").split("\n").forEach((line, n) => {
    if (!line.trim()) return;
    const v = JSON.parse(line);
    const form = Array.isArray(v) ? [0, 1] : FORMS.find(([x, y]) => x in v && y in v);
    if (!form) fail(`${file}:${n + 1}: not a text pair`);
    first.push(v[form[0]]);
    second.push(v[form[1]]);
  });
  if (first.length === 0) fail(`${file}: no pairs`);
  return [first, second];
}

function paddedTensor(rows, group, seq) {
  const data = new BigInt64Array(group.length * seq); // zeros: pad id 0, mask 0, type 0
  group.forEach((p, r) => rows[p].forEach((x, j) => { data[r * seq + j] = BigInt(x); }));
  return new Tensor("int64", data, [group.length, seq]);
}

// One timed pass: returns the logits per pair (input order) and the timings.
async function pass(tokenizer, model, texts, order, a) {
  const t0 = performance.now();
  const enc = tokenizer(texts[0], { text_pair: texts[1], truncation: true, max_length: a.maxLength,
                                     return_tensor: false });
  const tTok = performance.now();
  const n = texts[0].length;
  const idx = Array.from({ length: n }, (_, i) => i);
  if (order === "sorted") idx.sort((x, y) => enc.input_ids[x].length - enc.input_ids[y].length);
  const logits = new Array(n);
  let real = 0, padded = 0;
  for (let s = 0; s < n; s += a.batchSize) {
    const group = idx.slice(s, s + a.batchSize);
    const seq = Math.max(...group.map((p) => enc.input_ids[p].length));
    const out = await model({
      input_ids: paddedTensor(enc.input_ids, group, seq),
      attention_mask: paddedTensor(enc.attention_mask, group, seq),
      token_type_ids: paddedTensor(enc.token_type_ids, group, seq),
    });
    const labels = out.logits.dims[1];
    group.forEach((p, r) => { logits[p] = Array.from(out.logits.data.slice(r * labels, (r + 1) * labels)); });
    for (const p of group) real += enc.input_ids[p].length;
    padded += group.length * seq;
  }
  const seconds = (performance.now() - t0) / 1000;
  return { enc, logits, timing: { seconds: +seconds.toFixed(3), tokenize_s: +((tTok - t0) / 1000).toFixed(3),
                                  pairs_per_s: +(n / seconds).toFixed(2), padding: +(1 - real / padded).toFixed(4) } };
}

async function main() {
  const a = parseArgs(process.argv.slice(2));
  const texts = readPairs(a.pairs);

  env.allowRemoteModels = false; // local folder only: no network at run time
  env.localModelPath = path.dirname(path.resolve(a.model));
  const name = path.basename(path.resolve(a.model));
  const t0 = performance.now();
  const tokenizer = await AutoTokenizer.from_pretrained(name);
  const model = await AutoModelForSequenceClassification.from_pretrained(name, {
    device: "cpu", dtype: "fp32",
    session_options: { intraOpNumThreads: a.threads, interOpNumThreads: 1 },
  });
  const loadS = (performance.now() - t0) / 1000;

  const w0 = performance.now();
  const k = Math.min(a.batchSize, texts[0].length);
  await pass(tokenizer, model, [texts[0].slice(0, k), texts[1].slice(0, k)], "input", a);
  const warmupS = (performance.now() - w0) / 1000;

  const passes = {}, logits = {};
  let enc = null;
  for (const o of a.orders) {
    const r = await pass(tokenizer, model, texts, o, a);
    passes[o] = r.timing;
    logits[o] = r.logits;
    enc = r.enc;
    console.error(`run_ort: ${o}: ${texts[0].length} pairs in ${r.timing.seconds} s ` +
                  `(tokenize ${r.timing.tokenize_s} s), ${r.timing.pairs_per_s} pairs/s`);
  }

  if (a.out) {
    const lines = enc.input_ids.map((ids, i) => JSON.stringify({
      input_ids: ids, token_type_ids: enc.token_type_ids[i],
      logits: Object.fromEntries(a.orders.map((o) => [o, logits[o][i]])),
    }));
    fs.writeFileSync(a.out, lines.join("\n") + "\n");
  }
  console.log(JSON.stringify({
    onnxruntime_node: require("onnxruntime-node/package.json").version,
    transformers_js: env.version, threads: a.threads, batch_size: a.batchSize,
    load_s: +loadS.toFixed(3), warmup_s: +warmupS.toFixed(3), passes,
  }));
}

main().catch((e) => fail(e.stack || String(e)));
