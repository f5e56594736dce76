#pragma once

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "crossrank/error.hpp"
#include "model/model_families.hpp"
#include "pipeline.hpp"

// Shared by the tokenizer.json and native-file loaders.
namespace crossrank {

// A tokenizer.json component crossrank does not implement: never approximated.
class Unsupported : public ModelError {
 public:
  using ModelError::ModelError;
};

// Malformed files surface as nlohmann or std::sto* exceptions deep in the loaders: this
// turns them into a ModelError naming the file the loading step was reading.
template <typename Load>
auto with_file_errors(const std::filesystem::path& file, Load load) -> decltype(load()) {
  try {
    return load();
  } catch (const Error&) {
    throw;
  } catch (const nlohmann::json::exception& e) {
    throw ModelError(file.string() + ": unexpected structure: " + e.what());
  } catch (const std::logic_error& e) {
    throw ModelError(file.string() + ": unexpected value: " + e.what());
  }
}

// What native tokenizer files are read with: the bundle's family (config.json "model_type",
// overridable in crossrank.json) and its tokenizer_config.json.
struct Family {
  std::string model_type;  // empty when the bundle does not say
  nlohmann::json tokenizer_config = nlohmann::json::object();
  TemplateStyle style() const;
};
Family read_family(const std::filesystem::path& bundle_dir);

PairTemplate bert_template(int32_t cls, int32_t sep);
PairTemplate roberta_template(int32_t cls, int32_t sep);
PairTemplate make_template(TemplateStyle style, int32_t cls, int32_t sep);
// No special tokens: what HF tokenizers does without a post-processor.
PairTemplate plain_template();

// tokenizer.json "added_tokens" entries.
std::vector<AddedToken> parse_added_tokens(const nlohmann::json& list);

// The special and added tokens a slow HF tokenizer declares in tokenizer_config.json
// (cls/sep/pad/unk/mask by name with the family's defaults, and added_tokens_decoder).
// Names missing from the model are skipped, except the mask token, which slow tokenizers
// append after the vocabulary.
struct NativeSpecials {
  std::vector<AddedToken> added;
  int32_t cls = -1;
  int32_t sep = -1;
};
NativeSpecials native_specials(const nlohmann::json& config, const std::filesystem::path& config_file,
                               TemplateStyle style, const Model& model);

}  // namespace crossrank
