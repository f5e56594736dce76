#include "vocab.hpp"

namespace crossrank {

Vocab::Vocab(std::vector<std::string> tokens) : tokens_(std::move(tokens)) {
  index_.reserve(tokens_.size());
  for (size_t i = 0; i < tokens_.size(); ++i) {
    // The last occurrence wins, as in transformers' load_vocab (a dict built line by line).
    index_[tokens_[i]] = static_cast<int32_t>(i);
  }
}

}  // namespace crossrank
