#pragma once

#include "pipeline.hpp"
#include "vocab.hpp"

namespace crossrank {

struct WordPieceOptions {
  std::string unk_token = "[UNK]";
  std::string continuing_subword_prefix = "##";
  size_t max_input_chars_per_word = 100;  // longer words become [UNK]
};

// Greedy longest-match-first WordPiece (BERT, ELECTRA, MiniLM).
class WordPieceModel final : public Model {
 public:
  // Throws ModelError when the unknown token is not in the vocabulary.
  WordPieceModel(Vocab vocab, WordPieceOptions options, const std::string& source);

  void tokenize(std::string_view word, std::vector<int32_t>& out) const override;
  std::optional<int32_t> token_to_id(std::string_view token) const override {
    return vocab_.find(token);
  }
  std::optional<std::string> id_to_token(int32_t id) const override;
  size_t vocab_size() const override { return vocab_.size(); }
  std::string kind() const override { return "wordpiece"; }

 private:
  Vocab vocab_;
  WordPieceOptions options_;
  int32_t unk_id_ = 0;
};

}  // namespace crossrank
