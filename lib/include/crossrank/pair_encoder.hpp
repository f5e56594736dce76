#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

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

// Tokenizes a pair, truncates it to max_length and applies the tokenizer's pair template.
class PairEncoder {
 public:
  // Throws ConfigError when max_length is below the template's special token count.
  PairEncoder(std::shared_ptr<const Tokenizer> tokenizer, size_t max_length);

  EncodedPair encode(std::string_view first, std::string_view second) const;
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

 private:
  std::shared_ptr<const Tokenizer> tokenizer_;
  size_t max_length_;
};

}  // namespace crossrank
