#!/usr/bin/env python3
"""LLM rerankers: crossrank against transformers and the model cards' code.

    python3 scripts/gpu/llm_parity.py --crossrank BIN [--work DIR] [--device cuda]

For each recipe (qwen3-reranker, mxbai-rerank-v2, bge-reranker-gemma), the tiny
random checkpoint of scripts/fixtures/make_llm_checkpoint.py is

1. scored by the model card's code, transcribed here, with transformers'
   tokenizer (PreTrainedTokenizerFast on the checkpoint's tokenizer.json) and
   AutoModelForCausalLM (eager attention, float32), one record at a time;
2. exported twice with scripts/export_hf.py (through transformers, and with
   --no-transformers) and scored by `crossrank score`;
3. for Qwen3, the seq-cls repackaging through sentence-transformers'
   CrossEncoder as tomaarsen/Qwen3-Reranker-0.6B-seq-cls's card formats pairs
   (records that are not cut only: the card's pair formatting truncates otherwise).

Reports, per recipe, the records whose card ids differ from the goldens
(tests/data/goldens/prompts, made with the Rust tokenizers) and max |score
difference| of each pairing, as one JSON object on stdout. Needs torch,
transformers (and sentence-transformers for 3): the GPU machine has them.
"""

from __future__ import annotations

import json
import os
import sys

from parity_support import REPO, crossrank_scores, parity_args, run

QWEN3_PREFIX = ("<|im_start|>system\nJudge whether the Document meets the requirements based on "
                "the Query and the Instruct provided. Note that the answer can only be \"yes\" or "
                "\"no\".<|im_end|>\n<|im_start|>user\n")
QWEN3_SUFFIX = "<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n"
QWEN3_INSTRUCTION = "Given a web search query, retrieve relevant passages that answer the query"
MXBAI_PREFIX = ("<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful "
                "assistant.<|im_end|>\n<|im_start|>user\n")
MXBAI_SUFFIX = "<|im_end|>\n<|im_start|>assistant\n"
MXBAI_TASK = ("You are a search relevance expert who evaluates how well documents match search "
              "queries. For each query-document pair, carefully analyze the semantic relationship "
              "between them, then provide your binary relevance judgment (0 for not relevant, 1 "
              "for relevant).\nRelevance:")
GEMMA_PROMPT = ("Given a query A and a passage B, determine whether the passage contains an answer "
                "to the query by providing a prediction of either 'Yes' or 'No'.")


def card_ids(recipe, tok, rec):
    """The model card's input ids for one record (its code, minus batching)."""
    q, d, L = rec["query"], rec["document"], rec["max_length"]
    instr = rec.get("instruction")
    enc = lambda text, n=None: tok(text, add_special_tokens=False, truncation=n is not None,  # noqa: E731
                                   max_length=n)["input_ids"]
    if recipe == "qwen3-reranker":
        prefix, suffix = enc(QWEN3_PREFIX), enc(QWEN3_SUFFIX)
        text = f"<Instruct>: {QWEN3_INSTRUCTION if instr is None else instr}\n<Query>: {q}\n<Document>: {d}"
        return prefix + enc(text, L - len(prefix) - len(suffix)) + suffix
    if recipe == "mxbai-rerank-v2":
        sep, prefix, task, suffix = enc("\n"), enc(MXBAI_PREFIX), enc(MXBAI_TASK), enc(MXBAI_SUFFIX)
        qtext = f"query: {q}" if not instr else f"instruction: {instr}\nquery: {q}"
        qids = enc(qtext, L * 3 // 4)
        dids = enc(f"document: {d}", L)
        item = tok.prepare_for_model(qids, sep + dids, truncation="only_second", max_length=L,
                                     add_special_tokens=False)["input_ids"]
        return prefix + item + sep + task + suffix
    prompt = enc(GEMMA_PROMPT if instr is None else instr)
    sep = enc("\n")
    qids = enc(f"A: {q}", L * 3 // 4)
    pids = enc(f"B: {d}", L)
    item = tok.prepare_for_model([tok.convert_tokens_to_ids("<bos>")] + qids, sep + pids,
                                 truncation="only_second", max_length=L,
                                 add_special_tokens=False)["input_ids"]
    return item + sep + prompt


def prompt_line(rec):
    return {k: rec[k] for k in ("query", "document", "instruction") if k in rec}


def card_score(recipe, model, tok, ids, device):
    import torch
    with torch.no_grad():
        logits = model(torch.tensor([ids], device=device)).logits[0, -1].float()
    vocab = tok.get_vocab()
    if recipe == "qwen3-reranker":  # log_softmax over (no, yes), exp: P(yes)
        pair = torch.stack([logits[vocab["no"]], logits[vocab["yes"]]])
        return torch.log_softmax(pair, 0)[1].exp().item()
    if recipe == "mxbai-rerank-v2":
        return (logits[vocab["1"]] - logits[vocab["0"]]).item()
    return logits[vocab["Yes"]].item()


def main():
    args = parity_args(__doc__, "crossrank-llm-")
    import torch
    from transformers import AutoModelForCausalLM, PreTrainedTokenizerFast
    report = {"transformers": __import__("transformers").__version__, "torch": torch.__version__}
    py = sys.executable
    for recipe in ("qwen3-reranker", "mxbai-rerank-v2", "bge-reranker-gemma"):
        ck = os.path.join(args.work, "ck-" + recipe)
        run([py, os.path.join(REPO, "scripts/fixtures/make_llm_checkpoint.py"), "--recipe", recipe, "--out", ck])
        records = [json.loads(x) for x in open(os.path.join(ck, "eager_scores.jsonl"), encoding="utf-8")]
        tok = PreTrainedTokenizerFast(tokenizer_file=os.path.join(ck, "tokenizer.json"))
        model = AutoModelForCausalLM.from_pretrained(ck, attn_implementation="eager",
                                                     torch_dtype=torch.float32).to(args.device).eval()
        ids_differ = sum(card_ids(recipe, tok, r) != r["input_ids"] for r in records)
        card = {id(r): card_score(recipe, model, tok, r["input_ids"], args.device) for r in records}
        entry = {"records": len(records), "card_ids_differ_from_goldens": ids_differ}
        # crossrank's score: sigmoid for qwen3 (the card's P(yes)), the raw logit otherwise.
        for route, extra in (("transformers", []), ("own_modules", ["--no-transformers"])):
            bundle = os.path.join(args.work, f"b-{recipe}-{route}")
            run([py, os.path.join(REPO, "scripts/export_hf.py"), ck, bundle, "--template", recipe, "--force"] + extra)
            got = crossrank_scores(args.crossrank, bundle, records, args.device, prompt_line)
            entry[f"max_abs_diff_card_vs_crossrank_{route}"] = max(abs(card[id(r)] - s) for r, s in zip(records, got))
        if recipe == "qwen3-reranker":
            entry["crossencoder_seq_cls"] = crossencoder_check(args, py, records, card)
        report[recipe] = entry
        print(json.dumps({recipe: entry}), file=sys.stderr)
    print(json.dumps(report))


def crossencoder_check(args, py, records, card):
    try:
        from sentence_transformers import CrossEncoder
    except ImportError as e:
        return f"not run: {e}"
    ck = os.path.join(args.work, "ck-qwen3-seq-cls")
    run([py, os.path.join(REPO, "scripts/fixtures/make_llm_checkpoint.py"), "--recipe", "qwen3-reranker", "--seq-cls",
         "--out", ck])
    whole = [r for r in records if r["max_length"] == 8192]  # not cut
    try:
        model = CrossEncoder(ck, device=args.device)
        pairs = [(QWEN3_PREFIX + f"<Instruct>: {r.get('instruction', QWEN3_INSTRUCTION)}\n<Query>: {r['query']}\n",
                  f"<Document>: {r['document']}" + QWEN3_SUFFIX) for r in whole]
        scores = model.predict(pairs, batch_size=1)
    except Exception as e:  # noqa: BLE001 (report, do not stop the other checks)
        return f"CrossEncoder failed: {type(e).__name__}: {e}"
    return {"pairs": len(whole), "max_abs_diff_vs_card": max(abs(float(s) - card[id(r)]) for r, s in zip(whole, scores))}


if __name__ == "__main__":
    main()
