#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "crossrank/options.hpp"
#include "crossrank/requests.hpp"

// What crossrank writes: a reranked list in each --format, a pair's scores, a pair's tokens
// (docs/cli.md); and, beside each writer, the reader of its lines (rerank --resume, eval
// --scores), so that the two agree.
namespace crossrank {

// One scored document of a reranked list.
struct RankedDoc {
  size_t index;  // position in the input list
  float score;
};

// Sorts best first; ties keep input order. Keeps at most top_k (0: all).
std::vector<RankedDoc> rank(const std::vector<float>& scores, size_t top_k);

// Output lines (without "\n"). A list holding fewer than the query's documents (cut by -k
// or --min-score) says how many there were in "num_docs", so that `eval` can tell (as does
// a line whose input had a "num_docs": it is replaced by the true count).
std::string format_rerank(RerankRequest& request, const std::vector<RankedDoc>& ranked,
                          bool return_text);
// The same ranking as TREC run lines ("qid Q0 docid rank score tag") or tab-separated
// "qid docid rank score" lines, one per result, joined by "\n". Throws InputError when the
// line has no "qid" or an id would break the format (whitespace in TREC, tabs in TSV).
std::string format_rerank_trec(const RerankRequest& request, const std::vector<RankedDoc>& ranked,
                               const std::string& tag);
std::string format_rerank_tsv(const RerankRequest& request, const std::vector<RankedDoc>& ranked);
std::string format_score(PairRequest& request, const float* scores, size_t labels);
std::string format_tokens(const EncodedPair& pair, const Tokenizer& tokenizer,
                          bool with_token_type_ids);

// Readers of what the writers above wrote. They throw InputError naming the field; callers
// add the file and line.

// One result of a format_rerank line.
struct WrittenResult {
  size_t index;  // the document's position in the query's input list
  double score;
  Json id;       // null when absent
  Json label;    // null when absent
};
struct WrittenRanking {
  Json qid;                         // null when the line has none
  std::optional<size_t> num_docs;   // the query's documents, when the results were cut
  std::vector<WrittenResult> results;  // best first, as written
};
// A format_rerank line. Each result needs "index" and "score"; an index is unique and
// within the query's documents.
WrittenRanking read_rerank_output(const Json& record);

// A format_score line: its "score", or its "scores" (a multi-label model).
struct WrittenScores {
  const Json* score = nullptr;   // into the record; null when it has "scores"
  const Json* scores = nullptr;  // into the record; an array
};
WrittenScores read_score_output(const Json& record);

// The qid of a line of rerank output in format: a JSON line's "qid" (nullopt when it has
// none), a trec or tsv line's first column.
std::optional<std::string> written_qid(std::string_view line, OutputFormat format);

// rerank --resume: reads the output a killed run left in path (which must be in format:
// jsonl, trec or tsv) and cuts it back to its complete queries, a partial last line (or, in
// trec/tsv, every line of the last query, which may be incomplete) removed. Returns those
// queries' qids. A missing file is an empty result. Throws InputError naming the output's line
// when a complete line has no qid, IoError when the file cannot be read or cut.
std::unordered_set<std::string> prepare_resume(const std::string& path, OutputFormat format);

// A float as the shortest decimal that reads back as the same float (not a double's
// 17 digits), so output is stable and short.
Json score_json(float value);

}  // namespace crossrank
