#include "common.hpp"
#include "crossrank/error.hpp"
#include "crossrank/output.hpp"

namespace crossrank::cli {

namespace {

// rerank's options that are parsed into RunOptions once the command line is complete.
struct RerankCli {
  CommonOptions common;
  QueryInputCli input;
  RerankOutputOptions output;
  int label = -1;
  std::string format = "jsonl";
  std::string shard;
  double min_score = 0;
  std::string doc_fields;
};

}  // namespace

void add_rerank_command(CLI::App& app) {
  auto o = std::make_shared<RerankCli>();
  CLI::App* cmd = app.add_subcommand(
      "rerank", "Rerank each query's documents: {\"query\", \"docs\": [...]} per line");
  add_model_options(*cmd, o->common);
  add_instruction_option(*cmd, o->common);
  add_io_options(*cmd, o->common);
  cmd->add_option("-k,--top-k", o->output.top_k, "Results per query (0: all)")->capture_default_str()->check(kWholeNumber);
  cmd->add_flag("--return-text", o->output.return_text, "Add each document's text to its result");
  cmd->add_option("--doc-fields", o->doc_fields,
                  "Copy these fields of each input document into its result (comma-separated, or all); "
                  "id and label are always carried")
      ->type_name("LIST");
  cmd->add_option("--label", o->label, "Multi-label models: the label index to rank by")
      ->check(kWholeNumber);
  cmd->add_option("--format", o->format, "jsonl | trec (qid Q0 docid rank score tag) | tsv (qid docid rank score)")
      ->capture_default_str();
  cmd->add_option("--run-tag", o->output.run_tag, "The tag column of --format trec (one word)")->capture_default_str();
  cmd->add_option("--shard", o->shard,
                  "I/N: only the queries whose qid hashes to shard I of N (docs/scaling.md)");
  // Identical pairs are always scored once (Reranker::score), each id keeping its result;
  // the flag is accepted so that scripts asking for it work.
  cmd->add_flag("--dedup", "Score identical documents of a query once, listing each id (always on)");
  CLI::Option* min_score =
      cmd->add_option("--min-score", o->min_score, "Leave out results scoring below this (after -k)");
  add_query_input_options(*cmd, o->common, o->input);
  cmd->add_flag("--resume", o->common.append,
                "With -o FILE: keep the queries a killed run completed in FILE, redo the rest");
  cmd->callback([o, min_score] {
    CommonOptions& c = o->common;
    RerankOutputOptions& output = o->output;
    output.format = parse_output_format(o->format);
    apply_query_input_options(o->input, c.rerank);
    if (min_score->count() > 0) output.min_score = static_cast<float>(o->min_score);
    RerankOptions& rerank = c.rerank;
    if (o->label >= 0) rerank.label = static_cast<size_t>(o->label);
    if (!o->shard.empty()) parse_shard(o->shard, rerank);
    if (!o->doc_fields.empty()) parse_doc_fields(o->doc_fields, rerank.documents);
    check_rerank_options(rerank);
    check_rerank_output(output);
    if (c.append && c.output == "-") throw ConfigError("--resume needs -o FILE (it reads what the file holds)");
    // --resume cuts -o back to its complete queries: only once every option is known good.
    auto run_it = [&](Reranker& reranker, LineSource& in, LineWriter& out, const RunOptions& options) {
      RerankWriter writer(out, output);
      return run_rerank(reranker, in, writer, options, rerank);
    };
    run_writing_command("rerank", c, run_it, [&] {
      if (c.append) rerank.done = prepare_resume(c.output, output.format);
    });
  });
}

}  // namespace crossrank::cli
