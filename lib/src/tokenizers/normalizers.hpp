#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "../unicode.hpp"
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

// What a Replace normalizer looks for: a literal string, or a run of one character whose
// length lies in [min_run, max_run] (the only regex form real tokenizer files use,
// e.g. " {2,}"; anything else is rejected at load).
struct ReplacePattern {
  std::u32string literal;     // non-empty: a literal pattern
  char32_t run_char = 0;      // else: runs of this character
  size_t min_run = 1;
  size_t max_run = SIZE_MAX;

  // The length of the match starting at text[i], 0 when there is none.
  size_t match_at(std::u32string_view text, size_t i) const;

  // Parses an Oniguruma pattern of the supported form; nullopt for any other.
  static std::optional<ReplacePattern> from_regex(const std::u32string& regex);
};

struct ReplaceNormalizer final : Normalizer {
  ReplacePattern pattern;
  std::u32string content;
  void apply(std::u32string& text, bool& origin_zero) const override;
};

}  // namespace crossrank
