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
#include "crossrank/run_summary.hpp"
#include "crossrank/sinks.hpp"

// The subcommands' work, a source's records in, a sink's results out (docs/architecture.md).
// Records are read and tokenized into a read-ahead while the previous one is scored and
// handed to the sink on a second thread; all pairs of a read-ahead are batched together,
// and results reach the sink in input order.
namespace crossrank {

struct RunOptions {
  size_t window_pairs = 8192;   // pairs (or records) read ahead and batched together
  size_t tokenizer_threads = 1;  // threads that parse and tokenize lines (the reader included)
  InputLimits limits;           // per record: documents, characters per text
  // --instruction: an LLM reranker's instruction where a line has none (unset: the
  // template's default); set for a model without a prompt template: ConfigError.
  std::optional<std::string> instruction;
  bool skip_invalid = false;    // report bad lines and go on, instead of stopping
  std::string rejects_path;     // with skip_invalid: bad lines are copied here verbatim (a --flat query: as one line)
  std::optional<size_t> max_skipped;  // with skip_invalid: more bad lines than this stop the run
  // Called on the writing thread after each read-ahead is written, with the counts so far.
  std::function<void(const RunSummary&)> progress;
};

// rerank's policy (rerank, and eval --task rerank -m): which queries are scored, how their
// documents are read and scored, the label that ranks. Its output options are the
// writer's (RerankOutputOptions, sinks.hpp).
struct RerankOptions {
  std::optional<size_t> label;  // the label that ranks a multi-label model
  DocumentOptions documents;    // --doc-fields, --with-title
  size_t shard_index = 0;       // only the queries whose qid hashes to this shard...
  size_t shard_count = 1;       // ...of this many (shard_of); 1: every query
  std::unordered_set<std::string> done;  // --resume: qids (id_text) already written
  LongDocs long_docs = LongDocs::truncate;  // documents that do not fit
  // --long-docs chunk only (set without it: ConfigError): tokens consecutive windows share
  // (unset: 32), and a document's score from its windows' (unset: max).
  std::optional<size_t> chunk_stride;
  std::optional<Aggregate> aggregate;
};

// What rerank's options say together (each alone was parsed into its type): --aggregate and
// --chunk-stride only with --long-docs chunk, the shard. Throws ConfigError. run_rerank
// checks them too; callers check first when something must wait for valid options (--resume
// cuts its output file).
void check_rerank_options(const RerankOptions& options);

// Each throws InputError ("line N: ...") for the first bad line unless skip_invalid, after
// writing every line before it, and Interrupted when a stop was requested (interrupt.hpp),
// after writing every record finished before it.
// Each query's or pair's scores go to the sink (sinks.hpp: the writers of each format, the
// evaluators); records: what the sink says it wrote.
RunSummary run_rerank(Reranker& reranker, LineSource& in, RerankSink& sink, const RunOptions& options,
                      const RerankOptions& rerank);
RunSummary run_score(Reranker& reranker, LineSource& in, ScoreSink& sink, const RunOptions& options);
// The instruction a line's query is paired with: its own, else --instruction, else
// (nullopt) the template's default.
std::optional<std::string_view> instruction_for(const std::optional<std::string>& line, const RunOptions& options);

RunSummary run_tokenize(const Reranker& reranker, LineSource& in, LineWriter& out,
                        const RunOptions& options);

}  // namespace crossrank
