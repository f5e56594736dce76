#include "crossrank/pair_encoder.hpp"

#include <algorithm>
#include <string>

#include "crossrank/error.hpp"
#include "crossrank/logging.hpp"

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

std::vector<std::pair<size_t, size_t>> window_ranges(size_t tokens, size_t room, size_t overlap) {
  // An overlap as large as the window would crawl token by token: half a window then.
  const size_t step = room > overlap ? room - overlap : std::max<size_t>(1, room / 2);
  std::vector<std::pair<size_t, size_t>> ranges;
  for (size_t begin = 0;; begin += step) {
    const size_t end = std::min(begin + room, tokens);
    ranges.emplace_back(begin, end);
    if (end == tokens) return ranges;
  }
}

PairEncoder::PairEncoder(std::shared_ptr<const Tokenizer> tokenizer, size_t max_length,
                         std::optional<PromptTemplate> prompt)
    : tokenizer_(std::move(tokenizer)), max_length_(max_length) {
  if (prompt) {
    prompt_.emplace(std::move(*prompt), *tokenizer_, max_length_);
    return;
  }
  const size_t specials = tokenizer_->pair_template().special_count();
  if (specials == 0) {
    log::warn(tokenizer_->source().string() + " has no post-processor that adds special tokens and the bundle "
              "no prompt template; pairs are encoded as A B, as HF tokenizers does");
  }
  if (max_length_ < specials) {
    throw ConfigError("max length " + std::to_string(max_length_) +
                      " is shorter than the " + std::to_string(specials) +
                      " special tokens of a pair template");
  }
}

std::string PairEncoder::no_instruction_reason() const {
  if (!prompt_) return "its bundle has no prompt template";
  return prompt_->takes_instruction() ? "" : "its prompt template has no {instruction}";
}

PreparedQuery PairEncoder::prepare_query(std::string_view query,
                                         std::optional<std::string_view> instruction) const {
  if (instruction) {
    if (const std::string why = no_instruction_reason(); !why.empty()) {
      throw InputError("\"instruction\": this model takes no instruction (" + why + "; docs/models.md#llm-rerankers)");
    }
  }
  if (!prompt_) return {query, {}, tokenizer_->encode(query)};
  return {query, instruction.value_or(prompt_->prompt().instruction), {}};
}

namespace {

EncodedPair from_prompt(PromptEncoder::Encoded e) {
  EncodedPair out;
  out.token_type_ids.assign(e.ids.size(), 0);
  out.input_ids = std::move(e.ids);
  out.truncated = e.truncated;
  return out;
}

}  // namespace

EncodedPair PairEncoder::encode(const PreparedQuery& query, std::string_view document) const {
  if (prompt_) return from_prompt(prompt_->encode(query.instruction, query.text, document));
  return assemble(query.ids, tokenizer_->encode(document));
}

std::vector<EncodedPair> PairEncoder::encode_windows(const PreparedQuery& query, std::string_view document,
                                                     size_t overlap) const {
  if (!prompt_) return assemble_windows(query.ids, tokenizer_->encode(document), overlap);
  std::vector<EncodedPair> out;
  for (auto& window : prompt_->encode_windows(query.instruction, query.text, document, overlap)) {
    out.push_back(from_prompt(std::move(window)));
  }
  return out;
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
  std::vector<EncodedPair> windows;
  for (const auto& [begin, end] : window_ranges(second.size(), budget - first.size(), overlap)) {
    const std::vector<int32_t> part(second.begin() + static_cast<std::ptrdiff_t>(begin),
                                    second.begin() + static_cast<std::ptrdiff_t>(end));
    windows.push_back(apply_template(tmpl, first, part));
    windows.back().truncated = query_cut;
  }
  return windows;
}

}  // namespace crossrank
