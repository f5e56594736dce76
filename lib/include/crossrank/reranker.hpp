#pragma once

#include <filesystem>
#include <memory>
#include <string_view>
#include <vector>

#include "crossrank/activation.hpp"
#include "crossrank/batcher.hpp"
#include "crossrank/bundle.hpp"
#include "crossrank/model.hpp"
#include "crossrank/pair_encoder.hpp"
#include "crossrank/task_pool.hpp"

namespace crossrank {

struct ScoringOptions {
  ModelOptions model;                             // device, dtype, threads
  size_t max_length = 0;                          // 0: the bundle's default
  Activation activation = Activation::automatic;  // automatic: the bundle's
  BatchingOptions batching;                       // zeros: the device's defaults
  // Batches run at once on a CPU, each on threads / model_workers cores: small products
  // (attention's, one per row and head) and the ops between products leave cores idle
  // within one batch, not across batches. 0: one per intra-op thread on a CPU; always 1 on
  // a GPU. A window with fewer batches runs them one by one on all threads.
  size_t model_workers = 0;
};

// Counters for logs and benchmarks.
struct ScoringStats {
  size_t pairs = 0;
  size_t duplicates = 0;     // pairs whose identical encoding was already scored
  size_t real_tokens = 0;
  size_t squared_tokens = 0;  // each scored pair's length squared, summed (attention's FLOPs)
  size_t padded_tokens = 0;  // rows x longest, summed over batches
  double seconds = 0;        // in score(): batching, the model, the activation
  size_t split_batches = 0;  // batches split in two because the device ran out of memory
};

// Scores (query, document) pairs with one model bundle: tokenization, length-sorted
// token-budget batching across all pairs given (identical pairs once), the model, the
// activation, and scores scattered back to input order. A batch the device has no memory
// for is split in halves (and the token budget lowered for the batches after it). Batches
// run on ScoringOptions::model_workers threads. Not thread-safe.
class Reranker {
 public:
  Reranker(BundleConfig bundle, std::shared_ptr<const Tokenizer> tokenizer,
           std::unique_ptr<Model> model, const ScoringOptions& options);
  static Reranker load(const std::filesystem::path& bundle_dir, const ScoringOptions& options);

  EncodedPair encode(std::string_view query, std::string_view document,
                     std::optional<std::string_view> instruction = std::nullopt) const {
    return encoder_.encode(query, document, instruction);
  }
  // Activated scores [pairs x labels], in the order given. Throws ModelError when the
  // bundle's activation is unsupported and no override was given. With scored, a stop
  // request (interrupt.hpp) ends scoring between batches, and (*scored)[i] says whether
  // pairs[i] has its score.
  Logits score(const std::vector<EncodedPair>& pairs, std::vector<char>* scored = nullptr);

  const BundleConfig& bundle() const { return bundle_; }
  const PairEncoder& encoder() const { return encoder_; }
  const Model& model() const { return *model_; }
  Activation activation() const { return activation_; }
  const std::string& activation_source() const { return activation_source_; }
  size_t num_labels() const { return bundle_.num_labels; }
  const ScoringStats& stats() const { return stats_; }
  const BatchingOptions& batching() const { return batching_; }  // the device's, resolved
  size_t model_workers() const { return workers_; }               // resolved

 private:
  // Runs run(b) for b in [0, count): on the workers when there are enough batches for all.
  void run_batches(size_t count, const std::function<void(size_t)>& run);
  // Runs one batch of pairs[indices] and writes its logits to out (rows x labels).
  void run_batch(const std::vector<EncodedPair>& pairs, const std::vector<size_t>& indices,
                 float* out);

  BundleConfig bundle_;
  PairEncoder encoder_;
  std::unique_ptr<Model> model_;
  Activation activation_;  // automatic: unsupported, only scoring fails
  std::string activation_source_;
  BatchingOptions batching_;
  ScoringStats stats_;
  size_t workers_ = 1;
  std::unique_ptr<TaskPool> pool_;      // workers_ - 1 threads, made at the first use
  std::unique_ptr<std::mutex> mutex_;   // batching_ and stats_ while workers run batches
};

}  // namespace crossrank
