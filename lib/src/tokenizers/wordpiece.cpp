#include "wordpiece.hpp"

#include <algorithm>

#include "../unicode.hpp"
#include "crossrank/error.hpp"

namespace crossrank {

WordPieceTokenizer::WordPieceTokenizer(Vocab vocab, WordPieceOptions options,
                                       const std::vector<AddedToken>& added_tokens,
                                       PairTemplate pair_template, std::filesystem::path source)
    : vocab_(std::move(vocab)),
      options_(std::move(options)),
      added_(added_tokens),
      template_(std::move(pair_template)),
      source_(std::move(source)) {
  auto unk = vocab_.find(options_.unk_token);
  if (!unk) {
    throw ModelError(source_.string() + ": unknown token \"" + options_.unk_token +
                     "\" is not in the vocabulary");
  }
  unk_id_ = *unk;
  for (const auto& t : added_tokens) {
    if (t.id < 0) throw ModelError(source_.string() + ": negative id for added token " + t.content);
    if (static_cast<size_t>(t.id) >= vocab_.size()) added_by_id_.emplace_back(t.id, t.content);
  }
  // Every id the encoder can emit must name a token, so id_to_token never fails on output.
  for (const auto& piece : template_.pieces) {
    for (int32_t id : piece.ids) {
      const bool known = (id >= 0 && static_cast<size_t>(id) < vocab_.size()) ||
                         std::any_of(added_by_id_.begin(), added_by_id_.end(),
                                     [id](const auto& a) { return a.first == id; });
      if (!known) {
        throw ModelError(source_.string() + ": the pair template uses token id " +
                         std::to_string(id) + ", which names no token");
      }
    }
  }
}

std::vector<int32_t> WordPieceTokenizer::encode(std::string_view text) const {
  const std::u32string chars = unicode::decode_utf8(text);
  std::vector<int32_t> ids;
  std::vector<AddedVocabulary::Segment> raw;
  added_.split(chars, /*normalized=*/false, raw);
  std::vector<AddedVocabulary::Segment> normalized_segments;
  for (const auto& seg : raw) {
    if (seg.id >= 0) {
      ids.push_back(seg.id);
      continue;
    }
    const std::u32string_view piece(chars.data() + seg.begin, seg.end - seg.begin);
    std::u32string normalized =
        options_.normalizer ? options_.normalizer->apply(piece) : std::u32string(piece);
    if (!added_.has(/*normalized=*/true)) {
      encode_normalized(normalized, ids);
      continue;
    }
    normalized_segments.clear();
    added_.split(normalized, /*normalized=*/true, normalized_segments);
    for (const auto& inner : normalized_segments) {
      if (inner.id >= 0) {
        ids.push_back(inner.id);
      } else {
        encode_normalized(
            std::u32string_view(normalized.data() + inner.begin, inner.end - inner.begin), ids);
      }
    }
  }
  return ids;
}

void WordPieceTokenizer::encode_normalized(std::u32string_view text,
                                           std::vector<int32_t>& out) const {
  if (!options_.bert_pre_tokenizer) {
    if (!text.empty()) encode_word(text, out);
    return;
  }
  bert_pre_tokenize(text, [&](size_t begin, size_t end) {
    encode_word(text.substr(begin, end - begin), out);
  });
}

void WordPieceTokenizer::encode_word(std::u32string_view word, std::vector<int32_t>& out) const {
  if (word.size() > options_.max_input_chars_per_word) {
    out.push_back(unk_id_);
    return;
  }
  // Byte offset of every char, so each candidate piece is a substring of one buffer.
  std::string utf8;
  std::vector<size_t> offsets;
  offsets.reserve(word.size() + 1);
  for (char32_t c : word) {
    offsets.push_back(utf8.size());
    unicode::append_utf8(c, utf8);
  }
  offsets.push_back(utf8.size());

  const size_t first_out = out.size();
  std::string key;
  size_t start = 0;
  while (start < word.size()) {
    std::optional<int32_t> found;
    size_t end = word.size();
    for (; end > start; --end) {
      const std::string_view piece(utf8.data() + offsets[start], offsets[end] - offsets[start]);
      if (start == 0) {
        found = vocab_.find(piece);
      } else {
        key.assign(options_.continuing_subword_prefix);
        key.append(piece);
        found = vocab_.find(key);
      }
      if (found) break;
    }
    if (!found) {
      out.resize(first_out);
      out.push_back(unk_id_);
      return;
    }
    out.push_back(*found);
    start = end;
  }
}

std::string WordPieceTokenizer::id_to_token(int32_t id) const {
  if (id >= 0 && static_cast<size_t>(id) < vocab_.size()) return vocab_.token(id);
  for (const auto& [added_id, content] : added_by_id_) {
    if (added_id == id) return content;
  }
  throw InputError("token id " + std::to_string(id) + " is outside the vocabulary");
}

std::optional<int32_t> WordPieceTokenizer::token_to_id(std::string_view token) const {
  if (auto id = vocab_.find(token)) return id;
  for (const auto& [added_id, content] : added_by_id_) {
    if (content == token) return added_id;
  }
  return std::nullopt;
}

}  // namespace crossrank
