#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "crossrank/error.hpp"
#include "pipeline.hpp"
#include "vocab.hpp"

namespace crossrank {

// SentencePiece's unigram language model as HF tokenizers runs it (its port of
// sentencepiece's EncodeOptimized): the Viterbi path of highest total piece score;
// a char no piece covers is <unk> scored min_score - 10; consecutive unknowns fuse.
class UnigramModel final : public Model {
 public:
  using Vocabulary = std::vector<std::pair<std::string, double>>;  // (piece, score) by id

  // Throws ModelError (naming source) for an empty vocabulary or a bad unk_id.
  UnigramModel(Vocabulary vocab, std::optional<int32_t> unk_id, bool byte_fallback,
               std::string source);

  void tokenize(std::string_view word, std::vector<int32_t>& out) const override;
  std::optional<int32_t> token_to_id(std::string_view token) const override {
    return pieces_.find(token);
  }
  std::optional<std::string> id_to_token(int32_t id) const override;
  size_t vocab_size() const override { return pieces_.size(); }
  std::string kind() const override { return "unigram"; }

 private:
  // A byte trie over the pieces; token is the id a string maps to (the last duplicate).
  struct Node {
    int32_t token = -1;
    std::vector<std::pair<unsigned char, int32_t>> children;  // sorted by byte
  };
  int32_t child(int32_t node, unsigned char byte) const;
  void emit_unknown(std::string_view piece, std::vector<int32_t>& out) const;
  ModelError missing_unk() const;

  Vocab pieces_;                // by id; a duplicated piece looks up to its last id, as in HF
  std::vector<double> scores_;  // by id
  std::vector<Node> trie_;
  double min_score_ = 0;
  std::optional<int32_t> unk_id_;
  std::vector<std::optional<int32_t>> byte_ids_;  // <0xXX> tokens, when byte_fallback
  std::string source_;
};

}  // namespace crossrank
