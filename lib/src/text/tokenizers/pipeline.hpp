#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "added_vocabulary.hpp"
#include "crossrank/tokenizer.hpp"

// The stages of HF tokenizers' pipeline, each an interface with one implementation per
// component type of tokenizer.json: normalizer -> pre-tokenizer -> model.
namespace crossrank {

// A span of text on its way through the pipeline.
struct Piece {
  std::u32string text;
  bool at_start = false;  // begins at offset 0 of the user's text (Metaspace "first")
};

class Normalizer {
 public:
  virtual ~Normalizer() = default;
  // Normalizes text. origin_zero tells whether the first char still comes from the first
  // char of the input, as HF's alignments have it; a step that deletes leading chars (or
  // replaces several by one) clears it. Metaspace's "first" scheme depends on it.
  virtual void apply(std::u32string& text, bool& origin_zero) const = 0;
  void normalize(std::u32string& text) const {
    bool origin_zero = true;
    apply(text, origin_zero);
  }
};

// The byte-fallback token of byte b: "<0x41>".
std::string byte_token(unsigned char b);

// Splits (and may rewrite) every piece; pieces that end up empty are dropped.
class PreTokenizer {
 public:
  virtual ~PreTokenizer() = default;
  virtual void pre_tokenize(std::vector<Piece>& pieces) const = 0;
};

// The vocabulary algorithm (WordPiece, BPE, Unigram): one pre-tokenized word -> ids.
class Model {
 public:
  virtual ~Model() = default;
  virtual void tokenize(std::string_view word, std::vector<int32_t>& out) const = 0;
  virtual std::optional<int32_t> token_to_id(std::string_view token) const = 0;
  virtual std::optional<std::string> id_to_token(int32_t id) const = 0;
  virtual size_t vocab_size() const = 0;
  virtual std::string kind() const = 0;
};

// Added tokens, then normalizer, pre-tokenizer and model, as HF tokenizers runs them.
class PipelineTokenizer final : public Tokenizer {
 public:
  struct Parts {
    std::vector<AddedToken> added_tokens;
    std::unique_ptr<Normalizer> normalizer;      // may be null
    std::unique_ptr<PreTokenizer> pre_tokenizer;  // may be null
    std::unique_ptr<Model> model;
    PairTemplate pair_template;
  };
  // Added tokens get their ids as HF tokenizers gives them (the model's id for their
  // content, else the next free one). Throws ModelError when a template id names no token.
  PipelineTokenizer(Parts parts, std::filesystem::path source);

  std::vector<int32_t> encode(std::string_view text) const override;
  std::string id_to_token(int32_t id) const override;
  std::optional<int32_t> token_to_id(std::string_view token) const override;
  size_t vocab_size() const override { return model_->vocab_size(); }
  std::string kind() const override { return model_->kind(); }
  std::filesystem::path source() const override { return source_; }
  const PairTemplate& pair_template() const override { return template_; }

 private:
  void encode_piece(Piece piece, std::vector<int32_t>& out) const;

  AddedVocabulary added_;
  std::vector<std::pair<int32_t, std::string>> added_by_id_;  // added ids the model lacks
  std::unique_ptr<Normalizer> normalizer_;
  std::unique_ptr<PreTokenizer> pre_tokenizer_;
  std::unique_ptr<Model> model_;
  PairTemplate template_;
  std::filesystem::path source_;
};

}  // namespace crossrank
