#pragma once

#include <cstdint>
#include <vector>

#include "crossrank/model.hpp"
#include "crossrank/pair_encoder.hpp"

namespace crossrank {

struct BatchingOptions {
  size_t batch_tokens = 1024;   // padded tokens per batch: rows x longest row (CPU sweep: scripts/bench.sh)
  size_t max_batch_size = 128;  // rows per batch
};

// Groups sequences into batches, longest first, so rows of a batch have similar lengths
// and padding stays small. Each batch's rows x longest <= batch_tokens (a sequence longer
// than the budget gets a batch of its own). Returns indices into lengths.
std::vector<std::vector<size_t>> plan_batches(const std::vector<size_t>& lengths,
                                              const BatchingOptions& options);

// Pads the chosen pairs (right padding, attention_mask 0) into one batch.
Batch make_batch(const std::vector<EncodedPair>& pairs, const std::vector<size_t>& indices,
                 int64_t pad_id);

}  // namespace crossrank
