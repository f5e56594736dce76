// The fixture tokenizers (fuzz_tokenizer_set.hpp) on the input bytes as text. The first
// byte picks one (its index modulo their count), or every one when it is 0xF0 or above
// (the kept inputs start so); the rest is the text.
//
// Tokenizer::encode promises ids for valid UTF-8 and an InputError otherwise: both are
// checked against an independent validator. Invalid input is then also encoded with its
// bad bytes replaced by U+FFFD, so that mutated bytes still reach the tokenizers. Every
// emitted id must name a token, and a second encoding (BPE's cache warm) must be the same.
#include <string>
#include <vector>

#include "fuzz_tokenizer_set.hpp"

using namespace crossrank;

namespace {

void encode_valid(const fuzz::NamedTokenizer& t, const std::string& text) {
  std::vector<int32_t> ids;
  try {
    ids = t.tokenizer->encode(text);
  } catch (const Error& e) {
    fuzz::fail(t.name + ": valid UTF-8 rejected: " + e.what());
  }
  fuzz::check_ids(t, ids);
  // BPE keeps a word cache: a second encoding must not see a different tokenizer.
  if (t.tokenizer->kind() == "bpe") {
    FUZZ_CHECK(t.tokenizer->encode(text) == ids, t.name + ": a second encoding differs");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto& tokenizers = fuzz::all_tokenizers();
  fuzz::Input in(data, size);
  const uint8_t pick = in.byte();
  const std::string text(in.rest());
  const bool valid = fuzz::valid_utf8(text);
  for (size_t i = 0; i < tokenizers.size(); ++i) {
    if (pick < 0xF0 && i != pick % tokenizers.size()) continue;
    const auto& t = tokenizers[i];
    if (valid) {
      encode_valid(t, text);
      continue;
    }
    bool threw = false;
    try {
      t.tokenizer->encode(text);
    } catch (const InputError&) {
      threw = true;
    }
    FUZZ_CHECK(threw, t.name + ": invalid UTF-8 accepted");
    encode_valid(t, fuzz::repair_utf8(text));
  }
  return 0;
}
