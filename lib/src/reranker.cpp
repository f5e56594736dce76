#include "crossrank/reranker.hpp"

#include <algorithm>
#include <chrono>

#include "crossrank/error.hpp"
#include "crossrank/tokenizer.hpp"

namespace crossrank {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

size_t resolve_max_length(const BundleConfig& bundle, size_t requested) {
  if (requested == 0) return bundle.max_length;
  if (requested > bundle.position_limit) {
    throw ConfigError("--max-length " + std::to_string(requested) + " exceeds the model's " +
                      std::to_string(bundle.position_limit) + " positions");
  }
  return requested;
}

}  // namespace

Reranker::Reranker(BundleConfig bundle, std::shared_ptr<const Tokenizer> tokenizer,
                   std::unique_ptr<Model> model, const ScoringOptions& options)
    : bundle_(std::move(bundle)),
      encoder_(std::move(tokenizer), resolve_max_length(bundle_, options.max_length)),
      model_(std::move(model)),
      activation_(options.activation == Activation::automatic ? bundle_.activation
                                                              : options.activation),
      batching_(options.batching) {}

Reranker Reranker::load(const std::filesystem::path& bundle_dir, const ScoringOptions& options) {
  BundleConfig bundle = load_bundle_config(bundle_dir);
  std::shared_ptr<const Tokenizer> tokenizer = load_tokenizer(bundle_dir);
  ModelOptions model_options;
  model_options.device = options.device;
  model_options.threads = options.threads;
  model_options.input_names = bundle.input_names;
  auto model = load_torchscript_model(bundle.model_file, model_options);
  return Reranker(std::move(bundle), std::move(tokenizer), std::move(model), options);
}

Logits Reranker::score(const std::vector<TextPair>& pairs) {
  const auto start = Clock::now();
  std::vector<EncodedPair> encoded;
  encoded.reserve(pairs.size());
  for (const auto& p : pairs) encoded.push_back(encode(p));
  stats_.tokenize_seconds += seconds_since(start);
  return score(encoded);
}

Logits Reranker::score(const std::vector<EncodedPair>& pairs) {
  Logits scores;
  scores.rows = pairs.size();
  scores.labels = bundle_.num_labels;
  scores.values.assign(scores.rows * scores.labels, 0.0f);

  std::vector<size_t> lengths(pairs.size());
  for (size_t i = 0; i < pairs.size(); ++i) lengths[i] = pairs[i].input_ids.size();
  for (const auto& indices : plan_batches(lengths, batching_)) {
    const Batch batch = make_batch(pairs, indices, bundle_.pad_token_id);
    const auto start = Clock::now();
    const Logits logits = model_->forward(batch);
    stats_.model_seconds += seconds_since(start);
    if (logits.labels != scores.labels) {
      throw ModelError("the model returns " + std::to_string(logits.labels) +
                       " logits per pair but config.json declares " +
                       std::to_string(scores.labels) + " label(s)");
    }
    for (size_t r = 0; r < indices.size(); ++r) {
      float* row = &scores.values[indices[r] * scores.labels];
      std::copy_n(&logits.values[r * logits.labels], logits.labels, row);
      apply_activation(activation_, row, scores.labels);
      stats_.real_tokens += pairs[indices[r]].input_ids.size();
    }
    stats_.padded_tokens += batch.rows * batch.cols;
    ++stats_.batches;
  }
  stats_.pairs += pairs.size();
  return scores;
}

}  // namespace crossrank
