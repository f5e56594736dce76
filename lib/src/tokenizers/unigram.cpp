#include "unigram.hpp"

#include <algorithm>
#include <limits>

#include "../unicode.hpp"
#include "crossrank/error.hpp"

namespace crossrank {

namespace {

constexpr double kUnkPenalty = 10.0;


}  // namespace

UnigramModel::UnigramModel(Vocabulary vocab, std::optional<int32_t> unk_id, bool byte_fallback,
                           std::string source_file)
    : vocab_(std::move(vocab)), unk_id_(unk_id), source_(std::move(source_file)) {
  const std::string& source = source_;
  if (unk_id_) {
    if (vocab_.empty()) throw ModelError(source + ": the Unigram vocabulary is empty");
    if (*unk_id_ < 0 || static_cast<size_t>(*unk_id_) >= vocab_.size()) {
      throw ModelError(source + ": unk_id " + std::to_string(*unk_id_) + " is outside the vocabulary");
    }
  }
  min_score_ = std::numeric_limits<double>::infinity();
  trie_.emplace_back();
  for (size_t id = 0; id < vocab_.size(); ++id) {
    const auto& [piece, score] = vocab_[id];
    ids_[piece] = static_cast<int32_t>(id);
    min_score_ = std::min(min_score_, score);
    int32_t node = 0;
    for (unsigned char b : piece) {
      int32_t next = child(node, b);
      if (next < 0) {
        next = static_cast<int32_t>(trie_.size());
        auto& kids = trie_[node].children;
        kids.insert(std::lower_bound(kids.begin(), kids.end(), std::make_pair(b, int32_t{0})),
                    {b, next});
        trie_.emplace_back();
      }
      node = next;
    }
  }
  if (byte_fallback) {
    byte_ids_.resize(256);
    for (int b = 0; b < 256; ++b) byte_ids_[b] = token_to_id(byte_token(static_cast<unsigned char>(b)));
  }
  // Ids come from the string map, so a duplicated piece resolves to its last id as in HF.
  for (const auto& [piece, id] : ids_) {
    int32_t node = 0;
    for (unsigned char b : piece) node = child(node, b);
    if (node > 0) trie_[node].token = id;
  }
}

int32_t UnigramModel::child(int32_t node, unsigned char byte) const {
  const auto& kids = trie_[node].children;
  auto it = std::lower_bound(kids.begin(), kids.end(), std::make_pair(byte, int32_t{0}),
                             [](const auto& a, const auto& b) { return a.first < b.first; });
  return it != kids.end() && it->first == byte ? it->second : -1;
}

std::optional<int32_t> UnigramModel::token_to_id(std::string_view token) const {
  auto it = ids_.find(std::string(token));
  if (it == ids_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> UnigramModel::id_to_token(int32_t id) const {
  if (id < 0 || static_cast<size_t>(id) >= vocab_.size()) return std::nullopt;
  return vocab_[id].first;
}

void UnigramModel::tokenize(std::string_view word, std::vector<int32_t>& out) const {
  if (word.empty()) return;
  struct Best {
    int32_t id = 0;
    double score = 0;
    std::optional<size_t> starts_at;
  };
  const size_t size = word.size();
  const double unk_score = min_score_ - kUnkPenalty;
  std::vector<Best> best(size + 1);
  for (size_t start = 0; start < size;) {
    const double base = best[start].score;
    const size_t char_len = std::min(unicode::utf8_length(static_cast<unsigned char>(word[start])), size - start);
    bool has_single_char = false;
    auto relax = [&](size_t end, int32_t id, double score) {
      Best& target = best[end];
      if (!target.starts_at || base + score > target.score) {
        target = {id, base + score, start};
      }
    };
    int32_t node = 0;
    for (size_t pos = start; pos < size; ++pos) {
      node = child(node, static_cast<unsigned char>(word[pos]));
      if (node < 0) break;
      const int32_t id = trie_[node].token;
      if (id < 0) continue;
      relax(pos + 1, id, vocab_[id].second);
      if (pos + 1 - start == char_len) has_single_char = true;
    }
    if (!has_single_char) {
      if (!unk_id_) throw missing_unk();
      relax(start + char_len, *unk_id_, unk_score);
    }
    start += char_len;
  }

  // Walk back; runs of unknown pieces become one string, then every string becomes ids.
  std::vector<std::pair<size_t, size_t>> spans;  // (begin, end), reversed
  bool last_was_unk = false;
  for (size_t end = size; end > 0;) {
    const Best& node = best[end];
    const size_t start = *node.starts_at;
    const bool unk = unk_id_ && node.id == *unk_id_;
    if (unk && last_was_unk) {
      spans.back().first = start;
    } else {
      spans.emplace_back(start, end);
    }
    last_was_unk = unk;
    end = start;
  }
  for (auto it = spans.rbegin(); it != spans.rend(); ++it) {
    emit(word.substr(it->first, it->second - it->first), out);
  }
}

ModelError UnigramModel::missing_unk() const {
  return ModelError(source_ + ": a character is not in the Unigram vocabulary and unk_id is null");
}

void UnigramModel::emit(std::string_view piece, std::vector<int32_t>& out) const {
  if (auto id = token_to_id(piece)) {
    out.push_back(*id);
    return;
  }
  if (!byte_ids_.empty() &&
      std::all_of(piece.begin(), piece.end(), [&](char b) { return byte_ids_[static_cast<unsigned char>(b)]; })) {
    for (unsigned char b : piece) out.push_back(*byte_ids_[b]);
    return;
  }
  if (!unk_id_) throw missing_unk();
  out.push_back(*unk_id_);
}

}  // namespace crossrank
