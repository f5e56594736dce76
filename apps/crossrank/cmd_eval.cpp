#include <unistd.h>

#include <filesystem>
#include <iostream>

#include "common.hpp"
#include "crossrank/error.hpp"
#include "crossrank/evaluate.hpp"

namespace crossrank::cli {

namespace {

struct EvalCli {
  CommonOptions common;
  EvalOptions eval;
  std::string task;
  std::string scores;  // evaluate these instead of running the model
  int label = -1;
};

// The model's output for -i, written where `--scores` would read it, and removed after.
class ScratchFile {
 public:
  ScratchFile()
      : path_(std::filesystem::temp_directory_path() /
              ("crossrank-eval-" + std::to_string(getpid()) + ".jsonl")) {}
  ~ScratchFile() {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

void eval(EvalCli& o) {
  if (o.label >= 0) o.eval.label = static_cast<size_t>(o.label);
  const bool rerank = o.task == "rerank";
  if (!rerank && !o.eval.per_query_path.empty()) throw ConfigError("--per-query applies to --task rerank");
  if (!rerank && !o.eval.qrels_path.empty()) throw ConfigError("--qrels applies to --task rerank");
  if (o.scores.empty() == o.common.model_dir.empty()) {
    throw ConfigError("give -m DIR (score -i with the model) or --scores FILE (scores made earlier), not both");
  }
  std::optional<ScratchFile> scratch;
  std::string scores = o.scores;
  if (scores.empty()) {
    // The same path as `rerank`/`score`, every result kept: what --scores would read.
    scratch.emplace();
    o.common.output = scratch->path();
    o.common.run.top_k = 0;
    o.common.run.label = o.eval.label;
    run_model_command(rerank ? "eval (rerank)" : "eval (score)", o.common, rerank ? run_rerank : run_score);
    scores = scratch->path();
  }
  LineReader in(scores);
  const Json result = rerank ? evaluate_rerank_output(in, o.eval) : evaluate_score_output(in, o.eval);
  std::cout << result.dump() << std::endl;
}

}  // namespace

void add_eval_command(CLI::App& app) {
  auto o = std::make_shared<EvalCli>();
  CLI::App* cmd = app.add_subcommand(
      "eval", "Metrics of a model (or of scores made earlier) on labelled data: MRR, NDCG, MAP, "
              "recall, P@k for reranking; Pearson and Spearman for STS");
  add_model_options(*cmd, o->common);
  cmd->get_option("--model")->required(false);
  cmd->add_option("--task", o->task, "rerank (queries with labelled docs) | sts (pairs with gold scores)")
      ->required()
      ->check(CLI::IsMember({"rerank", "sts"}));
  cmd->add_option("-i,--input", o->common.input, "Labelled input JSONL (with -m), - for stdin")
      ->capture_default_str();
  cmd->add_option("--scores", o->scores,
                  "Evaluate this `crossrank rerank` (made without -k) or `crossrank score` output instead of running a model");
  cmd->add_option("-k", o->eval.k, "Cut-off of MRR, NDCG, recall and precision")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--qrels", o->eval.qrels_path, "TREC qrels file (qid 0 docid relevance): labels by query and doc id");
  cmd->add_option("--per-query", o->eval.per_query_path, "Write one JSON line of metrics per query here");
  cmd->add_option("--label", o->label, "Multi-label models: the label index to rank or correlate by")
      ->check(CLI::NonNegativeNumber);
  add_batching_options(*cmd, o->common);
  add_limit_options(*cmd, o->common);
  cmd->add_option("--tokenizer-threads", o->common.run.tokenizer_threads,
                  "Threads that parse and tokenize input lines")
      ->capture_default_str();
  cmd->callback([o] { eval(*o); });
}

}  // namespace crossrank::cli
