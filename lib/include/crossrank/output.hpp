#pragma once

#include <string>
#include <vector>

#include "crossrank/requests.hpp"

// What crossrank writes: a reranked list in each --format, a pair's scores, a pair's tokens
// (docs/cli.md). The readers of these lines (rerank --resume, eval --scores) are in
// runner.hpp and evaluate.hpp.
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

// A float as the shortest decimal that reads back as the same float (not a double's
// 17 digits), so output is stable and short.
Json score_json(float value);

}  // namespace crossrank
