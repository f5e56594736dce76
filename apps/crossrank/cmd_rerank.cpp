#include "common.hpp"
#include "crossrank/error.hpp"

namespace crossrank::cli {

void add_rerank_command(CLI::App& app) {
  auto o = std::make_shared<CommonOptions>();
  auto label = std::make_shared<int>(-1);
  CLI::App* cmd = app.add_subcommand(
      "rerank", "Rerank each query's documents: {\"query\", \"docs\": [...]} per line");
  add_model_options(*cmd, *o);
  add_io_options(*cmd, *o);
  cmd->add_option("-k,--top-k", o->run.top_k, "Results per query (0: all)")->capture_default_str();
  cmd->add_flag("--return-text", o->run.return_text, "Add each document's text to its result");
  cmd->add_option("--label", *label, "Multi-label models: the label index to rank by")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--format", o->run.format, "jsonl | trec (qid Q0 docid rank score tag) | tsv (qid docid rank score)")
      ->capture_default_str()
      ->check(CLI::IsMember({"jsonl", "trec", "tsv"}));
  cmd->add_option("--run-tag", o->run.run_tag, "The tag column of --format trec")->capture_default_str();
  auto shard = std::make_shared<std::string>();
  cmd->add_option("--shard", *shard,
                  "I/N: only the queries whose qid hashes to shard I of N (docs/scaling.md)");
  cmd->add_option("--long-docs", o->run.long_docs,
                  "truncate | chunk: split a document that does not fit into overlapping windows")
      ->capture_default_str()
      ->check(CLI::IsMember({"truncate", "chunk"}));
  cmd->add_option("--chunk-stride", o->run.chunk_stride, "Tokens consecutive windows share (--long-docs chunk)")
      ->capture_default_str();
  cmd->add_option("--aggregate", o->run.aggregate, "max | first | mean: a chunked document's score from its windows")
      ->capture_default_str()
      ->check(CLI::IsMember({"max", "first", "mean"}));
  // Identical pairs are always scored once (Reranker::score), each id keeping its result;
  // the flag is accepted so that scripts asking for it work.
  cmd->add_flag("--dedup", "Score identical documents of a query once, listing each id (always on)");
  auto min_score = std::make_shared<double>(0);
  CLI::Option* min_score_opt =
      cmd->add_option("--min-score", *min_score, "Leave out results scoring below this (after -k)");
  CLI::Option* flat = cmd->add_flag("--flat", o->flat,
                                    "Input rows are (query, candidate) pairs: {\"qid\",\"query\",\"docid\",\"text\"}; "
                                    "consecutive rows of a qid form one query");
  cmd->add_flag("--group-all", o->group_all,
                "With --flat: group a qid's rows wherever they are (reads the whole input into memory)")
      ->needs(flat);
  cmd->add_flag("--resume", o->append,
                "With -o FILE: keep the queries a killed run completed in FILE, redo the rest");
  cmd->callback([o, label, shard, min_score, min_score_opt] {
    if (min_score_opt->count() > 0) o->run.min_score = static_cast<float>(*min_score);
    if (*label >= 0) o->run.label = static_cast<size_t>(*label);
    if (!shard->empty()) parse_shard(*shard, o->run);
    if (o->append) {
      if (o->output == "-") throw ConfigError("--resume needs -o FILE (it reads what the file holds)");
      o->run.done = prepare_resume(o->output, o->run.format);
    }
    run_model_command("rerank", *o, run_rerank);
  });
}

}  // namespace crossrank::cli
