#pragma once

#include <optional>

#include "added_vocabulary.hpp"
#include "bert_normalizer.hpp"
#include "crossrank/tokenizer.hpp"
#include "vocab.hpp"

namespace crossrank {

struct WordPieceOptions {
  std::string unk_token = "[UNK]";
  std::string continuing_subword_prefix = "##";
  size_t max_input_chars_per_word = 100;  // longer words become [UNK]
  std::optional<BertNormalizer> normalizer = BertNormalizer{};  // none: text used as is
  bool bert_pre_tokenizer = true;  // false: each text segment is one word
};

// BERT's tokenizer: added tokens, BertNormalizer, BertPreTokenizer, then greedy
// longest-match-first WordPiece.
class WordPieceTokenizer final : public Tokenizer {
 public:
  // Throws ModelError when the unknown token is missing or a special token id of the
  // template or the added tokens names no token.
  WordPieceTokenizer(Vocab vocab, WordPieceOptions options,
                     const std::vector<AddedToken>& added_tokens, PairTemplate pair_template,
                     std::filesystem::path source);

  std::vector<int32_t> encode(std::string_view text) const override;
  std::string id_to_token(int32_t id) const override;
  std::optional<int32_t> token_to_id(std::string_view token) const override;
  size_t vocab_size() const override { return vocab_.size(); }
  std::string kind() const override { return "wordpiece"; }
  std::filesystem::path source() const override { return source_; }
  const PairTemplate& pair_template() const override { return template_; }

 private:
  void encode_normalized(std::u32string_view text, std::vector<int32_t>& out) const;
  void encode_word(std::u32string_view word, std::vector<int32_t>& out) const;

  Vocab vocab_;
  WordPieceOptions options_;
  AddedVocabulary added_;
  std::vector<std::pair<int32_t, std::string>> added_by_id_;  // ids beyond the vocab
  PairTemplate template_;
  std::filesystem::path source_;
  int32_t unk_id_ = 0;
};

}  // namespace crossrank
