#include "pre_tokenizers.hpp"

#include <array>

#include "text/unicode.hpp"
#include "bert_normalizer.hpp"
#include "regex.hpp"

namespace crossrank {

namespace {

struct Span {
  size_t begin, end;
  bool delimiter;
};

// HF's NormalizedString::split over single-char matches.
std::vector<Span> apply_behavior(const std::vector<Span>& spans, SplitBehavior behavior) {
  std::vector<Span> out;
  switch (behavior) {
    case SplitBehavior::removed:
      for (const auto& s : spans) {
        if (!s.delimiter) out.push_back(s);
      }
      return out;
    case SplitBehavior::isolated:
      return spans;
    case SplitBehavior::contiguous:
      for (const auto& s : spans) {
        if (s.delimiter && !out.empty() && out.back().delimiter) {
          out.back().end = s.end;
        } else {
          out.push_back(s);
        }
      }
      return out;
    case SplitBehavior::merged_with_previous: {
      bool previous_delimiter = false;
      for (const auto& s : spans) {
        if (s.delimiter && !previous_delimiter && !out.empty()) {
          out.back().end = s.end;
        } else {
          out.push_back({s.begin, s.end, false});
        }
        previous_delimiter = s.delimiter;
      }
      return out;
    }
    case SplitBehavior::merged_with_next: {
      bool next_delimiter = false;
      for (auto it = spans.rbegin(); it != spans.rend(); ++it) {
        if (it->delimiter && !next_delimiter && !out.empty()) {
          out.back().begin = it->begin;
        } else {
          out.push_back({it->begin, it->end, false});
        }
        next_delimiter = it->delimiter;
      }
      return {out.rbegin(), out.rend()};
    }
  }
  return out;
}

// Splits every piece at the spans find(text, spans) marks as delimiters (it lists the whole
// text, delimiters and the text between them, in order), as behavior says.
template <typename Find>
void split_spans(std::vector<Piece>& pieces, SplitBehavior behavior, Find find) {
  std::vector<Piece> out;
  std::vector<Span> spans;
  for (const Piece& piece : pieces) {
    const std::u32string& text = piece.text;
    spans.clear();
    find(text, spans);
    for (const Span& s : apply_behavior(spans, behavior)) {
      if (s.end > s.begin) {
        out.push_back(Piece{text.substr(s.begin, s.end - s.begin), piece.at_start && s.begin == 0});
      }
    }
  }
  pieces.swap(out);
}

}  // namespace

void split_pieces(std::vector<Piece>& pieces, const std::function<bool(char32_t)>& is_delimiter,
                  SplitBehavior behavior) {
  split_spans(pieces, behavior, [&](const std::u32string& text, std::vector<Span>& spans) {
    size_t gap = 0;
    for (size_t i = 0; i < text.size(); ++i) {
      if (!is_delimiter(text[i])) continue;
      if (i > gap) spans.push_back({gap, i, false});
      spans.push_back({i, i + 1, true});
      gap = i + 1;
    }
    if (text.size() > gap) spans.push_back({gap, text.size(), false});
  });
}

void SplitPreTokenizer::pre_tokenize(std::vector<Piece>& pieces) const {
  split_spans(pieces, behavior, [&](const std::u32string& text, std::vector<Span>& spans) {
    size_t gap = 0;
    for (const auto& [begin, end] : pattern->find_all(text)) {
      if (begin > gap) spans.push_back({gap, begin, invert});
      spans.push_back({begin, end, !invert});
      gap = end;
    }
    if (text.size() > gap) spans.push_back({gap, text.size(), invert});
  });
}

void SequencePreTokenizer::pre_tokenize(std::vector<Piece>& pieces) const {
  for (const auto& step : steps) step->pre_tokenize(pieces);
}

void WhitespaceSplitPreTokenizer::pre_tokenize(std::vector<Piece>& pieces) const {
  split_pieces(pieces, unicode::is_whitespace, SplitBehavior::removed);
}

void PunctuationPreTokenizer::pre_tokenize(std::vector<Piece>& pieces) const {
  split_pieces(pieces, is_bert_punctuation, behavior);
}

void MetaspacePreTokenizer::pre_tokenize(std::vector<Piece>& pieces) const {
  for (Piece& piece : pieces) {
    for (char32_t& c : piece.text) {
      if (c == U' ') c = replacement;
    }
    const bool starts_with_replacement = !piece.text.empty() && piece.text[0] == replacement;
    if (!starts_with_replacement && (prepend == Prepend::always ||
                                     (prepend == Prepend::first && piece.at_start))) {
      piece.text.insert(piece.text.begin(), replacement);
    }
  }
  if (split) {
    const char32_t r = replacement;
    split_pieces(pieces, [r](char32_t c) { return c == r; }, SplitBehavior::merged_with_next);
  }
}

char32_t byte_to_char(uint8_t b) {
  static const std::array<char32_t, 256> table = [] {
    std::array<char32_t, 256> t{};
    char32_t next = 256;
    for (int i = 0; i < 256; ++i) {
      const bool printable = (i >= '!' && i <= '~') || (i >= 0xA1 && i <= 0xAC) || i >= 0xAE;
      t[i] = printable ? static_cast<char32_t>(i) : next++;
    }
    return t;
  }();
  return table[b];
}

void gpt2_split(std::u32string_view text, const std::function<void(size_t, size_t)>& emit) {
  const size_t n = text.size();
  auto run = [&](size_t from, auto pred) {
    while (from < n && pred(text[from])) ++from;
    return from;
  };
  auto other = [](char32_t c) {
    return !unicode::is_whitespace(c) && !unicode::is_letter(c) && !unicode::is_number(c);
  };
  size_t i = 0;
  while (i < n) {
    size_t end = 0;
    const char32_t c = text[i];
    const bool space_then = c == U' ' && i + 1 < n;
    if (c == U'\'' && i + 1 < n) {
      const char32_t a = text[i + 1];
      const char32_t b = i + 2 < n ? text[i + 2] : 0;
      if (a == U's' || a == U't' || a == U'm' || a == U'd') {
        end = i + 2;
      } else if ((a == U'r' && b == U'e') || (a == U'v' && b == U'e') || (a == U'l' && b == U'l')) {
        end = i + 3;
      }
    }
    // ` ?X+` for each class X in order: letters, numbers, everything else but whitespace.
    auto class_run = [&](auto pred) -> size_t {
      if (space_then && pred(text[i + 1])) return run(i + 1, pred);
      if (pred(c)) return run(i, pred);
      return 0;
    };
    if (!end) end = class_run(unicode::is_letter);
    if (!end) end = class_run(unicode::is_number);
    if (!end) end = class_run(other);
    if (!end) {
      // \s+(?!\S) backs off one char before a non-space; \s+ takes a lone one.
      const size_t ws_end = run(i, unicode::is_whitespace);
      end = (ws_end == n || ws_end - i == 1) ? ws_end : ws_end - 1;
    }
    emit(i, end);
    i = end;
  }
}

void ByteLevelPreTokenizer::pre_tokenize(std::vector<Piece>& pieces) const {
  std::vector<Piece> out;
  std::string utf8;
  auto add = [&](std::u32string_view chars, bool at_start) {
    utf8.clear();
    for (char32_t c : chars) unicode::append_utf8(c, utf8);
    Piece p{{}, at_start};
    p.text.reserve(utf8.size());
    for (unsigned char b : utf8) p.text.push_back(byte_to_char(b));
    out.push_back(std::move(p));
  };
  for (Piece& piece : pieces) {
    if (add_prefix_space && (piece.text.empty() || piece.text[0] != U' ')) {
      piece.text.insert(piece.text.begin(), U' ');
    }
    if (!use_regex) {
      add(piece.text, piece.at_start);
      continue;
    }
    const std::u32string_view text = piece.text;
    gpt2_split(text, [&](size_t begin, size_t end) {
      add(text.substr(begin, end - begin), piece.at_start && begin == 0);
    });
  }
  pieces.swap(out);
}

}  // namespace crossrank
