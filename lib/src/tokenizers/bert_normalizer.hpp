#pragma once

#include <string>
#include <string_view>

#include "../unicode.hpp"

namespace crossrank {

// HF tokenizers' BertNormalizer.
struct BertNormalizer {
  bool clean_text = true;            // drop NUL, U+FFFD and control chars; whitespace -> ' '
  bool handle_chinese_chars = true;  // spaces around CJK ideographs
  bool strip_accents = true;         // NFD then drop Mn (HF: strip_accents, or lowercase if null)
  bool lowercase = true;

  std::u32string apply(std::u32string_view text) const;
};

// BertPreTokenizer: whitespace splits and is dropped, punctuation becomes its own word.
// Calls emit(begin, end) for each word of text.
template <typename Emit>
void bert_pre_tokenize(std::u32string_view text, Emit&& emit);

bool is_bert_punctuation(char32_t c);

template <typename Emit>
void bert_pre_tokenize(std::u32string_view text, Emit&& emit) {
  size_t word_begin = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char32_t c = text[i];
    if (unicode::is_whitespace(c)) {
      if (i > word_begin) emit(word_begin, i);
      word_begin = i + 1;
    } else if (is_bert_punctuation(c)) {
      if (i > word_begin) emit(word_begin, i);
      emit(i, i + 1);
      word_begin = i + 1;
    }
  }
  if (text.size() > word_begin) emit(word_begin, text.size());
}

}  // namespace crossrank
