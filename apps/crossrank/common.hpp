#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "crossrank/reranker.hpp"
#include "crossrank/runner.hpp"

namespace crossrank::cli {

// Options every model-running subcommand shares (docs/cli.md).
struct CommonOptions {
  std::string model_dir;
  std::string input = "-";
  std::string output = "-";
  std::string activation = "auto";  // parsed into scoring.activation when loading
  ScoringOptions scoring;
  RunOptions run;
  uint64_t max_line_bytes = kDefaultMaxLineBytes;  // longer input lines are bad lines
  bool append = false;  // rerank --resume: add to -o instead of replacing it
  bool flat = false;       // rerank --flat: one (query, candidate) row per line
  bool group_all = false;  // rerank --group-all: group a qid's rows wherever they are
};

void add_model_options(CLI::App& cmd, CommonOptions& o);
void add_io_options(CLI::App& cmd, CommonOptions& o);
void add_batching_options(CLI::App& cmd, CommonOptions& o);  // --batch-tokens, ..., --window
void add_limit_options(CLI::App& cmd, CommonOptions& o);     // --max-line-bytes, --max-docs, ...
Reranker load_reranker(const CommonOptions& o);
// "--shard I/N" into run.shard_index and run.shard_count; ConfigError when malformed.
void parse_shard(const std::string& text, RunOptions& run);

using RunFn = RunSummary (*)(Reranker&, LineSource&, LineWriter&, const RunOptions&);
// Loads the model, runs one subcommand over the input, and logs a summary on stderr.
void run_model_command(const char* command, const CommonOptions& o, RunFn run);

void add_bench_command(CLI::App& app);
void add_eval_command(CLI::App& app);
void add_info_command(CLI::App& app);
void add_rerank_command(CLI::App& app);
void add_score_command(CLI::App& app);
void add_tokenize_command(CLI::App& app);

}  // namespace crossrank::cli
