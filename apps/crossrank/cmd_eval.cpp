#include <iostream>

#include "common.hpp"
#include "crossrank/error.hpp"
#include "crossrank/evaluate.hpp"

namespace crossrank::cli {

namespace {

struct EvalCli {
  CommonOptions common;
  QueryInputCli input;  // --task rerank
  EvalOptions eval;
  std::string task;
  std::string scores;  // evaluate these instead of running the model
  int label = -1;
};

void eval(EvalCli& o) {
  if (o.label >= 0) o.eval.label = o.common.rerank.label = static_cast<size_t>(o.label);
  const bool rerank = o.task == "rerank";
  if (!rerank && !o.eval.per_query_path.empty()) throw ConfigError("--per-query applies to --task rerank");
  if (!rerank && !o.eval.qrels_path.empty()) throw ConfigError("--qrels applies to --task rerank");
  for (const CLI::Option* option : o.input.options) {
    if (option->count() == 0) continue;
    if (!rerank) throw ConfigError(option->get_name() + " applies to --task rerank");
    if (!o.scores.empty()) {
      throw ConfigError(option->get_name() + " says how -m reads and scores the input; --scores reads scores made earlier");
    }
  }
  apply_query_input_options(o.input, o.common.rerank);
  if (o.scores.empty() == o.common.model_dir.empty()) {
    throw ConfigError("give -m DIR (score -i with the model) or --scores FILE (scores made earlier), not both");
  }
  std::vector<NamedFile> inputs = {{"--qrels", o.eval.qrels_path}};
  if (!o.scores.empty()) inputs.push_back({"--scores", o.scores});
  std::vector<NamedFile> outputs = {{"(the metrics)", "-"}};
  if (!o.eval.per_query_path.empty()) outputs.push_back({"--per-query", o.eval.per_query_path});
  Json result;
  if (!o.scores.empty()) {
    check_distinct_files(inputs, outputs);
    LineReader in(o.scores);
    result = rerank ? evaluate_rerank_output(in, o.eval) : evaluate_score_output(in, o.eval);
  } else if (rerank) {
    check_rerank_options(o.common.rerank);  // before --per-query is opened and the model loads
    check_files(o.common, inputs, outputs);
    // The same path as `rerank`, every document's score going to the metrics.
    RankingEvaluator evaluator(o.eval);
    run_model_command("eval (rerank)", o.common, o.eval.per_query_path, [&](Reranker& r, LineSource& in, const RunOptions& run) {
      return run_rerank(r, in, evaluator, run, o.common.rerank);
    });
    result = evaluator.result();
  } else {
    check_files(o.common, inputs, outputs);
    CorrelationEvaluator evaluator(o.eval);
    run_model_command("eval (score)", o.common, "", [&](Reranker& r, LineSource& in, const RunOptions& run) {
      return run_score(r, in, evaluator, run);
    });
    result = evaluator.result();
  }
  std::cout << result.dump() << std::endl;
}

}  // namespace

void add_eval_command(CLI::App& app) {
  auto o = std::make_shared<EvalCli>();
  CLI::App* cmd = app.add_subcommand(
      "eval", "Metrics of a model (or of scores made earlier) on labelled data: MRR, NDCG, MAP, "
              "recall, P@k for reranking; Pearson and Spearman for STS");
  add_model_options(*cmd, o->common);
  add_instruction_option(*cmd, o->common);
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
      ->check(kAtLeastOne);
  cmd->add_option("--qrels", o->eval.qrels_path,
                  "TREC qrels file (qid 0 docid relevance): labels by query and doc id; negative = not relevant");
  cmd->add_option("--per-query", o->eval.per_query_path, "Write one JSON line of metrics per query here");
  cmd->add_option("--label", o->label, "Multi-label models: the label index to rank or correlate by")
      ->check(kWholeNumber);
  add_query_input_options(*cmd, o->common, o->input);
  add_batching_options(*cmd, o->common);
  add_limit_options(*cmd, o->common);
  cmd->add_option("--tokenizer-threads", o->common.run.tokenizer_threads,
                  "Threads that parse and tokenize input lines")
      ->capture_default_str()
      ->check(kAtLeastOne);
  cmd->callback([o] { eval(*o); });
}

}  // namespace crossrank::cli
