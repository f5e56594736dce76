// PairEncoder: two texts through a fixture tokenizer, truncation to max_length, the pair
// template, and long documents as windows (rerank --long-docs chunk).
//
// Bytes 0-3: the tokenizer, max_length, the window overlap, and lengths for a direct
// check of longest_first_lengths. The rest: the query, a 0xFF byte (never part of UTF-8),
// the document; bad UTF-8 in them becomes U+FFFD, as only valid text reaches the encoder.
#include <algorithm>
#include <string>
#include <vector>

#include "crossrank/output.hpp"
#include "crossrank/pair_encoder.hpp"
#include "crossrank/requests.hpp"
#include "fuzz_tokenizer_set.hpp"

using namespace crossrank;

namespace {

using Ids = std::vector<int32_t>;

void check_lengths(size_t n1, size_t n2, size_t budget) {
  const auto [k1, k2] = longest_first_lengths(n1, n2, budget);
  const std::string what = std::to_string(n1) + "," + std::to_string(n2) + " in " + std::to_string(budget);
  FUZZ_CHECK(k1 <= n1 && k2 <= n2, what);
  if (n1 + n2 <= budget) {
    FUZZ_CHECK(k1 == n1 && k2 == n2, what);
  } else {
    FUZZ_CHECK(k1 + k2 == budget, what);  // truncation fills the budget exactly
  }
}

// The pair as the template lays it out, built here independently of PairEncoder.
EncodedPair expected_pair(const PairTemplate& tmpl, const Ids& first, const Ids& second) {
  EncodedPair out;
  for (const auto& piece : tmpl.pieces) {
    const Ids& ids = piece.kind == TemplatePiece::Kind::first    ? first
                     : piece.kind == TemplatePiece::Kind::second ? second
                                                                 : piece.ids;
    out.input_ids.insert(out.input_ids.end(), ids.begin(), ids.end());
    out.token_type_ids.insert(out.token_type_ids.end(), ids.size(), piece.type_id);
  }
  return out;
}

void check_pair(const EncodedPair& p, size_t max_length, const std::string& name) {
  FUZZ_CHECK(p.input_ids.size() == p.token_type_ids.size(), name);
  FUZZ_CHECK(p.input_ids.size() <= max_length,
             name + ": " + std::to_string(p.input_ids.size()) + " > " + std::to_string(max_length));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto& tokenizers = fuzz::all_tokenizers();
  fuzz::Input in(data, size);
  const auto& t = tokenizers[in.byte() % tokenizers.size()];
  const uint8_t length_byte = in.byte();
  const size_t max_length = length_byte >= 250 ? 512 : length_byte % 48;
  const size_t overlap = in.byte() % 40;
  const uint8_t l = in.byte();
  check_lengths(l & 15, (l >> 4) * 3, max_length % 24);
  const std::string_view rest = in.rest();
  const size_t sep = rest.find('\xFF');
  const std::string first = fuzz::repair_utf8(rest.substr(0, sep));
  const std::string second = fuzz::repair_utf8(sep == std::string_view::npos ? "" : rest.substr(sep + 1));

  std::shared_ptr<PairEncoder> encoder;
  const size_t specials = t.tokenizer->pair_template().special_count();
  if (!fuzz::expected_errors([&] { encoder = std::make_shared<PairEncoder>(t.tokenizer, max_length); })) {
    FUZZ_CHECK(max_length < specials, t.name + ": a max_length that fits the template rejected");
    return 0;
  }
  FUZZ_CHECK(max_length >= specials, t.name + ": a max_length below the template accepted");
  const Ids a = t.tokenizer->encode(first), b = t.tokenizer->encode(second);
  const size_t budget = max_length - specials;

  const EncodedPair pair = encoder->encode(first, second);
  check_pair(pair, max_length, t.name);
  FUZZ_CHECK(pair.truncated == (a.size() + b.size() > budget), t.name);
  const auto [k1, k2] = longest_first_lengths(a.size(), b.size(), budget);
  const EncodedPair expected =
      expected_pair(t.tokenizer->pair_template(), Ids(a.begin(), a.begin() + k1), Ids(b.begin(), b.begin() + k2));
  FUZZ_CHECK(pair.input_ids == expected.input_ids && pair.token_type_ids == expected.token_type_ids,
             t.name + ": encode() differs from the template applied to the truncated encodings");
  fuzz::check_ids(t, pair.input_ids);
  (void)format_tokens(pair, *t.tokenizer, true);  // every token is text JSON can carry

  const std::vector<EncodedPair> windows = encoder->assemble_windows(a, b, overlap);
  FUZZ_CHECK(!windows.empty(), t.name);
  if (a.size() + b.size() <= budget || budget < 2) {
    FUZZ_CHECK(windows.size() == 1 && windows[0].input_ids == pair.input_ids, t.name + ": a pair that fits");
    return 0;
  }
  // The query kept in every window, then windows over the whole document.
  const size_t query = std::min(a.size(), budget / 2);
  const size_t room = budget - query;
  const Ids query_ids(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(query));
  FUZZ_CHECK(windows.size() <= b.size() + 1, t.name + ": more windows than document tokens");
  // Consecutive windows share overlap tokens (half a window when overlap >= room).
  const size_t step = room > overlap ? room - overlap : std::max<size_t>(1, room / 2);
  for (size_t w = 0; w < windows.size(); ++w) {
    const EncodedPair& win = windows[w];
    const std::string where = t.name + " window " + std::to_string(w);
    check_pair(win, max_length, where);
    FUZZ_CHECK(win.truncated == (query < a.size()), where);
    const size_t start = w * step, end = std::min(start + room, b.size());
    FUZZ_CHECK(start < b.size() || (w == 0 && b.empty()), where + ": starts past the document");
    FUZZ_CHECK((end == b.size()) == (w + 1 == windows.size()), where + ": the last window ends the document");
    const EncodedPair e = expected_pair(t.tokenizer->pair_template(), query_ids,
                                        Ids(b.begin() + static_cast<std::ptrdiff_t>(start),
                                            b.begin() + static_cast<std::ptrdiff_t>(end)));
    FUZZ_CHECK(e.input_ids == win.input_ids && e.token_type_ids == win.token_type_ids,
               where + ": not the template around the query and a document slice");
  }
  return 0;
}
