#include "normalizers.hpp"

#include "regex.hpp"

#include <algorithm>

namespace crossrank {

void SequenceNormalizer::apply(std::u32string& text, bool& origin_zero) const {
  for (const auto& step : steps) step->apply(text, origin_zero);
}

void LowercaseNormalizer::apply(std::u32string& text, bool& /*origin_zero: kept*/) const {
  std::u32string out;
  out.reserve(text.size());
  for (char32_t c : text) unicode::append_lowercase(c, out);
  text.swap(out);
}

void StripNormalizer::apply(std::u32string& text, bool& origin_zero) const {
  size_t end = text.size();
  if (right) {
    while (end > 0 && unicode::is_whitespace(text[end - 1])) --end;
  }
  size_t begin = 0;
  if (left) {
    while (begin < end && unicode::is_whitespace(text[begin])) ++begin;
  }
  if (begin > 0) origin_zero = false;
  text = text.substr(begin, end - begin);
}

void StripAccentsNormalizer::apply(std::u32string& text, bool& origin_zero) const {
  if (!text.empty() && unicode::is_mark(text[0])) origin_zero = false;
  std::u32string out;
  out.reserve(text.size());
  for (char32_t c : text) {
    if (!unicode::is_mark(c)) out.push_back(c);
  }
  text.swap(out);
}

void UnicodeNormalizer::apply(std::u32string& text, bool& /*origin_zero: kept*/) const {
  text = unicode::normalize(text, form);
}

void PrependNormalizer::apply(std::u32string& text, bool& /*origin_zero: kept*/) const {
  if (!text.empty()) text.insert(0, prefix);
}

void ReplaceNormalizer::apply(std::u32string& text, bool& origin_zero) const {
  const auto matches = pattern->find_all(text);
  if (matches.empty()) return;
  // HF aligns a replacement to the last char it replaces: a match at the start longer than
  // one char, or one replaced by nothing, moves the origin.
  const auto& [first_begin, first_end] = matches.front();
  if (first_begin == 0 && (first_end > 1 || content.empty())) origin_zero = false;
  std::u32string out;
  out.reserve(text.size());
  size_t at = 0;
  for (const auto& [begin, end] : matches) {
    out.append(text, at, begin - at);
    out += content;
    at = end;
  }
  out.append(text, at, std::u32string::npos);
  text.swap(out);
}

}  // namespace crossrank
