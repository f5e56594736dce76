#pragma once

#include <string>
#include <string_view>

#include "text/unicode.hpp"
#include "pipeline.hpp"

namespace crossrank {

// HF tokenizers' BertNormalizer.
struct BertNormalizer final : Normalizer {
  bool clean_text = true;            // drop NUL, U+FFFD and control chars; whitespace -> ' '
  bool handle_chinese_chars = true;  // spaces around CJK ideographs
  bool strip_accents = true;         // NFD then drop Mn (HF: strip_accents, or lowercase if null)
  bool lowercase = true;

  void apply(std::u32string& text, bool& origin_zero) const override;
};

// BertPreTokenizer: whitespace splits and is dropped, punctuation becomes its own word.
struct BertPreTokenizer final : PreTokenizer {
  void pre_tokenize(std::vector<Piece>& pieces) const override;
};

bool is_bert_punctuation(char32_t c);

}  // namespace crossrank
