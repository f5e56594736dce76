#!/usr/bin/env python3
"""A small, deterministic byte-level BPE trainer (GPT-2 / RoBERTa style).

Standard library only; used by make_tokenizer_fixtures.py to build the
`roberta` fixture. Text is split into words with an approximation of the GPT-2
pre-tokenization regex (exactness does not matter here: the merges it learns
are just data, and the Hugging Face tokenizers library applies them with its
own exact regex), each word's UTF-8 bytes are mapped through the GPT-2
byte-to-unicode table, and the most frequent adjacent pair is merged
repeatedly. Ties between pairs of equal frequency go to the lexicographically
smallest (left, right) pair, so the result depends only on the input texts.

    from train_byte_bpe import train, bytes_to_unicode
    merges = train(texts, num_merges=3000)   # [(left, right), ...] in rank order
"""

import collections
import heapq
import re

# Approximation of GPT-2's
#   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
# with Python's re: [^\W\d_] stands in for \p{L}, \d for \p{N}.
_PRETOKENIZE = re.compile(
    r"""'s|'t|'re|'ve|'m|'ll|'d| ?[^\W\d_]+| ?\d+| ?[^\s\w]+|\s+(?!\S)|\s+|_+""")


def bytes_to_unicode():
    """GPT-2's reversible byte -> printable unicode character table."""
    bs = (list(range(ord("!"), ord("~") + 1)) + list(range(ord("\u00a1"), ord("\u00ac") + 1))
          + list(range(ord("\u00ae"), ord("\u00ff") + 1)))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


def pretokenize(text):
    return _PRETOKENIZE.findall(text)


def word_counts(texts):
    """Counts of byte-level words (tuples of byte-level symbols)."""
    table = bytes_to_unicode()
    counts = collections.Counter()
    for text in texts:
        for word in pretokenize(text):
            counts[tuple(table[b] for b in word.encode("utf-8"))] += 1
    return counts


def train(texts, num_merges):
    """Learn up to num_merges merges; returns [(left, right), ...] in rank order."""
    counts = word_counts(texts)
    # Words sorted so that all bookkeeping below is independent of hash order.
    words = [list(w) for w in sorted(counts)]
    freqs = [counts[tuple(w)] for w in words]

    pair_counts = collections.Counter()
    where = collections.defaultdict(set)  # pair -> indices of words containing it
    for i, w in enumerate(words):
        for a, b in zip(w, w[1:]):
            pair_counts[(a, b)] += freqs[i]
            where[(a, b)].add(i)

    heap = [(-c, p) for p, c in pair_counts.items()]
    heapq.heapify(heap)

    merges = []
    while len(merges) < num_merges and heap:
        neg, pair = heapq.heappop(heap)
        if pair_counts.get(pair, 0) != -neg or -neg <= 0:
            continue  # stale entry
        a, b = pair
        merged = a + b
        merges.append(pair)
        changed = set()
        for i in sorted(where.pop(pair, ())):
            w = words[i]
            f = freqs[i]
            # Remove this word's pair counts, merge, add them back.
            for x, y in zip(w, w[1:]):
                pair_counts[(x, y)] -= f
                changed.add((x, y))
            out = []
            j = 0
            while j < len(w):
                if j + 1 < len(w) and w[j] == a and w[j + 1] == b:
                    out.append(merged)
                    j += 2
                else:
                    out.append(w[j])
                    j += 1
            words[i] = out
            for x, y in zip(out, out[1:]):
                pair_counts[(x, y)] += f
                where[(x, y)].add(i)
                changed.add((x, y))
        pair_counts.pop(pair, None)
        changed.discard(pair)
        for p in sorted(changed):
            c = pair_counts.get(p, 0)
            if c > 0:
                heapq.heappush(heap, (-c, p))
            else:
                pair_counts.pop(p, None)
                where.pop(p, None)
    return merges
