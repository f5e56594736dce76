#pragma once

#include <string>
#include <string_view>

// Unicode helpers shared by the tokenizers; utf8proc supplies the character data.
namespace crossrank::unicode {

// Decodes UTF-8, throwing InputError (with the byte offset) on any ill-formed sequence,
// overlong form, surrogate or value above U+10FFFF.
std::u32string decode_utf8(std::string_view text);
void append_utf8(char32_t c, std::string& out);
// Bytes of the UTF-8 sequence that starts with lead (valid input assumed).
inline size_t utf8_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead >> 5) == 0x6) return 2;
  if ((lead >> 4) == 0xE) return 3;
  return 4;
}

// Rust's char::is_whitespace (the White_Space property), which HF tokenizers uses.
bool is_whitespace(char32_t c);
// HF's "is_other": Cc, Cf, Cs, Co. Not Cn: the Rust crate HF uses builds its tables from
// UnicodeData.txt, which lists no unassigned code points, so they are kept (checked
// against the reference: U+0378 and U+FDD0 become [UNK]).
bool is_other(char32_t c);
// Unicode P* categories (Pc Pd Ps Pe Pi Pf Po).
bool is_punctuation(char32_t c);
bool is_nonspacing_mark(char32_t c);
bool is_mark(char32_t c);    // M* (Mn Mc Me)
bool is_letter(char32_t c);  // L*
bool is_number(char32_t c);  // N*
// \w of Rust's regex crate: Alphabetic (letters, Nl, Other_Alphabetic), marks, Nd, Pc
// and the joiners U+200C/U+200D.
bool is_regex_word(char32_t c);

// Canonical decomposition (NFD).
std::u32string nfd(std::u32string_view text);
enum class Form { nfc, nfd, nfkc, nfkd };
std::u32string normalize(std::u32string_view text, Form form);

// Calls emit(begin, end) for each extended grapheme cluster (UAX #29) of text.
template <typename Emit>
void for_each_grapheme(std::u32string_view text, Emit&& emit);
bool grapheme_break(char32_t before, char32_t after, int32_t& state);

// Full lowercase mapping as Rust's char::to_lowercase (one char may become two).
void append_lowercase(char32_t c, std::u32string& out);

template <typename Emit>
void for_each_grapheme(std::u32string_view text, Emit&& emit) {
  int32_t state = 0;
  size_t begin = 0;
  for (size_t i = 1; i <= text.size(); ++i) {
    if (i == text.size() || grapheme_break(text[i - 1], text[i], state)) {
      emit(begin, i);
      begin = i;
    }
  }
}

}  // namespace crossrank::unicode
