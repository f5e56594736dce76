#pragma once

#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "pipeline.hpp"

namespace crossrank {

struct BpeOptions {
  std::optional<std::string> unk_token;                  // none: unknown chars are dropped
  std::optional<std::string> continuing_subword_prefix;  // e.g. "##"
  std::optional<std::string> end_of_word_suffix;         // e.g. "</w>"
  bool fuse_unk = false;       // consecutive unknown chars become one unk token
  bool byte_fallback = false;  // unknown chars become <0xXX> byte tokens when present
  bool ignore_merges = false;  // a word found whole in the vocabulary is one token
};

// Byte-pair encoding as HF tokenizers' BPE model: merges applied lowest rank first
// (leftmost on ties) until none applies. Merged words are cached.
class BpeModel final : public Model {
 public:
  using Vocabulary = std::unordered_map<std::string, int32_t>;
  using Merges = std::vector<std::pair<std::string, std::string>>;

  // Throws ModelError (naming source) when a merge or the unk token is not in the vocabulary.
  BpeModel(Vocabulary vocab, const Merges& merges, BpeOptions options, const std::string& source);

  void tokenize(std::string_view word, std::vector<int32_t>& out) const override;
  std::optional<int32_t> token_to_id(std::string_view token) const override;
  std::optional<std::string> id_to_token(int32_t id) const override;
  size_t vocab_size() const override { return vocab_.size(); }
  std::string kind() const override { return "bpe"; }

 private:
  std::vector<int32_t> merge_word(std::string_view word) const;
  // By const std::string&: the hot path looks up strings it built, without another copy.
  std::optional<int32_t> find(const std::string& token) const;

  Vocabulary vocab_;
  std::unordered_map<int32_t, std::string> by_id_;
  std::unordered_map<uint64_t, std::pair<int32_t, int32_t>> merges_;  // (a, b) -> (rank, merged)
  BpeOptions options_;
  std::optional<int32_t> unk_id_;
  std::vector<std::optional<int32_t>> byte_ids_;  // <0xXX> tokens, when byte_fallback

  // Words seen before; bounded, shared by every thread that tokenizes.
  static constexpr size_t kCacheCapacity = 10000;
  static constexpr size_t kCacheMaxWordBytes = 256;
  mutable std::shared_mutex cache_mutex_;
  mutable std::unordered_map<std::string, std::vector<int32_t>> cache_;
};

}  // namespace crossrank
