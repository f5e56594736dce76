#pragma once

#include <string>
#include <string_view>

// Unicode helpers shared by the tokenizers; utf8proc supplies the character data.
namespace crossrank::unicode {

// Decodes UTF-8, throwing InputError (with the byte offset) on any ill-formed sequence,
// overlong form, surrogate or value above U+10FFFF.
std::u32string decode_utf8(std::string_view text);
void append_utf8(char32_t c, std::string& out);

// Rust's char::is_whitespace (the White_Space property), which HF tokenizers uses.
bool is_whitespace(char32_t c);
// HF's "is_other": Cc, Cf, Cs, Co. Not Cn: the Rust crate HF uses builds its tables from
// UnicodeData.txt, which lists no unassigned code points, so they are kept (checked
// against the reference: U+0378 and U+FDD0 become [UNK]).
bool is_other(char32_t c);
// Unicode P* categories (Pc Pd Ps Pe Pi Pf Po).
bool is_punctuation(char32_t c);
bool is_nonspacing_mark(char32_t c);
bool is_alphanumeric(char32_t c);

// Canonical decomposition (NFD).
std::u32string nfd(std::u32string_view text);
// Full lowercase mapping as Rust's char::to_lowercase (one char may become two).
void append_lowercase(char32_t c, std::u32string& out);

}  // namespace crossrank::unicode
