#include "crossrank/pair_encoder.hpp"

#include <algorithm>
#include <string>

#include "crossrank/error.hpp"

namespace crossrank {

std::pair<size_t, size_t> longest_first_lengths(size_t n_first, size_t n_second, size_t budget) {
  if (n_first + n_second <= budget) return {n_first, n_second};
  const bool swapped = n_first > n_second;
  size_t shorter = swapped ? n_second : n_first;
  size_t longer = swapped ? n_first : n_second;
  // The longer side gives up tokens first; if the shorter alone is too long, both halve.
  longer = shorter > budget ? shorter : std::max(shorter, budget - shorter);
  if (shorter + longer > budget) {
    shorter = budget / 2;
    longer = shorter + budget % 2;
  }
  return swapped ? std::make_pair(longer, shorter) : std::make_pair(shorter, longer);
}

PairEncoder::PairEncoder(std::shared_ptr<const Tokenizer> tokenizer, size_t max_length)
    : tokenizer_(std::move(tokenizer)), max_length_(max_length) {
  const size_t specials = tokenizer_->pair_template().special_count();
  if (max_length_ < specials) {
    throw ConfigError("max length " + std::to_string(max_length_) +
                      " is shorter than the " + std::to_string(specials) +
                      " special tokens of a pair template");
  }
}

EncodedPair PairEncoder::encode(std::string_view first, std::string_view second) const {
  return assemble(tokenizer_->encode(first), tokenizer_->encode(second));
}

EncodedPair PairEncoder::assemble(std::vector<int32_t> first, std::vector<int32_t> second) const {
  const PairTemplate& tmpl = tokenizer_->pair_template();
  const size_t budget = max_length_ - tmpl.special_count();
  const auto [keep_first, keep_second] = longest_first_lengths(first.size(), second.size(), budget);
  EncodedPair out;
  out.truncated = keep_first < first.size() || keep_second < second.size();
  first.resize(keep_first);
  second.resize(keep_second);
  const size_t total = keep_first + keep_second + tmpl.special_count();
  out.input_ids.reserve(total);
  out.token_type_ids.reserve(total);
  for (const auto& piece : tmpl.pieces) {
    const std::vector<int32_t>& ids = piece.kind == TemplatePiece::Kind::first    ? first
                                      : piece.kind == TemplatePiece::Kind::second ? second
                                                                                  : piece.ids;
    out.input_ids.insert(out.input_ids.end(), ids.begin(), ids.end());
    out.token_type_ids.insert(out.token_type_ids.end(), ids.size(), piece.type_id);
  }
  return out;
}

}  // namespace crossrank
