#include "common.hpp"
#include "crossrank/error.hpp"

namespace crossrank::cli {

namespace {

// rerank's options that are parsed into RunOptions once the command line is complete.
struct RerankCli {
  CommonOptions common;
  int label = -1;
  std::string format = "jsonl";
  std::string shard;
  std::string long_docs = "truncate";
  std::string aggregate;
  double min_score = 0;
  std::string doc_fields;
};

}  // namespace

void add_rerank_command(CLI::App& app) {
  auto o = std::make_shared<RerankCli>();
  RunOptions& run = o->common.run;
  CLI::App* cmd = app.add_subcommand(
      "rerank", "Rerank each query's documents: {\"query\", \"docs\": [...]} per line");
  add_model_options(*cmd, o->common);
  add_instruction_option(*cmd, o->common);
  add_io_options(*cmd, o->common);
  cmd->add_option("-k,--top-k", run.top_k, "Results per query (0: all)")->capture_default_str()->check(kWholeNumber);
  cmd->add_flag("--return-text", run.return_text, "Add each document's text to its result");
  cmd->add_option("--doc-fields", o->doc_fields,
                  "Copy these fields of each input document into its result (comma-separated, or all); "
                  "id and label are always carried")
      ->type_name("LIST");
  cmd->add_flag("--with-title", run.documents.with_title,
                "Score a document's \"title\" and text together, (title + \" \" + text).strip(), as BEIR's "
                "cross-encoder reranking does");
  cmd->add_option("--label", o->label, "Multi-label models: the label index to rank by")
      ->check(kWholeNumber);
  cmd->add_option("--format", o->format, "jsonl | trec (qid Q0 docid rank score tag) | tsv (qid docid rank score)")
      ->capture_default_str();
  cmd->add_option("--run-tag", run.run_tag, "The tag column of --format trec (one word)")->capture_default_str();
  cmd->add_option("--shard", o->shard,
                  "I/N: only the queries whose qid hashes to shard I of N (docs/scaling.md)");
  cmd->add_option("--long-docs", o->long_docs,
                  "truncate | chunk: split a document that does not fit into overlapping windows")
      ->capture_default_str();
  cmd->add_option("--chunk-stride", run.chunk_stride,
                  "With --long-docs chunk: tokens consecutive windows share [default: 32]")
      ->check(kWholeNumber)->type_name("N");
  cmd->add_option("--aggregate", o->aggregate,
                  "With --long-docs chunk: max | first | mean, a chunked document's score from its windows "
                  "[default: max]");
  // Identical pairs are always scored once (Reranker::score), each id keeping its result;
  // the flag is accepted so that scripts asking for it work.
  cmd->add_flag("--dedup", "Score identical documents of a query once, listing each id (always on)");
  CLI::Option* min_score =
      cmd->add_option("--min-score", o->min_score, "Leave out results scoring below this (after -k)");
  CLI::Option* flat = cmd->add_flag("--flat", o->common.flat,
                                    "Input rows are (query, candidate) pairs: {\"qid\",\"query\",\"docid\",\"text\"}; "
                                    "consecutive rows of a qid form one query");
  cmd->add_flag("--group-all", o->common.group_all,
                "With --flat: group a qid's rows wherever they are (reads the whole input into memory)")
      ->needs(flat);
  cmd->add_flag("--resume", o->common.append,
                "With -o FILE: keep the queries a killed run completed in FILE, redo the rest");
  cmd->callback([o, min_score] {
    CommonOptions& c = o->common;
    RunOptions& run = c.run;
    run.format = parse_output_format(o->format);
    run.long_docs = parse_long_docs(o->long_docs);
    if (!o->aggregate.empty()) run.aggregate = parse_aggregate(o->aggregate);
    if (min_score->count() > 0) run.min_score = static_cast<float>(o->min_score);
    if (o->label >= 0) run.label = static_cast<size_t>(o->label);
    if (!o->shard.empty()) parse_shard(o->shard, run);
    if (!o->doc_fields.empty()) parse_doc_fields(o->doc_fields, run.documents);
    check_rerank_options(run);
    if (c.append && c.output == "-") throw ConfigError("--resume needs -o FILE (it reads what the file holds)");
    // --resume cuts -o back to its complete queries: only once every option is known good.
    run_writing_command("rerank", c, run_rerank, [&] {
      if (c.append) run.done = prepare_resume(c.output, run.format);
    });
  });
}

}  // namespace crossrank::cli
