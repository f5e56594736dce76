#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "crossrank/tokenizer.hpp"

namespace crossrank {

// Finds added tokens in text as HF tokenizers' AddedVocabulary does: leftmost-longest
// matches, honouring lstrip/rstrip/single_word. Raw tokens are matched before
// normalization, normalized ones after.
class AddedVocabulary {
 public:
  AddedVocabulary() = default;
  explicit AddedVocabulary(const std::vector<AddedToken>& tokens);

  struct Segment {
    size_t begin = 0;
    size_t end = 0;
    int32_t id = -1;  // -1: plain text to tokenize
  };

  // Splits text[0, size) into plain-text and token segments, appending to out.
  void split(std::u32string_view text, bool normalized, std::vector<Segment>& out) const;
  bool has(bool normalized) const { return !(normalized ? normalized_ : raw_).empty(); }

 private:
  struct Entry {
    std::u32string content;
    int32_t id;
    bool lstrip, rstrip, single_word;
  };
  // Entries by their first char, each list longest first: a text position only looks at
  // the tokens that can start there.
  using Index = std::unordered_map<char32_t, std::vector<Entry>>;
  Index raw_;
  Index normalized_;
};

}  // namespace crossrank
