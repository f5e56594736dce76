#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

#include "crossrank/reranker.hpp"
#include "crossrank/runner.hpp"

namespace crossrank::cli {

// Options every model-running subcommand shares (docs/cli.md).
struct CommonOptions {
  std::string model_dir;
  std::string input = "-";
  std::string output = "-";
  std::string activation = "auto";  // parsed into scoring.activation when loading
  bool dtype_given = false;          // --dtype was on the command line
  ScoringOptions scoring;
  RunOptions run;
  RerankOptions rerank;  // rerank, eval --task rerank
  uint64_t max_line_bytes = kDefaultMaxLineBytes;  // longer input lines are bad lines
  bool append = false;  // rerank --resume: add to -o instead of replacing it
  bool flat = false;       // rerank, eval --flat: one (query, candidate) row per line
  bool group_all = false;  // rerank, eval --group-all: group a qid's rows wherever they are
};

// How queries and their documents are read and scored, beyond the model: rerank's and eval
// --task rerank's options (--flat, --group-all, --with-title, --long-docs, --chunk-stride,
// --aggregate), kept as given until the command line is complete.
struct QueryInputCli {
  std::string long_docs = "truncate";
  std::string aggregate;
  std::vector<CLI::Option*> options;  // each one added, to tell whether any was given
};

// CLI11 validators that say what they want in words.
extern const CLI::Validator kAtLeastOne;   // a whole number >= 1
extern const CLI::Validator kWholeNumber;  // a whole number >= 0 (refuses -1, which a size_t would wrap)

void add_model_options(CLI::App& cmd, CommonOptions& o);
void add_io_options(CLI::App& cmd, CommonOptions& o);
void add_instruction_option(CLI::App& cmd, CommonOptions& o);  // rerank, score, eval, tokenize, bench
void add_tokenizer_threads_option(CLI::App& cmd, CommonOptions& o);  // in add_io_options; bench
void add_batching_options(CLI::App& cmd, CommonOptions& o);  // --batch-tokens, ..., --window
void add_limit_options(CLI::App& cmd, CommonOptions& o);     // --max-line-bytes, --max-docs, ...
void add_query_input_options(CLI::App& cmd, CommonOptions& o, QueryInputCli& q);
// The options kept as text into rerank (--long-docs and --aggregate parsed into their enums).
void apply_query_input_options(const QueryInputCli& q, RerankOptions& rerank);
Reranker load_reranker(const CommonOptions& o);
// "--shard I/N" into rerank.shard_index and rerank.shard_count; ConfigError when malformed.
void parse_shard(const std::string& text, RerankOptions& rerank);

// Refuses (ConfigError) an output that is the same file as an input, or as another output,
// before anything is opened for writing: -i against the outputs given (and --rejects), and
// any more inputs a subcommand names.
void check_files(const CommonOptions& o, std::vector<NamedFile> inputs, std::vector<NamedFile> outputs);

using RunFn = std::function<RunSummary(Reranker&, LineSource&, const RunOptions&)>;
// Loads the model, runs one subcommand over the input (--flat rows grouped into queries), and
// logs a summary on stderr. live_output: where lines go while it runs ("" for none), which
// keeps the progress line off a terminal they are written to.
void run_model_command(const char* command, const CommonOptions& o, const std::string& live_output,
                       const RunFn& run);
// The same for the subcommands that write lines to -o: the files are checked, then prepare
// runs (rerank --resume), then the model.
using WriteFn = std::function<RunSummary(Reranker&, LineSource&, LineWriter&, const RunOptions&)>;
void run_writing_command(const char* command, const CommonOptions& o, const WriteFn& run,
                         const std::function<void()>& prepare = {});

// After CLI11's "arguments were not expected": a hint on stderr when one of them is a file
// (meant for -i) or a bundle directory (meant for -m).
void hint_for_extras(const CLI::App& app);

void add_bench_command(CLI::App& app);
void add_eval_command(CLI::App& app);
void add_info_command(CLI::App& app);
void add_rerank_command(CLI::App& app);
void add_score_command(CLI::App& app);
void add_tokenize_command(CLI::App& app);

}  // namespace crossrank::cli
