#include "wordpiece.hpp"

#include "text/unicode.hpp"
#include "crossrank/error.hpp"

namespace crossrank {

WordPieceModel::WordPieceModel(Vocab vocab, WordPieceOptions options, const std::string& source)
    : vocab_(std::move(vocab)), options_(std::move(options)) {
  auto unk = vocab_.find(options_.unk_token);
  if (!unk) {
    throw ModelError(source + ": unknown token \"" + options_.unk_token +
                     "\" is not in the vocabulary");
  }
  unk_id_ = *unk;
}

void WordPieceModel::tokenize(std::string_view word, std::vector<int32_t>& out) const {
  // Byte offset of every char, so each candidate piece is a substring of word.
  std::vector<size_t> offsets;
  for (size_t i = 0; i < word.size(); ++i) {
    if ((static_cast<unsigned char>(word[i]) & 0xC0) != 0x80) offsets.push_back(i);
  }
  if (offsets.size() > options_.max_input_chars_per_word) {
    out.push_back(unk_id_);
    return;
  }
  offsets.push_back(word.size());
  const size_t chars = offsets.size() - 1;

  const size_t first_out = out.size();
  std::string key;
  size_t start = 0;
  while (start < chars) {
    std::optional<int32_t> found;
    size_t end = chars;
    for (; end > start; --end) {
      const std::string_view piece = word.substr(offsets[start], offsets[end] - offsets[start]);
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

std::optional<std::string> WordPieceModel::id_to_token(int32_t id) const {
  if (id >= 0 && static_cast<size_t>(id) < vocab_.size()) return vocab_.token(id);
  return std::nullopt;
}

}  // namespace crossrank
