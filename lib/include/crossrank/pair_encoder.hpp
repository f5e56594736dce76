#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "crossrank/prompt.hpp"
#include "crossrank/tokenizer.hpp"

namespace crossrank {

// Exactly what the model receives for one (query, document) pair.
struct EncodedPair {
  std::vector<int32_t> input_ids;
  std::vector<int32_t> token_type_ids;
  bool truncated = false;
};

// HF tokenizers' longest_first pair truncation (truncate_encodings): the lengths to keep
// of two token sequences so that together they fit budget tokens.
std::pair<size_t, size_t> longest_first_lengths(size_t n_first, size_t n_second, size_t budget);

// The [begin, end) token ranges of a document of `tokens` tokens cut into windows of room
// tokens, consecutive windows sharing overlap tokens (half a window when overlap is not
// smaller than room).
std::vector<std::pair<size_t, size_t>> window_ranges(size_t tokens, size_t room, size_t overlap);

// A query as it is paired with each of its documents: tokenized once for a pair template;
// for a prompt template (an LLM reranker) kept as text, since the model card tokenizes the
// query with each document. Views into the caller's strings.
struct PreparedQuery {
  std::string_view text;
  std::string_view instruction;  // the one in effect (prompt templates only)
  std::vector<int32_t> ids;      // pair templates only
};

// Tokenizes a pair, truncates it to max_length and applies the tokenizer's pair template,
// or, for a bundle with a prompt template, builds the prompt (prompt.hpp).
class PairEncoder {
 public:
  // Throws ConfigError when max_length is below the template's special token count, or
  // leaves a prompt template's document no room.
  PairEncoder(std::shared_ptr<const Tokenizer> tokenizer, size_t max_length,
              std::optional<PromptTemplate> prompt = std::nullopt);

  // instruction: the line's or --instruction; nullopt: the template's default. Throws
  // InputError for an instruction given to a model without a prompt template.
  PreparedQuery prepare_query(std::string_view query, std::optional<std::string_view> instruction) const;
  EncodedPair encode(const PreparedQuery& query, std::string_view document) const;
  // --long-docs chunk: see assemble_windows and PromptEncoder::encode_windows.
  std::vector<EncodedPair> encode_windows(const PreparedQuery& query, std::string_view document,
                                          size_t overlap) const;
  EncodedPair encode(std::string_view first, std::string_view second,
                     std::optional<std::string_view> instruction = std::nullopt) const {
    return encode(prepare_query(first, instruction), second);
  }
  // Truncation and template only, for token ids already produced by the tokenizer.
  EncodedPair assemble(std::vector<int32_t> first, std::vector<int32_t> second) const;

  // A long document as windows instead of truncating it (rerank --long-docs chunk): when
  // the pair does not fit, the query is kept (cut to half the room if it is longer) and the
  // document's tokens are split into windows that fill the rest, consecutive windows sharing
  // overlap tokens (half a window when overlap is not smaller than one). A pair that fits is
  // one window, as assemble() makes it.
  std::vector<EncodedPair> assemble_windows(std::vector<int32_t> first, const std::vector<int32_t>& second,
                                            size_t overlap) const;

  size_t max_length() const { return max_length_; }
  const Tokenizer& tokenizer() const { return *tokenizer_; }
  const PromptEncoder* prompt() const { return prompt_ ? &*prompt_ : nullptr; }
  // Why an instruction would be dropped ("its bundle has no prompt template", ...); empty
  // when the prompt has a place for one.
  std::string no_instruction_reason() const;

 private:
  std::shared_ptr<const Tokenizer> tokenizer_;
  size_t max_length_;
  std::optional<PromptEncoder> prompt_;
};

}  // namespace crossrank
