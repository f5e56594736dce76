#!/usr/bin/env bash
# export_hf.no_transformers: scripts/export_hf.py --no-transformers end to end.
#
#   tests/integration/export_hf.sh BUILD_DIR/apps/crossrank/crossrank OUT_DIR
#
# For every family (bert, roberta, xlm-roberta, electra, modernbert) a random-weight Hugging Face
# checkpoint (scripts/fixtures/make_hf_checkpoint.py; pytorch_model.bin with legacy names and
# extras, model.safetensors with current names) is exported from each weights format,
# plus a sharded safetensors copy of bert. crossrank scores the checkpoint's 40 reference
# pairs (grouped by max_length, activation identity); the logits must equal the eager
# module's within 1e-5, the .bin and .safetensors bundles must give identical scores, and
# the saved model.pt run from Python must match too. Then bf16 and int8 exports of bert
# (their drift is printed; if crossrank cannot run them that is reported, not failed),
# the safetensors reader, the transformers path's plumbing with a stand-in package, and
# error cases (unknown model_type, DeBERTa, truncated safetensors, base-model weights, no
# classifier). Exit 77 (skipped) without torch in /usr/bin/python3. OUT_DIR is replaced.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/torch_test.sh" "$@" .export_hf_test
families=(bert roberta xlm-roberta electra modernbert)

# Checkpoints, one source folder per weights format (links to the shared files).
for f in "${families[@]}"; do
  $py "$repo/scripts/fixtures/make_hf_checkpoint.py" --family "$f" --out "ckpt-$f" --format both \
      --legacy-keys
  for fmt in bin st; do
    mkdir "src-$f-$fmt"
    for file in ckpt-$f/*; do
      case "$fmt:${file##*/}" in
        bin:model.safetensors | st:pytorch_model.bin | *:eager_scores.jsonl) continue ;;
      esac
      ln -s "../$file" "src-$f-$fmt/${file##*/}"
    done
  done
done
# bert again, as a two-shard safetensors checkpoint with its index.
mkdir src-bert-sharded
for file in ckpt-bert/*; do
  case "${file##*/}" in pytorch_model.bin | model.safetensors | eager_scores.jsonl) ;;
    *) ln -s "../$file" "src-bert-sharded/${file##*/}" ;; esac
done
REPO=$repo $py - <<'EOF'
import json, os, sys
sys.path.insert(0, os.path.join(os.environ["REPO"], "scripts"))
from models.safetensors import load_file, save_file
state = load_file("ckpt-bert/model.safetensors")
names = sorted(state)
half = len(names) // 2
shards = {"model-00001-of-00002.safetensors": names[:half],
          "model-00002-of-00002.safetensors": names[half:]}
weight_map = {}
for shard, keys in shards.items():
    save_file({k: state[k] for k in keys}, os.path.join("src-bert-sharded", shard),
              metadata={"format": "pt"})
    weight_map.update({k: shard for k in keys})
with open("src-bert-sharded/model.safetensors.index.json", "w") as f:
    json.dump({"metadata": {"total_size": 0}, "weight_map": weight_map}, f, indent=2)
EOF

# Exports and crossrank runs go two at a time (each is mostly one core); a job that
# fails leaves JOB.failed behind, and every job's output is printed in order at the end.
throttle() { while (( $(jobs -rp | wc -l) >= 2 )); do wait -n || true; done; }
export_bundle() {  # SRC OUT [options]
  local src=$1 dst=$2
  shift 2
  if $py "$repo/scripts/export_hf.py" "$src" "$dst" --no-transformers "$@" 2> "$dst.log"; then
    grep -E 'verified|via' "$dst.log" | sed "s|^|  [$dst] |" > "$dst.summary"
  else
    { cat "$dst.log"; echo "export_hf.py $src $dst $* failed"; } > "$dst.failed"
  fi
}
bundles=() lowp=()
for f in "${families[@]}"; do
  for fmt in bin st; do
    bundles+=("$f:bundle-$f-$fmt")
    export_bundle "src-$f-$fmt" "bundle-$f-$fmt" &
    throttle
  done
done
bundles+=("bert:bundle-bert-sharded")
export_bundle src-bert-sharded bundle-bert-sharded &
throttle
lowp+=("bert:bundle-bert-bf16")
export_bundle src-bert-st bundle-bert-bf16 --dtype bf16 --max-length 128 &
throttle
lowp+=("bert:bundle-bert-int8")
export_bundle src-bert-st bundle-bert-int8 --quantize int8 &
wait
for entry in "${bundles[@]}" "${lowp[@]}"; do
  b=${entry#*:}
  [[ ! -e $b.failed ]] || { cat "$b.failed" >&2; fail "export of $b"; }
  cat "$b.summary"
done

# crossrank's input: the reference pairs, one file per max_length.
for f in "${families[@]}"; do
  $py - "$f" <<'EOF'
import json, sys
fam = sys.argv[1]
groups = {}
for line in open(f"ckpt-{fam}/eager_scores.jsonl", encoding="utf-8"):
    r = json.loads(line)
    groups.setdefault(r["max_length"], []).append(
        {"index": r["index"], "text_a": r["text_a"], "text_b": r["text_b"]})
for n, rows in groups.items():
    with open(f"pairs-{fam}.{n}.jsonl", "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
EOF
done
score_bundle() {  # FAMILY BUNDLE: BUNDLE.scores.jsonl, or BUNDLE.failed with crossrank's error
  local f=$1 b=$2 in n
  : > "$b.scores.jsonl"
  for in in pairs-$f.*.jsonl; do
    n=${in#pairs-$f.}
    n=${n%.jsonl}
    if ! "$crossrank" score -q --threads 1 -m "$b" --max-length "$n" --activation identity -i "$in" \
        >> "$b.scores.jsonl" 2> "$b.crossrank.err"; then
      { echo "crossrank score -m $b --max-length $n failed:"; cat "$b.crossrank.err"; } \
        > "$b.failed"
      rm -f "$b.scores.jsonl"
      return
    fi
  done
}
for entry in "${bundles[@]}" "${lowp[@]}"; do
  score_bundle "${entry%%:*}" "${entry#*:}" &
  throttle
done
wait
for entry in "${bundles[@]}"; do
  b=${entry#*:}
  [[ ! -e $b.failed ]] || { cat "$b.failed" >&2; fail "crossrank could not score $b"; }
done
# ModernBERT's tokenizer allows every position (1024 here): the bundle keeps crossrank's 512
# default, info shows both, and a run that keeps the default says how to match
# sentence-transformers.
"$crossrank" info -m bundle-modernbert-st > info-modernbert.txt 2> /dev/null
grep -qx 'max_length: 512' info-modernbert.txt && grep -qx 'tokenizer_max_length: 1024' info-modernbert.txt \
  || { cat info-modernbert.txt >&2; fail "info of bundle-modernbert-st: max_length 512, tokenizer_max_length 1024"; }
head -1 pairs-modernbert.512.jsonl | "$crossrank" score --threads 1 -m bundle-modernbert-st > /dev/null \
  2> note-modernbert.err
grep -q 'tokenizer allows 1024.*--max-length 1024' note-modernbert.err \
  || { cat note-modernbert.err >&2; fail "no max-length note for bundle-modernbert-st"; }
for entry in "${lowp[@]}"; do  # reported, not failed
  b=${entry#*:}
  [[ ! -e $b.failed ]] || { echo "NOTE: crossrank could not score $b:"; sed 's/^/  /' "$b.failed"; }
done

# Comparisons (one Python process).
REPO=$repo BUNDLES="${bundles[*]}" LOWP="${lowp[*]}" $py - <<'EOF'
import json, os, struct, sys
import torch
sys.path.insert(0, os.path.join(os.environ["REPO"], "scripts"))
from models.safetensors import SafetensorsError, load_file, save_file

TOL = 1e-5
failures = []


def check(ok, msg):
    if not ok:
        failures.append(msg)
        print("FAIL: " + msg, file=sys.stderr)


def eager(fam):
    with open(f"ckpt-{fam}/eager_scores.jsonl", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def crossrank_scores(bundle):
    path = f"{bundle}.scores.jsonl"
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    return {r["index"]: r["score"] for r in rows}


@torch.no_grad()
def python_traced(bundle, pairs):
    """Logits of BUNDLE/model.pt for each pair alone and in one padded batch."""
    model = torch.jit.load(f"{bundle}/model.pt")
    names = [a.name for a in model.forward.schema.arguments][1:]
    pad = json.load(open(f"{bundle}/config.json")).get("pad_token_id", 0)
    alone = []
    for p in pairs:
        t = {"input_ids": torch.tensor([p["input_ids"]]),
             "token_type_ids": torch.tensor([p["token_type_ids"]])}
        t["attention_mask"] = torch.ones_like(t["input_ids"])
        alone.append(model(*(t[n] for n in names))[0, 0].item())
    seq = max(len(p["input_ids"]) for p in pairs)
    t = {"input_ids": torch.full((len(pairs), seq), pad),
         "attention_mask": torch.zeros(len(pairs), seq, dtype=torch.long),
         "token_type_ids": torch.zeros(len(pairs), seq, dtype=torch.long)}
    for i, p in enumerate(pairs):
        n = len(p["input_ids"])
        t["input_ids"][i, :n] = torch.tensor(p["input_ids"])
        t["token_type_ids"][i, :n] = torch.tensor(p["token_type_ids"])
        t["attention_mask"][i, :n] = 1
    batched = model(*(t[n] for n in names))[:, 0].tolist()
    return alone, batched, names


def maxdiff(a, b):
    return max(abs(x - y) for x, y in zip(a, b))


print(f"{'bundle':24} {'crossrank-eager':>16} {'python(alone)':>14} {'python(batch)':>14}")
by_family = {}
for entry in os.environ["BUNDLES"].split():
    fam, bundle = entry.split(":")
    pairs = eager(fam)
    want = [p["logits"][0] for p in pairs]
    got = crossrank_scores(bundle)
    check(got is not None and sorted(got) == list(range(len(pairs))),
          f"{bundle}: crossrank scored {0 if got is None else len(got)} of {len(pairs)} pairs")
    got = [got[i] for i in range(len(pairs))]
    by_family.setdefault(fam, []).append((bundle, got))
    d_cr = maxdiff(got, want)
    alone, batched, names = python_traced(bundle, pairs)
    d_alone, d_batch = maxdiff(alone, want), maxdiff(batched, want)
    print(f"{bundle:24} {d_cr:16.3g} {d_alone:14.3g} {d_batch:14.3g}")
    for what, d in (("crossrank", d_cr), ("python model.pt alone", d_alone),
                    ("python model.pt batched", d_batch)):
        check(d <= TOL, f"{bundle}: {what} vs eager max |diff| {d:g} > {TOL:g}")
    cfg = json.load(open(f"{bundle}/crossrank.json"))
    check(cfg["inputs"] == names, f"{bundle}: crossrank.json inputs {cfg['inputs']} != {names}")
    check(cfg["model_type"] == json.load(open(f"{bundle}/config.json"))["model_type"],
          f"{bundle}: crossrank.json model_type")
    eb = cfg.get("exported_by", {})
    check(eb.get("torch") == torch.__version__ and eb.get("transformers") is None
          and eb.get("script") == "scripts/export_hf.py" and eb.get("dtype") == "fp32"
          and eb.get("quantize") is None, f"{bundle}: crossrank.json exported_by {eb}")
    want_act = {"bert": "identity", "electra": "sigmoid"}.get(fam)
    check(cfg.get("activation") == want_act,
          f"{bundle}: crossrank.json activation {cfg.get('activation')} != {want_act}")
for fam, runs in by_family.items():
    first_bundle, first = runs[0]
    for bundle, scores in runs[1:]:
        check(scores == first, f"{bundle} and {first_bundle} give different scores")
print("bin, safetensors (and sharded) bundles give identical scores per family"
      if not failures else "")

for entry in os.environ["LOWP"].split():
    fam, bundle = entry.split(":")
    pairs = eager(fam)
    want = [p["logits"][0] for p in pairs]
    got = crossrank_scores(bundle)
    alone, batched, _ = python_traced(bundle, pairs)
    spread = max(1.0, max(abs(w) for w in want))
    eb = json.load(open(f"{bundle}/crossrank.json"))["exported_by"]
    line = (f"{bundle}: drift vs fp32 eager: python alone {maxdiff(alone, want):.3g}, "
            f"python batched {maxdiff(batched, want):.3g}, ")
    if got is None:
        line += "crossrank: could not score (see NOTE above)"
    else:
        d = maxdiff([got[i] for i in range(len(pairs))], want)
        line += f"crossrank {d:.3g}"
        limit = (0.05 if eb["dtype"] == "bf16" else 0.1) * spread
        check(d <= limit, f"{bundle}: crossrank drift {d:g} above the exporter's bound {limit:g}")
    print(line + f" (max |logit| {spread:.3g}; engine {eb.get('quantized_engine', '-')})")

# The safetensors reader on every dtype it must support, and malformed files.
tensors = {"f32": torch.randn(3, 4), "f16": torch.randn(5).half(),
           "bf16": torch.randn(2, 2, 2).bfloat16(), "i64": torch.arange(7),
           "empty": torch.zeros(0, 3), "scalar": torch.tensor(2.5)}
save_file(tensors, "dtypes.safetensors", metadata={"format": "pt"})
back = load_file("dtypes.safetensors")
for k, v in tensors.items():
    check(k in back and back[k].dtype == v.dtype and torch.equal(back[k], v),
          f"safetensors round trip of {k} ({v.dtype})")
raw = open("dtypes.safetensors", "rb").read()
(n,) = struct.unpack("<Q", raw[:8])
header = json.loads(raw[8:8 + n])
bad_cases = {
    "truncated-data": raw[:-3],
    "bad-shape": dict(header, f32=dict(header["f32"], shape=[3, 5])),
    "overlap": dict(header, f16=dict(header["f16"], data_offsets=[0, 10])),
    "bad-dtype": dict(header, i64=dict(header["i64"], dtype="I128")),
}
for name, case in bad_cases.items():
    if isinstance(case, dict):
        text = json.dumps(case).encode()
        text += b" " * (-len(text) % 8)
        case = struct.pack("<Q", len(text)) + text + raw[8 + n:]
    with open(f"bad-{name}.safetensors", "wb") as f:
        f.write(case)
    try:
        load_file(f"bad-{name}.safetensors")
        check(False, f"safetensors reader accepted bad-{name}")
    except SafetensorsError as e:
        print(f"safetensors {name}: {e}")
if failures:
    print(f"{len(failures)} failure(s)", file=sys.stderr)
    sys.exit(1)
EOF

# The transformers path, with a stand-in "transformers" package (the real one is not
# installed here): AutoModelForSequenceClassification.from_pretrained returns the project's
# module behind a transformers-like forward (keyword inputs, return_dict=False -> tuple). It
# checks export_hf.py's plumbing (input names from the signature and type_vocab_size,
# logits from the tuple, exported_by), not transformers itself.
mkdir -p stub/transformers
cat > stub/transformers/__init__.py <<'EOF'
import os, sys
import torch
from models.checkpoint import build_model, find_weights, load_state_dict, read_config
__version__ = "0.0.0+crossrank-stub"

class _Config:
    def __init__(self, d):
        self._d = dict(d)
        self.__dict__.update(d)
        self.num_labels = len(d.get("id2label") or {}) or 2
        self._attn_implementation = "eager"
    def to_dict(self):
        return dict(self._d)

class _Model(torch.nn.Module):
    def __init__(self, inner, config):
        super().__init__()
        self.inner, self.config = inner, config
    def forward(self, input_ids=None, attention_mask=None, token_type_ids=None,
                position_ids=None, return_dict=None):
        args = (input_ids, attention_mask)
        if token_type_ids is not None:
            args += (token_type_ids,)
        logits = self.inner(*args)
        return (logits,) if return_dict is False else {"logits": logits}

class AutoModelForSequenceClassification:
    @staticmethod
    def from_pretrained(path, attn_implementation=None, **kwargs):
        assert attn_implementation == "eager" and not kwargs, kwargs
        config = read_config(path)
        state, _ = load_state_dict(find_weights(path))
        inner, _ = build_model(config, state, [])
        return _Model(inner, _Config(config)).eval()
EOF
for f in bert roberta; do
  PYTHONPATH="$out/stub:$repo/scripts" $py "$repo/scripts/export_hf.py" "src-$f-st" \
      "bundle-$f-stub" 2> "bundle-$f-stub.log" \
    || { cat "bundle-$f-stub.log" >&2; fail "export_hf.py with the transformers stub ($f)"; }
  grep -E 'via|verified' "bundle-$f-stub.log" | sed "s|^|  [bundle-$f-stub] |"
  $py - "$f" <<'EOF'
import json, sys
import torch
fam = sys.argv[1]
cfg = json.load(open(f"bundle-{fam}-stub/crossrank.json"))
want = ["input_ids", "attention_mask"] + (["token_type_ids"] if fam == "bert" else [])
assert cfg["inputs"] == want, cfg["inputs"]
assert cfg["exported_by"]["transformers"] == "0.0.0+crossrank-stub", cfg["exported_by"]
stub = torch.jit.load(f"bundle-{fam}-stub/model.pt")
own = torch.jit.load(f"bundle-{fam}-st/model.pt")
worst = 0.0
for line in open(f"ckpt-{fam}/eager_scores.jsonl"):
    p = json.loads(line)
    ids = torch.tensor([p["input_ids"]])
    args = (ids, torch.ones_like(ids)) + ((torch.tensor([p["token_type_ids"]]),) if fam == "bert" else ())
    a, b = stub(*args)[0, 0].item(), own(*args)[0, 0].item()
    worst = max(worst, abs(a - b), abs(a - p["logits"][0]))
assert worst <= 1e-5, worst
print(f"transformers-path stub ({fam}): inputs {want}, model.pt vs eager/own export max |diff| {worst:.3g}")
EOF
done

# Error cases: each export must fail (exit 1) with a message that says why.
expect_error() {  # NAME PATTERN SRC
  local name=$1 pattern=$2 src=$3 rc=0
  $py "$repo/scripts/export_hf.py" "$src" "err-$name" --no-transformers 2> "err-$name.log" \
    || rc=$?
  [[ $rc -ne 0 ]] || fail "$name: export_hf.py succeeded"
  grep -q -- "$pattern" "err-$name.log" || { cat "err-$name.log" >&2; fail "$name: no '$pattern'"; }
  [[ ! -e err-$name/model.pt ]] || fail "$name: model.pt written anyway"
  echo "error case $name (exit $rc): $(grep -m1 ERROR "err-$name.log")"
}
with_config() {  # DIR KEY=JSON...: a copy of src-bert-st with config.json changed
  local dir=$1
  shift
  cp -rL src-bert-st "$dir"
  $py - "$dir/config.json" "$@" <<'EOF'
import json, sys
path = sys.argv[1]
cfg = json.load(open(path))
for kv in sys.argv[2:]:
    k, v = kv.split("=", 1)
    cfg[k] = json.loads(v)
json.dump(cfg, open(path, "w"), indent=2)
EOF
}
with_config src-unknown 'model_type="mpnet"'
expect_error unknown-model-type "not supported without transformers; supported: bert, camembert, electra, modernbert, roberta, xlm-roberta" src-unknown
with_config src-deberta 'model_type="deberta-v2"' 'architectures=["DebertaV2ForSequenceClassification"]'
expect_error deberta "needs transformers" src-deberta
mkdir src-truncated
for file in src-bert-st/*; do ln -s "../$file" "src-truncated/${file##*/}"; done
rm src-truncated/model.safetensors
head -c 200 ckpt-bert/model.safetensors > src-truncated/model.safetensors
expect_error truncated-safetensors "not a safetensors file, or truncated" src-truncated
mkdir src-base-model
for file in src-bert-st/*; do ln -s "../$file" "src-base-model/${file##*/}"; done
rm src-base-model/model.safetensors
mkdir src-no-head
for file in src-bert-st/*; do ln -s "../$file" "src-no-head/${file##*/}"; done
rm src-no-head/model.safetensors
REPO=$repo $py - <<'EOF'
import os, sys
sys.path.insert(0, os.path.join(os.environ["REPO"], "scripts"))
from models.safetensors import load_file, save_file
state = load_file("ckpt-bert/model.safetensors")
save_file({k[len("bert."):]: v for k, v in state.items() if k.startswith("bert.")},
          "src-base-model/model.safetensors")
save_file({k: v for k, v in state.items() if not k.startswith("classifier.")},
          "src-no-head/model.safetensors")
EOF
expect_error base-model "bare bert base model" src-base-model
expect_error no-head "no classification head: classifier.weight, classifier.bias missing" src-no-head

echo "PASS: export_hf.no_transformers in ${SECONDS}s"
