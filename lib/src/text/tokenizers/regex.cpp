#include "regex.hpp"

#define PCRE2_CODE_UNIT_WIDTH 32
#include <pcre2.h>

#include <cctype>

#include "text/unicode.hpp"
#include "crossrank/error.hpp"

namespace crossrank {

namespace {

// Bounds what one match may cost: backtracking steps and nested depth (in KiB of heap).
constexpr uint32_t kMatchLimit = 10'000'000;
constexpr uint32_t kDepthLimitKib = 64 * 1024;

std::string pcre2_message(int code) {
  PCRE2_UCHAR buffer[256];
  const int n = pcre2_get_error_message(code, buffer, 256);
  std::string out;
  for (int i = 0; i < n; ++i) unicode::append_utf8(static_cast<char32_t>(buffer[i]), out);
  return out;
}

}  // namespace

std::string literal_pattern(const std::string& text) {
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x80 && !std::isalnum(u)) out += '\\';
    out += c;
  }
  return out;
}

struct Regex::Compiled {
  pcre2_code* code = nullptr;
  pcre2_match_context* context = nullptr;
  ~Compiled() {
    pcre2_match_context_free(context);
    pcre2_code_free(code);
  }
};

Regex::Regex(const std::string& pattern) : pattern_(pattern), compiled_(std::make_unique<Compiled>()) {
  const std::u32string text = unicode::decode_utf8(pattern);
  int error = 0;
  PCRE2_SIZE offset = 0;
  compiled_->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(),
                                  PCRE2_UTF | PCRE2_UCP | PCRE2_NO_UTF_CHECK, &error, &offset, nullptr);
  if (!compiled_->code) {
    throw ModelError("regex \"" + pattern + "\": " + pcre2_message(error) + " (at char " +
                     std::to_string(offset) + ")");
  }
  pcre2_jit_compile(compiled_->code, PCRE2_JIT_COMPLETE);  // best effort: the interpreter is the fallback
  compiled_->context = pcre2_match_context_create(nullptr);
  pcre2_set_match_limit(compiled_->context, kMatchLimit);
  pcre2_set_depth_limit(compiled_->context, kDepthLimitKib);
}

Regex::~Regex() = default;

std::vector<std::pair<size_t, size_t>> Regex::find_all(std::u32string_view text) const {
  std::vector<std::pair<size_t, size_t>> matches;
  const std::unique_ptr<pcre2_match_data, void (*)(pcre2_match_data*)> owned(
      pcre2_match_data_create_from_pattern(compiled_->code, nullptr), pcre2_match_data_free);
  pcre2_match_data* data = owned.get();
  const auto subject = reinterpret_cast<PCRE2_SPTR>(text.data());
  size_t at = 0;
  while (at <= text.size()) {
    const int rc = pcre2_match(compiled_->code, subject, text.size(), at, PCRE2_NO_UTF_CHECK, data,
                               compiled_->context);
    if (rc == PCRE2_ERROR_NOMATCH) break;
    if (rc < 0) {
      throw InputError("the tokenizer's regex \"" + pattern_ + "\" failed on this text: " + pcre2_message(rc));
    }
    const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(data);
    const size_t begin = ovector[0], end = ovector[1];
    if (end > begin) matches.emplace_back(begin, end);
    at = end > begin ? end : end + 1;  // an empty match: move on one char
  }
  return matches;
}

}  // namespace crossrank
