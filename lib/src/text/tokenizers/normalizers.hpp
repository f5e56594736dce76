#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "text/unicode.hpp"
#include "pipeline.hpp"

// The simple normalizers of HF tokenizers (BertNormalizer and Precompiled have their own files).
namespace crossrank {

struct SequenceNormalizer final : Normalizer {
  std::vector<std::unique_ptr<Normalizer>> steps;
  void apply(std::u32string& text, bool& origin_zero) const override;
};

struct LowercaseNormalizer final : Normalizer {
  void apply(std::u32string& text, bool& origin_zero) const override;
};

// Removes whitespace (the White_Space property) at either end.
struct StripNormalizer final : Normalizer {
  bool left = true;
  bool right = true;
  void apply(std::u32string& text, bool& origin_zero) const override;
};

// Drops combining marks (M*).
struct StripAccentsNormalizer final : Normalizer {
  void apply(std::u32string& text, bool& origin_zero) const override;
};

struct UnicodeNormalizer final : Normalizer {
  unicode::Form form = unicode::Form::nfc;
  void apply(std::u32string& text, bool& origin_zero) const override;
};

// Prepends a string to non-empty text.
struct PrependNormalizer final : Normalizer {
  std::u32string prefix;
  void apply(std::u32string& text, bool& origin_zero) const override;
};

class Regex;

// HF's Replace: every non-overlapping match of the pattern (a literal String, or a Regex run
// by the same engine as Split) becomes content.
struct ReplaceNormalizer final : Normalizer {
  std::shared_ptr<const Regex> pattern;
  std::u32string content;
  void apply(std::u32string& text, bool& origin_zero) const override;
};

}  // namespace crossrank
