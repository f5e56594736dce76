#include "crossrank/batcher.hpp"

#include <algorithm>
#include <numeric>

namespace crossrank {

BatchingOptions BatchingOptions::for_device(const Device& device) const {
  const bool gpu = device.is_cuda();
  BatchingOptions resolved = *this;
  if (resolved.batch_tokens == 0) resolved.batch_tokens = gpu ? 16384 : 1024;
  if (resolved.max_batch_size == 0) resolved.max_batch_size = gpu ? 1024 : 128;
  return resolved;
}

std::vector<std::vector<size_t>> plan_batches(const std::vector<size_t>& lengths,
                                              const BatchingOptions& options) {
  std::vector<size_t> order(lengths.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return lengths[a] > lengths[b]; });
  const size_t max_rows = std::max<size_t>(1, options.max_batch_size);
  std::vector<std::vector<size_t>> batches;
  std::vector<size_t> current;
  for (size_t index : order) {
    // Longest first: the first row of a batch fixes its padded width.
    if (!current.empty() &&
        (current.size() == max_rows ||
         (current.size() + 1) * options.cost(lengths[current.front()]) > options.batch_tokens)) {
      batches.push_back(std::move(current));
      current.clear();
    }
    current.push_back(index);
  }
  if (!current.empty()) batches.push_back(std::move(current));
  return batches;
}

Batch make_batch(const std::vector<EncodedPair>& pairs, const std::vector<size_t>& indices,
                 int64_t pad_id) {
  Batch batch;
  batch.rows = indices.size();
  for (size_t i : indices) batch.cols = std::max(batch.cols, pairs[i].input_ids.size());
  const size_t n = batch.rows * batch.cols;
  batch.input_ids.assign(n, pad_id);
  batch.attention_mask.assign(n, 0);
  batch.token_type_ids.assign(n, 0);
  for (size_t r = 0; r < indices.size(); ++r) {
    const EncodedPair& p = pairs[indices[r]];
    const size_t base = r * batch.cols;
    std::copy(p.input_ids.begin(), p.input_ids.end(), batch.input_ids.begin() + base);
    std::copy(p.token_type_ids.begin(), p.token_type_ids.end(), batch.token_type_ids.begin() + base);
    std::fill_n(batch.attention_mask.begin() + base, p.input_ids.size(), 1);
  }
  return batch;
}

}  // namespace crossrank
