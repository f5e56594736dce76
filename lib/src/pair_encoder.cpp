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

namespace {

// The template around two sequences that fit.
EncodedPair apply_template(const PairTemplate& tmpl, const std::vector<int32_t>& first,
                           const std::vector<int32_t>& second) {
  EncodedPair out;
  const size_t total = first.size() + second.size() + tmpl.special_count();
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

}  // namespace

EncodedPair PairEncoder::assemble(std::vector<int32_t> first, std::vector<int32_t> second) const {
  const PairTemplate& tmpl = tokenizer_->pair_template();
  const size_t budget = max_length_ - tmpl.special_count();
  const auto [keep_first, keep_second] = longest_first_lengths(first.size(), second.size(), budget);
  const bool truncated = keep_first < first.size() || keep_second < second.size();
  first.resize(keep_first);
  second.resize(keep_second);
  EncodedPair out = apply_template(tmpl, first, second);
  out.truncated = truncated;
  return out;
}

std::vector<EncodedPair> PairEncoder::assemble_windows(std::vector<int32_t> first,
                                                       const std::vector<int32_t>& second,
                                                       size_t overlap) const {
  const PairTemplate& tmpl = tokenizer_->pair_template();
  const size_t budget = max_length_ - tmpl.special_count();
  if (first.size() + second.size() <= budget || budget < 2) return {assemble(std::move(first), second)};
  const bool query_cut = first.size() > budget / 2;
  if (query_cut) first.resize(budget / 2);
  const size_t room = budget - first.size();
  // An overlap as large as the window would crawl token by token: half a window then.
  const size_t step = room > overlap ? room - overlap : std::max<size_t>(1, room / 2);
  std::vector<EncodedPair> windows;
  for (size_t start = 0;; start += step) {
    const size_t end = std::min(start + room, second.size());
    const std::vector<int32_t> part(second.begin() + static_cast<std::ptrdiff_t>(start),
                                    second.begin() + static_cast<std::ptrdiff_t>(end));
    windows.push_back(apply_template(tmpl, first, part));
    windows.back().truncated = query_cut;
    if (end == second.size()) break;
  }
  return windows;
}

}  // namespace crossrank
