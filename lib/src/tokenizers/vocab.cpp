#include "vocab.hpp"

namespace crossrank {

Vocab::Vocab(std::vector<std::string> tokens) : tokens_(std::move(tokens)) {
  index_.reserve(tokens_.size());
  for (size_t i = 0; i < tokens_.size(); ++i) {
    // First occurrence wins, as in HF's vocab.txt reader.
    index_.emplace(tokens_[i], static_cast<int32_t>(i));
  }
}

}  // namespace crossrank
