#include "unigram.hpp"

#include <algorithm>
#include <limits>

#include "text/unicode.hpp"
#include "crossrank/error.hpp"

namespace crossrank {

namespace {

constexpr double kUnkPenalty = 10.0;

std::vector<std::string> pieces_of(const UnigramModel::Vocabulary& vocab) {
  std::vector<std::string> pieces;
  pieces.reserve(vocab.size());
  for (const auto& entry : vocab) pieces.push_back(entry.first);
  return pieces;
}

}  // namespace

UnigramModel::UnigramModel(Vocabulary vocab, std::optional<int32_t> unk_id, bool byte_fallback,
                           std::string source)
    : pieces_(pieces_of(vocab)), unk_id_(unk_id), source_(std::move(source)) {
  if (unk_id_) {
    if (vocab.empty()) throw ModelError(source_ + ": the Unigram vocabulary is empty");
    if (*unk_id_ < 0 || static_cast<size_t>(*unk_id_) >= vocab.size()) {
      throw ModelError(source_ + ": unk_id " + std::to_string(*unk_id_) + " is outside the vocabulary");
    }
  }
  min_score_ = std::numeric_limits<double>::infinity();
  scores_.reserve(vocab.size());
  trie_.emplace_back();
  for (const auto& [piece, score] : vocab) {
    scores_.push_back(score);
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
    if (node > 0) trie_[node].token = *pieces_.find(piece);
  }
  if (byte_fallback) {
    byte_ids_.resize(256);
    for (int b = 0; b < 256; ++b) byte_ids_[b] = pieces_.find(byte_token(static_cast<unsigned char>(b)));
  }
}

int32_t UnigramModel::child(int32_t node, unsigned char byte) const {
  const auto& kids = trie_[node].children;
  auto it = std::lower_bound(kids.begin(), kids.end(), std::make_pair(byte, int32_t{0}),
                             [](const auto& a, const auto& b) { return a.first < b.first; });
  return it != kids.end() && it->first == byte ? it->second : -1;
}

std::optional<std::string> UnigramModel::id_to_token(int32_t id) const {
  if (id < 0 || static_cast<size_t>(id) >= pieces_.size()) return std::nullopt;
  return pieces_.token(id);
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
      relax(pos + 1, id, scores_[id]);
      if (pos + 1 - start == char_len) has_single_char = true;
    }
    if (!has_single_char) {
      if (!unk_id_) throw missing_unk();
      relax(start + char_len, *unk_id_, unk_score);
    }
    start += char_len;
  }

  // Walk back; runs of unknown pieces become one string. A piece the trie found is its
  // id already; only an unknown string is looked up again (HF maps strings to ids).
  struct Span {
    size_t begin, end;
    int32_t id;  // -1: unknown
  };
  std::vector<Span> spans;  // reversed
  for (size_t end = size; end > 0;) {
    const Best& node = best[end];
    const size_t start = *node.starts_at;
    const bool unk = unk_id_ && node.id == *unk_id_;
    if (unk && !spans.empty() && spans.back().id < 0) {
      spans.back().begin = start;
    } else {
      spans.push_back({start, end, unk ? -1 : node.id});
    }
    end = start;
  }
  for (auto it = spans.rbegin(); it != spans.rend(); ++it) {
    if (it->id >= 0) {
      out.push_back(it->id);
    } else {
      emit_unknown(word.substr(it->begin, it->end - it->begin), out);
    }
  }
}

ModelError UnigramModel::missing_unk() const {
  return ModelError(source_ + ": a character is not in the Unigram vocabulary and unk_id is null");
}

void UnigramModel::emit_unknown(std::string_view piece, std::vector<int32_t>& out) const {
  if (auto id = pieces_.find(piece)) {
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
