#include "added_vocabulary.hpp"

#include <algorithm>

#include "text/unicode.hpp"

namespace crossrank {

AddedVocabulary::AddedVocabulary(const std::vector<AddedToken>& tokens) {
  for (const auto& t : tokens) {
    if (t.content.empty()) continue;
    Entry e{unicode::decode_utf8(t.content), t.id, t.lstrip, t.rstrip, t.single_word};
    (t.normalized ? normalized_ : raw_)[e.content[0]].push_back(std::move(e));
  }
  auto longest_first = [](const Entry& a, const Entry& b) {
    return a.content.size() > b.content.size();
  };
  for (Index* index : {&raw_, &normalized_}) {
    for (auto& [first, entries] : *index) {
      std::stable_sort(entries.begin(), entries.end(), longest_first);
    }
  }
}

void AddedVocabulary::split(std::u32string_view text, bool normalized,
                            std::vector<Segment>& out) const {
  const Index& index = normalized ? normalized_ : raw_;
  size_t plain_begin = 0;
  size_t i = 0;
  while (i < text.size()) {
    auto candidates = index.find(text[i]);
    if (candidates == index.end()) {
      ++i;
      continue;
    }
    // Leftmost-longest, as HF's automaton: only the longest token here can match.
    const Entry* match = nullptr;
    for (const auto& e : candidates->second) {
      if (text.compare(i, e.content.size(), e.content) == 0) {
        match = &e;
        break;
      }
    }
    if (!match) {
      ++i;
      continue;
    }
    const size_t stop = i + match->content.size();
    // HF's single_word check is Rust regex \w on both sides.
    if (match->single_word && ((i > 0 && unicode::is_regex_word(text[i - 1])) ||
                               (stop < text.size() && unicode::is_regex_word(text[stop])))) {
      i = stop;  // rejected: its text stays plain, and the search resumes after it
      continue;
    }
    size_t begin = i;
    size_t end = i + match->content.size();
    if (match->lstrip) {
      while (begin > plain_begin && unicode::is_whitespace(text[begin - 1])) --begin;
    }
    if (match->rstrip) {
      while (end < text.size() && unicode::is_whitespace(text[end])) ++end;
    }
    if (begin > plain_begin) out.push_back({plain_begin, begin, -1});
    out.push_back({begin, end, match->id});
    plain_begin = i = end;
  }
  if (plain_begin < text.size()) out.push_back({plain_begin, text.size(), -1});
}

}  // namespace crossrank
