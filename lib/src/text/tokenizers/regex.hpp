#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// The Oniguruma patterns of tokenizer.json (Split pre-tokenizers: Qwen2/Qwen3, Llama 3),
// run by PCRE2 on the pipeline's UTF-32 text in UTF + UCP mode, where \s, \p{L}, \p{N} and
// (?i) case folding mean what they mean to Oniguruma (\s: Unicode's White_Space, U+0085
// included). The goldens of regex_cases.jsonl hold HF tokenizers to that on the hard cases.
namespace crossrank {

class Regex {
 public:
  // Throws ModelError naming the pattern when PCRE2 cannot compile it.
  explicit Regex(const std::string& pattern);
  ~Regex();
  Regex(const Regex&) = delete;
  Regex& operator=(const Regex&) = delete;

  // Every non-empty, non-overlapping match, left to right, as [begin, end) in chars. A
  // pattern that backtracks past PCRE2's match limit on this text is an InputError: a
  // pathological pattern or input fails one line instead of hanging. Thread-safe.
  std::vector<std::pair<size_t, size_t>> find_all(std::u32string_view text) const;

  const std::string& pattern() const { return pattern_; }

 private:
  struct Compiled;
  std::string pattern_;
  std::unique_ptr<Compiled> compiled_;
};

// A pattern matching text literally (Split's {"String": ...} patterns).
std::string literal_pattern(const std::string& text);

}  // namespace crossrank
