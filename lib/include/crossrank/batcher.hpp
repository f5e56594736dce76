#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "crossrank/model.hpp"
#include "crossrank/pair_encoder.hpp"

namespace crossrank {

// 0 means the device's default (for_device): a GPU wants far larger batches than a CPU.
struct BatchingOptions {
  size_t batch_tokens = 0;    // padded tokens per batch: rows x cost(longest row)
  size_t max_batch_size = 0;  // rows per batch
  // The row length at which a layer's attention (quadratic in the length) costs as much as
  // its linear layers, ~ 2 hidden + 1.5 intermediate (Reranker sets it from config.json);
  // 0: attention is not counted. At LLM rerankers' thousands of tokens it dominates time
  // and memory (the rows x heads x length^2 scores).
  size_t attention_knee = 0;

  // What one row of this many tokens counts against batch_tokens.
  size_t cost(size_t length) const {
    return attention_knee == 0 ? length : length + length * length / attention_knee;
  }

  // Zeros replaced by the defaults measured for the device (docs/performance.md): CPU 1024
  // tokens x 128 rows (scripts/bench.sh), CUDA 16384 x 1024 (scripts/gpu/check.sh).
  BatchingOptions for_device(const Device& device) const;
};

// Groups sequences into batches, longest first, so rows of a batch have similar lengths
// and padding stays small. Each batch's rows x cost(longest) <= batch_tokens (a sequence
// over the budget gets a batch of its own). Returns indices into lengths.
std::vector<std::vector<size_t>> plan_batches(const std::vector<size_t>& lengths,
                                              const BatchingOptions& options);

// Pads the chosen pairs (right padding, attention_mask 0) into one batch.
Batch make_batch(const std::vector<EncodedPair>& pairs, const std::vector<size_t>& indices,
                 int64_t pad_id);

}  // namespace crossrank
