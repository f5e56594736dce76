#include "crossrank/runner.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "crossrank/output.hpp"
#include "crossrank/requests.hpp"
#include "line_pipeline.hpp"

namespace crossrank {

using namespace line_pipeline;

namespace {

// score and tokenize read the same pair records.
auto pair_parser(const Reranker& reranker, const RunOptions& options) {
  check_instruction_option(reranker, options);
  return [&reranker, &options](Input& input, std::vector<EncodedPair>& pairs) {
    PairRequest p = request_from(input, [&](Json& record) { return pair_request_from(record, options.limits); });
    pairs.push_back(reranker.encode(p.first, p.second, instruction_for(p.instruction, options)));
    return p;
  };
}

}  // namespace

RunSummary run_score(Reranker& reranker, LineSource& in, ScoreSink& sink, const RunOptions& options) {
  const size_t labels = reranker.num_labels();
  auto emit = [&](PairRequest& p, const EncodedPair*, const float* scores, size_t) {
    require_finite(scores, labels, [] { return std::string("pair"); });
    return sink.put(p, scores, labels);
  };
  return run_pipeline<PairRequest>(&reranker, in, [&] { sink.flush(); }, options, pair_parser(reranker, options), emit);
}

std::optional<std::string_view> instruction_for(const std::optional<std::string>& line, const RunOptions& options) {
  if (line) return *line;
  if (options.instruction) return *options.instruction;
  return std::nullopt;
}

RunSummary run_tokenize(const Reranker& reranker, LineSource& in, LineWriter& out,
                        const RunOptions& options) {
  const auto inputs = reranker.model().input_names();
  const bool with_types = std::find(inputs.begin(), inputs.end(), "token_type_ids") != inputs.end();
  auto parse = pair_parser(reranker, options);
  auto emit = [&](PairRequest&, const EncodedPair* pairs, const float*, size_t) {
    out.write_line(format_tokens(pairs[0], reranker.encoder().tokenizer(), with_types));
    return size_t{1};
  };
  return run_pipeline<PairRequest>(nullptr, in, [&] { out.flush(); }, options, parse, emit);
}

}  // namespace crossrank
