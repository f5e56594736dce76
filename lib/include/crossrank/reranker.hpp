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

namespace crossrank {

struct TextPair {
  std::string_view first;   // the query
  std::string_view second;  // the document
};

struct ScoringOptions {
  std::string device = "auto";                    // auto | cpu | cuda[:N]
  int threads = 0;                                // intra-op threads; 0: one per core
  size_t max_length = 0;                          // 0: the bundle's default
  Activation activation = Activation::automatic;  // automatic: the bundle's
  BatchingOptions batching;
};

// Counters for logs and benchmarks.
struct ScoringStats {
  size_t pairs = 0;
  size_t duplicates = 0;  // pairs whose identical encoding was already scored
  size_t batches = 0;
  size_t real_tokens = 0;
  size_t padded_tokens = 0;  // rows x longest, summed over batches
  double tokenize_seconds = 0;
  double model_seconds = 0;
};

// Scores (query, document) pairs with one model bundle: tokenization, length-sorted
// token-budget batching across all pairs given (identical pairs once), the model, the
// activation, and scores scattered back to input order. Not thread-safe.
class Reranker {
 public:
  Reranker(BundleConfig bundle, std::shared_ptr<const Tokenizer> tokenizer,
           std::unique_ptr<Model> model, const ScoringOptions& options);
  static Reranker load(const std::filesystem::path& bundle_dir, const ScoringOptions& options);

  EncodedPair encode(const TextPair& pair) const { return encoder_.encode(pair.first, pair.second); }
  // Activated scores [pairs x labels], in the order given.
  Logits score(const std::vector<EncodedPair>& pairs);
  Logits score(const std::vector<TextPair>& pairs);

  const BundleConfig& bundle() const { return bundle_; }
  const PairEncoder& encoder() const { return encoder_; }
  const Model& model() const { return *model_; }
  Activation activation() const { return activation_; }
  size_t num_labels() const { return bundle_.num_labels; }
  const ScoringStats& stats() const { return stats_; }

 private:
  BundleConfig bundle_;
  PairEncoder encoder_;
  std::unique_ptr<Model> model_;
  Activation activation_;
  BatchingOptions batching_;
  ScoringStats stats_;
};

}  // namespace crossrank
