#pragma once

#include <functional>
#include <optional>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "crossrank/jsonl.hpp"
#include "crossrank/options.hpp"
#include "crossrank/requests.hpp"
#include "crossrank/reranker.hpp"

// The subcommands' work, line in to line out (docs/cli.md). Lines are read and tokenized
// into a window while the previous window is scored and written on a second thread; all
// pairs of a window are batched together, and results are written in input order.
namespace crossrank {

struct RunSummary;

struct RunOptions {
  size_t window_pairs = 8192;   // pairs (or records) read ahead and batched together
  size_t tokenizer_threads = 1;  // threads that parse and tokenize lines (the reader included)
  InputLimits limits;           // per record: documents, characters per text
  // --instruction: an LLM reranker's instruction where a line has none (unset: the
  // template's default); set for a model without a prompt template: ConfigError.
  std::optional<std::string> instruction;
  bool skip_invalid = false;    // report bad lines and go on, instead of stopping
  std::string rejects_path;     // with skip_invalid: bad lines are copied here verbatim
  std::optional<size_t> max_skipped;  // with skip_invalid: more bad lines than this stop the run
  size_t top_k = 0;             // rerank: results per query; 0: all
  bool return_text = false;     // rerank: add each document's text to its result
  std::optional<size_t> label;  // rerank: the label that ranks a multi-label model
  OutputFormat format = OutputFormat::jsonl;  // rerank --format
  std::string run_tag = "crossrank";  // rerank --format trec: the run's tag column (one word)
  DocumentOptions documents;          // rerank: --doc-fields, --with-title
  size_t shard_index = 0;       // rerank: only the queries whose qid hashes to this shard...
  size_t shard_count = 1;       // ...of this many (shard_of); 1: every query
  std::unordered_set<std::string> done;  // rerank --resume: qids (id_text) already written
  LongDocs long_docs = LongDocs::truncate;  // rerank: documents that do not fit
  // rerank --long-docs chunk only (set without it: ConfigError): tokens consecutive windows
  // share (unset: 32), and a document's score from its windows' (unset: max).
  std::optional<size_t> chunk_stride;
  std::optional<Aggregate> aggregate;
  std::optional<float> min_score;      // rerank: results scoring below it are left out
  // Called on the writing thread after each window is written, with the counts so far.
  std::function<void(const RunSummary&)> progress;
};

struct RunSummary {
  size_t records = 0;  // output records written (a query's results in --format trec/tsv: one)
  size_t pairs = 0;    // pairs scored or tokenized
  size_t skipped = 0;  // bad lines skipped (skip_invalid)
  size_t truncated = 0;  // pairs cut to the max length
  size_t other_shards = 0;  // rerank --shard: queries left to the other shards
  size_t already_done = 0;  // rerank --resume: queries found complete in the output
  size_t rows = 0;          // rerank --flat: the rows the queries were grouped from
  size_t chunked = 0;       // rerank --long-docs chunk: documents split into windows...
  size_t windows = 0;       // ...and the windows they became
  size_t below_min_score = 0;  // rerank --min-score: results left out
  uint64_t input_bytes = 0;    // input consumed up to the last record written (progress)
};

// Where rerank's finished queries go when they are not formatted as lines: `eval -m`'s
// metrics. put() gets every document's score in input order (the label chosen, a chunked
// document's windows aggregated); an InputError it throws gets the query's line added.
class RerankSink {
 public:
  virtual ~RerankSink() = default;
  virtual void put(const RerankRequest& request, const std::vector<float>& scores) = 0;
};

// The same for score's pairs: scores holds the pair's labels' activated scores.
class ScoreSink {
 public:
  virtual ~ScoreSink() = default;
  virtual void put(const PairRequest& request, const float* scores, size_t labels) = 0;
};

// rerank --resume: reads the output a killed run left in path (which must be in format:
// jsonl, trec or tsv) and cuts it back to its complete queries, a partial last line (or, in
// trec/tsv, every line of the last query, which may be incomplete) removed. Returns those
// queries' qids. A missing file is an empty result. Throws InputError naming the output's line
// when a complete line has no qid, IoError when the file cannot be read or cut.
std::unordered_set<std::string> prepare_resume(const std::string& path, OutputFormat format);

// What rerank's options say together (each alone was parsed into its type): --run-tag with
// --format trec, --aggregate/--chunk-stride only with --long-docs chunk, the shard. Throws
// ConfigError. run_rerank checks them too; callers check first when something must wait for
// valid options (--resume cuts its output file).
void check_rerank_options(const RunOptions& options);

// Each throws InputError ("line N: ...") for the first bad line unless skip_invalid, after
// writing every line before it, and Interrupted when a stop was requested (interrupt.hpp),
// after writing every record finished before it.
RunSummary run_rerank(Reranker& reranker, LineSource& in, LineWriter& out, const RunOptions& options);
RunSummary run_score(Reranker& reranker, LineSource& in, LineWriter& out, const RunOptions& options);
// The same, each query's or pair's scores handed to a sink instead of written (records:
// the queries or pairs it got).
RunSummary run_rerank(Reranker& reranker, LineSource& in, RerankSink& sink, const RunOptions& options);
RunSummary run_score(Reranker& reranker, LineSource& in, ScoreSink& sink, const RunOptions& options);
// The instruction a line's query is paired with: its own, else --instruction, else
// (nullopt) the template's default.
std::optional<std::string_view> instruction_for(const std::optional<std::string>& line, const RunOptions& options);

RunSummary run_tokenize(const Reranker& reranker, LineSource& in, LineWriter& out,
                        const RunOptions& options);

}  // namespace crossrank
