#include "bpe.hpp"

#include <mutex>
#include <queue>

#include "text/unicode.hpp"
#include "crossrank/error.hpp"

namespace crossrank {

namespace {

uint64_t pair_key(int32_t a, int32_t b) {
  return (static_cast<uint64_t>(static_cast<uint32_t>(a)) << 32) | static_cast<uint32_t>(b);
}

}  // namespace

BpeModel::BpeModel(Vocabulary vocab, const Merges& merges, BpeOptions options,
                   const std::string& source)
    : vocab_(std::move(vocab)), options_(std::move(options)) {
  for (const auto& [token, id] : vocab_) by_id_.emplace(id, token);
  const size_t prefix_len =
      options_.continuing_subword_prefix ? options_.continuing_subword_prefix->size() : 0;
  auto require = [&](const std::string& token, const char* role) {
    auto id = find(token);
    if (!id) throw ModelError(source + ": " + role + " \"" + token + "\" is not in the vocabulary");
    return *id;
  };
  for (size_t rank = 0; rank < merges.size(); ++rank) {
    const auto& [a, b] = merges[rank];
    const std::string merged = a + (b.size() >= prefix_len ? b.substr(prefix_len) : std::string());
    // A repeated pair keeps its last rank, as HF's map does.
    merges_[pair_key(require(a, "merge token"), require(b, "merge token"))] = {
        static_cast<int32_t>(rank), require(merged, "merge token")};
  }
  if (options_.unk_token) unk_id_ = require(*options_.unk_token, "unknown token");
  if (options_.byte_fallback) {
    byte_ids_.resize(256);
    for (int b = 0; b < 256; ++b) byte_ids_[b] = find(byte_token(static_cast<unsigned char>(b)));
  }
}

std::optional<int32_t> BpeModel::find(const std::string& token) const {
  auto it = vocab_.find(token);
  if (it == vocab_.end()) return std::nullopt;
  return it->second;
}

std::optional<int32_t> BpeModel::token_to_id(std::string_view token) const {
  return find(std::string(token));
}

std::optional<std::string> BpeModel::id_to_token(int32_t id) const {
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return std::nullopt;
  return it->second;
}

void BpeModel::tokenize(std::string_view word, std::vector<int32_t>& out) const {
  if (word.empty()) return;
  const std::string key(word);  // the word as the cache and the vocabulary hold it
  if (options_.ignore_merges) {
    if (auto id = find(key)) {
      out.push_back(*id);
      return;
    }
  }
  {
    std::shared_lock lock(cache_mutex_);
    auto it = cache_.find(key);
    if (it != cache_.end()) {
      out.insert(out.end(), it->second.begin(), it->second.end());
      return;
    }
  }
  std::vector<int32_t> ids = merge_word(word);
  out.insert(out.end(), ids.begin(), ids.end());
  if (word.size() < kCacheMaxWordBytes) {
    std::unique_lock lock(cache_mutex_);
    if (cache_.size() < kCacheCapacity) cache_.emplace(key, std::move(ids));
  }
}

std::vector<int32_t> BpeModel::merge_word(std::string_view word) const {
  struct Symbol {
    int32_t id;
    int32_t prev, next;
    bool removed;
  };
  std::vector<Symbol> symbols;
  auto add = [&](int32_t id) {
    const int32_t index = static_cast<int32_t>(symbols.size());
    if (!symbols.empty()) symbols.back().next = index;
    symbols.push_back({id, index - 1, -1, false});
  };

  std::optional<int32_t> pending_unk;
  std::string symbol;
  for (size_t i = 0; i < word.size();) {
    const size_t len = std::min(unicode::utf8_length(static_cast<unsigned char>(word[i])), word.size() - i);
    const std::string_view ch = word.substr(i, len);
    symbol.clear();
    if (i > 0 && options_.continuing_subword_prefix) symbol += *options_.continuing_subword_prefix;
    symbol += ch;
    if (i + len == word.size() && options_.end_of_word_suffix) symbol += *options_.end_of_word_suffix;
    i += len;

    if (auto id = find(symbol)) {
      if (pending_unk) add(*std::exchange(pending_unk, std::nullopt));
      add(*id);
      continue;
    }
    if (options_.byte_fallback) {
      bool all = true;
      for (unsigned char b : symbol) all = all && byte_ids_[b].has_value();
      if (all) {
        // HF leaves a pending unk in place here; byte tokens follow it.
        for (unsigned char b : symbol) add(*byte_ids_[b]);
        continue;
      }
    }
    if (unk_id_) {
      if (pending_unk && !options_.fuse_unk) add(*pending_unk);
      pending_unk = unk_id_;
    }
  }
  if (pending_unk) add(*pending_unk);

  // Min-heap on (rank, position); stale entries are skipped when popped.
  struct Merge {
    int32_t rank, pos, new_id;
    bool operator>(const Merge& o) const { return rank != o.rank ? rank > o.rank : pos > o.pos; }
  };
  std::priority_queue<Merge, std::vector<Merge>, std::greater<Merge>> queue;
  auto lookup = [&](int32_t a, int32_t b) -> const std::pair<int32_t, int32_t>* {
    auto it = merges_.find(pair_key(a, b));
    return it == merges_.end() ? nullptr : &it->second;
  };
  for (size_t i = 0; i + 1 < symbols.size(); ++i) {
    if (auto m = lookup(symbols[i].id, symbols[i + 1].id)) {
      queue.push({m->first, static_cast<int32_t>(i), m->second});
    }
  }
  while (!queue.empty()) {
    const Merge top = queue.top();
    queue.pop();
    Symbol& left = symbols[top.pos];
    if (left.removed || left.next < 0) continue;
    Symbol& right = symbols[left.next];
    auto m = lookup(left.id, right.id);
    if (!m || m->second != top.new_id) continue;
    left.id = top.new_id;
    right.removed = true;
    left.next = right.next;
    if (left.next >= 0) symbols[left.next].prev = top.pos;
    if (left.prev >= 0) {
      if (auto p = lookup(symbols[left.prev].id, left.id)) queue.push({p->first, left.prev, p->second});
    }
    if (left.next >= 0) {
      if (auto p = lookup(left.id, symbols[left.next].id)) queue.push({p->first, top.pos, p->second});
    }
  }
  std::vector<int32_t> ids;
  for (const auto& s : symbols) {
    if (!s.removed) ids.push_back(s.id);
  }
  return ids;
}

}  // namespace crossrank
