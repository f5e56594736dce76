#pragma once

#include <string>
#include <utility>
#include <vector>

#include "crossrank/reranker.hpp"
#include "crossrank/runner.hpp"

// `crossrank bench`: how fast a bundle scores pairs on this machine, and where the time goes.
namespace crossrank {

struct BenchOptions {
  size_t rounds = 3;  // timed passes after one warm-up pass; the median is reported
  RunOptions run;     // score's: --window, --tokenizer-threads, limits, --instruction
};

struct BenchReport {
  size_t pairs = 0;
  size_t real_tokens = 0;     // per pass
  size_t padded_tokens = 0;   // per pass: rows x longest row, summed over batches
  double warmup_seconds = 0;  // the first pass (shapes seen for the first time)
  // The median timed pass, end to end through score's pipeline: reading, parsing and
  // tokenizing (on the tokenizer threads, beside the model), batching, the model, the
  // activation, a sink that drops the scores. What `crossrank score` takes, less process
  // start, model load and writing.
  double pass_seconds = 0;
  double model_seconds = 0;     // of that pass, in Reranker::score (batching, model, activation)
  double tokenize_seconds = 0;  // parsing and tokenizing every line once, alone, on one thread
  double flops = 0;             // useful (unpadded) encoder FLOPs per pass; 0 if the shape is unknown
  size_t peak_rss_bytes = 0;

  double pairs_per_second() const { return pairs / pass_seconds; }
  double tokens_per_second() const { return real_tokens / pass_seconds; }
  double gflops_per_second() const { return flops / model_seconds / 1e9; }
  double padding_fraction() const {
    return padded_tokens ? 1.0 - static_cast<double>(real_tokens) / padded_tokens : 0.0;
  }
  double tokenize_share() const { return tokenize_seconds / (tokenize_seconds + model_seconds); }
};

// Deterministic English-like (query, document) pairs of varied lengths as score input
// lines, for a bench without an input file.
std::vector<std::string> synthetic_pairs(size_t count);

// Tokenizes every line once alone (timed), then runs score's pipeline over the lines
// 1 + rounds times. Throws InputError ("line N: ...") for a line score would refuse.
BenchReport run_bench(Reranker& reranker, const std::vector<std::string>& lines, const BenchOptions& options);

// FLOPs of BERT-style encoder passes over sequences whose lengths sum to tokens and whose
// squared lengths sum to squared: L * (8 s h^2 + 4 s h i + 4 s^2 h), summed.
double encoder_flops(size_t tokens, size_t squared, size_t layers, size_t hidden, size_t intermediate);

}  // namespace crossrank
