#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace crossrank {

// A token that HF tokenizers matches in the text before the model sees it (special
// tokens such as [SEP], and tokens added to the vocabulary).
struct AddedToken {
  std::string content;
  int32_t id = -1;  // as declared by the file (-1: none); the tokenizer assigns the real one
  bool special = true;
  bool normalized = false;   // matched after normalization instead of on the raw text
  bool lstrip = false;       // the match swallows whitespace on its left
  bool rstrip = false;       // ... and on its right
  bool single_word = false;  // only matched when not inside a word
};

// How a pair becomes one sequence: the post-processor of HF tokenizers, e.g. BERT's
// [CLS] A [SEP] B [SEP] with type ids 0 0 0 1 1.
struct TemplatePiece {
  enum class Kind { first, second, special };
  Kind kind = Kind::special;
  std::vector<int32_t> ids;  // for special pieces
  int32_t type_id = 0;
};

struct PairTemplate {
  std::vector<TemplatePiece> pieces;
  // Tokens the template adds around the two texts; truncation budgets exclude them.
  size_t special_count() const;
};

// A loaded tokenizer (WordPiece, byte-level BPE, Unigram, or a SentencePiece model run
// by its own library). encode() does what HF tokenizers' encode(text,
// add_special_tokens=false) does: added tokens, normalization, pre-tokenization and the
// model. Implementations are immutable (caches aside) and thread-safe.
class Tokenizer {
 public:
  virtual ~Tokenizer() = default;

  // Token ids of one text. Throws InputError for text that is not valid UTF-8.
  virtual std::vector<int32_t> encode(std::string_view text) const = 0;

  virtual std::string id_to_token(int32_t id) const = 0;
  virtual std::optional<int32_t> token_to_id(std::string_view token) const = 0;
  virtual size_t vocab_size() const = 0;

  // "wordpiece", "bpe", "unigram" or "sentencepiece" (the library runs the .model).
  virtual std::string kind() const = 0;
  virtual std::filesystem::path source() const = 0;      // the file it was loaded from

  // The pair template declared with the vocabulary (tokenizer.json's post_processor,
  // or the family default for native files).
  virtual const PairTemplate& pair_template() const = 0;
};

// Picks the tokenizer files of a model bundle: tokenizer.json when every component in
// it is supported, else the native files (a SentencePiece .model, vocab.json +
// merges.txt, or vocab.txt) with the pair template of the model family (config.json
// "model_type", overridable in crossrank.json). Throws ModelError when none fits.
std::unique_ptr<Tokenizer> load_tokenizer(const std::filesystem::path& bundle_dir);
// The same with what loading the bundle read already (BundleConfig::model_type and
// tokenizer_config), so its config files are not read again.
std::unique_ptr<Tokenizer> load_tokenizer(const std::filesystem::path& bundle_dir, const std::string& model_type,
                                          const nlohmann::json& tokenizer_config);

}  // namespace crossrank
