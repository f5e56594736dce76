// The input side of rerank/score/eval: raw bytes as a JSONL file through LineReader (with a
// small --max-line-bytes), each line through the request parsers and back out through the
// output formatters, or through FlatGroups (rerank --flat).
//
// First byte: bits 0-1 max_line_bytes, bit 2 flat rows, bit 3 --group-all, bits 4-5 limits,
// bit 6 return_text, bit 7 top-k. The rest is the file.
#include <string>
#include <vector>

#include "crossrank/flat_input.hpp"
#include "crossrank/jsonl.hpp"
#include "crossrank/output.hpp"
#include "crossrank/requests.hpp"
#include "fuzz_support.hpp"

using namespace crossrank;
using crossrank::fuzz::expected_errors;

namespace {

// The output line must read back as the JSON object it was made from.
void check_output(const std::string& out) {
  FUZZ_CHECK(out.find('\n') == std::string::npos, "an output line holds a newline");
  Json back;
  FUZZ_CHECK(expected_errors([&] { back = parse_json_line(out); }), "output is not valid JSON: " + out);
  FUZZ_CHECK(back.is_object(), out);
}

void rerank_line(const std::string& line, const InputLimits& limits, bool return_text, size_t top_k) {
  RerankRequest r;
  if (!expected_errors([&] { r = parse_rerank_request(line, limits); })) return;
  if (limits.max_docs) FUZZ_CHECK(r.docs.size() <= limits.max_docs, line);
  std::vector<float> scores;
  for (size_t i = 0; i < r.docs.size(); ++i) scores.push_back(static_cast<float>(i % 3) - 0.5f);
  const auto ranked = rank(scores, top_k);
  FUZZ_CHECK(top_k == 0 ? ranked.size() == r.docs.size() : ranked.size() <= top_k, line);
  if (const Json* qid = qid_of(r.record)) FUZZ_CHECK(shard_of(*qid, 7) < 7, line);
  expected_errors([&] { format_rerank_trec(r, ranked, "crossrank"); });
  expected_errors([&] { format_rerank_tsv(r, ranked); });
  const std::string out = format_rerank(r, ranked, return_text);
  check_output(out);
  // What `eval` and `rerank --resume` read back.
  RerankRequest again;
  expected_errors([&] { again = parse_rerank_request(out, {}); });
}

void pair_line(const std::string& line, const InputLimits& limits) {
  PairRequest p;
  if (!expected_errors([&] { p = parse_pair_request(line, limits); })) return;
  const float scores[3] = {0.25f, -1.0f, 3.5f};
  check_output(format_score(p, scores, (line.size() % 2) ? 1 : 3));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bool quiet = (fuzz::quiet(), true);
  static const fuzz::ScratchDir dir("fuzz-jsonl");
  (void)quiet;
  fuzz::Input in(data, size);
  const uint8_t mode = in.byte();
  static const uint64_t kMaxLine[] = {8, 64, 1024, 200000};
  const uint64_t max_line = kMaxLine[mode & 3];
  const bool flat = mode & 4, group_all = mode & 8;
  InputLimits limits;
  limits.max_docs = (mode & 16) ? 3 : 0;
  limits.max_text_chars = (mode & 32) ? 5 : 0;
  const bool return_text = mode & 64;
  const size_t top_k = (mode & 128) ? 2 : 0;

  const auto path = dir.path() / "input.jsonl";
  fuzz::write_file(path, in.rest());
  LineReader reader(path.string(), max_line);
  FlatGroups groups(reader, group_all);
  LineSource& source = flat ? static_cast<LineSource&>(groups) : reader;
  std::string line;
  size_t last_number = 0;
  for (size_t guard = 0;; ++guard) {
    FUZZ_CHECK(guard <= size + 2, "a source returns more lines than the input has");
    bool more = false;
    try {
      more = source.next(line);
    } catch (const BadLine& e) {
      FUZZ_CHECK(e.line() >= 1, "a bad line without a line number");
      continue;
    } catch (const Error&) {
      continue;
    }
    if (!more) break;
    if (!flat) {
      FUZZ_CHECK(line.size() <= max_line, "LineReader returned a line over its limit");
      FUZZ_CHECK(line.find('\n') == std::string::npos, "LineReader returned a newline");
      FUZZ_CHECK(reader.line_number() > last_number, "line numbers do not increase");
      last_number = reader.line_number();
    }
    if (is_blank(line)) continue;
    rerank_line(line, limits, return_text, top_k);
    if (!flat) pair_line(line, limits);
  }
  return 0;
}
