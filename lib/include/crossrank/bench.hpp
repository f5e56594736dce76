#pragma once

#include <string>
#include <utility>
#include <vector>

#include "crossrank/reranker.hpp"

// `crossrank bench`: how fast a bundle scores pairs on this machine, and where the time goes.
namespace crossrank {

struct BenchOptions {
  size_t rounds = 3;           // timed passes after one warm-up pass; the median is reported
  size_t window_pairs = 8192;  // pairs batched together, as the subcommands' --window
};

struct BenchReport {
  size_t pairs = 0;
  size_t real_tokens = 0;     // per pass
  size_t padded_tokens = 0;   // per pass: rows x longest row, summed over batches
  double warmup_seconds = 0;  // the first pass (shapes seen for the first time)
  double tokenize_seconds = 0;
  double model_seconds = 0;   // median over the timed passes (batching, model, activation)
  double flops = 0;           // useful (unpadded) encoder FLOPs per pass; 0 if the shape is unknown
  size_t peak_rss_bytes = 0;

  double pairs_per_second() const { return pairs / (tokenize_seconds + model_seconds); }
  double tokens_per_second() const { return real_tokens / (tokenize_seconds + model_seconds); }
  double gflops_per_second() const { return flops / model_seconds / 1e9; }
  double padding_fraction() const {
    return padded_tokens ? 1.0 - static_cast<double>(real_tokens) / padded_tokens : 0.0;
  }
  double tokenize_share() const { return tokenize_seconds / (tokenize_seconds + model_seconds); }
};

// Deterministic English-like (query, document) pairs of varied lengths, for a bench
// without an input file.
std::vector<std::pair<std::string, std::string>> synthetic_pairs(size_t count);

// Tokenizes every pair once (timed), then scores them all warmup + rounds times.
BenchReport run_bench(Reranker& reranker, const std::vector<std::pair<std::string, std::string>>& texts,
                      const BenchOptions& options);

// FLOPs of one BERT-style encoder pass over s tokens: L * (8 s h^2 + 4 s h i + 4 s^2 h).
double encoder_flops(size_t tokens, size_t layers, size_t hidden, size_t intermediate);

}  // namespace crossrank
