#include "crossrank/sinks.hpp"

#include <algorithm>

#include "crossrank/logging.hpp"
#include "crossrank/output.hpp"
#include "crossrank/run_summary.hpp"

namespace crossrank {

namespace {

// Warns once (warned) when an output field replaces one the user gave.
void warn_replaced(const Json& record, const char* key, bool& warned) {
  if (warned || !record.is_object() || !record.contains(key)) return;
  log::warn(std::string("input field \"") + key + "\" is replaced by crossrank's output field");
  warned = true;
}

}  // namespace

void check_rerank_output(const RerankOutputOptions& options) {
  if (options.format == OutputFormat::trec) check_run_tag(options.run_tag);
}

RerankWriter::RerankWriter(LineWriter& out, const RerankOutputOptions& options) : out_(out), options_(options) {
  check_rerank_output(options_);
}

// --doc-fields all (the only way such fields get here): a document's own "score" or "index"
// (a first stage's, say) is not copied.
void RerankWriter::warn_reserved_fields(const RerankRequest& r) {
  for (const Document& d : r.docs) {
    if (!d.fields.is_object()) continue;
    for (const char* key : {"score", "index"}) {
      if (!d.fields.contains(key)) continue;
      log::warn(std::string("--doc-fields all: documents' own \"") + key + "\" fields are not copied (the "
                "result's is crossrank's); rename them in the input to keep them");
      warned_reserved_ = true;
      return;
    }
  }
}

size_t RerankWriter::put(RerankRequest& r, const std::vector<float>& scores) {
  if (!warned_reserved_) warn_reserved_fields(r);
  std::vector<RankedDoc> ranked = rank(scores, options_.top_k);
  if (options_.min_score) {
    const auto kept = std::find_if(ranked.begin(), ranked.end(),
                                   [&](const RankedDoc& d) { return d.score < *options_.min_score; });
    below_min_score_ += static_cast<size_t>(ranked.end() - kept);
    ranked.erase(kept, ranked.end());
  }
  std::string formatted;
  switch (options_.format) {
    case OutputFormat::trec: formatted = format_rerank_trec(r, ranked, options_.run_tag); break;
    case OutputFormat::tsv: formatted = format_rerank_tsv(r, ranked); break;
    case OutputFormat::jsonl:
      warn_replaced(r.record, "results", warned_results_);
      warn_replaced(r.record, "num_docs", warned_count_);
      formatted = format_rerank(r, ranked, options_.return_text);
      break;
  }
  if (formatted.empty()) return 0;  // trec/tsv: a query without results has no lines
  out_.write_line(formatted);
  return 1;
}

void RerankWriter::finish(RunSummary& summary) const { summary.below_min_score = below_min_score_; }

size_t ScoreWriter::put(PairRequest& p, const float* scores, size_t labels) {
  warn_replaced(p.record, labels == 1 ? "score" : "scores", warned_);
  out_.write_line(format_score(p, scores, labels));
  return 1;
}

}  // namespace crossrank
