#include "normalizers.hpp"

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

size_t ReplacePattern::match_at(std::u32string_view text, size_t i) const {
  if (!literal.empty()) return text.compare(i, literal.size(), literal) == 0 ? literal.size() : 0;
  size_t run = 0;
  while (i + run < text.size() && text[i + run] == run_char) ++run;
  return run >= min_run ? std::min(run, max_run) : 0;
}

std::optional<ReplacePattern> ReplacePattern::from_regex(const std::u32string& regex) {
  if (regex.empty()) return std::nullopt;
  size_t i = 0;
  char32_t c = regex[i++];
  static const std::u32string meta = U".^$|()[]{}*+?\\";
  if (c == U'\\') {
    // Only an escaped metacharacter is a literal; \s, \d and friends are classes.
    if (i >= regex.size() || meta.find(regex[i]) == std::u32string::npos) return std::nullopt;
    c = regex[i++];
  } else if (meta.find(c) != std::u32string::npos) {
    return std::nullopt;
  }
  ReplacePattern p;
  p.run_char = c;
  const std::u32string rest = regex.substr(i);
  if (rest.empty()) {
    p.literal = std::u32string(1, c);
    return p;
  }
  if (rest == U"+") {
    p.min_run = 1;
    return p;
  }
  // {n}, {n,} or {n,m}
  if (rest.front() != U'{' || rest.back() != U'}') return std::nullopt;
  const std::u32string body = rest.substr(1, rest.size() - 2);
  auto parse = [](const std::u32string& s, size_t& value) {
    if (s.empty() || s.size() > 9) return false;
    value = 0;
    for (char32_t d : s) {
      if (d < U'0' || d > U'9') return false;
      value = value * 10 + (d - U'0');
    }
    return true;
  };
  const size_t comma = body.find(U',');
  if (comma == std::u32string::npos) {
    if (!parse(body, p.min_run)) return std::nullopt;
    p.max_run = p.min_run;
  } else {
    if (!parse(body.substr(0, comma), p.min_run)) return std::nullopt;
    const std::u32string upper = body.substr(comma + 1);
    if (!upper.empty() && !parse(upper, p.max_run)) return std::nullopt;
  }
  if (p.min_run == 0 || p.max_run < p.min_run) return std::nullopt;
  return p;
}

void ReplaceNormalizer::apply(std::u32string& text, bool& origin_zero) const {
  std::u32string out;
  out.reserve(text.size());
  size_t i = 0;
  // HF aligns a replacement to the last char it replaces: a match at the start longer than
  // one char, or one replaced by nothing, moves the origin.
  const size_t at_start = pattern.match_at(text, 0);
  if (at_start > 0 && (at_start > 1 || content.empty())) origin_zero = false;
  if (!pattern.literal.empty()) {
    const std::u32string& lit = pattern.literal;
    while (i < text.size()) {
      if (text.compare(i, lit.size(), lit) == 0) {
        out += content;
        i += lit.size();
      } else {
        out.push_back(text[i++]);
      }
    }
  } else {
    // Leftmost, greedy: a run longer than max_run is matched in max_run-sized chunks.
    while (i < text.size()) {
      if (text[i] != pattern.run_char) {
        out.push_back(text[i++]);
        continue;
      }
      size_t run = 0;
      while (i + run < text.size() && text[i + run] == pattern.run_char) ++run;
      while (run >= pattern.min_run) {
        const size_t take = std::min(run, pattern.max_run);
        out += content;
        i += take;
        run -= take;
      }
      out.append(run, pattern.run_char);
      i += run;
    }
  }
  text.swap(out);
}

}  // namespace crossrank
