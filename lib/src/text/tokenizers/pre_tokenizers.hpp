#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "pipeline.hpp"

// Pre-tokenizers of HF tokenizers (BertPreTokenizer lives with BertNormalizer).
namespace crossrank {

// What happens to a delimiter when a piece is split (HF's SplitDelimiterBehavior).
enum class SplitBehavior { removed, isolated, merged_with_previous, merged_with_next, contiguous };

// Splits every piece at each char for which is_delimiter holds; empty pieces are dropped.
void split_pieces(std::vector<Piece>& pieces, const std::function<bool(char32_t)>& is_delimiter,
                  SplitBehavior behavior);

struct SequencePreTokenizer final : PreTokenizer {
  std::vector<std::unique_ptr<PreTokenizer>> steps;
  void pre_tokenize(std::vector<Piece>& pieces) const override;
};

// Splits on whitespace, which is dropped.
struct WhitespaceSplitPreTokenizer final : PreTokenizer {
  void pre_tokenize(std::vector<Piece>& pieces) const override;
};

struct PunctuationPreTokenizer final : PreTokenizer {
  SplitBehavior behavior = SplitBehavior::isolated;
  void pre_tokenize(std::vector<Piece>& pieces) const override;
};

// SentencePiece-style: spaces become the replacement char, which starts each word.
struct MetaspacePreTokenizer final : PreTokenizer {
  enum class Prepend { always, first, never };
  char32_t replacement = U'\u2581';
  Prepend prepend = Prepend::always;
  bool split = true;
  void pre_tokenize(std::vector<Piece>& pieces) const override;
};

class Regex;

// HF's Split: each match of the pattern is a delimiter, handled by behavior; with invert,
// the matches are the pieces and the text between them the delimiters.
struct SplitPreTokenizer final : PreTokenizer {
  std::shared_ptr<const Regex> pattern;
  SplitBehavior behavior = SplitBehavior::isolated;
  bool invert = false;
  void pre_tokenize(std::vector<Piece>& pieces) const override;
};

// GPT-2's byte-level pre-tokenizer: its regex split, then every UTF-8 byte becomes
// one printable char (bytes_to_unicode), which is what byte-level BPE vocabularies hold.
struct ByteLevelPreTokenizer final : PreTokenizer {
  bool add_prefix_space = false;
  bool use_regex = true;
  void pre_tokenize(std::vector<Piece>& pieces) const override;
};

// The char GPT-2's table maps byte b to.
char32_t byte_to_char(uint8_t b);

// Calls emit(begin, end) for each match of GPT-2's pattern
// 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
void gpt2_split(std::u32string_view text, const std::function<void(size_t, size_t)>& emit);

}  // namespace crossrank
