#include "bert_normalizer.hpp"

#include <algorithm>

namespace crossrank {

namespace {

// The ranges HF tokenizers treats as CJK (note 0x2B920, not Python BERT's 0x2B820).
bool is_chinese_char(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
         (c >= 0x20000 && c <= 0x2A6DF) || (c >= 0x2A700 && c <= 0x2B73F) ||
         (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B920 && c <= 0x2CEAF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

bool is_control(char32_t c) {
  if (c == U'\t' || c == U'\n' || c == U'\r') return false;
  return unicode::is_other(c);
}

}  // namespace

bool is_bert_punctuation(char32_t c) {
  const bool ascii_punct = (c >= 33 && c <= 47) || (c >= 58 && c <= 64) ||
                           (c >= 91 && c <= 96) || (c >= 123 && c <= 126);
  return ascii_punct || unicode::is_punctuation(c);
}

void BertNormalizer::apply(std::u32string& text, bool& origin_zero) const {
  std::u32string s;
  s.reserve(text.size() + 8);
  for (char32_t c : text) {
    if (clean_text) {
      if (c == 0 || c == 0xFFFD || is_control(c)) {
        if (s.empty()) origin_zero = false;  // a leading char removed
        continue;
      }
      if (unicode::is_whitespace(c)) c = U' ';
    }
    if (handle_chinese_chars && is_chinese_char(c)) {
      s.push_back(U' ');
      s.push_back(c);
      s.push_back(U' ');
    } else {
      s.push_back(c);
    }
  }
  if (strip_accents) {
    // A leading char that decomposes to marks only disappears.
    if (!s.empty()) {
      const std::u32string first = unicode::nfd(s.substr(0, 1));
      if (std::all_of(first.begin(), first.end(), unicode::is_nonspacing_mark)) origin_zero = false;
    }
    std::u32string d = unicode::nfd(s);
    s.clear();
    for (char32_t c : d) {
      if (!unicode::is_nonspacing_mark(c)) s.push_back(c);
    }
  }
  if (lowercase) {
    std::u32string l;
    l.reserve(s.size());
    for (char32_t c : s) unicode::append_lowercase(c, l);
    s.swap(l);
  }
  text.swap(s);
}

void BertPreTokenizer::pre_tokenize(std::vector<Piece>& pieces) const {
  std::vector<Piece> out;
  for (const Piece& piece : pieces) {
    const std::u32string& text = piece.text;
    auto emit = [&](size_t begin, size_t end) {
      out.push_back(Piece{text.substr(begin, end - begin), piece.at_start && begin == 0});
    };
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
  pieces.swap(out);
}

}  // namespace crossrank
