#include "crossrank/reranker.hpp"

#include <algorithm>
#include <string>
#include <unordered_map>

#include "crossrank/error.hpp"
#include "crossrank/tokenizer.hpp"

namespace crossrank {

Reranker::Reranker(BundleConfig bundle, std::shared_ptr<const Tokenizer> tokenizer,
                   std::unique_ptr<Model> model, const ScoringOptions& options)
    : bundle_(std::move(bundle)),
      encoder_(std::move(tokenizer),
               options.max_length == 0
                   ? bundle_.max_length
                   : check_max_length(options.max_length, bundle_.position_limit, "--max-length")),
      model_(std::move(model)),
      activation_(options.activation == Activation::automatic ? bundle_.activation
                                                              : options.activation),
      activation_source_(options.activation == Activation::automatic ? bundle_.activation_source
                                                                     : "--activation"),
      batching_(options.batching) {}

Reranker Reranker::load(const std::filesystem::path& bundle_dir, const ScoringOptions& options) {
  BundleConfig bundle = load_bundle_config(bundle_dir);
  std::shared_ptr<const Tokenizer> tokenizer = load_tokenizer(bundle_dir, bundle.model_type);
  ModelOptions model_options = options.model;
  model_options.input_names = bundle.input_names;
  model_options.producer_torch = bundle.exported_torch;
  auto model = load_torchscript_model(bundle.model_file, model_options);
  return Reranker(std::move(bundle), std::move(tokenizer), std::move(model), options);
}

Logits Reranker::score(const std::vector<EncodedPair>& pairs) {
  if (activation_ == Activation::automatic) {
    throw ModelError("unsupported activation in " + activation_source_ +
                     "; choose one with --activation or crossrank.json \"activation\"");
  }
  Logits scores;
  scores.rows = pairs.size();
  scores.labels = bundle_.num_labels;
  scores.values.assign(scores.rows * scores.labels, 0.0f);

  // Identical encodings are scored once: it saves work, and identical pairs get identical
  // scores (rows of one batch can differ in the last bits), so rank ties stay exact.
  std::vector<size_t> unique;        // index of each distinct encoding's first pair
  std::vector<size_t> source(pairs.size());  // pair -> position in unique
  std::unordered_map<std::string, size_t> seen;
  for (size_t i = 0; i < pairs.size(); ++i) {
    const auto& p = pairs[i];
    std::string key(reinterpret_cast<const char*>(p.input_ids.data()), p.input_ids.size() * sizeof(int32_t));
    key.append(reinterpret_cast<const char*>(p.token_type_ids.data()), p.token_type_ids.size() * sizeof(int32_t));
    auto [it, inserted] = seen.emplace(std::move(key), unique.size());
    if (inserted) unique.push_back(i);
    source[i] = it->second;
  }
  stats_.duplicates += pairs.size() - unique.size();

  std::vector<float> unique_scores(unique.size() * scores.labels);
  std::vector<size_t> lengths(unique.size());
  for (size_t u = 0; u < unique.size(); ++u) lengths[u] = pairs[unique[u]].input_ids.size();
  for (const auto& batch_rows : plan_batches(lengths, batching_)) {
    std::vector<size_t> indices(batch_rows.size());
    for (size_t r = 0; r < batch_rows.size(); ++r) indices[r] = unique[batch_rows[r]];
    const Batch batch = make_batch(pairs, indices, bundle_.pad_token_id);
    const Logits logits = model_->forward(batch);
    if (logits.labels != scores.labels) {
      throw ModelError("the model returns " + std::to_string(logits.labels) +
                       " logits per pair but config.json declares " +
                       std::to_string(scores.labels) + " label(s)");
    }
    for (size_t r = 0; r < batch_rows.size(); ++r) {
      float* row = &unique_scores[batch_rows[r] * scores.labels];
      std::copy_n(&logits.values[r * logits.labels], logits.labels, row);
      apply_activation(activation_, row, scores.labels);
      stats_.real_tokens += lengths[batch_rows[r]];
    }
    stats_.padded_tokens += batch.rows * batch.cols;
  }
  for (size_t i = 0; i < pairs.size(); ++i) {
    std::copy_n(&unique_scores[source[i] * scores.labels], scores.labels, &scores.values[i * scores.labels]);
  }
  stats_.pairs += pairs.size();
  return scores;
}

}  // namespace crossrank
