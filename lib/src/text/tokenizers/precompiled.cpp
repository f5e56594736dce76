#include "precompiled.hpp"

#include <cstring>

#include "text/unicode.hpp"
#include "crossrank/error.hpp"

namespace crossrank {

namespace {

// Darts-clone unit layout.
uint32_t unit_offset(uint32_t u) { return (u >> 10) << ((u & (1u << 9)) >> 6); }
uint32_t unit_label(uint32_t u) { return u & ((1u << 31) | 0xFF); }
bool unit_has_leaf(uint32_t u) { return (u >> 8) & 1; }
uint32_t unit_value(uint32_t u) { return u & ((1u << 31) - 1); }

}  // namespace

std::string base64_decode(std::string_view text, const std::string& where) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    if (c == '=') break;
    const int v = value(c);
    if (v < 0) throw ModelError(where + ": invalid base64");
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return out;
}

PrecompiledNormalizer::PrecompiledNormalizer(std::string_view blob, const std::string& where)
    : where_(where) {
  if (blob.size() < 4) throw ModelError(where + ": precompiled_charsmap is too short");
  uint32_t trie_bytes = 0;
  std::memcpy(&trie_bytes, blob.data(), 4);  // little-endian on every supported target
  if (trie_bytes % 4 != 0 || trie_bytes > blob.size() - 4 || trie_bytes == 0) {
    throw ModelError(where + ": precompiled_charsmap has a bad trie size");
  }
  trie_.resize(trie_bytes / 4);
  std::memcpy(trie_.data(), blob.data() + 4, trie_bytes);
  pool_.assign(blob.substr(4 + trie_bytes));
  try {
    unicode::decode_utf8(pool_);
  } catch (const InputError&) {
    throw ModelError(where + ": precompiled_charsmap replacements are not UTF-8");
  }
}

const char* PrecompiledNormalizer::transform(std::string_view key) const {
  size_t node = 0;
  uint32_t unit = trie_[0];
  node ^= unit_offset(unit);
  for (unsigned char c : key) {
    if (c == 0) return nullptr;
    node ^= c;
    if (node >= trie_.size()) return nullptr;
    unit = trie_[node];
    if (unit_label(unit) != c) return nullptr;
    node ^= unit_offset(unit);
    if (unit_has_leaf(unit)) {
      if (node >= trie_.size()) return nullptr;
      const uint32_t at = unit_value(trie_[node]);
      return at < pool_.size() ? pool_.c_str() + at : nullptr;
    }
  }
  return nullptr;
}

// HF's alignments keep the origin even when the first grapheme is replaced by nothing.
void PrecompiledNormalizer::apply(std::u32string& text, bool& /*origin_zero: kept*/) const {
  std::u32string out;
  out.reserve(text.size());
  std::string key;
  // Appends the replacement of chars when a rule matches; whole graphemes only under 6 bytes.
  auto replace = [&](std::u32string_view chars) {
    key.clear();
    for (char32_t c : chars) unicode::append_utf8(c, key);
    if (key.size() >= 6) return false;
    const char* norm = transform(key);
    if (!norm) return false;
    try {
      out += unicode::decode_utf8(norm);
    } catch (const InputError&) {
      throw ModelError(where_ + ": a precompiled_charsmap rule points into the middle of a character");
    }
    return true;
  };
  unicode::for_each_grapheme(text, [&](size_t begin, size_t end) {
    const std::u32string_view grapheme(text.data() + begin, end - begin);
    if (grapheme.size() > 1 && replace(grapheme)) return;
    for (size_t i = 0; i < grapheme.size(); ++i) {
      if (!replace(grapheme.substr(i, 1))) out.push_back(grapheme[i]);
    }
  });
  text.swap(out);
}

}  // namespace crossrank
