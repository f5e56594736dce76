#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "crossrank/activation.hpp"
#include "crossrank/prompt.hpp"

namespace crossrank {

// What a model bundle directory says about its model (docs/models.md): config.json,
// tokenizer_config.json and the optional crossrank.json overrides, resolved.
struct BundleConfig {
  std::filesystem::path dir;
  std::filesystem::path model_file;  // dir/model.pt
  std::string model_type;            // config.json "model_type"
  std::string architecture;          // config.json "architectures"[0]
  size_t num_labels = 1;
  std::vector<std::string> labels;   // id2label, by id
  size_t position_limit = 512;       // the most tokens the model's positions allow
  size_t max_length = 512;           // default truncation length: min(512, every limit)
  // tokenizer_config.json "model_max_length" capped by position_limit; 0 when absent. Where it
  // exceeds max_length (ModernBERT, bge-m3: 8192), sentence-transformers truncates there.
  size_t tokenizer_max_length = 0;
  bool max_length_set = false;       // crossrank.json gave max_length
  nlohmann::json tokenizer_config;   // tokenizer_config.json as read; an empty object when absent
  // Resolved; automatic only when config.json names one crossrank does not implement.
  Activation activation = Activation::sigmoid;
  std::string activation_source;     // where the activation came from
  std::vector<std::string> input_names;  // crossrank.json "inputs"; empty: from the model
  int64_t pad_token_id = 0;
  // config.json "vocab_size": the rows of the embedding matrix, so the most token ids the
  // tokenizer may use; 0 when absent.
  size_t vocab_size = 0;
  // The encoder's shape (config.json; 0 when absent), for FLOP counts in `crossrank bench`.
  size_t hidden_size = 0;
  size_t num_layers = 0;
  size_t intermediate_size = 0;
  // crossrank.json "exported_by" (written by scripts/export_hf.py): how model.pt was made.
  nlohmann::json exported_by;  // null when absent
  std::string exported_torch;  // exported_by.torch: the torch that wrote model.pt
  // crossrank.json "template": an LLM reranker's prompt (prompt.hpp); its "max_length" is
  // the default truncation length.
  std::optional<PromptTemplate> prompt;
};

// Throws ModelError for a missing directory/config and ConfigError for a bad crossrank.json.
BundleConfig load_bundle_config(const std::filesystem::path& dir);

// Returns value, or throws ConfigError naming source when it exceeds the model's positions.
size_t check_max_length(size_t value, size_t position_limit, const std::string& source);

}  // namespace crossrank
