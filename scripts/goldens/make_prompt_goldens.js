#!/usr/bin/env node
// Prompt goldens for the LLM rerankers: the token ids each model card's reference code
// gives a (query, document, instruction) at a max_length, with the Hugging Face
// `tokenizers` Rust library (`@anush008/tokenizers`, as make_token_goldens.js) doing every
// tokenization. Each recipe below is the model card's Python transcribed step by step; it
// does not read crossrank's recipe files (scripts/templates/), which these goldens check.
//
//   node scripts/goldens/make_prompt_goldens.js --recipe qwen3-reranker \
//        --tokenizer tests/data/tokenizers/variants/qwen-split/tokenizer.json \
//        --output tests/data/goldens/prompts/qwen3-reranker.jsonl
//
// Recipes: qwen3-reranker (Qwen/Qwen3-Reranker-0.6B card, "Transformers Usage"),
// mxbai-rerank-v2 (github.com/mixedbread-ai/mxbai-rerank, mxbai_rerank_v2.py),
// bge-reranker-gemma (BAAI/bge-reranker-v2-gemma card, get_inputs).
// Cases: the distinct pairs of tests/data/goldens/tokenizer_cases.jsonl, some paired with
// a long document, each at the recipe's default max_length and at short ones that cut,
// with the default, a custom, an empty and a non-ASCII instruction in turn.
// Output, one line per case: {"recipe", "query", "document", "instruction" (absent: the
// default), "max_length", "input_ids"}.
'use strict';

const fs = require('fs');
const path = require('path');
const { Tokenizer } = require('@anush008/tokenizers');

function die(msg) {
  process.stderr.write(`make_prompt_goldens: ${msg}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const args = {};
  for (let i = 0; i < argv.length; i += 2) {
    if (!['--recipe', '--tokenizer', '--output'].includes(argv[i]) || i + 1 >= argv.length) {
      die(`usage: --recipe NAME --tokenizer TOKENIZER.json --output OUT.jsonl (bad: ${argv[i]})`);
    }
    args[argv[i].slice(2)] = argv[i + 1];
  }
  if (!args.recipe || !args.tokenizer || !args.output) die('--recipe, --tokenizer and --output are required');
  return args;
}

// tokenizer(text, add_special_tokens=False, truncation=True, max_length=n)['input_ids']:
// one sequence cut from the right.
async function ids(tok, text, maxLength = Infinity) {
  const e = await tok.encode(text, null, { addSpecialTokens: false });
  return Array.from(e.getIds()).slice(0, maxLength);
}

// tokenizer.prepare_for_model(a, b, truncation='only_second', max_length=n): the end of b
// is cut; when b is not longer than what must go, transformers logs an error and cuts nothing.
function onlySecond(a, b, maxLength) {
  const over = a.length + b.length - maxLength;
  if (over > 0 && b.length > over) return a.concat(b.slice(0, b.length - over));
  return a.concat(b);
}

const QWEN3_PREFIX = '<|im_start|>system\nJudge whether the Document meets the requirements based on the Query and the ' +
  'Instruct provided. Note that the answer can only be "yes" or "no".<|im_end|>\n<|im_start|>user\n';
const QWEN3_SUFFIX = '<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n';
const QWEN3_INSTRUCTION = 'Given a web search query, retrieve relevant passages that answer the query';

const MXBAI_PREFIX = '<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.' +
  '<|im_end|>\n<|im_start|>user\n';
const MXBAI_SUFFIX = '<|im_end|>\n<|im_start|>assistant\n';
const MXBAI_TASK = 'You are a search relevance expert who evaluates how well documents match search queries. ' +
  'For each query-document pair, carefully analyze the semantic relationship between them, then provide your ' +
  'binary relevance judgment (0 for not relevant, 1 for relevant).\nRelevance:';
const MXBAI_MODEL_MAX_LENGTH = 32768;  // config.max_position_embeddings of Qwen2-0.5B

const GEMMA_PROMPT = "Given a query A and a passage B, determine whether the passage contains an answer to the " +
  "query by providing a prediction of either 'Yes' or 'No'.";

const RECIPES = {
  'qwen3-reranker': {
    defaultMaxLength: 8192,
    // format_instruction + process_inputs: the middle cut to max_length - |prefix| - |suffix|.
    async encode(tok, query, doc, instruction, maxLength) {
      const prefix = await ids(tok, QWEN3_PREFIX);
      const suffix = await ids(tok, QWEN3_SUFFIX);
      const text = `<Instruct>: ${instruction === undefined ? QWEN3_INSTRUCTION : instruction}\n<Query>: ${query}\n<Document>: ${doc}`;
      return prefix.concat(await ids(tok, text, maxLength - prefix.length - suffix.length), suffix);
    },
    async fixedLength(tok) {
      return (await ids(tok, QWEN3_PREFIX)).length + (await ids(tok, QWEN3_SUFFIX)).length;
    },
  },
  'mxbai-rerank-v2': {
    defaultMaxLength: 8192,
    // MxbaiRerankV2._prepare_inputs (instruction None when not given).
    async encode(tok, query, doc, instruction, maxLength) {
      const sep = await ids(tok, '\n');
      const prefix = await ids(tok, MXBAI_PREFIX);
      const task = await ids(tok, MXBAI_TASK);
      const suffix = await ids(tok, MXBAI_SUFFIX);
      const predefined = prefix.length + task.length + suffix.length + sep.length;
      if (maxLength + predefined > MXBAI_MODEL_MAX_LENGTH) maxLength = MXBAI_MODEL_MAX_LENGTH - predefined;
      let queryText = `query: ${query}`;
      if (instruction) queryText = `instruction: ${instruction}` + '\n' + queryText;
      const q = await ids(tok, queryText, Math.floor(maxLength * 3 / 4));
      const docMax = Math.min(MXBAI_MODEL_MAX_LENGTH - q.length - predefined, maxLength);
      const d = await ids(tok, `document: ${doc}`, docMax);
      const item = onlySecond(q, sep.concat(d), maxLength);
      return prefix.concat(item, sep, task, suffix);
    },
    async fixedLength() {
      return 0;
    },
  },
  'bge-reranker-gemma': {
    defaultMaxLength: 1024,
    // get_inputs(pairs, tokenizer, prompt=None, max_length=1024) of the model card.
    async encode(tok, query, doc, instruction, maxLength) {
      const prompt = await ids(tok, instruction === undefined ? GEMMA_PROMPT : instruction);
      const sep = await ids(tok, '\n');
      const q = await ids(tok, `A: ${query}`, Math.floor(maxLength * 3 / 4));
      const p = await ids(tok, `B: ${doc}`, maxLength);
      const bos = tok.tokenToId('<bos>');
      if (bos === undefined || bos === null) die('the tokenizer has no <bos>');
      return onlySecond([bos].concat(q), sep.concat(p), maxLength).concat(sep, prompt);
    },
    async fixedLength() {
      return 0;
    },
  },
};

const INSTRUCTIONS = [undefined, 'Find the passage that answers the question', '', 'Trouvez le passage pertinent: ¿qué? 質問'];

function readPairs() {
  const file = path.join(__dirname, '..', '..', 'tests', 'data', 'goldens', 'tokenizer_cases.jsonl');
  const seen = new Set();
  const pairs = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const c = JSON.parse(line);
    if (c.kind !== 'pair') continue;
    const key = JSON.stringify([c.text_a, c.text_b]);
    if (seen.has(key)) continue;
    seen.add(key);
    pairs.push([c.text_a, c.text_b]);
  }
  return pairs;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const recipe = RECIPES[args.recipe];
  if (!recipe) die(`unknown recipe ${args.recipe} (${Object.keys(RECIPES).join(', ')})`);
  const tok = Tokenizer.fromFile(args.tokenizer);
  const pairs = readPairs();
  const longDoc = pairs.slice(0, 12).map((p) => p[1]).join(' ');
  const cases = pairs.concat(pairs.slice(0, 10).map((p) => [p[0], longDoc]));
  const fixed = await recipe.fixedLength(tok);
  const lengths = [recipe.defaultMaxLength, fixed + 12, fixed + 24, fixed + 64];
  const out = [];
  for (let i = 0; i < cases.length; i++) {
    const [query, document] = cases[i];
    const maxLength = lengths[i % lengths.length];
    const instruction = INSTRUCTIONS[Math.floor(i / lengths.length) % INSTRUCTIONS.length];
    const rec = { recipe: args.recipe, query, document };
    if (instruction !== undefined) rec.instruction = instruction;
    rec.max_length = maxLength;
    rec.input_ids = await recipe.encode(tok, query, document, instruction, maxLength);
    out.push(JSON.stringify(rec).replace(/[\u0085\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
  }
  fs.mkdirSync(path.dirname(args.output), { recursive: true });
  fs.writeFileSync(args.output, out.join('\n') + '\n');
  process.stderr.write(`make_prompt_goldens: wrote ${out.length} records to ${args.output}\n`);
}

main().catch((e) => die(e.stack || String(e)));
