#include "crossrank/reranker.hpp"

#include <algorithm>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

#include "crossrank/error.hpp"
#include "crossrank/interrupt.hpp"
#include "crossrank/logging.hpp"
#include "crossrank/tokenizer.hpp"

namespace crossrank {

Reranker::Reranker(BundleConfig bundle, std::shared_ptr<const Tokenizer> tokenizer,
                   std::unique_ptr<Model> model, const ScoringOptions& options)
    : bundle_(std::move(bundle)),
      encoder_(std::move(tokenizer),
               options.max_length == 0
                   ? bundle_.max_length
                   : check_max_length(options.max_length, bundle_.position_limit, "--max-length"),
               bundle_.prompt),
      model_(std::move(model)),
      activation_(options.activation == Activation::automatic ? bundle_.activation
                                                              : options.activation),
      activation_source_(options.activation == Activation::automatic ? bundle_.activation_source
                                                                     : "--activation"),
      batching_(options.batching.for_device(model_->device())),
      mutex_(std::make_unique<std::mutex>()) {
  if (model_->device().is_cpu()) {
    workers_ = options.model_workers > 0 ? options.model_workers
                                         : static_cast<size_t>(std::max(1, model_->threads()));
  }
  if (batching_.attention_knee == 0 && bundle_.hidden_size > 0) {
    batching_.attention_knee = 2 * bundle_.hidden_size + 3 * bundle_.intermediate_size / 2;
  }
}

namespace {

// A folder without model.pt is most often a Hugging Face download: say how to export it.
void require_model_file(const BundleConfig& bundle) {
  namespace fs = std::filesystem;
  if (fs::exists(bundle.model_file)) return;
  bool checkpoint = false;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(bundle.dir, ec)) {
    const std::string name = entry.path().filename().string();
    const std::string ext = entry.path().extension().string();
    checkpoint |= ext == ".safetensors" || name == "pytorch_model.bin" || name == "model.safetensors.index.json" ||
                  name == "pytorch_model.bin.index.json";
  }
  const std::string dir = bundle.dir.string();
  throw ModelError(
      "no model.pt in " + dir + " (the TorchScript model crossrank runs)" +
      (checkpoint ? ": this is a Hugging Face checkpoint; export it into a bundle with "
                    "/usr/bin/python3 scripts/export_hf.py " + dir + " OUT_DIR, then use -m OUT_DIR (docs/models.md)"
                  : ": export a bundle with scripts/export_hf.py (docs/models.md)"));
}

}  // namespace

Reranker Reranker::load(const std::filesystem::path& bundle_dir, const ScoringOptions& options) {
  BundleConfig bundle = load_bundle_config(bundle_dir);
  require_model_file(bundle);
  std::shared_ptr<const Tokenizer> tokenizer = load_tokenizer(bundle_dir, bundle.model_type, bundle.tokenizer_config);
  // Ids past the embedding matrix fail inside the model, batch after batch: say it once, here.
  if (bundle.vocab_size > 0 && tokenizer->vocab_size() > bundle.vocab_size) {
    throw ModelError(tokenizer->source().string() + " has " + std::to_string(tokenizer->vocab_size()) +
                     " tokens, but the model's embedding matrix has " + std::to_string(bundle.vocab_size) +
                     " rows (config.json vocab_size): the tokenizer does not belong to this model");
  }
  ModelOptions model_options = options.model;
  model_options.input_names = bundle.input_names;
  model_options.producer_torch = bundle.exported_torch;
  auto model = load_torchscript_model(bundle.model_file, model_options);
  return Reranker(std::move(bundle), std::move(tokenizer), std::move(model), options);
}

Logits Reranker::score(const std::vector<EncodedPair>& pairs, std::vector<char>* scored) {
  if (activation_ == Activation::automatic) {
    throw ModelError("unsupported activation in " + activation_source_ +
                     "; choose one with --activation or crossrank.json \"activation\"");
  }
  const auto start = std::chrono::steady_clock::now();
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
  std::vector<char> unique_scored(unique.size(), 0);
  const std::vector<std::vector<size_t>> plan = plan_batches(lengths, batching_);
  std::vector<std::vector<float>> logits(plan.size());
  run_batches(plan.size(), [&](size_t b) {
    if (scored && stop_requested()) return;
    std::vector<size_t> indices(plan[b].size());
    for (size_t r = 0; r < plan[b].size(); ++r) indices[r] = unique[plan[b][r]];
    std::vector<float> out(plan[b].size() * scores.labels);
    run_batch(pairs, indices, out.data());
    logits[b] = std::move(out);
  });
  for (size_t b = 0; b < plan.size(); ++b) {
    if (logits[b].empty()) continue;  // not run: stopped
    for (size_t r = 0; r < plan[b].size(); ++r) {
      const size_t u = plan[b][r];
      float* row = &unique_scores[u * scores.labels];
      std::copy_n(&logits[b][r * scores.labels], scores.labels, row);
      apply_activation(activation_, row, scores.labels);
      stats_.real_tokens += lengths[u];
      stats_.squared_tokens += lengths[u] * lengths[u];
      unique_scored[u] = 1;
    }
  }
  if (scored) scored->resize(pairs.size());
  for (size_t i = 0; i < pairs.size(); ++i) {
    std::copy_n(&unique_scores[source[i] * scores.labels], scores.labels, &scores.values[i * scores.labels]);
    if (scored) (*scored)[i] = unique_scored[source[i]];
  }
  stats_.pairs += pairs.size();
  stats_.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return scores;
}

void Reranker::run_batches(size_t count, const std::function<void(size_t)>& run) {
  const int threads = std::max(1, model_->threads());
  if (workers_ <= 1 || count < workers_) {
    model_->use_threads(threads);
    for (size_t b = 0; b < count; ++b) run(b);
    return;
  }
  if (!pool_) pool_ = std::make_unique<TaskPool>(workers_ - 1);
  // A fixed share: OpenBLAS built for OpenMP runs one multi-threaded product at a time.
  const int share = std::max(1, threads / static_cast<int>(workers_));
  pool_->run(count, [&](size_t b) {
    model_->use_threads(share);
    run(b);
  });
}

void Reranker::run_batch(const std::vector<EncodedPair>& pairs, const std::vector<size_t>& indices,
                         float* out) {
  const Batch batch = make_batch(pairs, indices, bundle_.pad_token_id);
  const size_t cells = batch.rows * batching_.cost(batch.cols);
  // Over a budget lowered by an earlier out-of-memory split: split without trying.
  bool split;
  {
    std::lock_guard<std::mutex> lock(*mutex_);
    split = indices.size() > 1 && cells > batching_.batch_tokens;
  }
  Logits logits;
  if (!split) {
    try {
      logits = model_->forward(batch);
    } catch (const DeviceMemoryError& e) {
      if (indices.size() == 1) {
        throw ModelError(std::string(e.what()) + "; one pair of " + std::to_string(batch.cols) +
                         " tokens does not fit: lower --max-length or use another device");
      }
      std::lock_guard<std::mutex> lock(*mutex_);
      batching_.batch_tokens = std::min(batching_.batch_tokens, std::max<size_t>(1, cells / 2));
      log::warn("out of memory on " + to_string(model_->device()) + " for a batch of " +
                std::to_string(batch.rows) + "x" + std::to_string(batch.cols) +
                ": splitting it, and batching at most " + std::to_string(batching_.batch_tokens) +
                " tokens from now on (--batch-tokens)");
      split = true;
    }
  }
  if (split) {
    {
      std::lock_guard<std::mutex> lock(*mutex_);
      ++stats_.split_batches;
    }
    const size_t half = indices.size() / 2;
    run_batch(pairs, std::vector<size_t>(indices.begin(), indices.begin() + half), out);
    run_batch(pairs, std::vector<size_t>(indices.begin() + half, indices.end()),
              out + half * bundle_.num_labels);
    return;
  }
  if (logits.labels != bundle_.num_labels) {
    throw ModelError("the model returns " + std::to_string(logits.labels) +
                     " logits per pair but config.json declares " +
                     std::to_string(bundle_.num_labels) + " label(s)");
  }
  std::copy(logits.values.begin(), logits.values.end(), out);
  std::lock_guard<std::mutex> lock(*mutex_);
  stats_.padded_tokens += batch.rows * batch.cols;
}

}  // namespace crossrank
