#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace crossrank {

// Token strings by id, with lookup by string_view (no allocation on the hot path).
class Vocab {
 public:
  Vocab() = default;
  explicit Vocab(std::vector<std::string> tokens);
  Vocab(const Vocab&) = delete;  // index_ points into tokens_
  Vocab& operator=(const Vocab&) = delete;
  Vocab(Vocab&&) = default;
  Vocab& operator=(Vocab&&) = default;

  std::optional<int32_t> find(std::string_view token) const {
    auto it = index_.find(token);
    if (it == index_.end()) return std::nullopt;
    return it->second;
  }
  const std::string& token(int32_t id) const { return tokens_.at(static_cast<size_t>(id)); }
  size_t size() const { return tokens_.size(); }

 private:
  std::vector<std::string> tokens_;
  std::unordered_map<std::string_view, int32_t> index_;
};

}  // namespace crossrank
