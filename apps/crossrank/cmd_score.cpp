#include "common.hpp"

namespace crossrank::cli {

void add_score_command(CLI::App& app) {
  auto o = std::make_shared<CommonOptions>();
  CLI::App* cmd = app.add_subcommand(
      "score", "Score one pair per line: {\"text_a\", \"text_b\"}, {\"query\", \"text\"}, ...");
  add_model_options(*cmd, *o);
  add_instruction_option(*cmd, *o);
  add_io_options(*cmd, *o);
  cmd->callback([o] {
    run_writing_command("score", *o, [](Reranker& reranker, LineSource& in, LineWriter& out, const RunOptions& run) {
      ScoreWriter writer(out);
      return run_score(reranker, in, writer, run);
    });
  });
}

}  // namespace crossrank::cli
