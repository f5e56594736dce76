#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline.hpp"

namespace crossrank {

// SentencePiece's precompiled_charsmap (a Darts double-array trie over UTF-8 keys and a
// pool of NUL-terminated replacements), applied the way HF tokenizers' Precompiled
// normalizer does: grapheme clusters under 6 bytes are replaced whole when a rule
// matches, anything else char by char; the *shortest* matching rule wins.
class PrecompiledNormalizer final : public Normalizer {
 public:
  // Throws ModelError (naming where) when the blob is malformed.
  PrecompiledNormalizer(std::string_view blob, const std::string& where);
  void apply(std::u32string& text, bool& origin_zero) const override;

 private:
  // The replacement of the shortest rule that is a prefix of key, or nullptr.
  const char* transform(std::string_view key) const;

  std::vector<uint32_t> trie_;
  std::string pool_;
  std::string where_;
};

std::string base64_decode(std::string_view text, const std::string& where);

}  // namespace crossrank
